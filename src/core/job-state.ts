import type { GenerateResponse } from '../contracts/generate.js';
import type { JobHistory, JobStatus } from '../contracts/job.js';
import { ERROR_TAXONOMY } from '../errors/taxonomy.js';
import type { PipelineError } from '../errors/pipeline-error.js';

/** Legal transitions of the job state machine. */
const NEXT: Record<JobHistory['status'], JobHistory['status'][]> = {
  queued: ['running', 'failed', 'cancelled'],
  running: ['completed', 'failed', 'cancelled', 'queued'],
  completed: [],
  failed: [],
  cancelled: [],
};

export function isTerminal(status: JobHistory['status']): boolean {
  return NEXT[status].length === 0;
}

export function transition(job: JobHistory, to: JobHistory['status'], patch: Partial<JobHistory> = {}): JobHistory {
  if (!NEXT[job.status].includes(to)) throw new Error(`illegal job transition ${job.status} → ${to}`);
  return { ...job, ...patch, status: to };
}

export function failurePatch(err: PipelineError): Partial<JobHistory> {
  return {
    error: err.message,
    error_code: err.code,
    remediation: [...ERROR_TAXONOMY[err.code].remediation],
    error_detail: err.detail,
    finished_at: new Date().toISOString(),
  };
}

export function artifactUrl(jobId: string, filename: string): string {
  return `/api/pipeline/jobs/${jobId}/artifacts/${encodeURIComponent(filename)}`;
}

export function outputUrl(job: JobHistory): string | null {
  const first = job.outputs.find((o) => o.type === 'image') ?? job.outputs[0];
  return job.status === 'completed' && first ? artifactUrl(job.job_id, first.filename) : null;
}

export function toStatus(job: JobHistory, estimate: number | null, queuePosition: number | null = null): JobStatus {
  return {
    ok: true,
    job_id: job.job_id,
    status: job.status,
    preset_id: job.preset_id,
    progress: job.progress,
    created_at: job.created_at,
    started_at: job.started_at,
    finished_at: job.finished_at,
    estimated_time_seconds: estimate,
    output_url: outputUrl(job),
    error: job.error,
    error_code: job.error_code,
    queue_position: job.status === 'queued' ? queuePosition : null,
    engine_id: job.engine_used,
    attempts: job.attempts ?? 1,
  };
}

export function toGenerateResponse(job: JobHistory, estimate: number | null): GenerateResponse {
  return {
    ok: true,
    job_id: job.job_id,
    status: job.status === 'cancelled' ? 'failed' : job.status,
    preset_id: job.preset_id,
    estimated_time_seconds: estimate,
    output_url: outputUrl(job),
    error: job.error_code,
  };
}
