import { isTerminal } from '../core/job-state.js';
import type { Readable } from 'node:stream';
import type { ArtifactRecord, JobHistory, JobStatus } from '../contracts/job.js';
import { PipelineError } from '../errors/pipeline-error.js';
import type { DurationEstimates } from '../core/estimates.js';
import { artifactUrl, toStatus } from '../core/job-state.js';
import type { ArtifactRange } from '../ports/artifact-store.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { JobEvent } from '../store/event-line.js';
import type { JobSummary } from '../store/job-index.js';
import type { JobRepository } from '../ports/job-repository.js';

export function notFound(jobId: string): PipelineError {
  return new PipelineError('FILE_NOT_FOUND', `No job with id "${jobId.slice(0, 100)}"`, {
    detail: { job_id: jobId.slice(0, 100) },
  });
}

/** What the read side sees of a job in flight. */
export interface ActiveView {
  record: JobHistory;
  enginePosition: number | null;
  progressListeners: Set<(progress: number) => void>;
}

export interface QueryDeps {
  /** Jobs in flight, by id (their newest adopted state is the truth while they run). */
  /** The jobs this process holds in memory (their live state wins over the repository's). */
  active: Pick<ReadonlyMap<string, ActiveView>, 'get' | 'has'>;
  /** Records, summaries and event logs, through the JobRepository port (embedded: the data folder). */
  repository: Pick<JobRepository, 'get' | 'summary' | 'summaryNow' | 'list' | 'events' | 'subscribe'>;
  estimates: DurationEstimates;
  /** The local folder, or the shared store (S3, without metadata files: the record lists the outputs). */
  artifacts: Pick<ArtifactStore, 'head' | 'get'> & Partial<Pick<ArtifactStore, 'readMetadata'>>;
  /** Jobs ahead of a queued one (ComfyUI's queue once it is there, else this service's). */
  queuePosition(jobId: string): number | null;
}

/**
 * The read side for routes: status, listing, artifacts, logs and live progress. It never runs or
 * changes a job: in-flight jobs are read from the owner's active view, finished ones through the
 * JobRepository port (status and listing from summaries: no record read on the hot path).
 */
export class JobQueries {
  constructor(private readonly deps: QueryDeps) {}

  async getJob(jobId: string): Promise<JobHistory> {
    const active = this.deps.active.get(jobId);
    if (active) return active.record;
    const job = await this.deps.repository.get(jobId);
    if (!job) throw notFound(jobId);
    return job;
  }

  async getStatus(jobId: string): Promise<JobStatus> {
    const active = this.deps.active.get(jobId);
    if (active) return this.activeStatus(active);
    // Finished jobs are answered from their summary: no record read on the hot read path.
    const s = await this.deps.repository.summary(jobId);
    if (!s) throw notFound(jobId);
    return this.summaryStatus(s);
  }

  /** Serialised status bodies of finished jobs (they change only with the estimate), LRU-bounded. */
  private readonly statusBodies = new Map<string, { version: number; body: string }>();

  /**
   * The JSON body of GET /jobs/{id}; finished jobs are served from a small cache. Synchronous when
   * the repository holds summaries in memory (embedded), a promise otherwise.
   */
  statusBody(jobId: string): string | Promise<string> {
    const active = this.deps.active.get(jobId);
    if (active) return JSON.stringify(this.activeStatus(active));
    if (this.deps.repository.summaryNow) return this.finishedBody(jobId, this.deps.repository.summaryNow(jobId));
    return this.deps.repository.summary(jobId).then((s) => this.finishedBody(jobId, s));
  }

  private finishedBody(jobId: string, s: JobSummary | null): string {
    // It may have started meanwhile (an async summary read): the active view wins.
    const active = this.deps.active.get(jobId);
    if (active) return JSON.stringify(this.activeStatus(active));
    if (!s) throw notFound(jobId);
    // Only an ended job's body is cached: one that is not in memory here may still be running on
    // another instance (a shared queue), and its state changes without this process hearing it.
    if (!isTerminal(s.status)) return JSON.stringify(this.summaryStatus(s));
    const version = this.deps.estimates.version(s.preset_id, s.quality_level);
    const hit = this.statusBodies.get(jobId);
    if (hit && hit.version === version) return hit.body;
    const body = JSON.stringify(this.summaryStatus(s));
    if (this.statusBodies.size >= 2_000) this.statusBodies.delete(this.statusBodies.keys().next().value!);
    this.statusBodies.set(jobId, { version, body });
    return body;
  }

