import path from 'node:path';
import type { Logger } from 'pino';
import type { AppConfig } from '../config.js';
import type { JobHistory } from '../contracts/job.js';
import { isTerminal } from '../core/job-state.js';
import type { PostgresJobRepository } from '../distributed/postgres-job-repository.js';
import type { S3ArtifactStore } from '../distributed/s3-artifact-store.js';
import { FileJobRepository } from '../embedded/file-job-repository.js';
import { planRecovery } from '../lifecycle/recovery.js';
import type { PresetRegistry } from '../presets/registry.js';
import { ArtifactStore } from '../store/artifact-store.js';
import { canonicalJson } from '../util/canonical-json.js';

export interface MigrationTargets {
  repository: PostgresJobRepository;
  /** Null: artifacts stay in the data folder (ARTIFACT_STORE=local). */
  artifacts: S3ArtifactStore | null;
}

export interface MigrationSummary {
  jobs: number;
  copied: number;
  /** Already in PostgreSQL with the same record (an earlier run): nothing written. */
  unchanged: number;
  /** The original service's files brought into this schema first (in place, as the embedded start does). */
  fromOriginalService: number;
  events: number;
  artifacts: number;
  artifactBytes: number;
  failed: { job_id: string; reason: string }[];
}

const KEY_TTL_MS = 24 * 3600 * 1000;

/**
 * Copy an embedded data folder (job records, event logs, re-run inputs, idempotency keys and
 * artifacts) into PostgreSQL and S3. Safe to run again, and to resume after a crash: a job whose
 * record is already there unchanged is skipped, events continue after the newest one stored,
 * artifacts already stored at their size are not sent again, and the record is written last, so
 * a job is only "there" once everything it names is. The original service's files are first
 * brought into this schema in place, exactly as an embedded start would.
 */
export async function migrateToDistributed(
  config: AppConfig,
  presets: PresetRegistry,
  logger: Logger,
  targets: MigrationTargets,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<MigrationSummary> {
  const source = await FileJobRepository.open(config.dataDir);
  const local = new ArtifactStore(path.join(config.dataDir, 'artifacts'), config.dataDir);
  const plan = await planRecovery({
    index: source.index,
    deps: { jobs: source.records, jobLogger: source.log, artifacts: local, logger, presets, config },
    enqueueRecovered: () => Promise.resolve(),
    track: () => null,
    reattach: () => undefined,
  });
  const summaries = [...source.index.all()].sort((a, b) => a.created_ms - b.created_ms);
  const summary: MigrationSummary = {
    jobs: summaries.length,
    copied: 0,
    unchanged: 0,
    fromOriginalService: plan.migrated,
    events: 0,
    artifacts: 0,
    artifactBytes: 0,
    failed: [],
  };
  onProgress(0, summaries.length);
  for (const [i, s] of summaries.entries()) {
    try {
      const job = await source.get(s.job_id);
      if (!job) throw new Error('the job file is gone');
      if (await copyJob(job, source, local, targets, config, summary)) summary.copied++;
      else summary.unchanged++;
    } catch (err) {
      summary.failed.push({ job_id: s.job_id, reason: (err as Error).message.slice(0, 300) });
    }
    onProgress(i + 1, summaries.length);
  }
  await source.close();
  return summary;
}

/** One job; false when PostgreSQL already holds this very record. */
async function copyJob(
  job: JobHistory,
  source: FileJobRepository,
  local: ArtifactStore,
  targets: MigrationTargets,
  config: AppConfig,
  summary: MigrationSummary,
): Promise<boolean> {
  const { repository, artifacts } = targets;
  const stored = await repository.get(job.job_id);
  // PostgreSQL's jsonb does not keep key order: compare canonical forms.
  if (stored && canonicalJson(stored) === canonicalJson(job)) return false;
  if (stored && isTerminal(stored.status)) throw new Error(`already in PostgreSQL as ${stored.status}, differently`);
  if (artifacts) {
    for (const output of job.outputs) {
      const there = await artifacts.head(job.job_id, output);
      if (there && there.size === output.size_bytes) continue;
      const opened = await local.get(job.job_id, output);
      if (!opened) throw new Error(`artifact ${output.filename} is not in the data folder`);
      const put = await artifacts.putNamed(job.job_id, output, opened.stream, config.limits.outputMaxBytes);
      if (output.sha256 && put.sha256 !== output.sha256)
        throw new Error(`artifact ${output.filename} does not match its recorded sha256`);
      summary.artifacts++;
      summary.artifactBytes += put.size_bytes;
    }
  }
  const have = await repository.events(job.job_id);
  const newest = have.at(-1)?.seq ?? 0;
  for (const event of await source.events(job.job_id, newest)) {
    const { seq: _seq, event: name, ...fields } = event;
    await repository.appendEvent(job.job_id, name, fields); // its `at` is kept
    summary.events++;
  }
  const rerun = await source.readRerunInputs(job.job_id);
  if (rerun) await repository.saveRerunInputs(job.job_id, rerun);
  if (job.idempotency_key && Date.now() - Date.parse(job.created_at) < KEY_TTL_MS)
    await repository.claimIdempotencyKey(job.idempotency_key, '*', job.job_id, KEY_TTL_MS);
  await repository.save(job);
  return true;
}
