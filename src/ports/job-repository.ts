import type { JobHistory } from '../contracts/job.js';
import type { JobEvent } from '../store/event-line.js';
import type { JobSummary, ListQuery } from '../store/job-index.js';
import type { WebhookOutbox } from './webhook-outbox.js';

/**
 * The job repository port: job records, the summary index used for listing, each job's event log
 * and the exact re-run inputs. The embedded implementation is the data folder's files
 * (src/embedded/file-job-repository.ts); a distributed one (PostgreSQL) must pass the same
 * conformance suite (test/ports/).
 *
 * Contract, for every implementation:
 * - **Durable and ordered**: `save` resolves once the record survives a crash; saves of one job
 *   apply in call order, so an earlier state never overwrites a later one. With `after`, the new
 *   state replaces the old one only if `after` succeeds (else the old one stays, and save rejects).
 * - **Redacted**: what is stored (records and events) has credentials removed; `get` returns the
 *   redacted record. The exact inputs a re-run needs are kept apart (`saveRerunInputs`), readable
 *   only by the service, until `deleteRerunInputs`.
 * - **Listing** is newest first by (created_at, job_id), filtered by status and preset, paged by a
 *   cursor (the last summary of a page), and never reads every record.
 * - **Events** are numbered 1, 2, … per job in append order; `events(since)` returns those after
 *   `since`; subscribers hear an event only once it is stored.
 * - **An end is final**: a save never replaces an ended state (completed, failed, cancelled) with
 *   another one; it rejects with `JobAlreadyEnded` (the same end saved again succeeds). With several
 *   instances, a job handed over while its first holder was finishing it ends once.
 * - `delete` removes the record, its summary, its events, its re-run inputs and its webhook
 *   deliveries (idempotent).
 * - `webhooks` is the outbox of webhook deliveries, stored with the jobs (see webhook-outbox.ts).
 */
/** The stored job has already ended (another holder ended it): this state was not saved. */
export class JobAlreadyEnded extends Error {
  override name = 'JobAlreadyEnded';
  constructor(readonly jobId: string) {
    super(`job ${jobId} has already ended`);
  }
}

export interface JobRepository {
  readonly webhooks: WebhookOutbox;
  save(job: JobHistory, options?: { after?: Promise<unknown> }): Promise<void>;
  get(jobId: string): Promise<JobHistory | null>;
  summary(jobId: string): Promise<JobSummary | null>;
  /**
   * Optional, for implementations that hold summaries in memory (the embedded index): the same
   * answer as `summary`, synchronously, so the hottest read route needs no promise.
   */
  summaryNow?(jobId: string): JobSummary | null;
  list(query: ListQuery): Promise<{ jobs: JobSummary[]; next: JobSummary | null }>;
  delete(jobId: string): Promise<void>;
  appendEvent(jobId: string, event: string, fields?: Record<string, unknown>): Promise<JobEvent>;
  events(jobId: string, since?: number): Promise<JobEvent[]>;
  subscribe(jobId: string, listener: (event: JobEvent) => void): () => void;
  saveRerunInputs(jobId: string, inputs: Record<string, unknown>): Promise<void>;
  readRerunInputs(jobId: string): Promise<Record<string, unknown> | null>;
  deleteRerunInputs(jobId: string): Promise<void>;
  /**
   * Optional, for repositories shared by several instances: claim an idempotency key (hashed) for
   * `jobId`, atomically for every instance; a key younger than `ttlMs` stays with its holder, whose
   * job id and body hash are returned.
   */
  claimIdempotencyKey?(
    keyHash: string,
    bodyHash: string,
    jobId: string,
    ttlMs: number,
  ): Promise<{ jobId: string; bodyHash: string }>;
  /** Let a claimed key go (its job was never created); only if `jobId` still holds it. */
  releaseIdempotencyKey?(keyHash: string, jobId: string): Promise<void>;
  close(): Promise<void>;
}
