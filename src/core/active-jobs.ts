import type { Logger } from 'pino';
import type { JobHistory } from '../contracts/job.js';
import type { PipelineError } from '../errors/pipeline-error.js';
import type { Metrics } from './metrics.js';
import { failurePatch, isTerminal, transition } from './job-state.js';
import type { LoadedPreset } from '../presets/registry.js';
import type { JobQueue, Lease } from '../ports/job-queue.js';
import type { JobWrites } from './job-writes.js';
import { JobAlreadyEnded } from '../ports/job-repository.js';
import type { MissingDependency } from '../engines/comfy/dependencies.js';
import { backoffMs } from '../util/retry.js';

export interface ActiveJob {
  /** The state everyone sees: written (durably) and adopted. */
  record: JobHistory;
  /**
   * The newest state handed to the store, possibly still being written. Every next state is derived
   * from this, never from `record`: a change computed from a state that a newer write is about to
   * replace would, once written after it, undo that newer state (say, a failure).
   */
  latest: JobHistory;
  loaded: LoadedPreset;
  controller: AbortController;
  done: Promise<JobHistory>;
  resolveDone: (job: JobHistory) => void;
  error: PipelineError | null;
  lastPersistedProgress: number;
  /** Submitted by an earlier process (or attempt): follow it instead of submitting again. */
  resume: boolean;
  /**
   * Accepted work (an asynchronous submission, a job recovered at start) waits in the queue while
   * no ComfyUI is reachable, until its deadline; a synchronous request fails at once, as the
   * original service did.
   */
  waitForEngine: boolean;
  /** ComfyUI accepted (or, resumed, knows) this job's prompt in this process. */
  accepted: boolean;
  progressListeners: Set<(progress: number) => void>;
  /** Queued in ComfyUI behind other prompts: how many run before it (null when not known or not queued there). */
  enginePosition: number | null;
  /** Backends whose preflight found something missing, with what: they are not offered the job again. */
  missingOn: Map<string, MissingDependency[]>;
  /** The backend running it now (null while it waits). */
  backend: string | null;
  /** A JobExecution is running it in this process (from its start until its outputs are stored and it ended). */
  executing?: boolean;
  /** Set when it first runs; a job that moves to another backend keeps it. */
  deadlineAt?: number;
}

/** How long a finished job stays in memory for waiters before it is served from the index and disk. */
const RETIRE_GRACE_MS = 2_000;

export interface ActiveJobsDeps {
  writes: JobWrites;
  queue: JobQueue;
  metrics: Metrics;
  logger: Logger;
  /** A state changed: cached status bodies of the job are stale. */
  forgetStatus(jobId: string): void;
  /** A quarter of the run was passed (25, 50 or 75 per cent): told to whoever follows milestones. */
  milestone?(record: JobHistory, progress: number, percent: number): void;
}

/**
 * The jobs this process owns, in memory, and the one way their state changes: each state is
 * written (job file, then index) before it is visible, an end is retried until it is on disk, and a
 * finished job leaves memory after a short grace. Admission creates entries, Workers run them,
 * Lifecycle recovers and detaches them; JobQueries reads them.
 */
export class ActiveJobs {
  readonly active = new Map<string, ActiveJob>();
  /** The queue's leases of the jobs this process runs. */
  readonly leases = new Map<string, Lease>();
  /** New jobs whose first record is written but not yet fsynced. */
  private readonly notDurable = new Map<string, Promise<void>>();
  /** Jobs whose terminal record is not on disk yet; they stay in memory until it is. */
  private readonly endWrites = new Map<string, NodeJS.Timeout>();
  /** Waiters of whenRetired(), by job. */
  private readonly retireWaiters = new Map<string, Set<(retired: boolean) => void>>();

  constructor(private readonly deps: ActiveJobsDeps) {}

  get(jobId: string): ActiveJob | undefined {
    return this.active.get(jobId);
  }

  /** Register a job this process will run (new, or recovered from disk). */
  track(record: JobHistory, loaded: LoadedPreset, resume: boolean, waitForEngine = true): ActiveJob {
    let resolveDone!: (job: JobHistory) => void;
    const done = new Promise<JobHistory>((r) => {
      resolveDone = r;
    });
    const active: ActiveJob = {
      record,
      latest: record,
      loaded,
      controller: new AbortController(),
      done,
      resolveDone,
      error: null,
      lastPersistedProgress: Math.floor(record.progress * 4) / 4,
      resume,
      waitForEngine,
      accepted: false,
      progressListeners: new Set(),
      enginePosition: null,
      missingOn: new Map(),
      backend: null,
    };
    this.active.set(record.job_id, active);
    return active;
  }

