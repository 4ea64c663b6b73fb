import { randomInt, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppConfig } from '../config.js';
import type { GenerateRequest } from '../contracts/generate.js';
import type { JobHistory } from '../contracts/job.js';
import type { ActiveJobs } from '../core/active-jobs.js';
import { PipelineError } from '../errors/pipeline-error.js';
import type { DurationEstimates } from '../core/estimates.js';
import { isTerminal, toGenerateResponse } from '../core/job-state.js';
import { QueueFullError, type JobQueue, type QueuePlace } from '../ports/job-queue.js';
import type { PresetRegistry } from '../presets/registry.js';
import { notFound, type JobQueries } from '../queries/job-queries.js';
import type { JobRepository } from '../ports/job-repository.js';
import type { SharedQueueCoordination } from '../lifecycle/shared-queue.js';
import type { UploadStore } from '../store/upload-store.js';
import { redact } from '../util/redact.js';
import { IdempotencyKeys } from './idempotency.js';
import { validateGenerateRequest } from './validate-request.js';
import { validateWebhook } from './validate-webhook.js';

export const CREDIT_COST: Record<JobHistory['quality_level'], number> = { low: 1, standard: 2, pro: 4 };

export interface AdmissionDeps {
  config: AppConfig;
  logger: Logger;
  presets: PresetRegistry;
  uploads: UploadStore;
  repository: JobRepository;
  active: ActiveJobs;
  queue: JobQueue;
  queries: JobQueries;
  estimates: DurationEstimates;
  /** Is any backend accepting work? (a synchronous request fails at once when none is) */
  anyBackendOpen(): boolean;
  /** Why none is. */
  closedReason(): string;
  /** The coordination of a shared queue or repository (null in the embedded mode). */
  shared(): SharedQueueCoordination | null;
}

/** How long an Idempotency-Key is honoured. */
const KEY_TTL_MS = 24 * 3600 * 1000;

/**
 * Where a request becomes a job: validation, consent, idempotency, a place in the bounded
 * JobQueue, the first record on disk. Also cancel and waiting for a job's end, the two other
 * things routes ask of jobs besides reading them (JobQueries).
 */
export class Admission {
  readonly idempotency = new IdempotencyKeys();
  private accepting = true;

  constructor(private readonly deps: AdmissionDeps) {}

  /** Refuse new jobs from now on (shutdown). */
  close(): void {
    this.accepting = false;
  }

