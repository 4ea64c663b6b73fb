import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { PipelineError } from '../../errors/pipeline-error.js';
import { DETACH } from '../engine.js';
import type {
  CancelOutcome, DownloadResult, EngineAdapter, EngineCapabilities, EngineHealth, EngineOutput, Graph, RunRequest, RunResult,
} from '../engine.js';
import { FormData } from 'undici';
import { ComfyHttpClient, sleep } from './client.js';
import { ComfySocket } from './socket.js';
import { comboOptions, findMissing, type ObjectInfo } from './preflight.js';
import { dependencyError } from './dependencies.js';
import { submitError } from './submit-errors.js';
import { outcomeOf, outputsOf, type HistoryEntry } from './history.js';
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
}

const TERMINAL = new Set(['execution_success', 'execution_error', 'execution_interrupted']);
/** ComfyUI has stopped executing the prompt: a terminal message, or the final `executing` with no node. */
const isFinal = (m: ComfyMessage) => TERMINAL.has(m.type) || (m.type === 'executing' && m.data.node === null);
/** Errors worth polling through: ComfyUI restarting, a reset connection, a 5xx. */
const TRANSIENT = new Set(['ENGINE_OFFLINE', 'ENGINE_TIMEOUT', 'CONNECTION_TIMEOUT', 'CONNECTION_REFUSED', 'ENGINE_PROTOCOL_ERROR']);

/**
 * ComfyUI over HTTP (undici) + WebSocket (ws), as `local_comfy`. Submission carries our own prompt
 * id so nothing runs twice; completion is detected from the socket and confirmed from /history,
 * which is also polled so a dropped or silent socket can never hang a job.
 */
export class LocalComfyAdapter implements EngineAdapter {
  readonly engineId = 'local_comfy';
  readonly engineType = 'local' as const;
  readonly clientId = randomUUID().replace(/-/g, '');
  private readonly http: ComfyHttpClient;
  private readonly socket: ComfySocket;
  private objectInfo: { at: number; value: ObjectInfo } | null = null;
  private objectInfoLoading: Promise<ObjectInfo> | null = null;
  private lastHealth: EngineHealth | null = null;

