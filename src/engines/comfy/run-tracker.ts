import { PipelineError } from '../../errors/pipeline-error.js';
import { boundedSignal, msUntil } from '../../util/deadline.js';
import type { CancelOutcome, RunRequest, RunResult } from '../engine.js';
import { dependencyError, type MissingDependency } from './dependencies.js';
import { outcomeOf, outputsOf, type HistoryEntry } from './history.js';
import type { ComfyMessage } from './messages.js';
import { ProgressTracker } from './progress.js';
import type { ComfyPrompts } from './prompts.js';
import type { ComfySocket } from './socket.js';

const TERMINAL = new Set(['execution_success', 'execution_error', 'execution_interrupted']);
/** Messages that mean ComfyUI is executing the prompt (it left the queue). */
const EXECUTION_MESSAGES = new Set([
  'execution_start',
  'execution_cached',
  'executing',
  'progress',
  'progress_state',
  'executed',
  ...TERMINAL,
]);
/** A prompt that has not started this long after submission is looked up in /queue (behind others?). */
const QUEUE_CHECK_AFTER_MS = 150;
/** The longest a submission waits for the previous one's answer: order is kept, a hung POST does not block the next. */
const SUBMIT_TURN_WAIT_MS = 2_000;
/** ComfyUI has stopped executing the prompt: a terminal message, or the final `executing` with no node. */
const isFinal = (m: ComfyMessage) => TERMINAL.has(m.type) || (m.type === 'executing' && m.data.node === null);
/** Errors worth polling through: ComfyUI restarting, a reset connection, a 5xx. */
const TRANSIENT = new Set([
  'ENGINE_OFFLINE',
  'ENGINE_TIMEOUT',
  'CONNECTION_TIMEOUT',
  'CONNECTION_REFUSED',
  'ENGINE_PROTOCOL_ERROR',
]);

/** What a tracker needs of its adapter. */
export interface TrackerDeps {
  socket: ComfySocket;
  prompts: ComfyPrompts;
  /** How often /history is polled (faster while the socket is down). */
  pollInterval(): number;
  unreachableGraceMs: number;
  /** Everything the graph lacks, read afresh (ComfyUI's refusal names only the first class). */
  allMissing(graph: RunRequest['graph']): Promise<MissingDependency[]>;
  /** Remove the prompt from ComfyUI, waiting for it at most briefly. */
  cancelSoon(promptId: string): Promise<CancelOutcome | 'failed' | 'pending'>;
  /** The error for a job whose signal fired (cancel, or detach at shutdown). */
  stopped(signal: AbortSignal, promptId: string): PipelineError;
}

export type TrackOutcome = { kind: 'done'; result: RunResult } | { kind: 'lost'; promptId: string };

/**
 * One submission of one prompt, followed to its end: listen on the socket first, submit (unless
 * resuming), then react to messages (progress, early outputs, start, the end) and poll /history
 * (the truth), /queue (position while waiting) and a lookup (did ComfyUI lose it?) until the
 * outcome is known, the deadline passes or the job's signal fires. Every wait is bounded by the
 * deadline; a message or a reconnect wakes the loop at once.
 */
export class RunTracker {
  private readonly inbox: ComfyMessage[] = [];
  private wake: (() => void) | null = null;
  private promptId: string;
  /** ComfyUI said it stopped executing (onIdle was called). */
  private idle = false;
  private reconnected = false;
  private started = false;
  private lastAhead = -1;
  private queueCheckAt = 0;
  private terminalSeen = false;
  private terminalAt = 0;
  private polls = 0;
  private nextPollAt = 0;
  private unreachableSince = 0;
  private historyRetries = 0;
  private protocolFailures = 0;
  private readonly progress: ProgressTracker;
  /** The run's deadline: the request's, brought forward once a prefetched prompt starts. */
  private deadlineAt: number;

  constructor(
    private readonly deps: TrackerDeps,
    private readonly request: RunRequest,
  ) {
    this.promptId = request.promptId;
    this.deadlineAt = request.deadlineAt;
    this.progress = new ProgressTracker(request.graph);
  }

