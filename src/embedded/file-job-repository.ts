import path from 'node:path';
import type { JobHistory } from '../contracts/job.js';
import { JobAlreadyEnded, type JobRepository } from '../ports/job-repository.js';
import type { JobEvent } from '../store/event-line.js';
import { JobIndex, summarize, type JobSummary, type ListQuery } from '../store/job-index.js';
import { JobLogger } from '../store/job-logger.js';
import { JobStore, isJobId } from '../store/job-store.js';
import { FileWebhookOutbox } from './file-webhook-outbox.js';

/**
 * The embedded JobRepository: the data folder's files, the layout the original service used.
 * jobs/{id}.json (atomic, fsynced, redacted), jobs/index.jsonl (the summary journal), jobs/{id}/
 * logs.jsonl (the event log) and jobs/{id}/rerun-inputs.json (mode 0600). The record is the truth;
 * the index follows it (a start rebuilds what the journal lacks).
 */
export class FileJobRepository implements JobRepository {
  readonly records: JobStore;
  readonly index: JobIndex;
  readonly log: JobLogger;
  readonly webhooks: FileWebhookOutbox;

  private constructor(jobsDir: string, webhooksDir: string) {
    this.records = new JobStore(jobsDir);
    this.index = new JobIndex(jobsDir);
    this.log = new JobLogger(jobsDir);
    this.webhooks = new FileWebhookOutbox(webhooksDir);
  }

  /** The repository of a data folder, not yet read (the service's start-up recovery loads it). */
  static create(dataDir: string): FileJobRepository {
    return new FileJobRepository(path.join(dataDir, 'jobs'), path.join(dataDir, 'webhooks'));
  }

  /** Open (create) the jobs folder and load the index journal: a repository ready on its own. */
  static async open(dataDir: string): Promise<FileJobRepository> {
    const repo = FileJobRepository.create(dataDir);
    await repo.records.init();
    await repo.index.load();
    return repo;
  }

  async save(job: JobHistory, options: { after?: Promise<unknown> } = {}): Promise<void> {
    const known = this.index.get(job.job_id);
    const ended = known && (known.status === 'completed' || known.status === 'failed' || known.status === 'cancelled');
    if (ended && known.finished_ms !== (job.finished_at ? Date.parse(job.finished_at) : null))
      throw new JobAlreadyEnded(job.job_id);
    await this.records.save(job, options);
    await this.index.put(summarize(job));
  }

  get(jobId: string): Promise<JobHistory | null> {
    return this.records.get(jobId);
  }

  summary(jobId: string): Promise<JobSummary | null> {
    return Promise.resolve(this.summaryNow(jobId));
  }

  summaryNow(jobId: string): JobSummary | null {
    return this.index.get(jobId) ?? null;
  }

  list(query: ListQuery): Promise<{ jobs: JobSummary[]; next: JobSummary | null }> {
    return Promise.resolve(this.index.list(query));
  }

  async delete(jobId: string): Promise<void> {
    if (!isJobId(jobId)) return;
    await this.log.release(jobId);
    this.log.forget(jobId);
    await this.webhooks.deleteForJob(jobId);
    await this.records.delete(jobId);
    await this.index.remove(jobId);
  }

  async appendEvent(jobId: string, event: string, fields: Record<string, unknown> = {}): Promise<JobEvent> {
    if (!isJobId(jobId)) throw new Error('invalid job id');
    return this.log.log(jobId, event, fields);
  }

  events(jobId: string, since = 0): Promise<JobEvent[]> {
    return isJobId(jobId) ? this.log.read(jobId, since) : Promise.resolve([]);
  }

  subscribe(jobId: string, listener: (event: JobEvent) => void): () => void {
    return this.log.subscribe(jobId, listener);
  }

  saveRerunInputs(jobId: string, inputs: Record<string, unknown>): Promise<void> {
    return this.records.saveRerunInputs(jobId, inputs);
  }

  readRerunInputs(jobId: string): Promise<Record<string, unknown> | null> {
    return this.records.readRerunInputs(jobId);
  }

  deleteRerunInputs(jobId: string): Promise<void> {
    return this.records.deleteRerunInputs(jobId);
  }

  async close(): Promise<void> {
    await this.log.closeAll();
    await this.index.flush();
  }
}
