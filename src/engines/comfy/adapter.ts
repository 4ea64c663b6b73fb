import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import { classifyError } from '../../errors/classify.js';
import { PipelineError } from '../../errors/pipeline-error.js';
import { boundedSignal, msUntil, withTimeLimit } from '../../util/deadline.js';
import { Semaphore } from '../../util/semaphore.js';
import { DETACH } from '../engine.js';
import type {
  CancelOutcome, DownloadOptions, DownloadResult, EngineAdapter, EngineCapabilities, EngineHealth, EngineOutput, Graph, RunRequest, RunResult,
} from '../engine.js';
import { ComfyHttpClient } from './client.js';
import { sleep } from '../../util/sleep.js';
import { probeSystemStats } from './health-probe.js';
import { downloadOutput, uploadInputImage } from './transfers.js';
import { ComfySocket } from './socket.js';
import { comboOptions, findMissing, type ObjectInfo } from './preflight.js';
import { findMissingModels } from './model-needs.js';
import { dependencyError, type MissingDependency } from './dependencies.js';
import { submitError } from './submit-errors.js';
import { outcomeOf, outputsOf, parseHistoryEntry, type HistoryEntry } from './history.js';
import { ProgressTracker } from './progress.js';
import type { ComfyMessage } from './messages.js';

export interface LocalComfyOptions {
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

/** One prompt's /history entry: the graph plus outputs and messages. */
const HISTORY_ENTRY_MAX_BYTES = 16 * 1024 * 1024;

const TERMINAL = new Set(['execution_success', 'execution_error', 'execution_interrupted']);
/** Messages that mean ComfyUI is executing the prompt (it left the queue). */
const EXECUTION_MESSAGES = new Set(['execution_start', 'execution_cached', 'executing', 'progress', 'progress_state', 'executed', ...TERMINAL]);
/** A prompt that has not started this long after submission is looked up in /queue (behind others?). */
const QUEUE_CHECK_AFTER_MS = 150;
/** ComfyUI has stopped executing the prompt: a terminal message, or the final `executing` with no node. */
const isFinal = (m: ComfyMessage) => TERMINAL.has(m.type) || (m.type === 'executing' && m.data.node === null);
/** Errors worth polling through: ComfyUI restarting, a reset connection, a 5xx. */
const TRANSIENT = new Set(['ENGINE_OFFLINE', 'ENGINE_TIMEOUT', 'CONNECTION_TIMEOUT', 'CONNECTION_REFUSED', 'ENGINE_PROTOCOL_ERROR']);

/**
 * ComfyUI over HTTP (undici) + WebSocket (ws), as `local_comfy`. Submission carries our own prompt
 * id so nothing runs twice; completion is detected from the socket and confirmed from /history,
 * which is also polled so a dropped or silent socket can never hang a job.
 *
 * Why one file of this size: it is one job, following a prompt on one ComfyUI. The tracking loop,
 * submission, lookups and cancel share the prompt's socket subscription, deadline and signal, so
 * they stay together; everything that needs none of that lives beside it (client, socket,
 * history, submit-errors, preflight, transfers, health-probe).
 */
export class LocalComfyAdapter implements EngineAdapter {
  readonly engineId = 'local_comfy';
  readonly engineType = 'local' as const;
  readonly clientId: string;
  private readonly http: ComfyHttpClient;
  private readonly socket: ComfySocket;
  private objectInfo: { at: number; value: ObjectInfo } | null = null;
  private objectInfoLoading: Promise<ObjectInfo> | null = null;
  private lastHealth: EngineHealth | null = null;
  private healthAt = 0;
  private healthProbe: Promise<EngineHealth> | null = null;
  private readonly downloads: Semaphore;