  async track(): Promise<TrackOutcome> {
    const { signal } = this.request;
    if (signal?.aborted) throw new PipelineError('JOB_CANCELLED', 'The job was cancelled before submission');
    // Listen before submitting so no message of this prompt can be missed.
    let unsubscribe = this.deps.socket.subscribe(this.promptId, this.receive);
    const offReconnect = this.deps.socket.onReconnect(() => {
      this.reconnected = true;
      this.notify();
    });
    const onAbort = () => this.notify();
    signal?.addEventListener('abort', onAbort);
    try {
      // Listen first when the socket opens promptly; a socket that does not (a hung upgrade) must not
      // eat the job's deadline: /history polling covers the run, and the socket keeps connecting.
      await this.deps.socket.ensureOpen(Math.min(1_000, msUntil(this.deadlineAt) / 4));
      let accepted = this.promptId;
      if (!this.request.resume) {
        await this.waitTurn();
        try {
          accepted = await this.submit();
        } finally {
          this.request.submitTurn?.done();
        }
      } else this.request.submitTurn?.done();
      if (accepted !== this.promptId) {
        // Servers that ignore client prompt ids (older builds) assign their own.
        unsubscribe();
        this.promptId = accepted;
        unsubscribe = this.deps.socket.subscribe(this.promptId, this.receive);
      }
      this.request.onSubmitted?.(this.promptId, this.request.resume ? 'resumed' : 'submitted');
      const prefetched = this.request.deadlineFromStartMs !== undefined;
      this.queueCheckAt = Date.now() + (prefetched ? this.deps.pollInterval() : QUEUE_CHECK_AFTER_MS);
      this.nextPollAt = Date.now() + this.deps.pollInterval();
      return await this.follow();
    } finally {
      unsubscribe();
      offReconnect();
      signal?.removeEventListener('abort', onAbort);
    }
  }

