import type { Logger } from 'pino';
import type { AppConfig } from '../config.js';
import type { JobHistory } from '../contracts/job.js';
import type { ActiveJob, ActiveJobs } from '../core/active-jobs.js';
import type { JobSignals } from '../core/job-signals.js';
import { isTerminal } from '../core/job-state.js';
import { DETACH } from '../engines/engine.js';
import { PipelineError } from '../errors/pipeline-error.js';
import type { ErrorCode } from '../errors/taxonomy.js';
import type { JobQueue, Lease } from '../ports/job-queue.js';
import type { JobRepository } from '../ports/job-repository.js';
import type { PresetRegistry } from '../presets/registry.js';
import type { Workers } from '../workers/workers.js';
import { notFound } from '../queries/job-queries.js';

/** An adopted job (and the backend that already has its prompt), or why there is none: ended, or not for this instance. */
export type Adopted = { active: ActiveJob; on: string | null } | 'gone' | 'elsewhere';

export interface SharedQueueDeps {
  config: AppConfig;
  logger: Logger;
  presets: PresetRegistry;
  repository: JobRepository;
  queue: JobQueue;
  active: ActiveJobs;
  workers: Workers;
  signals: JobSignals;
}

/** How long a job must have existed before reconciliation may put it back (its creator enqueues it meanwhile). */
const RECONCILE_MIN_AGE_MS = 10_000;
/** At most this many unfinished jobs are looked at per reconciliation pass. */
const RECONCILE_MAX_JOBS = 5_000;

/**
 * What the core does when several instances share one queue and one repository:
 * - **adopt**: a worker leased a job this instance did not create (or created and handed over):
 *   its record and exact inputs come from the repository, and a job that may have been submitted
 *   already is looked up on every backend by its prompt id and followed there, never run twice;
 * - **heartbeats** keep this instance's leases; a lease found lost (Redis restarted, or this
 *   instance stalled) detaches the job, which the next holder re-attaches to by its prompt id;
 * - **cancel** reaches the instance holding the job (a message, and a mark in its event log);
 * - **reconcile** puts back unfinished jobs the queue no longer has (a Redis without persistence
 *   restarted), now and every few seconds;
 * - **waitForEnd** follows a job run elsewhere through the repository's events.
 */
export class SharedQueueCoordination {
  private heartbeat: NodeJS.Timeout | null = null;
  private reconcileTimer: NodeJS.Timeout | null = null;
  private offCancel: (() => void) | null = null;
  private reconciling = false;

  constructor(private readonly deps: SharedQueueDeps) {}

  /** `startup`: this process is the only one using the queue (in process): every unfinished job is put back now, whatever its age. */
  async start(options: { startup: boolean }): Promise<void> {
    const { config, active, queue } = this.deps;
    this.offCancel = this.deps.signals.onCancel((jobId) => active.get(jobId)?.controller.abort());
    const leaseMs = this.deps.workers.leaseMs;
    this.heartbeat = setInterval(
      () => {
        for (const [jobId, lease] of [...active.leases]) {
          void queue.heartbeat(lease, leaseMs).then(
            (kept) => {
              const job = active.get(jobId);
              if (!kept && job && active.leases.get(jobId) === lease) this.leaseLost(job);
            },
            () => undefined, // Redis unreachable: the next beat tries again; the lease outlives a few misses
          );
        }
      },
      Math.max(200, Math.floor(leaseMs / 3)),
    );
    this.heartbeat.unref();
    await this.reconcile(options.startup ? 0 : RECONCILE_MIN_AGE_MS);
    this.reconcileTimer = setInterval(() => void this.reconcile(), config.queueReconcileMs);
    this.reconcileTimer.unref();
  }

  stop(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    this.offCancel?.();
  }

  /** The job is no longer this instance's: stop following it (ComfyUI keeps running it) and forget it here. */
  leaseLost(active: ActiveJob): void {
    const jobId = active.record.job_id;
    this.deps.logger.warn({ job_id: jobId }, 'lost the queue lease of a job; another instance takes it over');
    this.deps.active.leases.delete(jobId);
    active.controller.abort(DETACH);
    // Gone from memory once that run has let go, unless the job came back here meanwhile (a new lease).
    void active.done.then(() => {
      if (!this.deps.active.leases.has(jobId) && this.deps.active.active.get(jobId) === active)
        this.deps.active.active.delete(jobId);
    });
  }

  /** A leased job this instance does not hold in memory: load it, and find where it already runs. */
  async adopt(lease: Lease): Promise<Adopted> {
    const { repository, presets, active: jobs } = this.deps;
    const record = await repository.get(lease.jobId);
    if (!record || isTerminal(record.status)) return 'gone';
    const exact = await repository.readRerunInputs(lease.jobId);
    if (exact) record.inputs = exact;
    const loaded = presets.get(record.preset_id);
    // Leased for the first time, from its creator's enqueue: nobody can have submitted it yet.
    const fresh = lease.attempt === 1 && !lease.entry.admitted;
    if (!loaded) {
      // This instance has no such preset (a newer one may): the job goes back for an instance that has.
      this.deps.logger.warn(
        { job_id: lease.jobId, preset_id: record.preset_id },
        'leased a job of a preset this instance lacks',
      );
      return 'elsewhere';
    }
    const located = fresh ? null : await this.deps.workers.locate(record);
    const active = jobs.track(record, loaded, !fresh);
    if (!fresh) {
      const events = await repository.events(lease.jobId).catch(() => []);
      if (events.some((e) => e.event === 'cancel_requested')) active.controller.abort();
    }
    return { active, on: located };
  }

