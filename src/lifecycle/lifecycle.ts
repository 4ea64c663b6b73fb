import type { Logger } from 'pino';
import type { AppConfig } from '../config.js';
import { Admission } from '../admission/admission.js';
import { ActiveJobs } from '../core/active-jobs.js';
import type { EngineRegistry } from '../engines/registry.js';
import { DETACH } from '../engines/engine.js';
import { isTerminal } from '../core/job-state.js';
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
import type { ArtifactStorePort } from '../ports/artifact-store.js';
import type { JobSignals } from '../core/job-signals.js';
import { embeddedWrites, repositoryWrites } from '../core/job-writes.js';
import { SharedQueueCoordination } from './shared-queue.js';
import { Workers } from '../workers/workers.js';
import { recoverJobs } from './recovery.js';
import { narratedWrites } from '../core/narrated-writes.js';
import type { StartupState } from '../startup-gate.js';
import { sweepRetention } from './retention.js';
import { WebhookSender } from '../webhooks/webhook-sender.js';
import { stageEnd, stageMilestone, webhookWrites, type WebhookStaging } from '../webhooks/webhook-writes.js';

/** The data folder's job files, summary journal and logs: the embedded mode's repository, read by recovery and retention. */
export interface EmbeddedJobFiles {
  jobs: JobStore;
  jobLogger: JobLogger;
  index: JobIndex;
}

export interface CoreDeps {
  /** The JobRepository port; the read side goes through it, and so do writes outside the embedded mode. */
  repository: JobRepository;
  /** Set in the embedded mode (JOB_STORE=files); null when the repository is shared (PostgreSQL). */
  embedded: EmbeddedJobFiles | null;
  config: AppConfig;
  logger: Logger;
  presets: PresetRegistry;
  engines: EngineRegistry;
  queue: JobQueue;
  /** The local artifact folder: where downloads are staged (and kept, in the embedded mode). */
  artifacts: ArtifactStore;
  /** Where artifacts are kept when it is not the local folder (S3): read from here, copied here before a job completes. */
  sharedArtifacts?: ArtifactStorePort | null;
  uploads: UploadStore;
  /** Messages between instances (cancel); set when the queue is shared. */
  signals?: JobSignals | null;
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
  /** Sends the webhook outbox's deliveries (idle unless WEBHOOK_SECRET is set). */
  readonly webhooks: WebhookSender;
  private readonly staging: WebhookStaging;
  readonly index: JobIndex | null;
  /** Set when several instances share the queue: adoption, hand-off, reconciliation, cancel messages. */
  readonly shared: SharedQueueCoordination | null;
  /** Job files found unreadable at start and moved to jobs/corrupt/. */
  corruptFiles: string[] = [];
  private retentionTimer: NodeJS.Timeout | null = null;

