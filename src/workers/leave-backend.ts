import { randomUUID } from 'node:crypto';
import type { ActiveJob } from '../core/active-jobs.js';
import { DETACH } from '../engines/engine.js';
import type { MissingDependency } from '../engines/comfy/dependencies.js';
import { classifyError } from '../errors/classify.js';
import { PipelineError } from '../errors/pipeline-error.js';
import { transition } from '../core/job-state.js';
import { textOf } from '../util/text-of.js';
import { MOVE, type BackendWorker } from './backend-worker.js';
import type { ExecutionDeps, ExecutionPool } from './execution-deps.js';
import { isCudaFault } from './run-faults.js';

/** A job runs on at most this many backends (the first, and one more after a backend was lost). */
export const MAX_ATTEMPTS = 2;

/** A backend whose GPU faulted takes no job for this long (a restart of ComfyUI is what fixes it). */
const CUDA_FAULT_HOLD_MS = 60_000;

/** How a job goes back to the queue. */
interface Requeue {
  event: string;
  fields: Record<string, unknown>;
  /** Its prompt may still be on the backend: give it a new one, remove the old one there later. */
  orphan: boolean;
  /** It ran (or may have run) there: this counts as one of its MAX_ATTEMPTS. */
  countAttempt: boolean;
}

/**
 * Every way a job leaves a backend without success: detached at shutdown; back to the queue when
 * the backend was unreachable before accepting it, died mid-job, faulted, or lacks what the job
 * needs (while another may have it); failed otherwise, with one 424 when every backend refused it.
 */
export class BackendExit {
  constructor(
    private readonly deps: ExecutionDeps,
    private readonly pool: ExecutionPool,
  ) {}

  /** The run on this backend ended without success: detach, requeue or fail. */
  async leave(worker: BackendWorker, active: ActiveJob, err: unknown, running: Promise<unknown>): Promise<void> {
    const jobId = active.record.job_id;
    const reason: unknown = active.controller.signal.reason;
    if (active.controller.signal.aborted && reason === DETACH) {
      // Shutting down: the job stays running on disk with its prompt id; the next start resumes it.
      active.error = new PipelineError(
        'SERVICE_UNAVAILABLE',
        'The service is restarting; the job continues and can be followed by its job_id',
        { headers: { 'retry-after': '10' } },
      );
      active.resolveDone(active.record);
      return;
    }
    const attempts = active.latest.attempts ?? 1;
    const lost = active.controller.signal.aborted && reason === MOVE;
    let error =
      active.controller.signal.aborted && !lost
        ? new PipelineError('JOB_CANCELLED', 'The job was cancelled', { cause: err })
        : classifyError(err);
    if (lost)
      error = new PipelineError('ENGINE_OFFLINE', `Backend ${worker.id} stopped answering while it ran the job`, {
        detail: { engine: worker.id },
      });

    if (error.code === 'ENGINE_OFFLINE') {
      const pastDeadline =
        Date.now() >=
        Date.parse(active.record.created_at) + this.deps.config.jobDeadlineMs[active.record.quality_level];
      if (!active.accepted && !lost) {
        // Unreachable before it accepted the job: pause this backend; the job keeps its turn.
        const retryInMs = worker.pause(error.message);
        const waits = !pastDeadline && (active.waitForEngine || this.pool.othersOpen(worker));
        if (waits)
          await this.requeue(worker, active, running, {
            event: 'waiting_for_engine',
            fields: { error_code: error.code, reason: error.message, retry_in_ms: retryInMs, engine: worker.id },
            orphan: true,
            countAttempt: false,
          });
        // No backend is up: requests that wait for their answer get the 503 now, not at their deadline.
        if (!this.pool.anyOpen()) await this.pool.failSyncWaiters(error);
        if (waits) return;
      } else if (this.pool.size > 1 && attempts < MAX_ATTEMPTS) {
        // It died mid-job: the job runs once more, on another backend (this one is paused). A job
        // that was only waiting in its queue (prefetched) never ran there: no attempt is counted.
        if (!lost) worker.pause(error.message);
        worker.moved++;
        await running.catch(() => undefined); // (the running state is written once ComfyUI started it)
        const ran = active.latest.status === 'running';
        await this.requeue(worker, active, running, {
          event: 'backend_lost',
          fields: {
            engine: worker.id,
            error_code: error.code,
            reason: error.message,
            attempt: ran ? attempts + 1 : attempts,
            ...(ran ? {} : { started: false }),
          },
          orphan: true,
          countAttempt: ran,
        });
        return;
      }
    }
    if (error.code === 'DEPENDENCY_MISSING') {
      const missing = Array.isArray(error.detail?.missing) ? (error.detail.missing as MissingDependency[]) : [];
      active.missingOn.set(worker.id, missing);
      worker.catalogueSeen();
      if (this.pool.mayRunElsewhere(active)) {
        await this.requeue(worker, active, running, {
          event: 'backend_lacks',
          fields: { engine: worker.id, missing: missing.length, message: error.message },
          orphan: false,
          countAttempt: false,
        });
        return;
      }
      if (active.missingOn.size > 1) error = everywhereMissing(active.missingOn);
    }
    if (isCudaFault(error)) {
      // Health probes pass while the GPU is broken: held a minute, then the next job is the probe.
      worker.pause(`CUDA fault: ${error.message.slice(0, 200)}`, CUDA_FAULT_HOLD_MS);
      if (attempts < MAX_ATTEMPTS && this.pool.size > 1) {
        worker.moved++;
        await this.requeue(worker, active, running, {
          event: 'backend_fault',
          fields: { engine: worker.id, reason: error.message, attempt: attempts + 1 },
          orphan: false,
          countAttempt: true,
        });
        return;
      }
    }
    if (error.code === 'UNKNOWN_ERROR') this.deps.logger.error({ err, job_id: jobId }, 'job failed unexpectedly');
    if (error.code !== 'JOB_CANCELLED') worker.failed++;
    await this.deps.jobs.finish(active, error.code === 'JOB_CANCELLED' ? 'cancelled' : 'failed', error);
  }