  constructor(private readonly options: LocalComfyOptions) {
    this.clientId = options.clientId ?? randomUUID().replace(/-/g, '');
    const downloadConcurrency = options.downloadConcurrency ?? 4;
    this.http = new ComfyHttpClient({ baseUrl: options.baseUrl, timeoutMs: options.httpTimeoutMs, maxJsonBytes: options.maxJsonBytes, transferConnections: downloadConcurrency });
    this.socket = new ComfySocket({ baseUrl: options.baseUrl, clientId: this.clientId, heartbeatMs: options.heartbeatMs, maxPayloadBytes: options.wsMaxPayloadBytes, onLog: options.onLog });
    this.downloads = new Semaphore(downloadConcurrency);
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** A probe of /system_stats on its own connection pool and time limit; answers within healthCacheMs share one probe. */
  health(): Promise<EngineHealth> {
    const ttl = this.options.healthCacheMs ?? 1_500;
    if (this.lastHealth && Date.now() - this.healthAt < ttl) return Promise.resolve(this.lastHealth);
    this.healthProbe ??= this.probe().finally(() => { this.healthProbe = null; });
    return this.healthProbe;
  }

  private async probe(): Promise<EngineHealth> {
    const health = await probeSystemStats(this.http, { engineId: this.engineId, engineType: this.engineType, timeoutMs: this.options.healthTimeoutMs, websocketOpen: () => this.socket.isOpen });
    this.lastHealth = health;
    this.healthAt = Date.now();
    return health;
  }

  private async loadObjectInfo(refresh = false): Promise<ObjectInfo> {
    const ttl = this.options.objectInfoTtlMs ?? 60_000;
    if (!refresh && this.objectInfo && Date.now() - this.objectInfo.at < ttl) return this.objectInfo.value;
    this.objectInfoLoading ??= this.http.json<ObjectInfo>('GET', '/object_info').then(({ data }) => {
      if (!data || typeof data !== 'object' || Array.isArray(data)) throw new PipelineError('ENGINE_PROTOCOL_ERROR', 'ComfyUI /object_info is not an object');
      for (const [cls, entry] of Object.entries(data)) if (!entry || typeof entry !== 'object') delete data[cls];
      this.objectInfo = { at: Date.now(), value: data };
      return data;
    }).finally(() => { this.objectInfoLoading = null; });
    return this.objectInfoLoading;
  }

  async capabilities(options: { refresh?: boolean } = {}): Promise<EngineCapabilities> {
    const info = await this.loadObjectInfo(options.refresh).catch((err: unknown) => { throw this.engineError(err, 'reading its node catalogue'); });
    const choices: EngineCapabilities['choices'] = {};
    for (const [cls, entry] of Object.entries(info)) {
      for (const group of [entry.input?.required ?? {}, entry.input?.optional ?? {}]) {
        for (const [input, spec] of Object.entries(group)) {
          const options = comboOptions(spec);
          if (options) (choices[cls] ??= {})[input] = options;
        }
      }
    }
    return { node_classes: Object.keys(info).sort(), choices };
  }

  async preflight(graph: Graph): Promise<void> {
    try {
      await this.checkDependencies(graph);
    } catch (err) {
      throw this.engineError(err, 'reading its node catalogue');
    }
  }

  private async checkDependencies(graph: Graph): Promise<void> {
    let missing = await this.findAllMissing(graph, false);
    // Models may have been installed since the catalogue was cached: re-read once before failing.
    if (missing.length > 0) missing = await this.findAllMissing(graph, true);
    if (missing.length > 0) throw dependencyError(missing);
  }

  /** Everything the graph needs that ComfyUI lacks: classes, choices, and model files by folder. */
  private async findAllMissing(graph: Graph, refresh: boolean): Promise<MissingDependency[]> {
    const info = await this.loadObjectInfo(refresh);
    if (refresh) this.modelLists.clear();
    return [...findMissing(graph, info), ...(await findMissingModels(graph, info, (folder) => this.listModelFolder(folder)))];
  }

  /** Folder listings (GET /models/{folder}), cached like the catalogue; null when ComfyUI has no such folder. */
  private readonly modelLists = new Map<string, { at: number; value: Promise<string[] | null> }>();

  private listModelFolder(folder: string): Promise<string[] | null> {
    const ttl = this.options.objectInfoTtlMs ?? 60_000;
    const cached = this.modelLists.get(folder);
    if (cached && Date.now() - cached.at < ttl) return cached.value;
    const value = this.http.json<unknown>('GET', `/models/${encodeURIComponent(folder)}`).then(({ data }) => {
      if (!Array.isArray(data)) throw new PipelineError('ENGINE_PROTOCOL_ERROR', `ComfyUI /models/${folder} is not a list`);
      return data.filter((e): e is string => typeof e === 'string');
    }, (err: unknown) => {
      // 404: no such folder (a pack that registers it is missing); 405 or 404 on servers older than /models.
      if (err instanceof PipelineError && (err.detail?.status === 404 || err.detail?.status === 405)) return null;
      throw err;
    });
    value.catch(() => this.modelLists.delete(folder));
    this.modelLists.set(folder, { at: Date.now(), value });
    return value;
  }

  async run(request: RunRequest): Promise<RunResult> {
    try {
      return await this.runOnce(request);
    } catch (err) {
      // Something was missing after all: the next preflight must read catalogue and folders afresh.
      if (err instanceof PipelineError && err.code === 'DEPENDENCY_MISSING') this.forgetCatalogue();
      throw this.engineError(err, 'following the run');
    }
  }

  private forgetCatalogue(): void {
    this.objectInfo = null;
    this.modelLists.clear();
  }

  /**
   * Anything thrown while interpreting ComfyUI's answers that is not already a taxonomy error is a
   * protocol error: ComfyUI sent something this service cannot read. Disk errors keep their own code.
   */
  private engineError(err: unknown, what: string): PipelineError {
    if (err instanceof PipelineError) return err;
    const classified = classifyError(err);
    if (classified.code !== 'UNKNOWN_ERROR') return classified;
    this.options.onLog?.('warn', `unreadable ComfyUI answer while ${what}`, { error: err instanceof Error ? err.message.slice(0, 200) : String(err).slice(0, 200) });
    return new PipelineError('ENGINE_PROTOCOL_ERROR', `ComfyUI sent an answer this service cannot read while ${what}`, { cause: err });
  }

  private async runOnce(request: RunRequest): Promise<RunResult> {
    const maxResubmits = request.allowResubmit === false ? 0 : (this.options.maxResubmits ?? 1);
    let promptId = request.promptId;
    let resume = Boolean(request.resume);
    if (resume) {
      // A run submitted by an earlier process: follow it if ComfyUI knows it, else submit it now.
      const state = await withTimeLimit([request.signal], Math.min(10_000, msUntil(request.deadlineAt)), (s) => this.lookup(promptId, s)).catch((err: unknown) => {
        if (err instanceof PipelineError && err.code === 'ENGINE_OFFLINE') throw err;
        return 'running' as const; // unsure: follow it; the tracker finds out
      });
      if (state === 'unknown') {
        if (request.allowResubmit === false) throw new PipelineError('ENGINE_EXECUTION_FAILED', 'ComfyUI lost the prompt and it was already submitted twice', { detail: { prompt_id: promptId, lost: true } });
        resume = false;
      }
    }
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.submitAndTrack({ ...request, promptId, resume: attempt === 0 && resume });
      if (outcome.kind === 'done') return outcome.result;
      if (attempt >= maxResubmits) {
        throw new PipelineError('ENGINE_EXECUTION_FAILED', 'ComfyUI lost the prompt (it probably restarted) and a resubmission was lost too', { detail: { prompt_id: promptId, lost: true } });
      }
      this.options.onLog?.('warn', 'ComfyUI lost the prompt; resubmitting once', { prompt_id: promptId });
      promptId = outcome.promptId;
    }
  }