  /**
   * Validate and create a job (queued, persisted), then hand it to the queue. With an idempotency
   * key, a repeat within 24 h returns the first job instead (concurrent repeats included).
   */
  async submit(
    request: GenerateRequest,
    options: { idempotencyKey?: string; waitForEngine?: boolean } = {},
  ): Promise<{ job: JobHistory; existing: boolean }> {
    const wait = options.waitForEngine ?? true;
    if (!options.idempotencyKey) return { job: await this.create(request, null, wait), existing: false };
    const keyHash = IdempotencyKeys.hash(options.idempotencyKey);
    if (this.deps.repository.claimIdempotencyKey) return this.submitKeyedInRepository(request, keyHash, wait);
    const claim = this.idempotency.claim(keyHash, IdempotencyKeys.bodyHash(request), () =>
      this.create(request, keyHash, wait).then((j) => j.job_id),
    );
    const jobId = await claim.jobId;
    if (claim.existing && !claim.sameBody) {
      throw new PipelineError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request body', {
        detail: { job_id: jobId },
      });
    }
    return { job: await this.deps.queries.getJob(jobId), existing: claim.existing };
  }

  /**
   * With a shared repository the database decides who holds a key, for every instance: the key is
   * claimed for a new job id first, and a request that finds it held gets the holder's job.
   */
  private async submitKeyedInRepository(
    request: GenerateRequest,
    keyHash: string,
    wait: boolean,
  ): Promise<{ job: JobHistory; existing: boolean }> {
    const repository = this.deps.repository;
    const bodyHash = IdempotencyKeys.bodyHash(request);
    for (let round = 0; round < 2; round++) {
      const jobId = randomUUID();
      const holder = await repository.claimIdempotencyKey!(keyHash, bodyHash, jobId, KEY_TTL_MS);
      if (holder.jobId === jobId) {
        try {
          await this.create(request, keyHash, wait, jobId);
        } catch (err) {
          // A refused submission frees the key for a corrected retry.
          await repository.releaseIdempotencyKey?.(keyHash, jobId).catch(() => undefined);
          throw err;
        }
        return { job: await this.deps.queries.getJob(jobId), existing: false };
      }
      if (holder.bodyHash !== bodyHash && holder.bodyHash !== '*')
        throw new PipelineError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used for a different request body',
          {
            detail: { job_id: holder.jobId },
          },
        );
      // The holder may be a moment from writing its first record (on this instance or another).
      for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
        const job = await repository.get(holder.jobId);
        if (job) return { job: await this.deps.queries.getJob(holder.jobId), existing: true };
      }
      // Its creator gave it up without a record (refused, or died): claim it again.
      await repository.releaseIdempotencyKey?.(keyHash, holder.jobId).catch(() => undefined);
    }
    throw new PipelineError('SERVICE_UNAVAILABLE', 'The Idempotency-Key is held by a job that does not appear; retry', {
      headers: { 'retry-after': '1' },
    });
  }

  private async create(
    request: GenerateRequest,
    idempotencyKey: string | null,
    waitForEngine: boolean,
    jobId: string = randomUUID(),
  ): Promise<JobHistory> {
    if (!this.accepting)
      throw new PipelineError('SERVICE_UNAVAILABLE', 'The service is shutting down', {
        headers: { 'retry-after': '10' },
      });
    // The queue place is taken atomically, so concurrent submissions can never overshoot the bound;
    // it is given back if the job is not created after all.
    let place: QueuePlace;
    try {
      place = await this.deps.queue.hold();
    } catch (err) {
      if (!(err instanceof QueueFullError)) throw err;
      const perJob = this.deps.estimates.estimate(request.preset_id, request.quality_level) ?? 10;
      const slots = this.deps.config.backends.reduce((n, b) => n + b.concurrency, 0);
      const retryAfter = Math.max(1, Math.ceil((perJob * err.depth) / Math.max(1, slots)));
      throw new PipelineError(
        'SERVICE_UNAVAILABLE',
        `The job queue is full (${this.deps.config.queueMaxDepth} waiting)`,
        {
          headers: { 'retry-after': String(Math.min(retryAfter, 3600)) },
          detail: { queue_depth: err.depth },
        },
      );
    }
    try {
      return await this.createReserved(request, idempotencyKey, waitForEngine, place, jobId);
    } finally {
      place.release();
    }
  }

  private async createReserved(
    request: GenerateRequest,
    idempotencyKey: string | null,
    waitForEngine: boolean,
    place: QueuePlace,
    jobId: string,
  ): Promise<JobHistory> {
    const { active: jobs } = this.deps;
    const loaded = await validateGenerateRequest(request, this.deps.presets, this.deps.uploads);
    validateWebhook(request, this.deps.config.webhooks);
    const now = new Date().toISOString();
    const seed = request.seed ?? randomInt(0, 2 ** 32);
    const consentRequired = loaded.preset.requires_consent || Boolean(request.identity_reference?.length);
    const record: JobHistory = {
      schema_version: 1,
      job_id: jobId,
      preset_id: loaded.preset.id,
      user_id: null,
      status: 'queued',
      created_at: now,
      started_at: null,
      finished_at: null,
      inputs: { ...request, seed },
      outputs: [],
      engine_used: null,
      quality_level: request.quality_level,
      credit_cost: CREDIT_COST[request.quality_level],
      error: null,
      error_code: null,
      remediation: [],
      logs: `jobs/${jobId}/logs.jsonl`,
      progress: 0,
      seed,
      consent: { given: request.consent_given, required: consentRequired, recorded_at: now },
      // Chosen now and persisted with the queued record: a restart can always look the run up.
      engine_prompt_id: randomUUID(),
      error_detail: null,
      provenance: null,
      idempotency_key: idempotencyKey,
      submit_attempts: 0,
    };
    // The record on disk is redacted; exact inputs that redaction changed are kept beside it until
    // the job ends, so a restart re-runs what was asked (only then: ordinary jobs write nothing more).
    if (JSON.stringify(redact(record.inputs)) !== JSON.stringify(record.inputs))
      await this.deps.repository.saveRerunInputs(jobId, record.inputs);
    const active = jobs.track(record, loaded, false, waitForEngine);
    // The first record must be on disk before the prompt can reach ComfyUI (a restart looks the run
    // up by the prompt id in it), but it need only be fsynced before anyone is told the job exists:
    // the fsync runs alongside submission, and acknowledgements wait for it (see durable()).
    const { durable } = await jobs.persistNew(active, record);
    // The job log is appended in order per job, so later events queue behind this one; nothing
    // needs to wait for it.
    void jobs.log(jobId, 'queued', {
      preset_id: record.preset_id,
      quality_level: record.quality_level,
      seed,
      consent_given: request.consent_given,
    });
    if (!waitForEngine && !this.deps.anyBackendOpen()) {
      // A request that waits for its answer, while every ComfyUI is known to be down: 503 at once.
      await durable.catch(() => undefined);
      await jobs.finish(
        active,
        'failed',
        new PipelineError(
          'ENGINE_OFFLINE',
          `ComfyUI is unreachable (${this.deps.closedReason()}); submit with "Prefer: respond-async" to have the job wait for it`,
          { headers: { 'retry-after': '10' } },
        ),
      );
      return active.record;
    }
    await this.deps.queue.enqueue({ jobId, needs: { preset_id: record.preset_id } }, place);
    // A shared queue hands the job to whichever instance's worker is free: it is read from the
    // repository from now on, and whoever leases it (this instance too) loads it from there.
    if (this.deps.config.stores.queue === 'bullmq') jobs.handOver(jobId);
    return active.record;
  }

  /** Resolves once the job's first record is durable (immediately for older jobs). */
  durable(jobId: string): Promise<void> {
    return this.deps.active.durable(jobId);
  }

  async waitForEnd(jobId: string): Promise<{ job: JobHistory; error: PipelineError | null }> {
    const active = this.deps.active.get(jobId);
    const shared = this.deps.shared();
    if (!active && shared) return shared.waitForEnd(jobId);
    if (!active) return { job: await this.deps.queries.getJob(jobId), error: null };
    const job = await active.done;
    return { job, error: active.error };
  }

  generateResponse(job: JobHistory) {
    return toGenerateResponse(job, this.deps.estimates.estimate(job.preset_id, job.quality_level));
  }

  /** Cancel a queued or running job (on the backend that holds it, by prompt id); a finished one is a 409. */
  async cancel(jobId: string): Promise<JobHistory> {
    const active = this.deps.active.get(jobId);
    if (!active || isTerminal(active.record.status)) {
      const job = active?.record ?? (await this.deps.repository.get(jobId));
      if (!job) throw notFound(jobId);
      // Held by another instance (or waiting in the shared queue): it is told, and the end awaited.
      const shared = this.deps.shared();
      if (!active && shared && !isTerminal(job.status)) return shared.cancel(jobId, job);
      throw new PipelineError('JOB_NOT_CANCELLABLE', `Job ${jobId} is already ${job.status}`, {
        detail: { job_id: jobId, status: job.status },
      });
    }
    if (await this.deps.queue.cancel(jobId)) {
      // Waiting in the queue (not leased by any backend): it ends here.
      await this.deps.active.finish(
        active,
        'cancelled',
        new PipelineError('JOB_CANCELLED', 'The job was cancelled before it started'),
      );
      return active.record;
    }
    active.controller.abort();
    return active.done;
  }
}
