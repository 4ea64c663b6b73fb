import { randomInt, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppConfig } from '../config.js';
import type { GenerateRequest } from '../contracts/generate.js';
import type { JobHistory, JobStatus } from '../contracts/job.js';
import { DETACH, type EngineAdapter } from '../engines/engine.js';
import type { EngineRegistry } from '../engines/registry.js';
import { classifyError } from '../errors/classify.js';
import { PipelineError } from '../errors/pipeline-error.js';
import type { LoadedPreset, PresetRegistry } from '../presets/registry.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { JobLogger } from '../store/job-logger.js';
import type { JobStore } from '../store/job-store.js';
import { JobIndex, summarize } from '../store/job-index.js';
import type { UploadStore } from '../store/upload-store.js';
import { DurationEstimates } from './estimates.js';
import { EngineGate } from './engine-gate.js';
import { IdempotencyKeys } from './idempotency.js';
import { failurePatch, isTerminal, toGenerateResponse, transition, artifactUrl } from './job-state.js';
import { runJob } from './job-runner.js';
import { Metrics } from './metrics.js';
import { recoverJobs } from './recovery.js';
import { sweepRetention } from './retention.js';
import { validateGenerateRequest } from './validate-request.js';
import { InProcessJobQueue } from '../embedded/in-process-queue.js';
import { QueueFullError, type Lease, type QueuePlace } from '../ports/job-queue.js';
import { JobQueries, notFound } from '../queries/job-queries.js';
import { backoffMs } from '../util/retry.js';
import { redact } from '../util/redact.js';

export interface ManagerDeps {
  config: AppConfig;
  logger: Logger;
  presets: PresetRegistry;
  engines: EngineRegistry;
  jobs: JobStore;
  jobLogger: JobLogger;
  /** The job summary index (the repository's); made here when not given (tests). */
  index?: JobIndex;
  /** The JobQueue (embedded); made here from QUEUE_MAX_DEPTH when not given (tests). */
  queue?: InProcessJobQueue;
  artifacts: ArtifactStore;
  uploads: UploadStore;
}

export interface ActiveJob {
  /** The state everyone sees: written (durably) and adopted. */
  record: JobHistory;
  /**
   * The newest state handed to the store, possibly still being written. Every next state is derived
   * from this, never from `record`: a change computed from a state that a newer write is about to
   * replace would, once written after it, undo that newer state (say, a failure).
   */
  latest: JobHistory;
  loaded: LoadedPreset;
  controller: AbortController;
  done: Promise<JobHistory>;
  resolveDone: (job: JobHistory) => void;
  error: PipelineError | null;
  lastPersistedProgress: number;
  /** Submitted by an earlier process: follow it instead of submitting again. */
  resume: boolean;
  /**
   * Accepted work (an asynchronous submission, a job recovered at start) waits in the queue while
   * ComfyUI is unreachable, until its deadline; a synchronous request fails at once, as the
   * original service did.
   */
  waitForEngine: boolean;
  /** ComfyUI accepted (or, resumed, knows) this job's prompt in this process. */
  accepted: boolean;
  progressListeners: Set<(progress: number) => void>;
  /** Queued in ComfyUI behind other prompts: how many run before it (null when not known or not queued there). */
  enginePosition: number | null;
}

/** The one worker of the embedded engine (several backends get one each in the core redesign). */
const ENGINE_WORKER = 'local_comfy';

/** How long a finished job stays in memory for waiters before it is served from the index and disk. */
const RETIRE_GRACE_MS = 2_000;

export const CREDIT_COST: Record<JobHistory['quality_level'], number> = { low: 1, standard: 2, pro: 4 };

/**
 * Owns every job's life: admission (validation, consent, idempotency, a place in the bounded
 * JobQueue), the queued → running → completed | failed | cancelled state machine (each transition
 * persisted before it is visible), dispatch to the engine with bounded concurrency, cancel,
 * recovery and shutdown. The read side is JobQueries (src/queries/), the waiting line the JobQueue
 * port (src/ports/, embedded in src/embedded/).
 *
 * Why it is still one file of about 650 lines: admission, execution and shutdown share the active
 * map and the engine's slot count; the split into Admission, one Worker per backend and Lifecycle
 * comes with several ComfyUI backends, where each worker gets its own slots and health latch.
 * Its helpers live beside it: job-runner, output-downloads, engine-gate, recovery, retention,
 * idempotency, estimates.
 */