  private activeStatus(active: ActiveView): JobStatus {
    const position = active.record.status === 'queued' ? this.deps.queuePosition(active.record.job_id) : null;
    return toStatus(
      active.record,
      this.deps.estimates.estimate(active.record.preset_id, active.record.quality_level),
      position,
    );
  }

  summaryStatus(s: JobSummary): JobStatus {
    const active = this.deps.active.get(s.job_id);
    if (active) return this.activeStatus(active);
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      ok: true,
      job_id: s.job_id,
      status: s.status,
      preset_id: s.preset_id,
      progress: s.progress,
      created_at: new Date(s.created_ms).toISOString(),
      started_at: iso(s.started_ms),
      finished_at: iso(s.finished_ms),
      estimated_time_seconds: this.deps.estimates.estimate(s.preset_id, s.quality_level),
      output_url: s.status === 'completed' && s.output ? artifactUrl(s.job_id, s.output) : null,
      error: s.error,
      error_code: s.error_code,
      queue_position: null,
      engine_id: s.engine,
      attempts: s.attempts,
    };
  }

  async list(query: {
    status?: string;
    preset_id?: string;
    limit: number;
    cursor?: { created_ms: number; job_id: string };
  }) {
    const { jobs, next } = await this.deps.repository.list(query);
    return { jobs: jobs.map((s) => this.summaryStatus(s)), next };
  }

  async getArtifacts(jobId: string) {
    const job = await this.getJob(jobId);
    const meta = (await this.deps.artifacts.readMetadata?.(jobId)) ?? null;
    return {
      job,
      artifacts: (meta?.artifacts ?? job.outputs).map((a) => ({
        ...a,
        provenance: meta?.provenance ?? job.provenance,
      })),
    };
  }

  /** A recorded artifact: its record and stored size, and a reader for all of it or a byte range. */
  async openArtifact(
    jobId: string,
    filename: string,
  ): Promise<{
    record: ArtifactRecord;
    size: number;
    read: (range?: ArtifactRange) => Promise<{ stream: Readable; start: number; end: number }>;
  }> {
    const job = await this.getJob(jobId);
    const record = job.outputs.find((o) => o.filename === filename);
    const missing = () =>
      new PipelineError('FILE_NOT_FOUND', `Job ${jobId} has no artifact "${filename}"`, {
        detail: { job_id: jobId, filename },
      });
    const stored = record ? await this.deps.artifacts.head(jobId, record) : null;
    if (!record || !stored) throw missing();
    return {
      record,
      size: stored.size,
      read: async (range) => {
        const opened = await this.deps.artifacts.get(jobId, record, range);
        if (!opened) throw missing();
        return opened;
      },
    };
  }

  async logs(jobId: string, since: number): Promise<JobEvent[]> {
    if (!this.deps.active.has(jobId) && !(await this.deps.repository.summary(jobId))) throw notFound(jobId);
    return this.deps.repository.events(jobId, since);
  }

  /** Hear each event of a job once it is stored (for event streams). */
  onEvent(jobId: string, listener: (event: JobEvent) => void): () => void {
    return this.deps.repository.subscribe(jobId, listener);
  }

  /** Live progress of an active job (not journalled; for event streams). */
  onProgress(jobId: string, listener: (progress: number) => void): () => void {
    const active = this.deps.active.get(jobId);
    if (!active) return () => undefined;
    active.progressListeners.add(listener);
    return () => active.progressListeners.delete(listener);
  }

  /** Forget a cached status body (its job changed or was removed). */
  forgetStatus(jobId: string): void {
    this.statusBodies.delete(jobId);
  }
}