  private async submitAndTrack(request: RunRequest): Promise<{ kind: 'done'; result: RunResult } | { kind: 'lost'; promptId: string }> {
    const { graph, deadlineAt, signal } = request;
    if (signal?.aborted) throw new PipelineError('JOB_CANCELLED', 'The job was cancelled before submission');
    // Listen before submitting so no message of this prompt can be missed.
    const inbox: ComfyMessage[] = [];
    let wake: (() => void) | null = null;
    const notify = () => { const w = wake; wake = null; w?.(); };
    let promptId = request.promptId;
    // ComfyUI is done with the prompt once it says so (the outcome is confirmed from /history
    // after): the caller may hand it the next prompt at once, not after that round trip. Heard
    // here, not in the loop below, so a slow /history poll cannot hold it back.
    let idle = false;
    const receive = (m: ComfyMessage) => {
      inbox.push(m);
      if (!idle && isFinal(m)) {
        idle = true;
        request.onIdle?.();
      }
      notify();
    };
    let unsubscribe = this.socket.subscribe(promptId, receive);
    let reconnected = false;
    const offReconnect = this.socket.onReconnect(() => { reconnected = true; notify(); });
    const onAbort = () => notify();
    signal?.addEventListener('abort', onAbort);
    try {
      // Listen first when the socket opens promptly; a socket that does not (a hung upgrade) must not
      // eat the job's deadline: /history polling covers the run, and the socket keeps connecting.
      await this.socket.ensureOpen(Math.min(1_000, msUntil(deadlineAt) / 4));
      let accepted: string = promptId;
      if (!request.resume) try {
        const submitLimit = boundedSignal([signal], msUntil(deadlineAt));
        try {
          accepted = await this.submit(graph, promptId, submitLimit.signal);
        } finally {
          submitLimit.dispose();
        }
      } catch (err) {
        if (signal?.aborted) throw this.stopped(signal, promptId);
        if (Date.now() >= deadlineAt || (err instanceof PipelineError && err.code === 'ENGINE_TIMEOUT' && Date.now() >= deadlineAt - 50)) {
          // The deadline passed while ComfyUI did not answer: make sure nothing runs later.
          const upstream = await this.cancelSoon(promptId);
          throw new PipelineError('ENGINE_TIMEOUT', 'ComfyUI did not accept the job before its deadline', { detail: { prompt_id: promptId, upstream } });
        }
        if (err instanceof PipelineError && err.code === 'DEPENDENCY_MISSING') {
          // ComfyUI names only the first missing class; a fresh catalogue lists everything at once.
          const all = await this.findAllMissing(graph, true).catch(() => []);
          if (all.length > 0) throw dependencyError(all);
        }
        throw err;
      }
      if (accepted !== promptId) {
        // Servers that ignore client prompt ids (older builds) assign their own.
        unsubscribe();
        promptId = accepted;
        unsubscribe = this.socket.subscribe(promptId, receive);
      }
      request.onSubmitted?.(promptId, request.resume ? 'resumed' : 'submitted');
      // Started once ComfyUI says anything of this prompt's execution; until then it may be waiting
      // behind other clients' prompts, which /queue shows (read only when the start is not prompt).
      let started = false;
      const markStarted = () => {
        if (started) return;
        started = true;
        request.onStarted?.();
      };
      let lastAhead = -1;
      let queueCheckAt = Date.now() + QUEUE_CHECK_AFTER_MS;

      const progress = new ProgressTracker(graph);
      let terminalSeen = false;
      let terminalAt = 0;
      let polls = 0;
      let nextPollAt = Date.now() + this.pollInterval();
      let unreachableSince = 0;
      let historyRetries = 0;
      let protocolFailures = 0;
      for (;;) {
        if (signal?.aborted) throw this.stopped(signal, promptId);
        if (Date.now() >= deadlineAt) {
          const upstream = await this.cancelSoon(promptId);
          throw new PipelineError('ENGINE_TIMEOUT', upstream === 'pending'
            ? 'The job did not finish before its deadline; its removal from ComfyUI was sent'
            : 'The job did not finish before its deadline; it was removed from ComfyUI', { detail: { prompt_id: promptId, upstream } });
        }
        for (const message of inbox.splice(0)) {
          if (EXECUTION_MESSAGES.has(message.type)) markStarted();
          const value = progress.update(message);
          if (value !== null) request.onProgress?.({ progress: value, node: null });
          // An output node reports its files when it finishes: they are complete on ComfyUI's disk.
          if (message.type === 'executed' && request.onOutputs && typeof message.data.node === 'string' && message.data.output && typeof message.data.output === 'object') {
            const files = outputsOf({ outputs: { [message.data.node]: message.data.output as Record<string, unknown> } });
            if (files.length > 0) request.onOutputs(files);
          }
          if (isFinal(message)) terminalSeen = true;
        }
        if (!started && Date.now() >= queueCheckAt) {
          queueCheckAt = Date.now() + this.pollInterval();
          const place = await this.queuePlace(promptId, signal, deadlineAt).catch(() => null);
          if (place?.state === 'running' || place?.state === 'finished') markStarted();
          else if (place?.state === 'queued' && place.ahead !== lastAhead) {
            lastAhead = place.ahead;
            request.onQueued?.(place.ahead);
          }
        }
        const shouldPoll = terminalSeen || reconnected || Date.now() >= nextPollAt;
        if (shouldPoll) {
          reconnected = false;
          polls++;
          // Each poll is bounded by the deadline and the job's signal, so a hung ComfyUI cannot
          // hold the job past its deadline.
          const pollLimit = boundedSignal([signal], msUntil(deadlineAt));
          let entry: HistoryEntry | null;
          let state: Awaited<ReturnType<LocalComfyAdapter['lookup']>> | null = null;
          try {
            entry = await this.historyEntry(promptId, pollLimit.signal);
            if (!entry && !terminalSeen && polls % 3 === 0) state = await this.lookup(promptId, pollLimit.signal);
            unreachableSince = 0;
            protocolFailures = 0;
          } catch (err) {
            pollLimit.dispose();
            if (!(err instanceof PipelineError)) throw err;
            // Deadline or cancel: handled at the loop top.
            if (err.code === 'JOB_CANCELLED' || signal?.aborted || Date.now() >= deadlineAt) continue;
            if (!TRANSIENT.has(err.code)) throw err;
            unreachableSince ||= Date.now();
            // A server that answers, but in garbage, is not coming back by waiting: give up after a
            // few polls. An unreachable one may be restarting: wait for the grace period.
            protocolFailures = err.code === 'ENGINE_PROTOCOL_ERROR' ? protocolFailures + 1 : 0;
            if (protocolFailures >= 5) throw err;
            if (Date.now() - unreachableSince > (this.options.unreachableGraceMs ?? 30_000)) {
              throw new PipelineError('ENGINE_OFFLINE', `ComfyUI stopped answering while the job ran (${err.message})`, { detail: { prompt_id: promptId, last_error: err.code } });
            }
            nextPollAt = Date.now() + 500;
            await this.waitForWake((w) => { wake = w; }, Math.min(nextPollAt, deadlineAt) - Date.now());
            continue;
          }
          pollLimit.dispose();
          if (entry) {
            markStarted();
            const outputs = outcomeOf(entry, promptId);
            request.onProgress?.({ progress: 1, node: null });
            const cachedAll = (entry.status?.messages ?? []).some(([t, d]) => t === 'execution_cached' && Array.isArray(d.nodes) && d.nodes.length >= Object.keys(graph).length);
            if (outputs.length > (request.maxOutputs ?? Infinity)) {
              throw new PipelineError('ENGINE_PROTOCOL_ERROR', `ComfyUI listed ${outputs.length} output files; at most ${request.maxOutputs} are stored per job (OUTPUT_MAX_COUNT)`, { detail: { prompt_id: promptId, outputs: outputs.length, max: request.maxOutputs } });
            }
            return { kind: 'done', result: { promptId, outputs, fullyCached: cachedAll } };
          }
          if (terminalSeen) {
            // execution_success precedes the history write (§2.5): give it a moment.
            terminalAt ||= Date.now();
            if (Date.now() - terminalAt > 10_000) terminalSeen = false;
            else { await this.waitForWake((w) => { wake = w; }, Math.min(200, 5 * 2 ** historyRetries++, deadlineAt - Date.now())); continue; }
          }
          if (state === 'unknown') return { kind: 'lost', promptId };
          nextPollAt = Date.now() + this.pollInterval();
        }
        await this.waitForWake((w) => { wake = w; }, Math.min(nextPollAt, started ? Infinity : queueCheckAt, deadlineAt) - Date.now());
      }
    } finally {
      unsubscribe();
      offReconnect();
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The job's signal fired: a shutdown detaches (the run continues in ComfyUI), a cancel removes it upstream. */
  private stopped(signal: AbortSignal, promptId: string): PipelineError {
    if (signal.reason === DETACH) return new PipelineError('SERVICE_UNAVAILABLE', 'The service stopped following the job (shutting down); it continues in ComfyUI', { detail: { prompt_id: promptId } });
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
      this.options.onLog?.('warn', 'could not remove a prompt from ComfyUI', { prompt_id: promptId, error_code: err instanceof PipelineError ? err.code : 'UNKNOWN_ERROR' });
      return 'failed' as const;
    });
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'pending'>((resolve) => { timer = setTimeout(() => resolve('pending'), 1_000); timer.unref(); });
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

  private waitForWake(register: (w: () => void) => void, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, ms));
      register(() => { clearTimeout(timer); resolve(); });
    });
  }

  /** POST /prompt; an ambiguous failure is resolved by looking the id up before any retry. */
  private async submit(graph: Graph, promptId: string, signal?: AbortSignal): Promise<string> {
    const body = { prompt: graph, client_id: this.clientId, prompt_id: promptId };
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.http.raw('POST', '/prompt', { body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal });
        const text = await this.http.readText(res, 'POST', '/prompt', HISTORY_ENTRY_MAX_BYTES, signal);
        let data: unknown;
        try { data = text ? JSON.parse(text) : null; } catch { data = undefined; }
        if (res.status === 400) {
          // ComfyUI's refusals are {error, node_errors}; any other 400 (a proxy's page, say) is not one.
          const isComfyRefusal = Boolean(data) && typeof data === 'object' && ('error' in (data as object) || 'node_errors' in (data as object));
          if (!isComfyRefusal) throw new PipelineError('ENGINE_PROTOCOL_ERROR', 'ComfyUI refused POST /prompt (400) with an answer that is not a ComfyUI error', { detail: { status: 400, ambiguous: false } });
          throw this.engineErrorOf(() => submitError(data, graph));
        }
        if (res.status >= 500) throw new PipelineError('ENGINE_PROTOCOL_ERROR', `ComfyUI answered ${res.status} to POST /prompt`, { detail: { status: res.status } });
        if (res.status !== 200) {
          // 403, 404, 405, 413…: ComfyUI (or a proxy in front of it) refused the request; nothing was queued.
          throw new PipelineError('ENGINE_PROTOCOL_ERROR', `ComfyUI refused POST /prompt with status ${res.status}`, { detail: { status: res.status, ambiguous: false } });
        }
        const accepted = (data as { prompt_id?: unknown } | undefined)?.prompt_id;
        if (typeof accepted !== 'string' || accepted.length === 0 || accepted.length > 200) {
          throw new PipelineError('ENGINE_PROTOCOL_ERROR', 'ComfyUI answered POST /prompt with status 200 and no prompt_id', { detail: { status: res.status, ambiguous: true } });
        }
        return accepted;
      } catch (err) {
        if (!(err instanceof PipelineError) || err.code === 'DEPENDENCY_MISSING' || err.code === 'CONTRACT_MISMATCH' || err.code === 'ENGINE_OFFLINE' || err.code === 'JOB_CANCELLED') throw err;
        if (signal?.aborted || err.detail?.ambiguous === false) throw err;
        // 5xx, reset or malformed answer: the prompt may or may not be queued. Never submit twice.
        const state = await this.lookup(promptId, signal).catch(() => 'unknown' as const);
        if (state !== 'unknown') return promptId;
        if (attempt >= 2) throw err;
        await sleep(200 * 2 ** attempt * (0.5 + Math.random()), signal);
      }
    }
  }

  /** Build an error from an upstream body; a body too odd to read becomes ENGINE_PROTOCOL_ERROR. */
  private engineErrorOf(build: () => PipelineError): PipelineError {
    try {
      return build();
    } catch (err) {
      return this.engineError(err, 'reading its refusal of the prompt');
    }
  }

  private async historyEntry(promptId: string, signal?: AbortSignal): Promise<HistoryEntry | null> {
    const { data } = await this.http.json<Record<string, unknown>>('GET', `/history/${encodeURIComponent(promptId)}`, { signal, maxBytes: HISTORY_ENTRY_MAX_BYTES });
    if (data === undefined || data === null) return null;
    if (typeof data !== 'object' || Array.isArray(data)) throw new PipelineError('ENGINE_PROTOCOL_ERROR', 'ComfyUI /history answer is not an object', { detail: { prompt_id: promptId } });
    const entry = data[promptId];
    return entry === undefined || entry === null ? null : parseHistoryEntry(entry, promptId);
  }

  /** Where a prompt is: running, or queued with how many prompts ComfyUI runs before it. */
  private async queuePlace(promptId: string, signal: AbortSignal | undefined, deadlineAt: number): Promise<{ state: 'running' | 'finished' | 'unknown' } | { state: 'queued'; ahead: number }> {
    return withTimeLimit([signal], Math.min(5_000, msUntil(deadlineAt)), async (s) => {
      const { data: queue } = await this.http.json<{ queue_running?: unknown; queue_pending?: unknown }>('GET', '/queue', { signal: s });
      const running = Array.isArray(queue?.queue_running) ? queue.queue_running : [];
      const pending = Array.isArray(queue?.queue_pending) ? queue.queue_pending : [];
      if (running.some((item) => Array.isArray(item) && item[1] === promptId)) return { state: 'running' as const };
      // Pending items are [number, prompt_id, …]; ComfyUI runs the lowest number first.
      const mine = pending.find((item): item is unknown[] => Array.isArray(item) && item[1] === promptId);
      if (!mine) return { state: 'unknown' as const };
      const number = typeof mine[0] === 'number' ? mine[0] : Infinity;
      const ahead = running.length + pending.filter((item) => Array.isArray(item) && typeof item[0] === 'number' && item[0] < number).length;
      return { state: 'queued' as const, ahead };
    });
  }

  async lookup(promptId: string, signal?: AbortSignal): Promise<'queued' | 'running' | 'finished' | 'unknown'> {
    // Queue first, then history: a prompt leaves the queue only after its history is written.
    const { data: queue } = await this.http.json<{ queue_running?: unknown; queue_pending?: unknown }>('GET', '/queue', { signal });
    const list = (v: unknown) => {
      if (v === undefined) return [];
      if (!Array.isArray(v)) throw new PipelineError('ENGINE_PROTOCOL_ERROR', 'ComfyUI /queue answer is not a list of items', { detail: { prompt_id: promptId } });
      return v;
    };
    if (!queue || typeof queue !== 'object') throw new PipelineError('ENGINE_PROTOCOL_ERROR', 'ComfyUI /queue answer is not an object', { detail: { prompt_id: promptId } });
    if (list(queue.queue_running).some((item) => Array.isArray(item) && item[1] === promptId)) return 'running';
    if (list(queue.queue_pending).some((item) => Array.isArray(item) && item[1] === promptId)) return 'queued';
    return (await this.historyEntry(promptId, signal)) ? 'finished' : 'unknown';
  }

  /** Remove a queued prompt or interrupt a running one, within cancelTimeoutMs (default 5 s). */
  async cancel(promptId: string, signal?: AbortSignal): Promise<CancelOutcome> {
    return withTimeLimit([signal], this.options.cancelTimeoutMs ?? 5_000, async (limit) => {
      const state = await this.lookup(promptId, limit);
      if (state === 'queued') {
        await this.http.json('POST', '/queue', { json: { delete: [promptId] }, safe: true, expectEmpty: true, signal: limit });
        // It may have started between the two calls: then interrupt it.
        if ((await this.lookup(promptId, limit)) !== 'running') return 'removed_from_queue';
      } else if (state !== 'running') {
        return 'not_active';
      }
      // Targeted interrupt; on servers that ignore the body this is global, which is why the queue
      // was checked first: our prompt is the one running.
      await this.http.json('POST', '/interrupt', { json: { prompt_id: promptId }, safe: true, expectEmpty: true, signal: limit });
      return 'interrupted';
    });
  }

  /** Stream one output into `sink` (see downloadOutput), waiting for one of the download slots. */
  download(output: EngineOutput, sink: Writable, options: DownloadOptions = {}): Promise<DownloadResult> {
    return downloadOutput(this.http, this.downloads, output, sink, options, (err, what) => this.engineError(err, what));
  }

  uploadImage(name: string, bytes: Buffer, contentType: string, signal?: AbortSignal): Promise<string> {
    return uploadInputImage(this.http, { name, bytes, contentType, signal, timeoutMs: this.options.httpTimeoutMs }, (err, what) => this.engineError(err, what));
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.http.close();
  }
}
