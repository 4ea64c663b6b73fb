import { randomInt, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppConfig } from '../config.js';
import type { GenerateRequest } from '../contracts/generate.js';
import type { ArtifactRecord, JobHistory, JobStatus } from '../contracts/job.js';
import type { EngineAdapter } from '../engines/engine.js';
import type { EngineRegistry } from '../engines/registry.js';
import { classifyError } from '../errors/classify.js';
import { PipelineError } from '../errors/pipeline-error.js';
import type { LoadedPreset, PresetRegistry } from '../presets/registry.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { JobLogger } from '../store/job-logger.js';
import type { JobStore } from '../store/job-store.js';
import type { UploadStore } from '../store/upload-store.js';
import { DurationEstimates } from './estimates.js';
import { failurePatch, isTerminal, toGenerateResponse, toStatus, transition } from './job-state.js';
import { runJob } from './job-runner.js';
import { validateGenerateRequest } from './validate-request.js';

export interface ManagerDeps {
  config: AppConfig;
  logger: Logger;
  presets: PresetRegistry;
  engines: EngineRegistry;
  jobs: JobStore;
  jobLogger: JobLogger;
  artifacts: ArtifactStore;
  uploads: UploadStore;
}

interface ActiveJob {
  record: JobHistory;
  loaded: LoadedPreset;
  controller: AbortController;
  done: Promise<JobHistory>;
  resolveDone: (job: JobHistory) => void;
  error: PipelineError | null;
  lastPersistedProgress: number;
}

export const CREDIT_COST: Record<JobHistory['quality_level'], number> = { low: 1, standard: 2, pro: 4 };

/**
 * Owns every job's life: validation before a job exists, the queued → running → completed |
 * failed | cancelled state machine (each transition persisted before it is visible), dispatch to
 * engines with bounded concurrency, and reads of job state and artifacts.
 */
export class PipelineManager {
  private readonly active = new Map<string, ActiveJob>();
  private readonly waiting: string[] = [];
  private running = 0;
  private closed = false;
  readonly estimates = new DurationEstimates();

  constructor(private readonly deps: ManagerDeps, private readonly concurrency = 1) {}

  async init(): Promise<void> {
    await this.deps.jobs.init();
    await this.recoverInterruptedJobs();
  }

  /** Validate, create the job (queued, persisted) and dispatch it. */
  async submit(request: GenerateRequest): Promise<JobHistory> {
    if (this.closed) throw new PipelineError('SERVICE_UNAVAILABLE', 'The service is shutting down', { headers: { 'retry-after': '5' } });
    const loaded = await validateGenerateRequest(request, this.deps.presets, this.deps.uploads);
    const now = new Date().toISOString();
    const jobId = randomUUID();
    const seed = request.seed ?? randomInt(0, 2 ** 32);
    const consentRequired = loaded.preset.requires_consent || Boolean(request.identity_reference?.length);
    const record: JobHistory = {
      schema_version: 1, job_id: jobId, preset_id: loaded.preset.id, user_id: null, status: 'queued',
      created_at: now, started_at: null, finished_at: null,
      inputs: { ...request, seed },
      outputs: [], engine_used: null, quality_level: request.quality_level, credit_cost: CREDIT_COST[request.quality_level],
      error: null, error_code: null, remediation: [], logs: `jobs/${jobId}/logs.jsonl`, progress: 0, seed,
      consent: { given: request.consent_given, required: consentRequired, recorded_at: now },
      engine_prompt_id: null, error_detail: null, provenance: null,
    };
    let resolveDone!: (job: JobHistory) => void;
    const done = new Promise<JobHistory>((r) => { resolveDone = r; });
    const active: ActiveJob = { record, loaded, controller: new AbortController(), done, resolveDone, error: null, lastPersistedProgress: 0 };
    await this.deps.jobs.save(record);
    await this.deps.jobLogger.log(jobId, 'queued', { preset_id: record.preset_id, quality_level: record.quality_level, seed, consent_given: request.consent_given });
    this.active.set(jobId, active);
    this.waiting.push(jobId);
    this.dispatch();
    return record;
  }

