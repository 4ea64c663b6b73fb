import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import { classifyError } from '../../errors/classify.js';
import { PipelineError } from '../../errors/pipeline-error.js';
import { msUntil, withTimeLimit } from '../../util/deadline.js';
import { Semaphore } from '../../util/semaphore.js';
import { DETACH } from '../engine.js';
import type {
  CancelOutcome,
  DownloadOptions,
  DownloadResult,
  EngineAdapter,
  EngineCapabilities,
  EngineHealth,
  EngineOutput,
  Graph,
  RunRequest,
  RunResult,
} from '../engine.js';
import { ComfyHttpClient } from './client.js';
import { ComfyCatalogue } from './catalogue-cache.js';
import { ComfyPrompts } from './prompts.js';
import { RunTracker, type TrackOutcome } from './run-tracker.js';
import { probeSystemStats } from './health-probe.js';
import { downloadOutput, uploadInputImage } from './transfers.js';
import { ComfySocket } from './socket.js';

export interface LocalComfyOptions {
  /** This backend's stable id (default `local_comfy`); several ComfyUI backends each get their own. */
  engineId?: string;
  baseUrl: string;
  httpTimeoutMs: number;
  healthTimeoutMs: number;
  /** How often /history is polled while the socket is open (it is polled faster when it is not). */
  pollIntervalMs?: number;
  heartbeatMs?: number;
  objectInfoTtlMs?: number;
  /** How long ComfyUI may be unreachable mid-run before the job fails with ENGINE_OFFLINE. */
  unreachableGraceMs?: number;
  /** Resubmissions of a prompt that ComfyUI lost (e.g. it restarted). */
  maxResubmits?: number;
  onLog?: (level: 'debug' | 'warn', msg: string, extra?: Record<string, unknown>) => void;
  /** The most bytes a JSON answer of ComfyUI may have. */
  maxJsonBytes?: number;
  /** The largest WebSocket message accepted from ComfyUI. */
  wsMaxPayloadBytes?: number;
  /** Output downloads in flight at once, over all jobs (also the transfer pool's connections). */
  downloadConcurrency?: number;
  /** A health probe's answer is reused for this long (a burst of health calls is one probe). */
  healthCacheMs?: number;
  /**
   * The WebSocket client id; pass the same one across restarts (ComfyUI sends a prompt's progress
   * only to the client that submitted it). A fresh one when omitted.
   */
  clientId?: string;
  /** Budget of the upstream cancel (queue delete or interrupt) sent when a job is cancelled. */
  cancelTimeoutMs?: number;
}

/**
 * ComfyUI over HTTP (undici) + WebSocket (ws), as `local_comfy`. Submission carries our own prompt
 * id so nothing runs twice; completion is detected from the socket and confirmed from /history,
 * which is also polled so a dropped or silent socket can never hang a job.
 *
 * The adapter composes the parts: one RunTracker per submission (run-tracker.ts), the calls about
 * a prompt (prompts.ts), the catalogue and model folders for preflight, transfers, the health probe.
 */
export class LocalComfyAdapter implements EngineAdapter {
  readonly engineId: string;
  readonly engineKind = 'local_comfy';
  readonly engineType = 'local' as const;
  readonly clientId: string;
  private readonly http: ComfyHttpClient;
  private readonly socket: ComfySocket;
  private readonly catalogue: ComfyCatalogue;
  private lastHealth: EngineHealth | null = null;
  private healthAt = 0;
  private healthProbe: Promise<EngineHealth> | null = null;
  private readonly downloads: Semaphore;
  private readonly prompts: ComfyPrompts;

  constructor(private readonly options: LocalComfyOptions) {
    this.engineId = options.engineId ?? 'local_comfy';
    this.clientId = options.clientId ?? randomUUID().replace(/-/g, '');
    const downloadConcurrency = options.downloadConcurrency ?? 4;
    this.http = new ComfyHttpClient({
      baseUrl: options.baseUrl,
      timeoutMs: options.httpTimeoutMs,
      maxJsonBytes: options.maxJsonBytes,
      transferConnections: downloadConcurrency,
    });
    this.socket = new ComfySocket({
      baseUrl: options.baseUrl,
      clientId: this.clientId,
      heartbeatMs: options.heartbeatMs,
      maxPayloadBytes: options.wsMaxPayloadBytes,
      onLog: options.onLog,
    });
    this.downloads = new Semaphore(downloadConcurrency);
    this.catalogue = new ComfyCatalogue(this.http, options.objectInfoTtlMs ?? 60_000);
    this.prompts = new ComfyPrompts(this.http, this.clientId, options.cancelTimeoutMs ?? 5_000, (err, what) =>
      this.engineError(err, what),
    );
  }

