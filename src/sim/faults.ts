/**
 * What a broken or hostile ComfyUI (or a proxy in front of one) answers instead of the real thing.
 * Each is something seen from real servers: error pages, purged outputs, resets, stalls, bodies that
 * never end or are far too big, and JSON of the wrong shape.
 */
export type HostileAnswer =
  /** This status with this body (default: empty) instead of the answer; `times` limits it (default always). */
  | { kind: 'status'; status: number; body?: string; contentType?: string; times?: number }
  /** The connection is destroyed before anything is sent. */
  | { kind: 'reset'; times?: number }
  /** 200 announcing 100 000 bytes, 10 sent, then the connection is destroyed. */
  | { kind: 'reset-mid-body'; times?: number }
  /** 200 whose body arrives one byte a second, for ever (a valid JSON start, or the file for /view). */
  | { kind: 'trickle'; times?: number }
  /** 200 chunked body that never ends, sent as fast as the client reads. */
  | { kind: 'endless'; times?: number }
  /** 200 with a valid JSON body of about this many bytes (Content-Length set). */
  | { kind: 'oversized'; bytes: number; times?: number }
  /** 200 text/html that is not JSON (a proxy's error page, a captive portal). */
  | { kind: 'garbage'; times?: number }
  /** 200 JSON whose fields have the wrong types for this route. */
  | { kind: 'wrong-shape'; times?: number };

/** WebSocket misbehaviour. */
export type HostileSocket =
  /** Before every real message: malformed JSON, wrong types in every field, random binary frames. */
  | 'garbage'
  /** A text message larger than any client should accept, right after connecting. */
  | 'oversized'
  /** The upgrade is answered with HTTP 500. */
  | 'refuse-upgrade'
  /** The upgrade is never answered. */
  | 'hang-upgrade';

/** Fault switches of the simulator; change them at runtime with sim.setFaults({...}). */
export interface SimFaults {
  /** Milliseconds per sampler step / upscale tile. */
  stepMs: number;
  /** Terminate each WebSocket after it has sent this many messages (null = never). */
  dropSocketAfterMessages: number | null;
  /** Stop sending anything on WebSockets (the connection stays open). */
  silentSocket: boolean;
  /** A running prompt never finishes on its own: it waits at its first sampler step until interrupted. */
  hangExecution: boolean;
  /** HTTP paths (without /api prefix) that are accepted but never answered. */
  hangPaths: string[];
  /** HTTP path → how many more times to answer 500 (-1: always). */
  http500: Record<string, number>;
  /** HTTP paths answered with a truncated JSON body ("/history/*" matches by prefix). */
  malformedPaths: string[];
  /** /view announces the full length but closes the connection halfway. */
  truncateView: boolean;
  /** Node classes that raise an exception when they run. */
  failNodeClasses: string[];
  /**
   * Exceptions a GPU raises, by node class, for the next `times` runs of that class (-1: always):
   * `oom` is torch.OutOfMemoryError ("Allocation on device"), `cuda` a RuntimeError "CUDA error: an
   * illegal memory access was encountered". Each run consumes one.
   */
  gpuFaults: Record<string, { kind: 'oom' | 'cuda'; times: number }>;
  /** Throttle /view to this many bytes per second (null = unthrottled). */
  viewBytesPerSecond: number | null;
  /** Model files to hide from the model folders, by file name. */
  missingModels: string[];
  /** Installed third-party packs (ids of catalogue PACKS). */
  packs: string[];
  /** Send binary preview frames after progress messages. */
  previews: boolean;
  /**
   * Pad every SaveImage PNG to at least this many bytes with a private ancillary chunk (still a
   * valid PNG). For streaming benchmarks of large outputs; null = off.
   */
  padOutputBytes: number | null;
  /** Accept only canonical UUID prompt ids (newest builds); false = any string (2025 builds). */
  strictPromptId: boolean;
  /** Support targeted /interrupt {prompt_id} (2025+); false = always a global interrupt. */
  targetedInterrupt: boolean;
  /** Answer a graph naming a class that is not installed in the older shape (0.3.x builds): `invalid_prompt`. */
  legacyMissingNode: boolean;
  /** Hostile answers by path without the /api prefix ("/view", "/history/*" matches by prefix). */
  hostile: Record<string, HostileAnswer>;
  hostileSocket: HostileSocket | null;
}

export const DEFAULT_FAULTS: Readonly<SimFaults> = Object.freeze({
  stepMs: 0,
  dropSocketAfterMessages: null,
  silentSocket: false,
  hangExecution: false,
  hangPaths: [],
  http500: {},
  malformedPaths: [],
  truncateView: false,
  failNodeClasses: [],
  gpuFaults: {},
  viewBytesPerSecond: null,
  missingModels: [],
  packs: ['ipadapter_plus', 'instantid', 'facerestore_cf', 'propost', 'videohelpersuite'],
  previews: false,
  padOutputBytes: null,
  strictPromptId: true,
  targetedInterrupt: true,
  legacyMissingNode: false,
  hostile: {},
  hostileSocket: null,
});

/** A fresh copy of the defaults with `overrides`: nothing nested is shared between simulators. */
export function faultsWith(overrides: Partial<SimFaults> = {}): SimFaults {
  return structuredClone({ ...DEFAULT_FAULTS, ...overrides });
}