  /** The first record of a new job: written and visible; `durable` resolves once it is fsynced. */
  async persistNew(active: ActiveJob, next: JobHistory): Promise<{ durable: Promise<void> }> {
    active.latest = next;
    const written = await this.deps.writes.saveNew(next);
    this.adopt(active, next);
    const jobId = next.job_id;
    this.notDurable.set(jobId, written.durable);
    void written.durable.then(
      () => this.notDurable.delete(jobId),
      (err: unknown) => this.deps.logger.error({ err, job_id: jobId }, 'could not fsync a new job record'),
    );
    return written;
  }

  /** A new job goes to the shared queue: this instance no longer holds it in memory (whoever leases it loads it). */
  handOver(jobId: string): void {
    // This instance's own worker may have leased it already (between the enqueue and now): then it stays.
    const active = this.active.get(jobId);
    if (active && !active.executing && !this.leases.has(jobId)) this.active.delete(jobId);
  }

  /** Resolves once the job's first record is durable (immediately for older jobs). */
  async durable(jobId: string): Promise<void> {
    await this.notDurable.get(jobId);
  }

  /**
   * Write the job file, then the index; only then is the new state visible. With `after`, the
   * state is prepared at once but written over the old one only once `after` succeeded.
   */
  async persist(active: ActiveJob, next: JobHistory, options: { after?: Promise<unknown> } = {}): Promise<void> {
    const previous = active.latest;
    active.latest = next;
    try {
      await this.deps.writes.save(next, options);
    } catch (err) {
      // Not stored, so not the state the next one is derived from (a failed completion write
      // must leave the job able to fail, not "completed" in the store's eyes).
      if (active.latest === next) active.latest = previous;
      if (err instanceof JobAlreadyEnded) await this.endedElsewhere(active);
      throw err;
    }
    this.adopt(active, next);
  }

  /**
   * Another holder ended the job while this one was running it (it was handed over: a lost lease,
   * a restarted Redis). Its stored end stands; this instance lets go without writing or telling more.
   */
  private async endedElsewhere(active: ActiveJob): Promise<void> {
    const stored = await this.deps.writes.reload(active.record.job_id).catch(() => null);
    if (stored) {
      active.latest = stored;
      active.record = stored;
    }
    this.deps.logger.warn({ job_id: active.record.job_id }, 'the job was ended by another holder; this one lets go');
    this.settle(active);
  }

  private adopt(active: ActiveJob, next: JobHistory): void {
    active.record = { ...next, progress: Math.max(next.progress, active.record.progress) };
    this.deps.forgetStatus(next.job_id);
    this.deps.writes.putSummary(active.record);
  }

  /** Live progress: listeners hear every rise; the log gets an event each time a quarter is passed. */
  progress(active: ActiveJob, value: number): void {
    if (value <= active.record.progress) return;
    active.record = { ...active.record, progress: value };
    for (const l of active.progressListeners) l(value);
    // The event carries the same weighted value the live progress events carry at that moment (not
    // the rounded quarter), so the two never disagree.
    const milestone = Math.floor(value * 4) / 4;
    if (milestone > active.lastPersistedProgress && value < 1) {
      active.lastPersistedProgress = milestone;
      this.deps.milestone?.(active.record, value, Math.round(milestone * 100));
      void this.deps.writes
        .log(active.record.job_id, 'progress', { progress: value, milestone })
        .catch(() => undefined);
    }
  }

  log(jobId: string, event: string, fields: Record<string, unknown> = {}): Promise<void> {
    return this.deps.writes.log(jobId, event, fields).then(
      () => undefined,
      (err: unknown) => this.deps.logger.warn({ err, job_id: jobId }, 'could not append to the job log'),
    );
  }