  constructor(readonly deps: CoreDeps) {
    this.index = deps.embedded?.index ?? null;
    let queries: JobQueries | null = null;
    const embedded = deps.embedded;
    this.webhooks = new WebhookSender({
      outbox: deps.repository.webhooks,
      summary: (jobId) => deps.repository.summary(jobId),
      config: deps.config.webhooks,
      logger: deps.logger,
    });
    const sender = this.webhooks;
    this.staging = {
      outbox: deps.repository.webhooks,
      logger: deps.logger,
      staged: () => sender.wake(),
      failed: () => sender.counts.stageFailures++,
    };
    this.active = new ActiveJobs({
      writes: webhookWrites(
        narratedWrites(
          embedded
            ? embeddedWrites(embedded.jobs, embedded.index, embedded.jobLogger, deps.logger)
            : repositoryWrites(deps.repository),
          deps.logger,
        ),
        this.staging,
      ),
      queue: deps.queue,
      metrics: this.metrics,
      logger: deps.logger,
      forgetStatus: (jobId) => queries?.forgetStatus(jobId),
      milestone: (record, progress, percent) => stageMilestone(record, progress, percent, this.staging),
    });
    this.workers = new Workers({
      config: deps.config,
      logger: deps.logger,
      engines: deps.engines.all(),
      queue: deps.queue,
      jobs: this.active,
      artifacts: deps.artifacts,
      sharedArtifacts: deps.sharedArtifacts ?? null,
      uploads: deps.uploads,
      estimates: this.estimates,
      metrics: this.metrics,
      presets: deps.presets,
      adopt: (lease) => this.shared?.adopt(lease) ?? Promise.resolve('gone' as const),
    });
    const jobsInMemory = this.active.active;
    // With a shared queue, memory is the truth only for a job this process is running (or has just
    // ended): an entry left from a hand-over must not shadow what the holder stored since.
    const liveHere = (id: string) => {
      const a = jobsInMemory.get(id);
      return a && (a.executing || isTerminal(a.record.status)) ? a : undefined;
    };
    this.queries = queries = new JobQueries({
      active:
        deps.config.stores.queue === 'bullmq'
          ? { get: liveHere, has: (id) => liveHere(id) !== undefined }
          : jobsInMemory,
      repository: deps.repository,
      estimates: this.estimates,
      artifacts: deps.sharedArtifacts ?? deps.artifacts,
      queuePosition: (jobId) => this.queuePosition(jobId),
    });
    this.admission = new Admission({
      config: deps.config,
      logger: deps.logger,
      presets: deps.presets,
      uploads: deps.uploads,
      repository: deps.repository,
      active: this.active,
      queue: deps.queue,
      queries: this.queries,
      estimates: this.estimates,
      anyBackendOpen: () => this.workers.anyOpen(),
      closedReason: () => this.workers.closedReason(),
      shared: () => this.shared,
    });
    this.shared = deps.signals
      ? new SharedQueueCoordination({
          config: deps.config,
          logger: deps.logger,
          presets: deps.presets,
          repository: deps.repository,
          queue: deps.queue,
          active: this.active,
          workers: this.workers,
          signals: deps.signals,
        })
      : null;
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

  /** How far init() is; the HTTP server may listen before it is done (see src/server.ts). */
  readonly startup: StartupState = { ready: false, indexed: 0, total: 0 };

  async init(): Promise<void> {
    await this.initStores();
    this.startup.ready = true;
  }

  private async initStores(): Promise<void> {
    const embedded = this.deps.embedded;
    if (!embedded) {
      // A shared repository: no files to reconcile. Unfinished jobs the queue does not have (the
      // in-process queue after a restart, or a Redis without persistence that restarted) are put
      // back by the shared coordination, now and every few seconds, and adopted where they already run.
      await this.shared?.start({ startup: this.deps.config.stores.queue === 'memory' });
      await this.restoreFromRepository();
      this.workers.start();
      this.webhooks.start();
      return;
    }
    await embedded.jobs.init();
    const index = embedded.index;
    const report = await recoverJobs(
      {
        index,
        deps: { ...this.deps, ...embedded },
        track: (record, loaded, resume) => this.active.track(record, loaded, resume),
        reattach: (active) => this.workers.reattach(active),
        stageEnd: (job) => stageEnd(job, this.staging).then(() => undefined),
        enqueueRecovered: async (jobId, presetId) => {
          await this.deps.queue.enqueue({ jobId, admitted: true, needs: { preset_id: presetId } });
        },
      },
      { upstream: (job) => this.workers.lookupUpstream(job), progress: this.indexProgress() },
    );
    this.corruptFiles = report.corrupt;
    for (const s of [...index.all()].sort((a, b) => a.created_ms - b.created_ms)) {
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
    await this.shared?.start({ startup: false });
    this.workers.start();
    this.webhooks.start();
  }

  /** Progress of reading the job files the index did not know: kept for /api/health, logged about once a second. */
  private indexProgress(): (read: number, total: number) => void {
    let loggedAt = 0;
    const started = Date.now();
    return (read, total) => {
      this.startup.indexed = read;
      this.startup.total = total;
      const now = Date.now();
      if (now - loggedAt < 1_000 && read < total) return;
      loggedAt = now;
      this.deps.logger.info(
        { read, total, seconds: Math.round((now - started) / 100) / 10 },
        read < total ? 'reading job files the index does not know' : 'job index rebuilt from the job files',
      );
    };
  }

  /** Duration estimates from the newest finished jobs of a shared repository (its idempotency keys are claimed there, not kept in memory). */
  private async restoreFromRepository(): Promise<void> {
    const { jobs } = await this.deps.repository.list({ status: 'completed', limit: 500 });
    for (const s of jobs.reverse())
      if (s.started_ms && s.finished_ms)
        this.estimates.record(s.preset_id, s.quality_level, (s.finished_ms - s.started_ms) / 1000);
  }

  async retention(): Promise<number> {
    const embedded = this.deps.embedded;
    if (!embedded) return 0;
    try {
      return await sweepRetention(
        {
          index: embedded.index,
          active: this.active.active,
          deps: { ...this.deps, ...embedded, webhooks: this.deps.repository.webhooks },
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
    this.shared?.stop();
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
    // After the last ends are written: their deliveries are staged, and sent at the next start.
    await this.webhooks.close();
    await this.index?.flush().catch((err: unknown) => this.deps.logger.warn({ err }, 'job index flush failed'));
    await this.deps.embedded?.jobLogger.closeAll();
    await this.deps.queue.close();
    await this.deps.signals?.close();
    if (!this.deps.embedded) await this.deps.repository.close();
    this.metrics.close();
  }
}
