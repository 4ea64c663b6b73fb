import path from 'node:path';
import { promises as fsp } from 'node:fs';
import { JobHistory } from '../contracts/job.js';
import { PipelineError } from '../errors/pipeline-error.js';
import { TEMP_SUFFIX } from '../store/atomic-write.js';
import { summarize } from '../store/job-index.js';
import { failurePatch, isTerminal, transition } from '../core/job-state.js';
import type { Logger } from 'pino';
import type { AppConfig } from '../config.js';
import type { LoadedPreset, PresetRegistry } from '../presets/registry.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { JobIndex } from '../store/job-index.js';
import type { JobLogger } from '../store/job-logger.js';
import type { JobStore } from '../store/job-store.js';
import { isOriginalRecord } from '../store/original-record.js';
import { migrateOriginalJob } from './original-migration.js';
import { nextTurn } from '../util/next-turn.js';
import { restoreOriginalFromCorrupt } from './original-rescue.js';

/** What recovery needs of the core: its stores, and taking a job over. */
export interface RecoveryTarget<Active> {
  readonly index: JobIndex;
  /** Back in line (accepted earlier: never refused by the queue's bound). */
  enqueueRecovered(jobId: string, presetId: string): Promise<void>;
  readonly deps: {
    jobs: JobStore;
    logger: Logger;
    presets: PresetRegistry;
    jobLogger: JobLogger;
    artifacts: ArtifactStore;
    config: Pick<AppConfig, 'limits'>;
  };
  track(record: JobHistory, loaded: LoadedPreset, resume: boolean): Active;
  /** Stage the webhook of a job this start ends (before its end is stored). */
  stageEnd?(job: JobHistory): Promise<void>;
  /** Follow a submitted job on the backend its record names (engine_used), by its prompt id. */
  reattach(active: Active): void;
}

/** What the backend recorded in a running job's record says of its prompt, asked while planning. */
export type UpstreamState = 'queued' | 'running' | 'finished' | 'unknown' | 'unreachable';

/** What the start does with one unfinished job found on disk. */
export type RecoveryAction =
  /** Submitted, and its backend still has it (or cannot be asked yet): follow it there by prompt id. */
  | 'reattach'
  /** Submitted, and its backend finished it while we were down: follow it there, which collects the outputs. */
  | 'collect'
  /** Submitted, but its backend does not know it (ComfyUI restarted): back in line to be submitted again. */
  | 'resubmit'
  /** Lost like that a second time: it fails (a job is submitted at most twice). */
  | 'fail_lost'
  /** It was waiting: back in line, its backend asked first by its prompt id. */
  | 'requeue'
  /** Its preset is gone: it cannot be rebuilt, so it fails with CONTRACT_MISMATCH. */
  | 'fail_preset_gone';

export interface RecoveryPlan {
  jobs: { job: JobHistory; action: RecoveryAction; upstream?: UpstreamState }[];
  corrupt: string[];
  migrated: number;
  swept: number;
}

/**
 * The one decision, for a restart and a worker whose lease ran out alike: a job whose run nobody
 * follows any more is looked up on the backend its record names, then followed, collected,
 * resubmitted or put back in line.
 */
export function recoveryAction(job: JobHistory, presetExists: boolean, upstream?: UpstreamState): RecoveryAction {
  if (!presetExists) return 'fail_preset_gone';
  if (job.status !== 'running') return 'requeue';
  if (upstream === 'finished') return 'collect';
  if (upstream === 'unknown') return (job.submit_attempts ?? 0) >= 2 ? 'fail_lost' : 'resubmit';
  return 'reattach';
}

/** Planning options: how to ask a backend about a job's prompt (no lookups: every running job is re-attached). */
export interface PlanOptions {
  upstream?: (job: JobHistory) => Promise<UpstreamState>;
  /** Job files read so far out of those the index journal did not know (called for each). */
  progress?: (read: number, total: number) => void;
}

/** How long the index rebuild holds the event loop at a time. */
const REBUILD_SLICE_MS = 10;

/**
 * Read the data folder and decide, without starting anything: the index journal is brought in
 * line with the job files (files are the truth; a torn line is skipped and its job read from its
 * file), the original service's files are migrated, unreadable files are moved aside, temp files
 * of interrupted writes are swept, and each unfinished job gets its action.
 */
