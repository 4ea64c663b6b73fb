import type { Logger } from 'pino';
import type { AppConfig } from '../config.js';
import type { ActiveJob, ActiveJobs } from '../core/active-jobs.js';
import type { EngineAdapter, EngineHealth } from '../engines/engine.js';
import { PipelineError } from '../errors/pipeline-error.js';
import type { DurationEstimates } from '../core/estimates.js';
import type { Metrics } from '../core/metrics.js';
import type { JobQueue, Lease } from '../ports/job-queue.js';
import type { ArtifactStorePort } from '../ports/artifact-store.js';
import type { PresetRegistry } from '../presets/registry.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { UploadStore } from '../store/upload-store.js';
import { BackendWorker, type WorkerHost } from './backend-worker.js';
import { chooseBackend, fitness, type JobView } from './dispatch.js';
import type { DispatchSlot } from './dispatch-slot.js';
import { JobExecution } from './job-execution.js';
import { RequirementsCache } from './requirements.js';

export interface WorkersDeps {
  config: AppConfig;
  logger: Logger;
  engines: EngineAdapter[];
  queue: JobQueue;
  jobs: ActiveJobs;
  artifacts: ArtifactStore;
  /** Where artifacts are kept when not in the local folder (S3): outputs are copied there before a job completes. */
  sharedArtifacts?: ArtifactStorePort | null;
  uploads: UploadStore;
  estimates: DurationEstimates;
  metrics: Metrics;
  presets: PresetRegistry;
  /** A leased job this instance does not hold (the shared queue's; the embedded queue never hands one out). */
  adopt(lease: Lease): Promise<{ active: ActiveJob; on: string | null } | 'gone' | 'elsewhere'>;
}

/** One backend as the engines listing shows it. */
export interface BackendState {
  state: 'accepting' | 'paused' | 'stopped';
  paused_reason: string | null;
  slots: number;
  running_jobs: string[];
  loaded_checkpoint: string | null;
  catalogue_classes: number | null;
  jobs_completed: number;
  jobs_failed: number;
  jobs_moved: number;
}

/**
 * The pool of workers, one per ComfyUI backend. Each pulls from the one JobQueue only what the
 * dispatch choice gives it (src/workers/dispatch.ts); the pool answers the questions that span
 * backends: is any up, may another run this job, which jobs have waited past their deadline.
 */
export class Workers implements WorkerHost {
  readonly list: BackendWorker[];
  readonly queue: JobQueue;
  readonly jobs: ActiveJobs;
  readonly logger: Logger;
  readonly leaseMs: number;
  private readonly byId = new Map<string, BackendWorker>();
  private readonly requirements: RequirementsCache;
  private readonly execution: JobExecution;
  private offAvailable: (() => void) | null = null;

  constructor(private readonly deps: WorkersDeps) {
    this.queue = deps.queue;
    this.jobs = deps.jobs;
    this.logger = deps.logger;
    // In process, a lease outlives any run (every job ends by its deadline and its lease with it);
    // a shared queue's lease is short and kept by heartbeats, so a dead instance's jobs move on soon.
    this.leaseMs = deps.config.queueLeaseMs ?? Math.max(...Object.values(deps.config.jobDeadlineMs)) + 60_000;
    this.requirements = new RequirementsCache(deps.config.models);
    const settings = new Map(deps.config.backends.map((b) => [b.id, b]));
    this.list = deps.engines.map((engine) => {
      const configured = settings.get(engine.engineId);
      return new BackendWorker(
        engine,
        {
          concurrency: configured?.concurrency ?? deps.config.jobConcurrency,
          prefetch: configured?.prefetch ?? 0,
          failoverAfterMs: 3_000,
        },
        this,
      );
    });
    for (const w of this.list) this.byId.set(w.id, w);
    this.execution = new JobExecution(deps, {
      size: this.list.length,
      othersOpen: (w) => this.othersOpen(w),
      anyOpen: () => this.anyOpen(),
      mayRunElsewhere: (active) => this.list.some((w) => fitness(w, this.view(active)) !== 'excluded'),
      checkpointOf: (active) => this.view(active).checkpoint,
      failSyncWaiters: (error) => this.failSyncWaiters(error),
    });
  }

  start(): void {
    this.offAvailable = this.queue.onAvailable(() => this.kick());
    for (const w of this.list) w.start();
  }

  get(id: string): BackendWorker | undefined {
    return this.byId.get(id);
  }

  private view(active: ActiveJob): JobView {
    const inputs = active.record.inputs as { identity_reference?: unknown[] };
    const req = this.requirements.of(
      active.loaded,
      active.record.quality_level,
      inputs.identity_reference?.length ?? 0,
    );
    return {
      engines: active.loaded.preset.engine_requirements,
      graph: req.graph,
      checkpoint: req.checkpoint,
      excluded: new Set(active.missingOn.keys()),
    };
  }

  choose(active: ActiveJob): BackendWorker | null {
    return chooseBackend(this.list, this.view(active));
  }

