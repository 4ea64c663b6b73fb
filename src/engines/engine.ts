import type { Writable } from 'node:stream';

/** A ComfyUI API-format graph: node id → {class_type, inputs}. */
export type GraphInput = string | number | boolean | null | [string, number] | { __value__: unknown[] };
export interface GraphNode {
  class_type: string;
  inputs: Record<string, GraphInput>;
  _meta?: { title?: string };
}
export type Graph = Record<string, GraphNode>;

export interface EngineHealth {
  engine_id: string;
  engine_type: 'local' | 'remote';
  status: 'healthy' | 'unhealthy' | 'unknown';
  latency_ms: number | null;
  checked_at: string;
  error_code: string | null;
  message: string | null;
  /** Engine-specific facts, e.g. ComfyUI version and devices. */
  detail: Record<string, unknown>;
}

/** A file an engine produced, as the engine names it. */
export interface EngineOutput {
  node_id: string;
  /** The history key it came under: images, gifs, videos, audio, files… */
  kind: string;
  filename: string;
  subfolder: string;
  type: string;
}

export interface RunProgress {
  /** 0..1 over the whole graph. */
  progress: number;
  node: string | null;
}

/** A place in line for one submission: prompts of one caller reach the engine in the order given. */
export interface SubmitTurn {
  /** Resolves when the previous run's submission was answered (or gave up). */
  ready: Promise<void>;
  /** This run's submission was answered, failed, or will not happen: the next one may go. */
  done(): void;
}

export interface RunRequest {
  graph: Graph;
  /** Our id for the run; engines that accept client ids use it so a retry never runs twice. */
  promptId: string;
  /** Absolute time (epoch ms) after which the run fails with ENGINE_TIMEOUT and is removed upstream. */
  deadlineAt: number;
  /**
   * The run was handed over early (prefetched), to wait in the engine's queue behind the caller's
   * own runs: once the engine starts it, its deadline becomes this long from then (never later than
   * deadlineAt), and its place in the queue is asked for only at the poll interval (why it waits is
   * known; asking at once costs the engine a /queue answer per job).
   */
  deadlineFromStartMs?: number;
  /**
   * Aborting cancels the run upstream, unless the reason is DETACH: then the engine stops
   * following it and leaves it running (graceful shutdown; the next start picks it up).
   */
  signal?: AbortSignal;
  /** Submit only once the previous run's submission was answered (waiting a bounded time for it). */
  submitTurn?: SubmitTurn;
  /** The run was submitted before (by an earlier process): follow it instead of submitting. */
  resume?: boolean;
  /** May a prompt ComfyUI lost (it restarted) be submitted again? Default true, once. */
  allowResubmit?: boolean;
  onProgress?: (p: RunProgress) => void;
  /**
   * Files the run has already written, reported as soon as the engine says so (before the run is
   * over), so they can be fetched early. Advisory: the final list is RunResult.outputs.
   */
  onOutputs?: (files: EngineOutput[]) => void;
  /**
   * Called once the engine says it has stopped executing the run (finished, failed or interrupted),
   * possibly before the outcome is confirmed: from then on the engine is free for the next run.
   */
  onIdle?: () => void;
  /** Called when the engine accepted the run ('submitted') or a resumed run is being followed ('resumed'). */
  onSubmitted?: (promptId: string, how: 'submitted' | 'resumed') => void;
  /**
   * The run waits in the engine's own queue behind other work (another client's prompt, say):
   * `ahead` prompts run before it. Called again when that number changes, never after onStarted.
   */
  onQueued?: (ahead: number) => void;
  /**
   * The engine began executing the run (once; before run() resolves, at the latest), with the run's
   * deadline from then on (moved earlier for a prefetched run, see deadlineFromStartMs).
   */
  onStarted?: (deadlineAt: number) => void;
  /** The most output files a run may list (OUTPUT_MAX_COUNT); more is ENGINE_PROTOCOL_ERROR. */
  maxOutputs?: number;
}

export interface RunResult {
  promptId: string;
  outputs: EngineOutput[];
  /** Every node came from the engine's cache (no new files were written). */
  fullyCached: boolean;
}

export interface DownloadOptions {
  /** Aborts the transfer (the job's cancel and deadline). */
  signal?: AbortSignal;
  /** The most bytes the output may have (OUTPUT_MAX_BYTES); more is OUTPUT_TOO_LARGE. */
  maxBytes?: number;
}

export interface DownloadResult {
  contentType: string;
  sizeBytes: number;
}

/** Abort reason meaning "stop following, do not cancel upstream". */
export const DETACH = 'detach';

export type CancelOutcome = 'removed_from_queue' | 'interrupted' | 'not_active';

/**
 * What the core needs from an engine. Implementations know nothing of jobs or the store: they take
 * a graph, a signal and callbacks, and stream outputs into sinks the caller owns.
 *
 * ComfyUI-specific, plainly: the graph is ComfyUI's API format (node id → class_type and inputs);
 * capabilities are ComfyUI's /object_info classes and combo choices; prompt ids are ComfyUI prompt
 * ids (chosen by us so a retry never runs twice); outputs are ComfyUI's (filename, subfolder, type)
 * triples; `free` is ComfyUI's POST /free. Another engine would map its own notions onto these. Every method
 * throws PipelineError with a taxonomy code (ENGINE_OFFLINE, ENGINE_TIMEOUT, DEPENDENCY_MISSING,
 * ENGINE_EXECUTION_FAILED, ENGINE_PROTOCOL_ERROR, JOB_CANCELLED…).
 */
export interface EngineAdapter {
  /** This backend's stable id (one per configured ComfyUI: `local_comfy`, `local_comfy_2`, or a name). */
  readonly engineId: string;
  /** What presets name in `engine_requirements`: every ComfyUI backend is `local_comfy`. */
  readonly engineKind: string;
  readonly engineType: 'local' | 'remote';
  /** Cheap liveness probe with latency; never throws. */
  health(): Promise<EngineHealth>;
  /** Node classes and model lists the engine offers (cached; `refresh` re-reads them). */
  capabilities(options?: { refresh?: boolean }): Promise<EngineCapabilities>;
  /** Throws DEPENDENCY_MISSING listing every missing node class and model at once. */
  preflight(graph: Graph): Promise<void>;
  /** Submit and follow a run to its end. Rejects on failure, deadline or abort. */
  run(request: RunRequest): Promise<RunResult>;
  /** Stream one output into `sink` without buffering it whole; one attempt, errors classified. */
  download(output: EngineOutput, sink: Writable, options?: DownloadOptions): Promise<DownloadResult>;
  /** Remove a queued run or interrupt a running one (only that one). */
  cancel(promptId: string, signal?: AbortSignal): Promise<CancelOutcome>;
  /** Look up a run submitted earlier (e.g. before a restart). */
  lookup(promptId: string, signal?: AbortSignal): Promise<'queued' | 'running' | 'finished' | 'unknown'>;
  /** Release the engine's memory (ComfyUI: POST /free, models unloaded after the current prompt). */
  free(signal?: AbortSignal): Promise<void>;
  /** Upload an input image; returns the name to bind in LoadImage. */
  uploadImage(name: string, bytes: Buffer, contentType: string, signal?: AbortSignal): Promise<string>;
  close(): Promise<void>;
}

export interface EngineCapabilities {
  node_classes: string[];
  /** For each class, the choice lists of its combo inputs (models, samplers…). */
  choices: Record<string, Record<string, string[]>>;
}