export async function planRecovery<Active>(
  core: RecoveryTarget<Active>,
  options: PlanOptions = {},
): Promise<RecoveryPlan> {
  const { jobs, logger, presets, jobLogger, artifacts } = core.deps;
  const index = core.index;
  const badLines = await index.load();
  if (badLines > 0) logger.warn({ lines: badLines }, 'skipped unreadable lines of the job index');

  // Earlier versions of this service moved the original's files to jobs/corrupt/: bring them back.
  const restored = await restoreOriginalFromCorrupt(jobs);
  for (const id of restored) await index.remove(id);
  if (restored.length)
    logger.info(
      { restored: restored.length, from: path.join(jobs.jobsDir, 'corrupt') },
      'job files of the original service restored from jobs/corrupt/',
    );

  const onDisk = new Set(await jobs.ids());
  const corrupt: string[] = [];
  let migrated = 0;
  const migration = { jobs, artifacts, jobLogger, probeMaxBytes: core.deps.config.limits.outputMaxBytes };
  const readOrQuarantine = async (id: string): Promise<JobHistory | null> => {
    try {
      const stored = await jobs.readValue(id);
      if (!stored) return null;
      // Files without schema_version are the original service's: migrated in place, not quarantined.
      if (isOriginalRecord(stored.value)) {
        const job = await migrateOriginalJob(migration, id, stored.value, stored.mtimeMs);
        migrated++;
        return job;
      }
      return JobHistory.parse(stored.value);
    } catch (err) {
      const target = await jobs.moveAside(id).catch(() => null);
      corrupt.push(id);
      logger.error({ job_id: id, moved_to: target, err }, 'unreadable job file moved aside');
      await index.remove(id);
      return null;
    }
  };
  // Job files the journal does not know (a lost journal, the original service's folder). Ours are
  // read inline in slices of a few milliseconds (the event loop answers health checks in between),
  // kept in memory and journalled once at the end; the original's, and anything unreadable, take
  // the careful path (migration, or moved aside).
  const unknown = [...onDisk].filter((id) => !index.has(id));
  if (unknown.length > 0) {
    let read = 0;
    const careful: string[] = [];
    options.progress?.(0, unknown.length);
    while (read + careful.length < unknown.length) {
      const sliceEnd = performance.now() + REBUILD_SLICE_MS;
      while (read + careful.length < unknown.length && performance.now() < sliceEnd) {
        const id = unknown[read + careful.length]!;
        try {
          const value = jobs.readValueSync(id);
          if (value !== null && isOriginalRecord(value)) careful.push(id);
          else {
            if (value !== null) index.adopt(summarize(JobHistory.parse(value)));
            read++;
          }
        } catch {
          careful.push(id);
        }
      }
      options.progress?.(read, unknown.length);
      await nextTurn();
    }
    for (const id of careful) {
      const job = await readOrQuarantine(id);
      if (job) index.adopt(summarize(job));
      options.progress?.(++read, unknown.length);
    }
    await index.commitAdopted();
  }
  for (const s of [...index.all()]) if (!onDisk.has(s.job_id)) await index.remove(s.job_id);
  let swept = await jobs.sweepTemp();

  // Unfinished jobs: read their files (the journal may lag a crash) and decide.
  const open = [...index.all()].filter((s) => !isTerminal(s.status)).sort((a, b) => a.created_ms - b.created_ms);
  const planned: RecoveryPlan['jobs'] = [];
  for (const s of open) {
    const job = await readOrQuarantine(s.job_id);
    if (!job) continue;
    await index.put(summarize(job));
    swept += await sweepTree(path.join(artifacts.root, job.job_id));
    if (isTerminal(job.status)) {
      await jobs.deleteRerunInputs(job.job_id);
      continue;
    }
    planned.push({ job, action: recoveryAction(job, presets.get(job.preset_id) !== undefined) });
  }
  // Running jobs are looked up on their backends, a few at a time (each lookup has its own bound).
  const lookup = options.upstream;
  if (lookup) {
    const running = planned.filter((p) => p.job.status === 'running' && p.action === 'reattach');
    for (let i = 0; i < running.length; i += 8) {
      await Promise.all(
        running.slice(i, i + 8).map(async (p) => {
          p.upstream = await lookup(p.job).catch(() => 'unreachable' as const);
          p.action = recoveryAction(p.job, true, p.upstream);
        }),
      );
    }
  }
  return { jobs: planned, corrupt, migrated, swept };
}