  /** Wait for a job of this process to end. */
  async waitForEnd(jobId: string): Promise<{ job: JobHistory; error: PipelineError | null }> {
    const active = this.active.get(jobId);
    if (!active) {
      const job = await this.deps.jobs.get(jobId);
      if (!job) throw notFound(jobId);
      return { job, error: null };
    }
    const job = await active.done;
    return { job, error: active.error };
  }

  async getJob(jobId: string): Promise<JobHistory> {
    const active = this.active.get(jobId);
    if (active) return active.record;
    const job = await this.deps.jobs.get(jobId);
    if (!job) throw notFound(jobId);
    return job;
  }

  async getStatus(jobId: string): Promise<JobStatus> {
    const job = await this.getJob(jobId);
    return toStatus(job, this.estimates.estimate(job.preset_id, job.quality_level));
  }

  generateResponse(job: JobHistory) {
    return toGenerateResponse(job, this.estimates.estimate(job.preset_id, job.quality_level));
  }

  async getArtifacts(jobId: string) {
    const job = await this.getJob(jobId);
    const meta = await this.deps.artifacts.readMetadata(jobId);
    return { job, artifacts: (meta?.artifacts ?? job.outputs).map((a) => ({ ...a, provenance: meta?.provenance ?? job.provenance })) };
  }

  async openArtifact(jobId: string, filename: string): Promise<{ record: ArtifactRecord; path: string; size: number }> {
    const job = await this.getJob(jobId);
    const record = job.outputs.find((o) => o.filename === filename);
    const opened = record ? await this.deps.artifacts.open(jobId, record) : null;
    if (!record || !opened) throw new PipelineError('FILE_NOT_FOUND', `Job ${jobId} has no artifact "${filename}"`, { detail: { job_id: jobId, filename } });
    return { record, path: opened.path, size: opened.stats.size };
  }

  /** Cancel a queued or running job; a finished one is a 409. */
  async cancel(jobId: string): Promise<JobHistory> {
    const active = this.active.get(jobId);
    if (!active) {
      const job = await this.deps.jobs.get(jobId);
      if (!job) throw notFound(jobId);
      throw new PipelineError('JOB_NOT_CANCELLABLE', `Job ${jobId} is already ${job.status}`, { detail: { job_id: jobId, status: job.status } });
    }
    if (active.record.status === 'queued') {
      const index = this.waiting.indexOf(jobId);
      if (index >= 0) this.waiting.splice(index, 1);
      await this.finish(active, 'cancelled', new PipelineError('JOB_CANCELLED', 'The job was cancelled before it started'));
      return active.record;
    }
    active.controller.abort();
    return (await active.done);
  }

  private dispatch(): void {
    while (!this.closed && this.running < this.concurrency && this.waiting.length > 0) {
      const jobId = this.waiting.shift()!;
      const active = this.active.get(jobId);
      if (!active || active.record.status !== 'queued') continue;
      this.running++;
      void this.execute(active).finally(() => {
        this.running--;
        this.dispatch();
      });
    }
  }

  private async execute(active: ActiveJob): Promise<void> {
    const jobId = active.record.job_id;
    try {
      const engine = this.pickEngine(active.loaded);
      const promptId = randomUUID();
      const startedAt = new Date();
      // The prompt id is persisted before submission, so a restart can look it up instead of running it twice.
      await this.update(active, transition(active.record, 'running', { started_at: startedAt.toISOString(), engine_used: engine.engineId, engine_prompt_id: promptId }));
      await this.deps.jobLogger.log(jobId, 'started', { engine: engine.engineId, prompt_id: promptId });
      const { outputs, provenance } = await runJob(active.record, active.loaded, engine, {
        artifacts: this.deps.artifacts, uploads: this.deps.uploads, models: this.deps.config.models,
      }, {
        update: (patch) => this.update(active, { ...active.record, ...patch }),
        log: (event, fields) => this.deps.jobLogger.log(jobId, event, fields),
        progress: (value) => this.onProgress(active, value),
      }, { deadlineAt: startedAt.getTime() + this.deps.config.jobDeadlineMs, signal: active.controller.signal, promptId });
      const finishedAt = new Date();
      await this.update(active, transition(active.record, 'completed', { finished_at: finishedAt.toISOString(), outputs, provenance, progress: 1 }));
      this.estimates.record(active.record.preset_id, active.record.quality_level, (finishedAt.getTime() - startedAt.getTime()) / 1000);
      await this.deps.jobLogger.log(jobId, 'completed', { outputs: outputs.length, duration_ms: finishedAt.getTime() - startedAt.getTime() });
      this.settle(active);
    } catch (err) {
      const error = active.controller.signal.aborted ? new PipelineError('JOB_CANCELLED', 'The job was cancelled', { cause: err }) : classifyError(err);
      if (error.code === 'UNKNOWN_ERROR') this.deps.logger.error({ err, job_id: jobId }, 'job failed unexpectedly');
      await this.finish(active, error.code === 'JOB_CANCELLED' ? 'cancelled' : 'failed', error);
    }
  }