  constructor(private readonly options: LocalComfyOptions) {
    this.http = new ComfyHttpClient({ baseUrl: options.baseUrl, timeoutMs: options.httpTimeoutMs });
    this.socket = new ComfySocket({ baseUrl: options.baseUrl, clientId: this.clientId, heartbeatMs: options.heartbeatMs, onLog: options.onLog });
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  async health(): Promise<EngineHealth> {
    const started = performance.now();
    const base = { engine_id: this.engineId, engine_type: this.engineType, checked_at: new Date().toISOString() };
    try {
      const { data } = await this.http.json<{ system?: Record<string, unknown>; devices?: { name?: string; type?: string; vram_total?: number; vram_free?: number }[] }>('GET', '/system_stats', { timeoutMs: this.options.healthTimeoutMs, safe: false, signal: AbortSignal.timeout(this.options.healthTimeoutMs) });
      this.lastHealth = {
        ...base, status: 'healthy', latency_ms: Math.round(performance.now() - started), error_code: null, message: null,
        detail: {
          url: this.baseUrl,
          comfyui_version: data?.system?.comfyui_version ?? null,
          python_version: data?.system?.python_version ?? null,
          pytorch_version: data?.system?.pytorch_version ?? null,
          devices: (data?.devices ?? []).map((d) => ({ name: d.name ?? null, type: d.type ?? null, vram_total: d.vram_total ?? null, vram_free: d.vram_free ?? null })),
          websocket_open: this.socket.isOpen,
        },
      };
    } catch (err) {
      const e = err instanceof PipelineError ? err : this.http.classify(err, 'GET', '/system_stats');
      const code = e.code === 'JOB_CANCELLED' ? 'ENGINE_TIMEOUT' : e.code;
      this.lastHealth = {
        ...base, status: 'unhealthy', latency_ms: Math.round(performance.now() - started), error_code: code,
        message: code === 'ENGINE_TIMEOUT' ? `ComfyUI did not answer /system_stats within ${this.options.healthTimeoutMs} ms` : e.message,
        detail: { url: this.baseUrl },
      };
    }
    return this.lastHealth;
  }

  private async loadObjectInfo(refresh = false): Promise<ObjectInfo> {
    const ttl = this.options.objectInfoTtlMs ?? 60_000;
    if (!refresh && this.objectInfo && Date.now() - this.objectInfo.at < ttl) return this.objectInfo.value;
    this.objectInfoLoading ??= this.http.json<ObjectInfo>('GET', '/object_info').then(({ data }) => {
      if (!data || typeof data !== 'object') throw new PipelineError('ENGINE_PROTOCOL_ERROR', 'ComfyUI /object_info is not an object');
      this.objectInfo = { at: Date.now(), value: data };
      return data;
    }).finally(() => { this.objectInfoLoading = null; });
    return this.objectInfoLoading;
  }

  async capabilities(options: { refresh?: boolean } = {}): Promise<EngineCapabilities> {
    const info = await this.loadObjectInfo(options.refresh);
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
    let missing = findMissing(graph, await this.loadObjectInfo());
    // Models may have been installed since the catalogue was cached: re-read once before failing.
    if (missing.length > 0) missing = findMissing(graph, await this.loadObjectInfo(true));
    if (missing.length > 0) throw dependencyError(missing);
  }

  async run(request: RunRequest): Promise<RunResult> {
    const maxResubmits = request.allowResubmit === false ? 0 : (this.options.maxResubmits ?? 1);
    let promptId = request.promptId;
    let resume = Boolean(request.resume);
    if (resume) {
      // A run submitted by an earlier process: follow it if ComfyUI knows it, else submit it now.
      const lookupSignal = AbortSignal.any([AbortSignal.timeout(Math.max(1, Math.min(10_000, request.deadlineAt - Date.now()))), ...(request.signal ? [request.signal] : [])]);
      const state = await this.lookup(promptId, lookupSignal).catch((err: unknown) => {
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
      await this.socket.ensureOpen();
      let accepted: string = promptId;
      if (!request.resume) try {
        const submitSignal = AbortSignal.any([AbortSignal.timeout(Math.max(1, deadlineAt - Date.now())), ...(signal ? [signal] : [])]);
        accepted = await this.submit(graph, promptId, submitSignal);
      } catch (err) {
        if (err instanceof PipelineError && err.code === 'JOB_CANCELLED' && !signal?.aborted) {
          // The deadline passed while ComfyUI did not answer: make sure nothing runs later.
          await this.cancel(promptId).catch(() => undefined);
          throw new PipelineError('ENGINE_TIMEOUT', 'ComfyUI did not accept the job before its deadline', { detail: { prompt_id: promptId } });
        }
        if (err instanceof PipelineError && err.code === 'DEPENDENCY_MISSING') {
          // ComfyUI names only the first missing class; a fresh catalogue lists everything at once.
          const all = await this.loadObjectInfo(true).then((info) => findMissing(graph, info), () => []);
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

      const progress = new ProgressTracker(graph);
      let terminalSeen = false;
      let terminalAt = 0;
      let polls = 0;
      let nextPollAt = Date.now() + this.pollInterval();
      let unreachableSince = 0;
      let historyRetries = 0;
      let protocolFailures = 0;
      for (;;) {
        if (signal?.aborted) {
          if (signal.reason === DETACH) throw new PipelineError('SERVICE_UNAVAILABLE', 'The service stopped following the job (shutting down); it continues in ComfyUI', { detail: { prompt_id: promptId } });
          await this.cancel(promptId).catch(() => undefined);
          throw new PipelineError('JOB_CANCELLED', 'The job was cancelled', { detail: { prompt_id: promptId } });
        }
        if (Date.now() >= deadlineAt) {
          const removed = await this.cancel(promptId).catch(() => 'unknown');
          throw new PipelineError('ENGINE_TIMEOUT', 'The job did not finish before its deadline; it was removed from ComfyUI', { detail: { prompt_id: promptId, upstream: removed } });
        }
        for (const message of inbox.splice(0)) {
          const value = progress.update(message);
          if (value !== null) request.onProgress?.({ progress: value, node: null });
          // An output node reports its files when it finishes: they are complete on ComfyUI's disk.
          if (message.type === 'executed' && request.onOutputs && typeof message.data.node === 'string' && message.data.output && typeof message.data.output === 'object') {
            const files = outputsOf({ outputs: { [message.data.node]: message.data.output as Record<string, unknown> } });
            if (files.length > 0) request.onOutputs(files);
          }
          if (isFinal(message)) terminalSeen = true;
        }
        const shouldPoll = terminalSeen || reconnected || Date.now() >= nextPollAt;
        if (shouldPoll) {
          reconnected = false;
          polls++;
          // Each poll is bounded by the deadline and the job's signal, so a hung ComfyUI cannot
          // hold the job past its deadline.
          const pollSignal = AbortSignal.any([AbortSignal.timeout(Math.max(1, deadlineAt - Date.now())), ...(signal ? [signal] : [])]);
          let entry: HistoryEntry | null;
          let state: Awaited<ReturnType<LocalComfyAdapter['lookup']>> | null = null;
          try {
            entry = await this.historyEntry(promptId, pollSignal);
            if (!entry && !terminalSeen && polls % 3 === 0) state = await this.lookup(promptId, pollSignal);
            unreachableSince = 0;
            protocolFailures = 0;
          } catch (err) {
            if (!(err instanceof PipelineError)) throw err;
            if (err.code === 'JOB_CANCELLED') continue; // deadline or cancel: handled at the loop top
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
          if (entry) {
            const outputs = outcomeOf(entry, promptId);
            request.onProgress?.({ progress: 1, node: null });
            const cachedAll = (entry.status?.messages ?? []).some(([t, d]) => t === 'execution_cached' && Array.isArray(d.nodes) && d.nodes.length >= Object.keys(graph).length);
            return { kind: 'done', result: { promptId, outputs, fullyCached: cachedAll } };
          }
          if (terminalSeen) {
            // execution_success precedes the history write (§2.5): give it a moment.
            terminalAt ||= Date.now();
            if (Date.now() - terminalAt > 10_000) terminalSeen = false;
            else { await sleep(Math.min(200, 5 * 2 ** historyRetries++), signal); continue; }
          }
          if (state === 'unknown') return { kind: 'lost', promptId };
          nextPollAt = Date.now() + this.pollInterval();
        }
        await this.waitForWake((w) => { wake = w; }, Math.min(nextPollAt, deadlineAt) - Date.now());
      }
    } finally {
      unsubscribe();
      offReconnect();
      signal?.removeEventListener('abort', onAbort);
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
        const text = await res.body.text();
        let data: unknown;
        try { data = text ? JSON.parse(text) : null; } catch { data = undefined; }
        if (res.status === 400) throw submitError(data, graph);
        if (res.status >= 500) throw new PipelineError('ENGINE_PROTOCOL_ERROR', `ComfyUI answered ${res.status} to POST /prompt`, { detail: { status: res.status } });
        const accepted = (data as { prompt_id?: unknown } | undefined)?.prompt_id;
        if (res.status !== 200 || typeof accepted !== 'string') {
          throw new PipelineError('ENGINE_PROTOCOL_ERROR', `ComfyUI answered POST /prompt with status ${res.status} and no prompt_id`, { detail: { status: res.status, ambiguous: res.status === 200 } });
        }
        return accepted;
      } catch (err) {
        if (!(err instanceof PipelineError) || err.code === 'DEPENDENCY_MISSING' || err.code === 'CONTRACT_MISMATCH' || err.code === 'ENGINE_OFFLINE' || err.code === 'JOB_CANCELLED') throw err;
        // 5xx, reset or malformed answer: the prompt may or may not be queued. Never submit twice.
        const state = await this.lookup(promptId).catch(() => 'unknown' as const);
        if (state !== 'unknown') return promptId;
        if (attempt >= 2) throw err;
        await sleep(200 * 2 ** attempt * (0.5 + Math.random()), signal);
      }
    }
  }

  private async historyEntry(promptId: string, signal?: AbortSignal): Promise<HistoryEntry | null> {
    const { data } = await this.http.json<Record<string, HistoryEntry>>('GET', `/history/${encodeURIComponent(promptId)}`, { signal });
    const entry = data && typeof data === 'object' ? data[promptId] : undefined;
    return entry && typeof entry === 'object' ? entry : null;
  }

  async lookup(promptId: string, signal?: AbortSignal): Promise<'queued' | 'running' | 'finished' | 'unknown'> {
    // Queue first, then history: a prompt leaves the queue only after its history is written.
    const { data: queue } = await this.http.json<{ queue_running?: unknown[][]; queue_pending?: unknown[][] }>('GET', '/queue', { signal });
    if ((queue?.queue_running ?? []).some((item) => Array.isArray(item) && item[1] === promptId)) return 'running';
    if ((queue?.queue_pending ?? []).some((item) => Array.isArray(item) && item[1] === promptId)) return 'queued';
    return (await this.historyEntry(promptId, signal)) ? 'finished' : 'unknown';
  }

  async cancel(promptId: string, signal: AbortSignal = AbortSignal.timeout(5_000)): Promise<CancelOutcome> {
    const state = await this.lookup(promptId, signal);
    if (state === 'queued') {
      await this.http.json('POST', '/queue', { json: { delete: [promptId] }, safe: true, expectEmpty: true, signal });
      // It may have started between the two calls: then interrupt it.
      if ((await this.lookup(promptId, signal)) !== 'running') return 'removed_from_queue';
    } else if (state !== 'running') {
      return 'not_active';
    }
    // Targeted interrupt; on servers that ignore the body this is global, which is why the queue
    // was checked first: our prompt is the one running.
    await this.http.json('POST', '/interrupt', { json: { prompt_id: promptId }, safe: true, expectEmpty: true, signal });
    return 'interrupted';
  }

  async download(output: EngineOutput, sink: Writable, signal?: AbortSignal): Promise<DownloadResult> {
    const query = new URLSearchParams({ filename: output.filename, subfolder: output.subfolder, type: output.type });
    for (let attempt = 0; ; attempt++) {
      const res = await this.http.raw('GET', `/view?${query.toString()}`, { signal });
      if (res.status >= 500 && attempt < 2) {
        res.body.destroy();
        await sleep(200 * 2 ** attempt, signal);
        continue;
      }
      if (res.status !== 200) {
        res.body.destroy();
        throw new PipelineError('DOWNLOAD_FAILED', `ComfyUI answered ${res.status} for output ${output.filename}`, { detail: { status: res.status, filename: output.filename, subfolder: output.subfolder } });
      }
      const contentType = String(res.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim();
      const expected = Number(res.headers['content-length'] ?? NaN);
      let size = 0;
      const counter = new Transform({ transform(chunk: Buffer, _e, done) { size += chunk.length; done(null, chunk); } });
      try {
        await pipeline(res.body, counter, sink, { signal });
      } catch (err) {
        if (signal?.aborted) throw new PipelineError('DOWNLOAD_CANCELLED', 'The download was cancelled', { cause: err });
        const classified = this.http.classify(err, 'GET', '/view');
        throw new PipelineError(classified.code === 'ENGINE_TIMEOUT' ? 'DOWNLOAD_TIMEOUT' : 'DOWNLOAD_FAILED', `Downloading ${output.filename} from ComfyUI failed`, { detail: { filename: output.filename }, cause: err });
      }
      if (Number.isFinite(expected) && expected !== size) {
        throw new PipelineError('DOWNLOAD_FAILED', `Output ${output.filename} was truncated (${size} of ${expected} bytes)`, { detail: { filename: output.filename, expected, received: size } });
      }
      return { contentType, sizeBytes: size };
    }
  }

  async uploadImage(name: string, bytes: Buffer, contentType: string): Promise<string> {
    const form = new FormData();
    form.append('image', new Blob([bytes], { type: contentType }), name);
    form.append('type', 'input');
    form.append('overwrite', 'false');
    const res = await this.http.raw('POST', '/upload/image', { body: form as never });
    const text = await res.body.text();
    if (res.status !== 200) {
      throw new PipelineError(res.status >= 500 ? 'ENGINE_PROTOCOL_ERROR' : 'VALIDATION_ERROR', `ComfyUI refused the upload of ${name} (${res.status})`, { detail: { status: res.status } });
    }
    let data: { name?: unknown; subfolder?: unknown };
    try { data = JSON.parse(text); } catch { throw new PipelineError('ENGINE_PROTOCOL_ERROR', 'ComfyUI sent malformed JSON for POST /upload/image'); }
    if (typeof data.name !== 'string') throw new PipelineError('ENGINE_PROTOCOL_ERROR', 'ComfyUI upload answer has no name');
    return typeof data.subfolder === 'string' && data.subfolder ? `${data.subfolder}/${data.name}` : data.name;
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.http.close();
  }
}