export class PipelineManager {
  readonly active = new Map<string, ActiveJob>();
  /** Accepted jobs waiting for ComfyUI (the JobQueue port; embedded: in process). */
  readonly queue: InProcessJobQueue;
  /** The queue's leases of the jobs this process runs. */
  private readonly leases = new Map<string, Lease>();
  private runningCount = 0;
  private accepting = true;
  private dispatching = true;
  private retentionTimer: NodeJS.Timeout | null = null;
  readonly estimates = new DurationEstimates();
  readonly metrics = new Metrics();
  readonly index: JobIndex;
  private readonly idempotency = new IdempotencyKeys();
  /** New jobs whose first record is written but not yet fsynced. */
  private readonly notDurable = new Map<string, Promise<void>>();
  /** Job files found unreadable at start and moved to jobs/corrupt/. */
  corruptFiles: string[] = [];

  private readonly gate: EngineGate;
  private readonly leaseMs: number;

  constructor(readonly deps: ManagerDeps) {
    this.index = deps.index ?? new JobIndex(deps.jobs.jobsDir);
    this.queue = deps.queue ?? new InProcessJobQueue(deps.config.queueMaxDepth);
    this.queries = new JobQueries({
      active: this.active, index: this.index, estimates: this.estimates, jobs: deps.jobs, artifacts: deps.artifacts, jobLogger: deps.jobLogger,
      queuePosition: (jobId) => this.queuePosition(jobId),
    });
    // A lease outlives any run: every job ends by its deadline, and its lease is finished then.
    this.leaseMs = Math.max(...Object.values(deps.config.jobDeadlineMs)) + 60_000;
    this.gate = new EngineGate(
      async () => (await Promise.all(deps.engines.all().map((e) => e.health()))).some((h) => h.status === 'healthy'),
      () => { this.deps.logger.info('ComfyUI answers again; dispatching queued jobs'); this.dispatch(); },
      () => { void this.failWaitersPastDeadline(); },
    );
  }

  /** Jobs waiting for an unreachable ComfyUI fail once their deadline (counted from acceptance) has passed. */
  private async failWaitersPastDeadline(): Promise<void> {
    for (const jobId of await this.queue.waiting()) {
      const active = this.active.get(jobId);
      if (!active || Date.now() < Date.parse(active.record.created_at) + this.deps.config.jobDeadlineMs[active.record.quality_level]) continue;
      if (!(await this.queue.cancel(jobId))) continue;
      void this.finish(active, 'failed', new PipelineError('ENGINE_OFFLINE', `ComfyUI stayed unreachable until the job's deadline (${this.gate.reason ?? 'no answer'})`));
    }
  }

  async init(): Promise<void> {
    await this.deps.jobs.init();
    const report = await recoverJobs(this);
    this.corruptFiles = report.corrupt;
    for (const s of [...this.index.all()].sort((a, b) => a.created_ms - b.created_ms)) {
      if (s.status === 'completed' && s.started_ms && s.finished_ms) this.estimates.record(s.preset_id, s.quality_level, (s.finished_ms - s.started_ms) / 1000);
      if (s.idempotency_key) this.idempotency.restore(s.idempotency_key, s.job_id, s.created_ms);
    }
    if (this.deps.config.retention.maxAgeMs || this.deps.config.retention.maxBytes) {
      await this.retention();
      this.retentionTimer = setInterval(() => { void this.retention(); }, 10 * 60_000);
      this.retentionTimer.unref();
    }
    this.dispatch();
  }