  private async finish(active: ActiveJob, status: 'failed' | 'cancelled', error: PipelineError): Promise<void> {
    active.error = error;
    try {
      await this.update(active, transition(active.record, status, failurePatch(error)));
      await this.deps.jobLogger.log(active.record.job_id, status, { error_code: error.code, message: error.message });
    } catch (err) {
      this.deps.logger.error({ err, job_id: active.record.job_id }, 'could not persist the end of a job');
    }
    this.settle(active);
  }

  private settle(active: ActiveJob): void {
    active.resolveDone(active.record);
    // Finished jobs are served from disk from now on; keep the entry briefly for waiters.
    setTimeout(() => { if (isTerminal(active.record.status)) this.active.delete(active.record.job_id); }, 5_000).unref();
  }

  private async update(active: ActiveJob, next: JobHistory): Promise<void> {
    await this.deps.jobs.save(next);
    active.record = next; // visible only once persisted
  }

  private onProgress(active: ActiveJob, value: number): void {
    if (value <= active.record.progress) return;
    active.record = { ...active.record, progress: value };
    const milestone = Math.floor(value * 4) / 4;
    if (milestone > active.lastPersistedProgress && value < 1) {
      active.lastPersistedProgress = milestone;
      void this.deps.jobs.save(active.record).catch(() => undefined);
      void this.deps.jobLogger.log(active.record.job_id, 'progress', { progress: milestone });
    }
  }

  private pickEngine(loaded: LoadedPreset): EngineAdapter {
    for (const id of loaded.preset.engine_preference_order) {
      const engine = this.deps.engines.get(id);
      if (engine) return engine;
    }
    throw new PipelineError('ENGINE_OFFLINE', `No configured engine can run preset ${loaded.preset.id}`, { detail: { wanted: loaded.preset.engine_preference_order } });
  }

  /** Jobs a previous process left queued or running are failed clearly rather than left hanging. */
  private async recoverInterruptedJobs(): Promise<void> {
    for (const id of await this.deps.jobs.ids()) {
      let job: JobHistory | null;
      try {
        job = await this.deps.jobs.get(id);
      } catch (err) {
        this.deps.logger.warn({ job_id: id, err }, 'unreadable job file skipped');
        continue;
      }
      if (!job) continue;
      if (job.status === 'completed' && job.started_at && job.finished_at) {
        this.estimates.record(job.preset_id, job.quality_level, (Date.parse(job.finished_at) - Date.parse(job.started_at)) / 1000);
      }
      if (!isTerminal(job.status)) {
        const error = new PipelineError('SERVICE_UNAVAILABLE', 'The service restarted while this job was in progress; submit it again');
        await this.deps.jobs.save(transition(job, 'failed', failurePatch(error)));
        await this.deps.jobLogger.resume(id);
        await this.deps.jobLogger.log(id, 'failed', { error_code: error.code, message: error.message });
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const active of this.active.values()) if (!isTerminal(active.record.status)) active.controller.abort();
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
  }
}

function notFound(jobId: string): PipelineError {
  return new PipelineError('FILE_NOT_FOUND', `No job with id "${jobId}"`, { detail: { job_id: jobId } });
}