  chooseFor(needs: Record<string, unknown> | undefined): BackendWorker | null {
    const loaded = typeof needs?.preset_id === 'string' ? this.deps.presets.get(needs.preset_id) : undefined;
    // A preset this instance lacks: any worker takes the lease, and adoption hands it back.
    if (!loaded) return this.list.find((w) => w.accepting && w.free > 0) ?? null;
    const req = this.requirements.of(loaded, 'standard', 0);
    return chooseBackend(this.list, {
      engines: loaded.preset.engine_requirements,
      graph: req.graph,
      checkpoint: req.checkpoint,
      excluded: new Set(),
    });
  }

  adopt(lease: Lease): Promise<{ active: ActiveJob; on: string | null } | 'gone' | 'elsewhere'> {
    return this.deps.adopt(lease);
  }

  /**
   * The backend that has a job's prompt (queued, running or finished), asked within 3 s: the one
   * its record names, else every backend (a prompt submitted just before its instance died is on
   * one of them without the record saying which). Null when none knows it.
   */
  async locate(job: { engine_used: string | null; engine_prompt_id: string | null }): Promise<string | null> {
    const promptId = job.engine_prompt_id;
    if (!promptId) return null;
    const named = job.engine_used ? this.byId.get(job.engine_used) : undefined;
    const candidates = named ? [named] : this.list;
    const answers = await Promise.all(
      candidates.map(async (w) => {
        try {
          const state = await w.engine.lookup(promptId, AbortSignal.timeout(3_000));
          return state === 'unknown' ? null : w.id;
        } catch {
          return null;
        }
      }),
    );
    return answers.find((id) => id !== null) ?? null;
  }

  run(worker: BackendWorker, active: ActiveJob, slot: DispatchSlot): Promise<void> {
    return this.execution.run(worker, active, slot);
  }

  kick(): void {
    for (const w of this.list) w.pump();
  }

  othersOpen(worker: BackendWorker): boolean {
    return this.list.some((w) => w !== worker && w.accepting);
  }

  anyOpen(): boolean {
    return this.list.some((w) => w.gate.isOpen);
  }

  /** Why no backend is up (the first paused one's reason). */
  closedReason(): string {
    return this.list.find((w) => !w.gate.isOpen)?.gate.reason ?? 'no answer';
  }

  /** Jobs running on backends now. */
  running(): number {
    return this.list.reduce((n, w) => n + w.inFlight.size, 0);
  }

  /** A job recovered at start that ComfyUI already has: followed on the backend it was sent to. */
  reattach(active: ActiveJob): void {
    const worker = (active.record.engine_used ? this.byId.get(active.record.engine_used) : undefined) ?? this.list[0]!;
    worker.startJob(active, null);
  }

  /**
   * What the backend a job's record names (engine_used) says of its prompt, within 3 s;
   * 'unreachable' when it cannot say (down, or no longer configured).
   */
  async lookupUpstream(job: {
    engine_used: string | null;
    engine_prompt_id: string | null;
  }): Promise<'queued' | 'running' | 'finished' | 'unknown' | 'unreachable'> {
    const worker = job.engine_used ? this.byId.get(job.engine_used) : this.list[0];
    if (!worker || !job.engine_prompt_id) return 'unreachable';
    try {
      return await worker.engine.lookup(job.engine_prompt_id, AbortSignal.timeout(3_000));
    } catch {
      return 'unreachable';
    }
  }

  onTick(): void {
    void this.failWaitersPastDeadline();
  }

  /** Jobs waiting while backends are unreachable fail once their deadline (counted from acceptance) has passed. */
  private async failWaitersPastDeadline(): Promise<void> {
    for (const jobId of await this.queue.waiting()) {
      const active = this.jobs.get(jobId);
      if (
        !active ||
        Date.now() < Date.parse(active.record.created_at) + this.deps.config.jobDeadlineMs[active.record.quality_level]
      )
        continue;
      if (!(await this.queue.cancel(jobId))) continue;
      void this.jobs.finish(
        active,
        'failed',
        new PipelineError(
          'ENGINE_OFFLINE',
          `No ComfyUI backend could run the job before its deadline (${this.closedReason()})`,
        ),
      );
    }
  }

  /** Requests that wait for their answer do not wait for ComfyUI: they get the 503 now. */
  private async failSyncWaiters(error: PipelineError): Promise<void> {
    for (const jobId of await this.queue.waiting()) {
      const other = this.jobs.get(jobId);
      if (!other || other.waitForEngine) continue;
      if (!(await this.queue.cancel(jobId))) continue;
      void this.jobs.finish(other, 'failed', error);
    }
  }

  describe(worker: BackendWorker): BackendState {
    return {
      state: !worker.accepting && worker.gate.isOpen ? 'stopped' : worker.gate.isOpen ? 'accepting' : 'paused',
      paused_reason: worker.gate.reason,
      slots: worker.slots,
      running_jobs: [...worker.inFlight],
      loaded_checkpoint: worker.lastCheckpoint,
      catalogue_classes: worker.catalogue?.node_classes.length ?? null,
      jobs_completed: worker.completed,
      jobs_failed: worker.failed,
      jobs_moved: worker.moved,
    };
  }

  /** Every backend's live health with its worker's state. */
  async health(): Promise<(EngineHealth & { worker: BackendState })[]> {
    return Promise.all(this.list.map(async (w) => ({ ...(await w.engine.health()), worker: this.describe(w) })));
  }

  stop(): void {
    this.offAvailable?.();
    for (const w of this.list) w.stop();
  }
}