  lookup(promptId: string, signal?: AbortSignal): Promise<'queued' | 'running' | 'finished' | 'unknown'> {
    return this.prompts.lookup(promptId, signal);
  }

  /** Remove a queued prompt or interrupt a running one, within cancelTimeoutMs (default 5 s). */
  cancel(promptId: string, signal?: AbortSignal): Promise<CancelOutcome> {
    return this.prompts.cancel(promptId, signal);
  }

  /** POST /free: ComfyUI unloads its models and frees VRAM and caches once the current prompt is done. */
  async free(signal?: AbortSignal): Promise<void> {
    try {
      await this.http.json('POST', '/free', {
        json: { unload_models: true, free_memory: true },
        signal,
        expectEmpty: true,
        safe: true,
      });
    } catch (err) {
      throw this.engineError(err, 'freeing its memory');
    }
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** A probe of /system_stats on its own connection pool and time limit; answers within healthCacheMs share one probe. */
  health(): Promise<EngineHealth> {
    const ttl = this.options.healthCacheMs ?? 1_500;
    if (this.lastHealth && Date.now() - this.healthAt < ttl) return Promise.resolve(this.lastHealth);
    this.healthProbe ??= this.probe().finally(() => {
      this.healthProbe = null;
    });
    return this.healthProbe;
  }

  private async probe(): Promise<EngineHealth> {
    const health = await probeSystemStats(this.http, {
      engineId: this.engineId,
      engineType: this.engineType,
      timeoutMs: this.options.healthTimeoutMs,
      websocketOpen: () => this.socket.isOpen,
    });
    this.lastHealth = health;
    this.healthAt = Date.now();
    return health;
  }

  async capabilities(options: { refresh?: boolean } = {}): Promise<EngineCapabilities> {
    try {
      return await this.catalogue.capabilities(options.refresh);
    } catch (err) {
      throw this.engineError(err, 'reading its node catalogue');
    }
  }

  async preflight(graph: Graph): Promise<void> {
    try {
      await this.catalogue.check(graph);
    } catch (err) {
      throw this.engineError(err, 'reading its node catalogue');
    }
  }

  async run(request: RunRequest): Promise<RunResult> {
    try {
      return await this.runOnce(request);
    } catch (err) {
      // Something was missing after all: the next preflight must read catalogue and folders afresh.
      if (err instanceof PipelineError && err.code === 'DEPENDENCY_MISSING') this.catalogue.forget();
      throw this.engineError(err, 'following the run');
    }
  }

  /**
   * Anything thrown while interpreting ComfyUI's answers that is not already a taxonomy error is a
   * protocol error: ComfyUI sent something this service cannot read. Disk errors keep their own code.
   */
  private engineError(err: unknown, what: string): PipelineError {
    if (err instanceof PipelineError) return err;
    const classified = classifyError(err);
    if (classified.code !== 'UNKNOWN_ERROR') return classified;
    this.options.onLog?.('warn', `unreadable ComfyUI answer while ${what}`, {
      error: err instanceof Error ? err.message.slice(0, 200) : String(err).slice(0, 200),
    });
    return new PipelineError('ENGINE_PROTOCOL_ERROR', `ComfyUI sent an answer this service cannot read while ${what}`, {
      cause: err,
    });
  }

  private async runOnce(request: RunRequest): Promise<RunResult> {
    const maxResubmits = request.allowResubmit === false ? 0 : (this.options.maxResubmits ?? 1);
    let promptId = request.promptId;
    let resume = Boolean(request.resume);
    if (resume) {
      // A run submitted by an earlier process: follow it if ComfyUI knows it, else submit it now.
      const state = await withTimeLimit([request.signal], Math.min(10_000, msUntil(request.deadlineAt)), (s) =>
        this.lookup(promptId, s),
      ).catch((err: unknown) => {
        if (err instanceof PipelineError && err.code === 'ENGINE_OFFLINE') throw err;
        return 'running' as const; // unsure: follow it; the tracker finds out
      });
      if (state === 'unknown') {
        if (request.allowResubmit === false)
          throw new PipelineError(
            'ENGINE_EXECUTION_FAILED',
            'ComfyUI lost the prompt and it was already submitted twice',
            { detail: { prompt_id: promptId, lost: true } },
          );
        resume = false;
      }
    }
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.submitAndTrack({ ...request, promptId, resume: attempt === 0 && resume });
      if (outcome.kind === 'done') return outcome.result;
      if (attempt >= maxResubmits) {
        throw new PipelineError(
          'ENGINE_EXECUTION_FAILED',
          'ComfyUI lost the prompt (it probably restarted) and a resubmission was lost too',
          { detail: { prompt_id: promptId, lost: true } },
        );
      }
      this.options.onLog?.('warn', 'ComfyUI lost the prompt; resubmitting once', { prompt_id: promptId });
      promptId = outcome.promptId;
    }
  }

