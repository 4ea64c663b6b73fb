import { randomUUID } from 'node:crypto';
import type { ActiveJob } from '../core/active-jobs.js';
import { artifactUrl, isTerminal, transition } from '../core/job-state.js';
import { JobAlreadyEnded } from '../ports/job-repository.js';
import { runJob } from './job-runner.js';
import type { BackendWorker } from './backend-worker.js';
import type { DispatchSlot } from './dispatch-slot.js';
import type { ExecutionDeps, ExecutionPool } from './execution-deps.js';
import { BackendExit } from './leave-backend.js';
import { isOutOfMemory } from './run-faults.js';

export type { ExecutionDeps, ExecutionPool } from './execution-deps.js';

/**
 * Runs one leased job on one backend: the queued → running → completed path, an out-of-memory
 * retry after POST /free, and every way a job leaves a backend without ending (the backend was
 * unreachable before accepting it, died mid-job, faulted, or lacks what the job needs): back to
 * the queue, or failed when no backend can take it. The only code that runs jobs.
 */
export class JobExecution {
  private readonly exit: BackendExit;

  constructor(
    private readonly deps: ExecutionDeps,
    private readonly pool: ExecutionPool,
  ) {
    this.exit = new BackendExit(deps, pool);
  }

  async run(worker: BackendWorker, active: ActiveJob, slot: DispatchSlot): Promise<void> {
    const engineFinished = () => slot.release();
    const { jobs, config } = this.deps;
    const engine = worker.engine;
    const jobId = active.record.job_id;
    let running: Promise<unknown> = Promise.resolve();
    let markStarted: (began: boolean) => void = () => undefined;
    const signal = active.controller.signal;
    try {
      let promptId = active.record.engine_prompt_id ?? randomUUID();
      const startedMs =
        active.record.started_at && active.record.status === 'running'
          ? Date.parse(active.record.started_at)
          : Date.now();
      const budget = config.jobDeadlineMs[active.record.quality_level];
      // Prefetched behind our own prompts: the wait in ComfyUI's queue is time in line, not the job's
      // run, so its deadline counts from when ComfyUI starts it (and the wait is bounded by theirs).
      const prefetched = active.deadlineAt === undefined && slot.behindUntil !== null && !active.resume;
      // A job that moved keeps the deadline of its first run.
      active.deadlineAt ??= (prefetched ? slot.behindUntil! : startedMs) + budget;
      let runStartedMs = startedMs;
      if (active.record.status === 'queued') {
        // The job stays queued until ComfyUI starts executing it: it may wait there behind other
        // clients' prompts. The prompt id was persisted with the queued record, so submission need
        // not wait for this write; outputs are only recorded after it (see runJob's `ready`).
        const startedSignal = new Promise<boolean>((resolve) => {
          markStarted = resolve;
        });
        running = startedSignal.then((began) => {
          if (!began || isTerminal(active.latest.status)) return; // it never started, or already ended
          runStartedMs = Date.now();
          active.enginePosition = null;
          return Promise.all([
            jobs.persist(
              active,
              transition(active.latest, 'running', {
                started_at: new Date(runStartedMs).toISOString(),
                engine_used: engine.engineId,
                engine_prompt_id: promptId,
              }),
            ),
            jobs.log(jobId, 'started', {
              engine: engine.engineId,
              prompt_id: promptId,
              ...(active.latest.attempts ? { attempt: active.latest.attempts } : {}),
            }),
          ]);
        });
        running.catch(() => undefined); // awaited on the way to completion; a failed job need not wait for it
      }
      let resume = active.resume;
      let freed = false;
      const runOnce = () =>
        runJob(
          active.record,
          active.loaded,
          engine,
          {
            artifacts: this.deps.artifacts,
            sharedArtifacts: this.deps.sharedArtifacts ?? null,
            uploads: this.deps.uploads,
            models: config.models,
            outputs: { maxBytes: config.limits.outputMaxBytes, maxCount: config.limits.outputMaxCount },
          },
          {
            update: (patch) => jobs.persist(active, { ...active.latest, ...patch }),
            log: (event, fields) => jobs.log(jobId, event, fields),
            progress: (value) => jobs.progress(active, value),
          },
          {
            deadlineAt: active.deadlineAt!,
            deadlineFromStartMs: prefetched ? budget : undefined,
            submitTurn: slot.turn,
            signal,
            promptId,
            resume,
            ready: running,
            allowResubmit: (active.record.submit_attempts ?? 0) < 2,
            onEngineFinished: engineFinished,
            onStarted: (deadlineAt) => {
              active.deadlineAt = Math.min(active.deadlineAt!, deadlineAt);
              markStarted(true);
            },
            onQueued: (ahead) => {
              if (active.latest.status !== 'queued') return;
              active.enginePosition = ahead;
              this.deps.jobs
                .log(jobId, 'engine_queued', { queue_position: ahead, prompt_id: promptId, engine: engine.engineId })
                .catch(() => undefined);
            },
            onSubmitted: (_id, how) => {
              active.accepted = true;
              // Prefetched: it waits behind the prompt running there (ComfyUI's queue is asked later).
              if (prefetched && active.latest.status === 'queued') active.enginePosition ??= 1;
              worker.gate.open();
              if (how === 'submitted')
                void running
                  .then(() =>
                    jobs.persist(active, {
                      ...active.latest,
                      submit_attempts: (active.latest.submit_attempts ?? 0) + 1,
                    }),
                  )
                  .catch(() => undefined);
            },
          },
        );
      let result: Awaited<ReturnType<typeof runJob>>;
      for (;;) {
        try {
          result = await runOnce();
          break;
        } catch (err) {
          if (freed || signal.aborted || !isOutOfMemory(err)) throw err;
          // Models of earlier prompts stay in VRAM: free them and run once more, under a new prompt
          // id (ComfyUI keeps the failed one in its history).
          freed = true;
          await jobs.log(jobId, 'engine_out_of_memory', {
            engine: engine.engineId,
            prompt_id: promptId,
            action: 'POST /free, then one retry',
          });
          await engine
            .free(signal)
            .catch((e: unknown) => this.deps.logger.warn({ err: e, engine: engine.engineId }, 'POST /free failed'));
          await running;
          promptId = randomUUID();
          resume = false;
          await jobs.persist(active, { ...active.latest, engine_prompt_id: promptId });
        }
      }
      const { outputs, provenance, committed, settled } = result;
      markStarted(true); // (idempotent: the engine said so before its run ended)
      await running;
      const finished = new Date();
      const seconds = (finished.getTime() - runStartedMs) / 1000;
      await Promise.all([
        settled,
        // Prepared while the artifacts are being fsynced and renamed; replaces the running record
        // only once they are durable under their names.
        jobs
          .persist(
            active,
            transition(active.latest, 'completed', {
              finished_at: finished.toISOString(),
              outputs,
              provenance,
              progress: 1,
            }),
            { after: committed },
          )
          // Told only once it is stored: a job another holder ended first is not "completed" twice.
          .then(() =>
            jobs.log(jobId, 'completed', {
              outputs: outputs.length,
              duration_ms: Math.round(seconds * 1000),
              output_url: outputs[0] ? artifactUrl(jobId, outputs[0].filename) : null,
              engine: engine.engineId,
            }),
          ),
      ]);
      worker.lastCheckpoint = this.pool.checkpointOf(active);
      worker.completed++;
      worker.catalogueSeen();
      this.deps.estimates.record(active.record.preset_id, active.record.quality_level, seconds);
      this.deps.metrics.jobFinished(active.record.preset_id, 'completed', seconds, null);
      await jobs.dropRerunInputs(active);
      jobs.settle(active);
    } catch (err) {
      markStarted(false); // a job that never started is not written running on its way to failure
      if (err instanceof JobAlreadyEnded) return; // another holder ended it; settled already
      await this.exit.leave(worker, active, err, running);
    }
  }
}
