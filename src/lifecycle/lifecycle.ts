import type { Logger } from 'pino';
import type { AppConfig } from '../config.js';
import { Admission } from '../admission/admission.js';
import { ActiveJobs } from '../core/active-jobs.js';
import type { EngineRegistry } from '../engines/registry.js';
import { DETACH } from '../engines/engine.js';
import { PipelineError } from '../errors/pipeline-error.js';
import { DurationEstimates } from '../core/estimates.js';
import { Metrics } from '../core/metrics.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { JobRepository } from '../ports/job-repository.js';
import type { PresetRegistry } from '../presets/registry.js';
import { JobQueries } from '../queries/job-queries.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { JobIndex } from '../store/job-index.js';
import type { JobLogger } from '../store/job-logger.js';
import type { JobStore } from '../store/job-store.js';
import type { UploadStore } from '../store/upload-store.js';
import { Workers } from '../workers/workers.js';
import { recoverJobs } from './recovery.js';
import { sweepRetention } from './retention.js';

export interface CoreDeps {
  /** The JobRepository port; the read side goes through it. */
  repository: JobRepository;
  config: AppConfig;
  logger: Logger;
  presets: PresetRegistry;
  engines: EngineRegistry;
  jobs: JobStore;
  jobLogger: JobLogger;
  index: JobIndex;
  queue: JobQueue;
  artifacts: ArtifactStore;
  uploads: UploadStore;
}

/**
 * The job core, assembled from its parts, and its life: start (recovery plan, estimates and
 * idempotency keys from history, retention, workers) and shutdown (refuse, grace, detach).
 * Routes talk to `admission` (create, cancel, wait) and `queries` (read); `workers` run jobs.
 */
export class Lifecycle {
  readonly active: ActiveJobs;
  readonly admission: Admission;
  readonly queries: JobQueries;
  readonly workers: Workers;
  readonly estimates = new DurationEstimates();
  readonly metrics = new Metrics();
  readonly index: JobIndex;
  /** Job files found unreadable at start and moved to jobs/corrupt/. */
  corruptFiles: string[] = [];
  private retentionTimer: NodeJS.Timeout | null = null;

  constructor(readonly deps: CoreDeps) {
    this.index = deps.index;
    let queries: JobQueries | null = null;
    this.active = new ActiveJobs({
      jobs: deps.jobs,
      index: deps.index,
      jobLogger: deps.jobLogger,
      queue: deps.queue,
      metrics: this.metrics,
      logger: deps.logger,
      forgetStatus: (jobId) => queries?.forgetStatus(jobId),
    });
    this.workers = new Workers({
      config: deps.config,
      logger: deps.logger,
      engines: deps.engines.all(),
      queue: deps.queue,
      jobs: this.active,
      artifacts: deps.artifacts,
      uploads: deps.uploads,
      estimates: this.estimates,
      metrics: this.metrics,
    });
    this.queries = queries = new JobQueries({
      active: this.active.active,
      repository: deps.repository,
      estimates: this.estimates,
      artifacts: deps.artifacts,
      queuePosition: (jobId) => this.queuePosition(jobId),
    });
    this.admission = new Admission({
      config: deps.config,
      logger: deps.logger,
      presets: deps.presets,
      uploads: deps.uploads,
      jobs: deps.jobs,
      active: this.active,
      queue: deps.queue,
      queries: this.queries,
      estimates: this.estimates,
      anyBackendOpen: () => this.workers.anyOpen(),
      closedReason: () => this.workers.closedReason(),
    });
  }

  /**
   * Jobs ahead of a queued one: in ComfyUI's queue (other clients' prompts included) once it is
   * there, else in this service's queue (plus what the backends are running for it). Null when unknown.
   */
  private queuePosition(jobId: string): number | null {
    const active = this.active.get(jobId);
    if (!active) return null;
    if (active.enginePosition !== null) return active.enginePosition;
    const index = this.deps.queue.positionOf?.(jobId) ?? -1;
    return index >= 0 ? index + this.workers.running() : null;
  }

  async init(): Promise<void> {
    await this.deps.jobs.init();
    const report = await recoverJobs(
      {
        index: this.index,
        deps: this.deps,
        track: (record, loaded, resume) => this.active.track(record, loaded, resume),
        reattach: (active) => this.workers.reattach(active),
        enqueueRecovered: async (jobId, presetId) => {
          await this.deps.queue.enqueue({ jobId, admitted: true, needs: { preset_id: presetId } });
        },
      },
      { upstream: (job) => this.workers.lookupUpstream(job) },
    );
    this.corruptFiles = report.corrupt;
    for (const s of [...this.index.all()].sort((a, b) => a.created_ms - b.created_ms)) {
      if (s.status === 'completed' && s.started_ms && s.finished_ms)
        this.estimates.record(s.preset_id, s.quality_level, (s.finished_ms - s.started_ms) / 1000);
      if (s.idempotency_key) this.admission.idempotency.restore(s.idempotency_key, s.job_id, s.created_ms);
    }
    if (this.deps.config.retention.maxAgeMs || this.deps.config.retention.maxBytes) {
      await this.retention();
      this.retentionTimer = setInterval(() => {
        void this.retention();
      }, 10 * 60_000);
      this.retentionTimer.unref();
    }
    this.workers.start();
  }

  async retention(): Promise<number> {
    try {
      return await sweepRetention(
        {
          index: this.index,
          active: this.active.active,
          deps: this.deps,
          forgetStatus: (id) => this.queries.forgetStatus(id),
        },
        this.deps.config.retention,
      );
    } catch (err) {
      this.deps.logger.warn({ err }, 'retention sweep failed');
      return 0;
    }
  }

  queueDepth(): Promise<number> {
    return this.deps.queue.depth();
  }

  /**
   * Graceful shutdown: refuse new jobs, let running ones finish within the grace period, then stop
   * following the rest without cancelling them (they stay running on disk, queued ones stay queued)
   * so the next start picks them up.
   */
  async shutdown(graceMs = this.deps.config.shutdownGraceMs): Promise<void> {
    this.admission.close();
    this.workers.stop();
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    const jobs = this.active.active;
    const running = [...jobs.values()].filter((a) => a.record.status === 'running');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(running.map((a) => a.done)),
      new Promise((r) => {
        timer = setTimeout(r, graceMs);
      }),
    ]);
    clearTimeout(timer);
    for (const a of jobs.values()) {
      if (a.record.status === 'running') a.controller.abort(DETACH);
      else if (a.record.status === 'queued') {
        if (a.backend !== null) a.controller.abort(DETACH); // handed to a backend, not started there yet
        a.error = new PipelineError(
          'SERVICE_UNAVAILABLE',
          'The service is restarting; the job stays queued and runs after the restart',
          { headers: { 'retry-after': '10' } },
        );
        a.resolveDone(a.record);
      }
    }
    await Promise.allSettled([...jobs.values()].map((a) => a.done));
    await this.active.flushEndWrites();
    await this.index.flush().catch((err: unknown) => this.deps.logger.warn({ err }, 'job index flush failed'));
    await this.deps.jobLogger.closeAll();
    await this.deps.queue.close();
    this.metrics.close();
  }
}
