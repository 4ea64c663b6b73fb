import type { Logger } from 'pino';
import type { JobHistory } from '../contracts/job.js';
import type { JobRepository } from '../ports/job-repository.js';
import type { JobIndex } from '../store/job-index.js';
import { summarize } from '../store/job-index.js';
import type { JobLogger } from '../store/job-logger.js';
import type { JobStore } from '../store/job-store.js';

/**
 * How the core writes a job's state and events: the data folder's files (with the shortcuts that
 * make the embedded mode fast) or any JobRepository (PostgreSQL). ActiveJobs depends on this only.
 */
export interface JobWrites {
  /** A new job's first record: visible once this resolves; `durable` once it survives a crash. */
  saveNew(job: JobHistory): Promise<{ durable: Promise<void> }>;
  /** A later state, stored before it is visible; with `after`, only once `after` succeeded. */
  save(job: JobHistory, options?: { after?: Promise<unknown> }): Promise<void>;
  /** The listing's summary of the state everyone sees now (live progress included), when it is kept apart. */
  putSummary(job: JobHistory): void;
  log(jobId: string, event: string, fields: Record<string, unknown>): Promise<unknown>;
  /** The job ended here: what is kept open for it can go. */
  release(jobId: string): Promise<void>;
  deleteRerunInputs(jobId: string): Promise<void>;
  /** The stored record (after a save found the job ended by another holder). */
  reload(jobId: string): Promise<JobHistory | null>;
}

/** The embedded writes: job file, then the summary journal (a cache of the files), and the file log. */
export function embeddedWrites(jobs: JobStore, index: JobIndex, jobLogger: JobLogger, logger: Logger): JobWrites {
  return {
    async saveNew(job) {
      const written = await jobs.saveVisible(job);
      // A new job's log starts at 1: no need to look for earlier events on disk.
      jobLogger.begin(job.job_id);
      return written;
    },
    save: (job, options) => jobs.save(job, options),
    putSummary(job) {
      // Recovery re-reads unfinished jobs from their files, so the state need not wait for the journal.
      index.put(summarize(job)).catch((err: unknown) => logger.warn({ err }, 'job index append failed'));
    },
    log: (jobId, event, fields) => jobLogger.log(jobId, event, fields),
    release: (jobId) => jobLogger.release(jobId),
    deleteRerunInputs: (jobId) => jobs.deleteRerunInputs(jobId),
    reload: (jobId) => jobs.get(jobId),
  };
}

/** Writes through a JobRepository, whose save keeps the record and its summary together. */
export function repositoryWrites(repository: JobRepository): JobWrites {
  return {
    async saveNew(job) {
      await repository.save(job);
      return { durable: Promise.resolve() };
    },
    save: (job, options) => repository.save(job, options),
    putSummary: () => undefined,
    log: (jobId, event, fields) => repository.appendEvent(jobId, event, fields),
    release: () => Promise.resolve(),
    deleteRerunInputs: (jobId) => repository.deleteRerunInputs(jobId),
    reload: (jobId) => repository.get(jobId),
  };
}
