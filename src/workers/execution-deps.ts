import type { Logger } from 'pino';
import type { AppConfig } from '../config.js';
import type { ActiveJob, ActiveJobs } from '../core/active-jobs.js';
import type { PipelineError } from '../errors/pipeline-error.js';
import type { DurationEstimates } from '../core/estimates.js';
import type { Metrics } from '../core/metrics.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { UploadStore } from '../store/upload-store.js';
import type { ArtifactStorePort } from '../ports/artifact-store.js';
import type { BackendWorker } from './backend-worker.js';

export interface ExecutionDeps {
  config: AppConfig;
  logger: Logger;
  jobs: ActiveJobs;
  queue: JobQueue;
  artifacts: ArtifactStore;
  sharedArtifacts?: ArtifactStorePort | null;
  uploads: UploadStore;
  estimates: DurationEstimates;
  metrics: Metrics;
}

/** What an execution asks of the pool of backends. */
export interface ExecutionPool {
  /** How many backends are configured. */
  readonly size: number;
  othersOpen(worker: BackendWorker): boolean;
  anyOpen(): boolean;
  /** Some backend that has not refused the job yet may run it. */
  mayRunElsewhere(active: ActiveJob): boolean;
  /** The checkpoint the job loads (the backend keeps it loaded afterwards). */
  checkpointOf(active: ActiveJob): string | null;
  /** No backend accepts work: requests that wait for their answer get this error now. */
  failSyncWaiters(error: PipelineError): Promise<void>;
}