/**
 * Start-up reconciliation: plan (above), then act. Every job has had its prompt id since it was
 * queued, so ComfyUI is always asked first (resume): a run it knows is followed, an unknown one is
 * submitted (at most twice in all).
 */
export async function recoverJobs<Active>(
  core: RecoveryTarget<Active>,
  options: PlanOptions = {},
): Promise<{ corrupt: string[]; recovered: number; swept: number; migrated: number }> {
  const { jobs, logger, presets, jobLogger } = core.deps;
  const plan = await planRecovery(core, options);
  let recovered = 0;
  const fail = async (job: JobHistory, error: PipelineError) => {
    const failed = transition(job, 'failed', failurePatch(error));
    await core.stageEnd?.(failed);
    await jobs.save(failed);
    await jobs.deleteRerunInputs(job.job_id);
    await core.index.put(summarize({ ...job, status: 'failed' }));
    await jobLogger.log(job.job_id, 'failed', { error_code: error.code, message: error.message });
  };
  for (const { job, action, upstream } of plan.jobs) {
    // The record is redacted; the exact inputs, where redaction changed them, are kept beside it.
    const exact = await jobs.readRerunInputs(job.job_id);
    if (exact) job.inputs = exact;
    await jobLogger.resume(job.job_id);
    const loaded = presets.get(job.preset_id);
    if (action === 'fail_preset_gone' || !loaded) {
      await fail(
        job,
        new PipelineError('CONTRACT_MISMATCH', `Preset ${job.preset_id} no longer exists; the job cannot be resumed`),
      );
      continue;
    }
    if (action === 'fail_lost') {
      await fail(
        job,
        new PipelineError(
          'ENGINE_EXECUTION_FAILED',
          'ComfyUI lost the prompt (it restarted) and it was already submitted twice',
          { detail: { prompt_id: job.engine_prompt_id, lost: true, engine: job.engine_used } },
        ),
      );
      continue;
    }
    recovered++;
    if (action === 'reattach' || action === 'collect') {
      const active = core.track(job, loaded, true);
      await jobLogger.log(job.job_id, 'recovering', {
        prompt_id: job.engine_prompt_id,
        engine: job.engine_used,
        ...(upstream ? { upstream } : {}),
      });
      core.reattach(active);
    } else if (action === 'resubmit') {
      // Its backend lost it: waiting again, on disk too, for whichever backend takes it first.
      const queued = transition(job, 'queued', { progress: 0, engine_used: null });
      await jobs.save(queued);
      await core.index.put(summarize(queued));
      core.track(queued, loaded, false);
      await jobLogger.log(job.job_id, 'requeued', {
        prompt_id: job.engine_prompt_id,
        upstream,
        reason: 'its backend no longer knows the prompt',
      });
      await core.enqueueRecovered(job.job_id, job.preset_id);
    } else {
      core.track(job, loaded, true);
      await jobLogger.log(job.job_id, 'requeued', { prompt_id: job.engine_prompt_id });
      await core.enqueueRecovered(job.job_id, job.preset_id);
    }
  }
  const { corrupt, migrated, swept } = plan;
  if (corrupt.length)
    logger.warn(
      { corrupt: corrupt.length, moved_to: path.join(jobs.jobsDir, 'corrupt') },
      `${corrupt.length} unreadable job file(s) moved to ${path.join(jobs.jobsDir, 'corrupt')}`,
    );
  if (migrated)
    logger.info({ migrated }, `${migrated} job(s) of the original service read and migrated to this service's schema`);
  if (recovered || corrupt.length || swept || migrated)
    logger.info({ recovered, corrupt: corrupt.length, swept, migrated }, 'job recovery finished');
  return { corrupt, recovered, swept, migrated };
}

async function sweepTree(dir: string): Promise<number> {
  let removed = 0;
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) removed += await sweepTree(full);
    else if (e.name.startsWith('.') && e.name.endsWith(TEMP_SUFFIX)) {
      await fsp.rm(full, { force: true });
      removed++;
    }
  }
  return removed;
}