  /** Put back every unfinished job the queue no longer has (it says so: enqueue is idempotent by job id). */
  async reconcile(minAgeMs = RECONCILE_MIN_AGE_MS): Promise<number> {
    if (this.reconciling) return 0;
    this.reconciling = true;
    let requeued = 0;
    try {
      for (const status of ['queued', 'running'] as const) {
        let cursor: { created_ms: number; job_id: string } | undefined;
        let seen = 0;
        do {
          const page = await this.deps.repository.list({ status, limit: 200, cursor });
          for (const s of page.jobs) {
            if (Date.now() - s.created_ms < minAgeMs || this.deps.active.get(s.job_id)) continue;
            const put = await this.deps.queue.enqueue({
              jobId: s.job_id,
              admitted: true,
              needs: { preset_id: s.preset_id },
            });
            if (put.duplicate) continue;
            requeued++;
            await this.deps.repository
              .appendEvent(s.job_id, 'requeued', { reason: 'the shared queue no longer had it' })
              .catch(() => undefined);
          }
          seen += page.jobs.length;
          cursor = page.next ?? undefined;
        } while (cursor && seen < RECONCILE_MAX_JOBS);
      }
      if (requeued) this.deps.logger.warn({ requeued }, 'put back unfinished jobs the shared queue had lost');
      await this.dropStaleEntries();
    } catch (err) {
      this.deps.logger.warn(
        { err: { message: (err as Error).message } },
        'reconciling the shared queue failed; retried soon',
      );
    } finally {
      this.reconciling = false;
    }
    return requeued;
  }

  /**
   * Entries this instance keeps for jobs it neither runs nor leases (left by a hand-over) whose
   * stored state has ended: their waiters hear the end, and they leave memory.
   */
  private async dropStaleEntries(): Promise<void> {
    const { active: jobs, repository } = this.deps;
    for (const [jobId, a] of [...jobs.active]) {
      if (a.executing || jobs.leases.has(jobId) || isTerminal(a.record.status)) continue;
      const stored = await repository.get(jobId);
      if (!stored || !isTerminal(stored.status) || jobs.active.get(jobId) !== a || a.executing) continue;
      this.deps.logger.warn(
        { job_id: jobId, status: stored.status },
        'dropped a stale entry of a job another instance ended',
      );
      a.record = a.latest = stored;
      a.resolveDone(stored);
      jobs.active.delete(jobId);
    }
  }

  /** Cancel a job this instance does not hold: taken off the queue if it waits, else the holder is told. */
  async cancel(jobId: string, record: JobHistory): Promise<JobHistory> {
    const { queue, repository, active: jobs, presets } = this.deps;
    const loaded = presets.get(record.preset_id);
    if (loaded && (await queue.cancel(jobId))) {
      const a = jobs.track(record, loaded, false);
      await jobs.finish(a, 'cancelled', new PipelineError('JOB_CANCELLED', 'The job was cancelled before it started'));
      return a.record;
    }
    await repository.appendEvent(jobId, 'cancel_requested', {});
    await this.deps.signals.cancel(jobId);
    return (await this.waitForEnd(jobId, 30_000)).job;
  }

  /** Follow a job run by any instance until it ends (or `timeoutMs` passes: the state then). */
  async waitForEnd(jobId: string, timeoutMs = Infinity): Promise<{ job: JobHistory; error: PipelineError | null }> {
    const { repository } = this.deps;
    const ended = (job: JobHistory | null) => (job && isTerminal(job.status) ? job : null);
    let wake: () => void = () => undefined;
    const off = repository.subscribe(jobId, (e) => {
      if (e.event === 'completed' || e.event === 'failed' || e.event === 'cancelled') wake();
    });
    const until = Date.now() + timeoutMs;
    try {
      for (;;) {
        const job = await repository.get(jobId);
        if (!job) throw notFound(jobId);
        const done = ended(job);
        if (done || Date.now() >= until) return { job, error: done ? errorOf(done) : null };
        // Woken by the job's end event; polled every 2 s too (a notification can be missed across a reconnect).
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(2_000, Math.max(0, until - Date.now())));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      off();
    }
  }
}

/** The error a failed or cancelled record carries, as the instance that ran it raised it. */
function errorOf(job: JobHistory): PipelineError | null {
  if (job.status === 'completed' || !job.error_code) return null;
  return new PipelineError(job.error_code as ErrorCode, job.error ?? job.status, {
    detail: job.error_detail ?? undefined,
  });
}