  /** One submission followed to its end (see RunTracker). */
  private submitAndTrack(request: RunRequest): Promise<TrackOutcome> {
    return new RunTracker(
      {
        socket: this.socket,
        prompts: this.prompts,
        pollInterval: () => this.pollInterval(),
        unreachableGraceMs: this.options.unreachableGraceMs ?? 30_000,
        allMissing: (graph) => this.catalogue.allMissing(graph, true),
        cancelSoon: (promptId) => this.cancelSoon(promptId),
        stopped: (signal, promptId) => this.stopped(signal, promptId),
      },
      request,
    ).track();
  }

  /** The job's signal fired: a shutdown detaches (the run continues in ComfyUI), a cancel removes it upstream. */
  private stopped(signal: AbortSignal, promptId: string): PipelineError {
    if (signal.reason === DETACH)
      return new PipelineError(
        'SERVICE_UNAVAILABLE',
        'The service stopped following the job (shutting down); it continues in ComfyUI',
        { detail: { prompt_id: promptId } },
      );
    void this.cancelSoon(promptId);
    return new PipelineError('JOB_CANCELLED', 'The job was cancelled', { detail: { prompt_id: promptId } });
  }

  /**
   * Remove a prompt from ComfyUI without holding the job hostage to a slow or hung server: the
   * removal gets its own budget (cancelTimeoutMs) and goes on in the background; the caller waits
   * for it at most a second. Returns the outcome, or 'pending' when it is still under way.
   */
  private async cancelSoon(promptId: string): Promise<CancelOutcome | 'failed' | 'pending'> {
    const removal = this.cancel(promptId).catch((err: unknown) => {
      this.options.onLog?.('warn', 'could not remove a prompt from ComfyUI', {
        prompt_id: promptId,
        error_code: err instanceof PipelineError ? err.code : 'UNKNOWN_ERROR',
      });
      return 'failed' as const;
    });
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'pending'>((resolve) => {
      timer = setTimeout(() => resolve('pending'), 1_000);
      timer.unref();
    });
    try {
      return await Promise.race([removal, waited]);
    } finally {
      clearTimeout(timer);
    }
  }

  private pollInterval(): number {
    const base = this.options.pollIntervalMs ?? 1000;
    return this.socket.isOpen ? base : Math.min(base, 250);
  }

  /** Stream one output into `sink` (see downloadOutput), waiting for one of the download slots. */
  download(output: EngineOutput, sink: Writable, options: DownloadOptions = {}): Promise<DownloadResult> {
    return downloadOutput(this.http, this.downloads, output, sink, options, (err, what) => this.engineError(err, what));
  }

  uploadImage(name: string, bytes: Buffer, contentType: string, signal?: AbortSignal): Promise<string> {
    return uploadInputImage(
      this.http,
      { name, bytes, contentType, signal, timeoutMs: this.options.httpTimeoutMs },
      (err, what) => this.engineError(err, what),
    );
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.http.close();
  }
}