  /** End a job as failed or cancelled (a job already ended only settles). */
  async finish(active: ActiveJob, status: 'failed' | 'cancelled', error: PipelineError): Promise<void> {
    active.error = error;
    if (isTerminal(active.latest.status)) return this.settle(active);
    const next = transition(active.latest, status, failurePatch(error));
    try {
      await this.persist(active, next);
    } catch (err) {
      if (err instanceof JobAlreadyEnded) return; // ended by another holder: settled already
      // The job has ended whether or not its file can say so yet: it is never left running in
      // memory (nor cancellable as if it ran). The write is retried until it lands.
      active.latest = next;
      this.adopt(active, next);
      this.deps.logger.error(
        { err, job_id: next.job_id, status },
        'could not write the end of a job; its state is kept in memory and the write is retried',
      );
      this.retryEndWrite(active, next);
    }
    this.deps.metrics.jobFinished(active.record.preset_id, status, null, error.code);
    await this.log(active.record.job_id, status, { error_code: error.code, message: error.message });
    await this.dropRerunInputs(active);
    this.settle(active);
  }

  private retryEndWrite(active: ActiveJob, next: JobHistory, attempt = 1): void {
    const jobId = next.job_id;
    const delay = backoffMs(attempt, { attempts: Infinity, baseMs: 1_000, maxDelayMs: 30_000 });
    const timer = setTimeout(() => {
      if (active.latest !== next) return; // a newer state was handed to the store meanwhile
      this.deps.writes.save(next).then(
        () => {
          this.endWrites.delete(jobId);
          this.deps.logger.info({ job_id: jobId, attempts: attempt + 1 }, 'the end of the job is written now');
          if (isTerminal(active.record.status)) setTimeout(() => this.retire(jobId, true), RETIRE_GRACE_MS).unref();
        },
        (err: unknown) => {
          this.deps.logger.warn({ err, job_id: jobId, attempt }, 'the end of the job still cannot be written');
          this.retryEndWrite(active, next, attempt + 1);
        },
      );
    }, delay);
    timer.unref();
    this.endWrites.set(jobId, timer);
  }

  /** A finished job needs no re-run inputs: they go before anyone hears that it ended. */
  async dropRerunInputs(active: ActiveJob): Promise<void> {
    await this.deps.writes
      .deleteRerunInputs(active.record.job_id)
      .catch((err: unknown) =>
        this.deps.logger.warn(
          { err, job_id: active.record.job_id },
          'could not remove the re-run inputs of a finished job',
        ),
      );
  }

  /** The job ended: its lease is finished, waiters hear it, and it leaves memory after a grace. */
  settle(active: ActiveJob): void {
    const lease = this.leases.get(active.record.job_id);
    this.leases.delete(active.record.job_id);
    if (lease) void this.deps.queue.finish(lease);
    active.resolveDone(active.record);
    void this.deps.writes.release(active.record.job_id);
    active.progressListeners.clear();
    // Finished jobs are served from the index and disk from now on; keep the entry briefly for waiters
    // (and for as long as its end is not on disk yet).
    setTimeout(() => {
      this.retire(active.record.job_id, isTerminal(active.record.status) && !this.endWrites.has(active.record.job_id));
    }, RETIRE_GRACE_MS).unref();
  }

  /** The grace after a job's end has run out: it leaves the active set unless its end is not on disk. */
  private retire(jobId: string, leave: boolean): void {
    if (leave) this.active.delete(jobId);
    const waiters = this.retireWaiters.get(jobId);
    this.retireWaiters.delete(jobId);
    for (const w of waiters ?? []) w(leave);
  }

  /**
   * Resolves once a job's post-end grace has run out: true when it left the active set (it is
   * served from the index and disk from then on), false when it stays because its end could not be
   * written yet. At once (true) for a job that is not active.
   */
  whenRetired(jobId: string): Promise<boolean> {
    if (!this.active.has(jobId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      let set = this.retireWaiters.get(jobId);
      if (!set) this.retireWaiters.set(jobId, (set = new Set()));
      set.add(resolve);
    });
  }

  /** At shutdown: the ends not yet on disk get one last write. */
  async flushEndWrites(): Promise<void> {
    for (const [jobId, timer] of this.endWrites) {
      clearTimeout(timer);
      const a = this.active.get(jobId);
      if (a)
        await this.deps.writes
          .save(a.latest)
          .catch((err: unknown) =>
            this.deps.logger.error(
              { err, job_id: jobId },
              'the end of the job could not be written before shutdown; the next start follows it up in ComfyUI',
            ),
          );
    }
    this.endWrites.clear();
  }
}