  /** Back to the head of the queue, queued again on disk, the reason in its log. */
  private async requeue(
    worker: BackendWorker,
    active: ActiveJob,
    running: Promise<unknown>,
    how: Requeue,
  ): Promise<void> {
    const { jobs, queue } = this.deps;
    const jobId = active.record.job_id;
    await running.catch(() => undefined); // its running state is written first, then replaced
    const oldPrompt = active.latest.engine_prompt_id;
    if (how.orphan && oldPrompt) worker.orphans.add(oldPrompt);
    const patch = {
      progress: 0,
      engine_used: null,
      ...(how.orphan ? { engine_prompt_id: randomUUID(), submit_attempts: 0 } : {}),
      ...(how.countAttempt ? { attempts: (active.latest.attempts ?? 1) + 1 } : {}),
    };
    try {
      if (active.latest.status === 'running') await jobs.persist(active, transition(active.latest, 'queued', patch));
      else if (how.orphan || how.countAttempt) await jobs.persist(active, { ...active.latest, ...patch });
    } catch (err) {
      this.deps.logger.warn({ err, job_id: jobId }, 'could not write a job going back to the queue');
    }
    active.resume = false;
    active.accepted = false;
    // Waiting is bounded from acceptance; a job that ran somewhere keeps its first run's deadline.
    if (!how.countAttempt) active.deadlineAt = undefined;
    active.enginePosition = null;
    if (active.controller.signal.aborted) active.controller = new AbortController();
    await jobs.log(jobId, how.event, how.fields);
    const lease = jobs.leases.get(jobId);
    jobs.leases.delete(jobId);
    if (lease)
      await queue.requeue(lease, 'front'); // its turn is kept
    else
      await queue.enqueue({ jobId, admitted: true, needs: { preset_id: active.record.preset_id } }).then(
        () => undefined,
        () => undefined,
      );
  }
}

/** Every backend refused the job at preflight: one 424 naming what each one lacks. */
function everywhereMissing(missingOn: Map<string, MissingDependency[]>): PipelineError {
  const all: MissingDependency[] = [];
  const backends: Record<string, MissingDependency[]> = {};
  const parts: string[] = [];
  for (const [id, missing] of missingOn) {
    backends[id] = missing;
    all.push(...missing);
    parts.push(
      `${id} lacks ${missing.map((m) => (m.kind === 'node_class' ? `node ${m.class_type}` : `${m.class_type}.${m.input ?? '?'} = ${String(m.value)}`)).join(', ') || 'something'}`,
    );
  }
  const seen = new Set<string>();
  const missing = all.filter((m) => {
    const key = `${m.kind}:${m.class_type}:${m.input ?? ''}:${textOf(m.value)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return new PipelineError('DEPENDENCY_MISSING', `No ComfyUI backend has what this preset needs: ${parts.join('; ')}`, {
    detail: { missing, backends },
  });
}