  /**
   * Validate and create a job (queued, persisted), then dispatch it. With an idempotency key, a
   * repeat within 24 h returns the first job instead (concurrent repeats included).
   */
  async submit(request: GenerateRequest, options: { idempotencyKey?: string; waitForEngine?: boolean } = {}): Promise<{ job: JobHistory; existing: boolean }> {
    const wait = options.waitForEngine ?? true;
    if (!options.idempotencyKey) return { job: await this.create(request, null, wait), existing: false };
    const keyHash = IdempotencyKeys.hash(options.idempotencyKey);
    const claim = this.idempotency.claim(keyHash, IdempotencyKeys.bodyHash(request), () => this.create(request, keyHash, wait).then((j) => j.job_id));
    const jobId = await claim.jobId;
    if (claim.existing && !claim.sameBody) {
      throw new PipelineError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request body', { detail: { job_id: jobId } });
    }
    return { job: await this.getJob(jobId), existing: claim.existing };
  }

  private async create(request: GenerateRequest, idempotencyKey: string | null, waitForEngine: boolean): Promise<JobHistory> {
    if (!this.accepting) throw new PipelineError('SERVICE_UNAVAILABLE', 'The service is shutting down', { headers: { 'retry-after': '10' } });
    // The queue place is taken atomically, so concurrent submissions can never overshoot the bound;
    // it is given back if the job is not created after all.
    let place: QueuePlace;
    try {
      place = await this.queue.hold();
    } catch (err) {
      if (!(err instanceof QueueFullError)) throw err;
      const perJob = this.estimates.estimate(request.preset_id, request.quality_level) ?? 10;
      const retryAfter = Math.max(1, Math.ceil((perJob * err.depth) / this.deps.config.jobConcurrency));
      throw new PipelineError('SERVICE_UNAVAILABLE', `The job queue is full (${this.deps.config.queueMaxDepth} waiting)`, {
        headers: { 'retry-after': String(Math.min(retryAfter, 3600)) }, detail: { queue_depth: err.depth },
      });
    }
    try {
      return await this.createReserved(request, idempotencyKey, waitForEngine, place);
    } finally {
      place.release();
    }
  }

