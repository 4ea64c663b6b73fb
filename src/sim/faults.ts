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
}

export const DEFAULT_FAULTS: SimFaults = {
  stepMs: 0,
  dropSocketAfterMessages: null,
  silentSocket: false,
  hangExecution: false,
  hangPaths: [],
  http500: {},
  malformedPaths: [],
  truncateView: false,
  failNodeClasses: [],
  viewBytesPerSecond: null,
  missingModels: [],
  packs: ['ipadapter_plus', 'instantid', 'facerestore_cf', 'propost'],
  previews: false,
  padOutputBytes: null,
  strictPromptId: true,
  targetedInterrupt: true,
};