  // ComfyUI is done with the prompt once it says so (the outcome is confirmed from /history after):
  // the caller may hand it the next prompt at once. Heard here, not in the loop, so a slow /history
  // poll cannot hold it back.
  private readonly receive = (m: ComfyMessage): void => {
    this.inbox.push(m);
    if (!this.idle && isFinal(m)) {
      this.idle = true;
      this.request.onIdle?.();
    }
    this.notify();
  };

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, ms));
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Prompts go to ComfyUI in the order their jobs were dispatched (see RunRequest.submitTurn). */
  private async waitTurn(): Promise<void> {
    const turn = this.request.submitTurn;
    if (!turn) return;
    let timer: NodeJS.Timeout | undefined;
    // A cancel wakes the wait (track() wires the signal to notify()).
    await Promise.race([
      turn.ready,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.min(SUBMIT_TURN_WAIT_MS, msUntil(this.deadlineAt)));
        this.wake = resolve;
      }),
    ]).finally(() => {
      clearTimeout(timer);
      this.wake = null;
    });
    if (this.request.signal?.aborted)
      throw new PipelineError('JOB_CANCELLED', 'The job was cancelled before submission');
  }

  private async submit(): Promise<string> {
    const { graph, signal } = this.request;
    const deadlineAt = this.deadlineAt;
    try {
      const limit = boundedSignal([signal], msUntil(deadlineAt));
      try {
        return await this.deps.prompts.submit(graph, this.promptId, limit.signal);
      } finally {
        limit.dispose();
      }
    } catch (err) {
      if (signal?.aborted) throw this.deps.stopped(signal, this.promptId);
      if (
        Date.now() >= deadlineAt ||
        (err instanceof PipelineError && err.code === 'ENGINE_TIMEOUT' && Date.now() >= deadlineAt - 50)
      ) {
        // The deadline passed while ComfyUI did not answer: make sure nothing runs later.
        const upstream = await this.deps.cancelSoon(this.promptId);
        throw new PipelineError('ENGINE_TIMEOUT', 'ComfyUI did not accept the job before its deadline', {
          detail: { prompt_id: this.promptId, upstream },
        });
      }
      if (err instanceof PipelineError && err.code === 'DEPENDENCY_MISSING') {
        const all = await this.deps.allMissing(graph).catch(() => []);
        if (all.length > 0) throw dependencyError(all);
      }
      throw err;
    }
  }

  private markStarted(): void {
    if (this.started) return;
    this.started = true;
    const fromStart = this.request.deadlineFromStartMs;
    if (fromStart !== undefined) this.deadlineAt = Math.min(this.deadlineAt, Date.now() + fromStart);
    this.request.onStarted?.(this.deadlineAt);
  }

  private async follow(): Promise<TrackOutcome> {
    const { signal } = this.request;
    for (;;) {
      if (signal?.aborted) throw this.deps.stopped(signal, this.promptId);
      const deadlineAt = this.deadlineAt; // (moves once when a prefetched prompt starts)
      if (Date.now() >= deadlineAt) {
        const upstream = await this.deps.cancelSoon(this.promptId);
        throw new PipelineError(
          'ENGINE_TIMEOUT',
          upstream === 'pending'
            ? 'The job did not finish before its deadline; its removal from ComfyUI was sent'
            : 'The job did not finish before its deadline; it was removed from ComfyUI',
          { detail: { prompt_id: this.promptId, upstream } },
        );
      }
      this.drainInbox();
      if (!this.started && Date.now() >= this.queueCheckAt) await this.checkQueue();
      if (this.terminalSeen || this.reconnected || Date.now() >= this.nextPollAt) {
        const polled = await this.poll();
        if (polled === 'again') continue;
        if (polled) return polled;
      }
      await this.sleep(
        Math.min(this.nextPollAt, this.started ? Infinity : this.queueCheckAt, this.deadlineAt) - Date.now(),
      );
    }
  }

  private drainInbox(): void {
    const request = this.request;
    for (const message of this.inbox.splice(0)) {
      if (EXECUTION_MESSAGES.has(message.type)) this.markStarted();
      const value = this.progress.update(message);
      if (value !== null) request.onProgress?.({ progress: value, node: null });
      // An output node reports its files when it finishes: they are complete on ComfyUI's disk.
      if (
        message.type === 'executed' &&
        request.onOutputs &&
        typeof message.data.node === 'string' &&
        message.data.output &&
        typeof message.data.output === 'object'
      ) {
        const files = outputsOf({ outputs: { [message.data.node]: message.data.output as Record<string, unknown> } });
        if (files.length > 0) request.onOutputs(files);
      }
      if (isFinal(message)) this.terminalSeen = true;
    }
  }

  /** Not started yet: is it running, or waiting in ComfyUI's queue behind other prompts? */
  private async checkQueue(): Promise<void> {
    this.queueCheckAt = Date.now() + this.deps.pollInterval();
    const place = await this.deps.prompts
      .queuePlace(this.promptId, this.request.signal, this.deadlineAt)
      .catch(() => null);
    if (place?.state === 'running' || place?.state === 'finished') this.markStarted();
    else if (place?.state === 'queued' && place.ahead !== this.lastAhead) {
      this.lastAhead = place.ahead;
      this.request.onQueued?.(place.ahead);
    }
  }

  /** One /history poll (and every third time without an entry, a lookup): the outcome, 'again' or null. */
  private async poll(): Promise<TrackOutcome | 'again' | null> {
    const { signal, graph } = this.request;
    const deadlineAt = this.deadlineAt;
    this.reconnected = false;
    this.polls++;
    // Each poll is bounded by the deadline and the job's signal, so a hung ComfyUI cannot hold the
    // job past its deadline.
    const limit = boundedSignal([signal], msUntil(deadlineAt));
    let entry: HistoryEntry | null;
    let state: 'queued' | 'running' | 'finished' | 'unknown' | null = null;
    try {
      entry = await this.deps.prompts.historyEntry(this.promptId, limit.signal);
      if (!entry && !this.terminalSeen && this.polls % 3 === 0)
        state = await this.deps.prompts.lookup(this.promptId, limit.signal);
      this.unreachableSince = 0;
      this.protocolFailures = 0;
    } catch (err) {
      if (!(err instanceof PipelineError)) throw err;
      // Deadline or cancel: handled at the loop top.
      if (err.code === 'JOB_CANCELLED' || signal?.aborted || Date.now() >= deadlineAt) return 'again';
      if (!TRANSIENT.has(err.code)) throw err;
      this.unreachableSince ||= Date.now();
      // A server that answers, but in garbage, is not coming back by waiting: give up after a few
      // polls. An unreachable one may be restarting: wait for the grace period.
      this.protocolFailures = err.code === 'ENGINE_PROTOCOL_ERROR' ? this.protocolFailures + 1 : 0;
      if (this.protocolFailures >= 5) throw err;
      if (Date.now() - this.unreachableSince > this.deps.unreachableGraceMs) {
        throw new PipelineError('ENGINE_OFFLINE', `ComfyUI stopped answering while the job ran (${err.message})`, {
          detail: { prompt_id: this.promptId, last_error: err.code },
        });
      }
      this.nextPollAt = Date.now() + 500;
      await this.sleep(Math.min(this.nextPollAt, deadlineAt) - Date.now());
      return 'again';
    } finally {
      limit.dispose();
    }
    if (entry) {
      this.markStarted();
      const outputs = outcomeOf(entry, this.promptId);
      this.request.onProgress?.({ progress: 1, node: null });
      const cachedAll = (entry.status?.messages ?? []).some(
        ([t, d]) => t === 'execution_cached' && Array.isArray(d.nodes) && d.nodes.length >= Object.keys(graph).length,
      );
      if (outputs.length > (this.request.maxOutputs ?? Infinity)) {
        throw new PipelineError(
          'ENGINE_PROTOCOL_ERROR',
          `ComfyUI listed ${outputs.length} output files; at most ${this.request.maxOutputs} are stored per job (OUTPUT_MAX_COUNT)`,
          { detail: { prompt_id: this.promptId, outputs: outputs.length, max: this.request.maxOutputs } },
        );
      }
      return { kind: 'done', result: { promptId: this.promptId, outputs, fullyCached: cachedAll } };
    }
    if (this.terminalSeen) {
      // execution_success precedes the history write: give it a moment.
      this.terminalAt ||= Date.now();
      if (Date.now() - this.terminalAt > 10_000) this.terminalSeen = false;
      else {
        await this.sleep(Math.min(200, 5 * 2 ** this.historyRetries++, deadlineAt - Date.now()));
        return 'again';
      }
    }
    if (state === 'unknown') return { kind: 'lost', promptId: this.promptId };
    this.nextPollAt = Date.now() + this.deps.pollInterval();
    return null;
  }
}