  private async createReserved(request: GenerateRequest, idempotencyKey: string | null, waitForEngine: boolean, place: QueuePlace): Promise<JobHistory> {
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
      // Chosen now and persisted with the queued record: a restart can always look the run up.
      engine_prompt_id: randomUUID(), error_detail: null, provenance: null, idempotency_key: idempotencyKey, submit_attempts: 0,
    };
    // The record on disk is redacted; exact inputs that redaction changed are kept beside it until
    // the job ends, so a restart re-runs what was asked (only then: ordinary jobs write nothing more).
    if (JSON.stringify(redact(record.inputs)) !== JSON.stringify(record.inputs)) await this.deps.jobs.saveRerunInputs(jobId, record.inputs);
    const active = this.track(record, loaded, false, waitForEngine);
    // The first record must be on disk before the prompt can reach ComfyUI (a restart looks the run
    // up by the prompt id in it), but it need only be fsynced before anyone is told the job exists:
    // the fsync runs alongside submission, and acknowledgements wait for it (see durable()).
    const { durable } = await this.persistVisible(active, record);
    this.notDurable.set(jobId, durable);
    void durable.then(() => this.notDurable.delete(jobId), (err: unknown) => this.deps.logger.error({ err, job_id: jobId }, 'could not fsync a new job record'));
    // The job log is appended in order per job, so later events queue behind this one; nothing
    // needs to wait for it.
    this.deps.jobLogger.begin(jobId);
    this.deps.jobLogger.log(jobId, 'queued', { preset_id: record.preset_id, quality_level: record.quality_level, seed, consent_given: request.consent_given })
      .catch((err: unknown) => this.deps.logger.warn({ err, job_id: jobId }, 'could not append to the job log'));
    if (!waitForEngine && !this.gate.isOpen) {
      // A request that waits for its answer, while ComfyUI is known to be down: 503 at once.
      await durable.catch(() => undefined);
      await this.finish(active, 'failed', new PipelineError('ENGINE_OFFLINE', `ComfyUI is unreachable (${this.gate.reason ?? 'no answer'}); submit with "Prefer: respond-async" to have the job wait for it`, { headers: { 'retry-after': '10' } }));
      return active.record;
    }
    await this.queue.enqueue({ jobId, needs: { preset_id: record.preset_id } }, place);
    this.dispatch();
    return active.record;
  }

  /** Register a job this process will run (new, or recovered from disk). */
  track(record: JobHistory, loaded: LoadedPreset, resume: boolean, waitForEngine = true): ActiveJob {
    let resolveDone!: (job: JobHistory) => void;
    const done = new Promise<JobHistory>((r) => { resolveDone = r; });
    const active: ActiveJob = { record, latest: record, loaded, controller: new AbortController(), done, resolveDone, error: null, lastPersistedProgress: Math.floor(record.progress * 4) / 4, resume, waitForEngine, accepted: false, progressListeners: new Set(), enginePosition: null };
    this.active.set(record.job_id, active);
    return active;
  }

  async waitForEnd(jobId: string): Promise<{ job: JobHistory; error: PipelineError | null }> {
    const active = this.active.get(jobId);
    if (!active) return { job: await this.getJob(jobId), error: null };
    const job = await active.done;
    return { job, error: active.error };
  }

  /** The read side (routes use it directly). */
  readonly queries: JobQueries;

  getJob(jobId: string): Promise<JobHistory> {
    return this.queries.getJob(jobId);
  }

  getStatus(jobId: string): Promise<JobStatus> {
    return this.queries.getStatus(jobId);
  }

  /**
   * Jobs ahead of a queued one: in ComfyUI's queue (other clients' prompts included) once it is
   * there, else in this service's queue (plus what ComfyUI is running for it). Null when unknown.
   */
  private queuePosition(jobId: string): number | null {
    const active = this.active.get(jobId);
    if (!active) return null;
    if (active.enginePosition !== null) return active.enginePosition;
    const index = this.queue.positionOf(jobId);
    return index >= 0 ? index + this.runningCount : null;
  }

  generateResponse(job: JobHistory) {
    return toGenerateResponse(job, this.estimates.estimate(job.preset_id, job.quality_level));
  }

  /** Cancel a queued or running job; a finished one is a 409. */
  async cancel(jobId: string): Promise<JobHistory> {
    const active = this.active.get(jobId);
    if (!active || isTerminal(active.record.status)) {
      const job = active?.record ?? (await this.deps.jobs.get(jobId));
      if (!job) throw notFound(jobId);
      throw new PipelineError('JOB_NOT_CANCELLABLE', `Job ${jobId} is already ${job.status}`, { detail: { job_id: jobId, status: job.status } });
    }
    if (active.record.status === 'queued' && (await this.queue.cancel(jobId))) {
      await this.finish(active, 'cancelled', new PipelineError('JOB_CANCELLED', 'The job was cancelled before it started'));
      return active.record;
    }
    active.controller.abort();
    return active.done;
  }

  queueDepth(): Promise<number> {
    return this.queue.depth();
  }

  /** Put a job recovered at start back in line (accepted earlier: never refused by the bound). */
  async enqueueRecovered(jobId: string, presetId: string): Promise<void> {
    await this.queue.enqueue({ jobId, admitted: true, needs: { preset_id: presetId } });
  }

  runningJobs(): number {
    return this.runningCount;
  }

  private pumping = false;
  private pumpAgain = false;

  /** Hand waiting jobs to ComfyUI while it has free slots (one pump at a time; a call meanwhile re-runs it). */
  dispatch(): void {
    if (!this.gate.isOpen) return; // ComfyUI is unreachable: jobs stay queued until it answers
    if (this.pumping) { this.pumpAgain = true; return; }
    this.pumping = true;
    void this.pump().catch((err: unknown) => this.deps.logger.error({ err }, 'dispatching queued jobs failed')).finally(() => { this.pumping = false; });
  }

  private async pump(): Promise<void> {
    do {
      this.pumpAgain = false;
      while (this.dispatching && this.gate.isOpen && this.runningCount < this.deps.config.jobConcurrency) {
        const lease = await this.queue.reserve(ENGINE_WORKER, () => true, this.leaseMs);
        if (!lease) break;
        const active = this.active.get(lease.jobId);
        if (!active || isTerminal(active.record.status)) {
          await this.queue.finish(lease);
          continue;
        }
        this.leases.set(lease.jobId, lease);
        this.start(active);
      }
    } while (this.pumpAgain);
  }

  /** Start a job now (recovered running jobs bypass the queue: they are already in ComfyUI). */
  start(active: ActiveJob): void {
    this.runningCount++;
    // The slot is ComfyUI's: it is released as soon as ComfyUI has finished the run, so the next
    // job executes while this one's outputs are still being stored (the GPU never waits for disk).
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.runningCount--;
      this.dispatch();
    };
    void this.execute(active, release)
      .catch((err: unknown) => this.deps.logger.error({ err, job_id: active.record.job_id }, 'job execution failed outside its error handling'))
      .finally(release);
  }

  private async execute(active: ActiveJob, engineFinished: () => void): Promise<void> {
    const jobId = active.record.job_id;
    let running: Promise<unknown> = Promise.resolve();
    let markStarted: (began: boolean) => void = () => undefined;
    try {
      const engine = this.pickEngine(active.loaded);
      const promptId = active.record.engine_prompt_id ?? randomUUID();
      let startedMs = active.record.started_at ? Date.parse(active.record.started_at) : Date.now();
      let runStartedMs = startedMs;
      if (active.record.status === 'queued') {
        startedMs = Date.now();
        // The job stays queued until ComfyUI starts executing it: it may wait there behind other
        // clients' prompts. The prompt id was persisted with the queued record, so submission need
        // not wait for this write; outputs are only recorded after it (see runJob's `ready`).
        const startedSignal = new Promise<boolean>((resolve) => { markStarted = resolve; });
        running = startedSignal.then((began) => {
          if (!began || isTerminal(active.latest.status)) return; // it never started, or already ended
          runStartedMs = Date.now();
          active.enginePosition = null;
          return Promise.all([
            this.persist(active, transition(active.latest, 'running', { started_at: new Date(runStartedMs).toISOString(), engine_used: engine.engineId, engine_prompt_id: promptId })),
            this.deps.jobLogger.log(jobId, 'started', { engine: engine.engineId, prompt_id: promptId }),
          ]);
        });
        running.catch(() => undefined); // awaited on the way to completion; a failed job need not wait for it
      }
      const { outputs, provenance, committed, settled } = await runJob(active.record, active.loaded, engine, {
        artifacts: this.deps.artifacts, uploads: this.deps.uploads, models: this.deps.config.models,
        outputs: { maxBytes: this.deps.config.limits.outputMaxBytes, maxCount: this.deps.config.limits.outputMaxCount },
      }, {
        update: (patch) => this.persist(active, { ...active.latest, ...patch }),
        log: (event, fields) => this.deps.jobLogger.log(jobId, event, fields),
        progress: (value) => this.progress(active, value),
      }, {
        deadlineAt: startedMs + this.deps.config.jobDeadlineMs[active.record.quality_level],
        signal: active.controller.signal, promptId, resume: active.resume, ready: running,
        allowResubmit: (active.record.submit_attempts ?? 0) < 2,
        onEngineFinished: engineFinished,
        onStarted: () => markStarted(true),
        onQueued: (ahead) => {
          if (active.latest.status !== 'queued') return;
          active.enginePosition = ahead;
          this.forgetStatus(jobId);
          void this.deps.jobLogger.log(jobId, 'engine_queued', { queue_position: ahead, prompt_id: promptId }).catch(() => undefined);
        },
        onSubmitted: (_id, how) => {
          active.accepted = true;
          this.gate.open();
          if (how === 'submitted') void running.then(() => this.persist(active, { ...active.latest, submit_attempts: (active.latest.submit_attempts ?? 0) + 1 })).catch(() => undefined);
        },
      });
      markStarted(true); // (idempotent: the engine said so before its run ended)
      await running;
      const finished = new Date();
      const seconds = (finished.getTime() - runStartedMs) / 1000;
      await Promise.all([
        settled,
        // Prepared while the artifacts are being fsynced and renamed; replaces the running record
        // only once they are durable under their names.
        this.persist(active, transition(active.latest, 'completed', { finished_at: finished.toISOString(), outputs, provenance, progress: 1 }), { after: committed }),
        this.deps.jobLogger.log(jobId, 'completed', { outputs: outputs.length, duration_ms: Math.round(seconds * 1000), output_url: outputs[0] ? artifactUrl(jobId, outputs[0].filename) : null }),
      ]);
      this.estimates.record(active.record.preset_id, active.record.quality_level, seconds);
      this.metrics.jobFinished(active.record.preset_id, 'completed', seconds, null);
      await this.dropRerunInputs(active);
      this.settle(active);
    } catch (err) {
      markStarted(false); // a job that never started is not written running on its way to failure
      if (active.controller.signal.reason === DETACH) {
        // Shutting down: the job stays running on disk with its prompt id; the next start resumes it.
        active.error = new PipelineError('SERVICE_UNAVAILABLE', 'The service is restarting; the job continues and can be followed by its job_id', { headers: { 'retry-after': '10' } });
        active.resolveDone(active.record);
        return;
      }
      const error = active.controller.signal.aborted ? new PipelineError('JOB_CANCELLED', 'The job was cancelled', { cause: err }) : classifyError(err);
      if (error.code === 'ENGINE_OFFLINE' && active.waitForEngine && !active.accepted && !this.pastAcceptanceDeadline(active)) {
        await this.waitForEngine(active, error, running);
        return;
      }
      if (error.code === 'UNKNOWN_ERROR') this.deps.logger.error({ err, job_id: jobId }, 'job failed unexpectedly');
      await this.finish(active, error.code === 'JOB_CANCELLED' ? 'cancelled' : 'failed', error);
    }
  }

  private pastAcceptanceDeadline(active: ActiveJob): boolean {
    return Date.now() >= Date.parse(active.record.created_at) + this.deps.config.jobDeadlineMs[active.record.quality_level];
  }

  /**
   * ComfyUI could not be reached before it accepted the job: the job goes back to the head of the
   * queue (queued, with the reason in its log) and waits while the gate probes ComfyUI.
   */
  private async waitForEngine(active: ActiveJob, error: PipelineError, running: Promise<unknown>): Promise<void> {
    await running.catch(() => undefined); // its running state is written first, then replaced
    const retryInMs = this.gate.close(error.message);
    try {
      if (active.latest.status === 'running') await this.persist(active, transition(active.latest, 'queued', { progress: 0 }));
    } catch (err) {
      this.deps.logger.warn({ err, job_id: active.record.job_id }, 'could not write a waiting job back to queued');
    }
    await this.deps.jobLogger.log(active.record.job_id, 'waiting_for_engine', { error_code: error.code, reason: error.message, retry_in_ms: retryInMs }).catch(() => undefined);
    const lease = this.leases.get(active.record.job_id);
    this.leases.delete(active.record.job_id);
    if (lease) await this.queue.requeue(lease, 'front'); // its turn is kept
    else await this.queue.enqueue({ jobId: active.record.job_id, admitted: true, needs: { preset_id: active.record.preset_id } }).then(() => undefined, () => undefined);
    // Requests that wait for their answer do not wait for ComfyUI: they get the 503 now.
    for (const jobId of await this.queue.waiting()) {
      const other = this.active.get(jobId);
      if (!other || other.waitForEngine) continue;
      if (!(await this.queue.cancel(jobId))) continue;
      void this.finish(other, 'failed', error);
    }
  }

  private async finish(active: ActiveJob, status: 'failed' | 'cancelled', error: PipelineError): Promise<void> {
    active.error = error;
    if (isTerminal(active.latest.status)) return this.settle(active);
    const next = transition(active.latest, status, failurePatch(error));
    try {
      await this.persist(active, next);
    } catch (err) {
      // The job has ended whether or not its file can say so yet: it is never left running in
      // memory (nor cancellable as if it ran). The write is retried until it lands.
      active.latest = next;
      this.adopt(active, next);
      this.deps.logger.error({ err, job_id: next.job_id, status }, 'could not write the end of a job; its state is kept in memory and the write is retried');
      this.retryEndWrite(active, next);
    }
    this.metrics.jobFinished(active.record.preset_id, status, null, error.code);
    await this.deps.jobLogger.log(active.record.job_id, status, { error_code: error.code, message: error.message })
      .catch((err: unknown) => this.deps.logger.warn({ err, job_id: active.record.job_id }, 'could not append to the job log'));
    await this.dropRerunInputs(active);
    this.settle(active);
  }

  /** Jobs whose terminal record is not on disk yet; they stay in memory until it is. */
  private readonly endWrites = new Map<string, NodeJS.Timeout>();

  private retryEndWrite(active: ActiveJob, next: JobHistory, attempt = 1): void {
    const jobId = next.job_id;
    const delay = backoffMs(attempt, { attempts: Infinity, baseMs: 1_000, maxDelayMs: 30_000 });
    const timer = setTimeout(() => {
      if (active.latest !== next) return; // a newer state was handed to the store meanwhile
      this.deps.jobs.save(next).then(() => {
        this.endWrites.delete(jobId);
        this.deps.logger.info({ job_id: jobId, attempts: attempt + 1 }, 'the end of the job is written now');
        if (isTerminal(active.record.status)) setTimeout(() => this.retire(jobId, true), RETIRE_GRACE_MS).unref();
      }, (err: unknown) => {
        this.deps.logger.warn({ err, job_id: jobId, attempt }, 'the end of the job still cannot be written');
        this.retryEndWrite(active, next, attempt + 1);
      });
    }, delay);
    timer.unref();
    this.endWrites.set(jobId, timer);
  }

  /** A finished job needs no re-run inputs: they go before anyone hears that it ended. */
  private async dropRerunInputs(active: ActiveJob): Promise<void> {
    await this.deps.jobs.deleteRerunInputs(active.record.job_id).catch((err: unknown) => this.deps.logger.warn({ err, job_id: active.record.job_id }, 'could not remove the re-run inputs of a finished job'));
  }

  private settle(active: ActiveJob): void {
    const lease = this.leases.get(active.record.job_id);
    this.leases.delete(active.record.job_id);
    if (lease) void this.queue.finish(lease);
    active.resolveDone(active.record);
    void this.deps.jobLogger.release(active.record.job_id);
    active.progressListeners.clear();
    // Finished jobs are served from the index and disk from now on; keep the entry briefly for waiters
    // (and for as long as its end is not on disk yet).
    setTimeout(() => {
      this.retire(active.record.job_id, isTerminal(active.record.status) && !this.endWrites.has(active.record.job_id));
    }, RETIRE_GRACE_MS).unref();
  }

  /** Waiters of whenRetired(), by job. */
  private readonly retireWaiters = new Map<string, Set<(retired: boolean) => void>>();

  /** The grace after a job's end has run out: it leaves the active set unless its end is not on disk. */
  private retire(jobId: string, leave: boolean): void {
    if (leave) this.active.delete(jobId);
    const waiters = this.retireWaiters.get(jobId);
    this.retireWaiters.delete(jobId);
    for (const w of waiters ?? []) w(leave);
  }

  /**
   * Resolves once a job's post-end grace has run out: true when it left the active set (it is
   * served from the index and disk from then on), false when it stays because its end could not be
   * written yet. At once (true) for a job that is not active.
   */
  whenRetired(jobId: string): Promise<boolean> {
    if (!this.active.has(jobId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      let set = this.retireWaiters.get(jobId);
      if (!set) this.retireWaiters.set(jobId, (set = new Set()));
      set.add(resolve);
    });
  }

  /** Resolves once the job's first record is durable (immediately for older jobs). */
  async durable(jobId: string): Promise<void> {
    await this.notDurable.get(jobId);
  }

  private async persistVisible(active: ActiveJob, next: JobHistory): Promise<{ durable: Promise<void> }> {
    active.latest = next;
    const written = await this.deps.jobs.saveVisible(next);
    this.adopt(active, next);
    return written;
  }

  /**
   * Write the job file, then the index; only then is the new state visible. With `after`, the
   * state is prepared at once but written over the old one only once `after` succeeded.
   */
  async persist(active: ActiveJob, next: JobHistory, options: { after?: Promise<unknown> } = {}): Promise<void> {
    const previous = active.latest;
    active.latest = next;
    try {
      await this.deps.jobs.save(next, options);
    } catch (err) {
      // Not stored, so not the state the next one is derived from (a failed completion write
      // must leave the job able to fail, not "completed" in the store's eyes).
      if (active.latest === next) active.latest = previous;
      throw err;
    }
    this.adopt(active, next);
  }

  private adopt(active: ActiveJob, next: JobHistory): void {
    active.record = { ...next, progress: Math.max(next.progress, active.record.progress) };
    this.queries.forgetStatus(next.job_id);
    // The journal is a cache of the job files (recovery re-reads unfinished jobs from their files),
    // so the state need not wait for it.
    this.index.put(summarize(active.record)).catch((err: unknown) => this.deps.logger.warn({ err }, 'job index append failed'));
  }

  private progress(active: ActiveJob, value: number): void {
    if (value <= active.record.progress) return;
    active.record = { ...active.record, progress: value };
    for (const l of active.progressListeners) l(value);
    // A log event each time a quarter is passed, carrying the same weighted value the live
    // progress events carry at that moment (not the rounded quarter), so the two never disagree.
    const milestone = Math.floor(value * 4) / 4;
    if (milestone > active.lastPersistedProgress && value < 1) {
      active.lastPersistedProgress = milestone;
      void this.deps.jobLogger.log(active.record.job_id, 'progress', { progress: value, milestone }).catch(() => undefined);
    }
  }

  pickEngine(loaded: LoadedPreset): EngineAdapter {
    for (const id of loaded.preset.engine_preference_order) {
      const engine = this.deps.engines.get(id);
      if (engine) return engine;
    }
    throw new PipelineError('ENGINE_OFFLINE', `No configured engine can run preset ${loaded.preset.id}`, { detail: { wanted: loaded.preset.engine_preference_order } });
  }

  forgetStatus(jobId: string): void {
    this.queries.forgetStatus(jobId);
  }

  async retention(): Promise<number> {
    try {
      return await sweepRetention(this, this.deps.config.retention);
    } catch (err) {
      this.deps.logger.warn({ err }, 'retention sweep failed');
      return 0;
    }
  }

  /**
   * Graceful shutdown: refuse new jobs, let running ones finish within the grace period, then stop
   * following the rest without cancelling them (they stay running on disk, queued ones stay queued)
   * so the next start picks them up.
   */
  async shutdown(graceMs = this.deps.config.shutdownGraceMs): Promise<void> {
    this.accepting = false;
    this.dispatching = false;
    this.gate.stop();
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    const running = [...this.active.values()].filter((a) => a.record.status === 'running');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(running.map((a) => a.done)),
      new Promise((r) => { timer = setTimeout(r, graceMs); }),
    ]);
    clearTimeout(timer);
    for (const a of this.active.values()) {
      if (a.record.status === 'running') a.controller.abort(DETACH);
      else if (a.record.status === 'queued') {
        a.error = new PipelineError('SERVICE_UNAVAILABLE', 'The service is restarting; the job stays queued and runs after the restart', { headers: { 'retry-after': '10' } });
        a.resolveDone(a.record);
      }
    }
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
    for (const [jobId, timer] of this.endWrites) {
      clearTimeout(timer);
      const a = this.active.get(jobId);
      if (a) await this.deps.jobs.save(a.latest).catch((err: unknown) => this.deps.logger.error({ err, job_id: jobId }, 'the end of the job could not be written before shutdown; the next start follows it up in ComfyUI'));
    }
    this.endWrites.clear();
    await this.index.flush().catch((err: unknown) => this.deps.logger.warn({ err }, 'job index flush failed'));
    await this.deps.jobLogger.closeAll();
    await this.queue.close();
    this.metrics.close();
  }
}

export { notFound };
