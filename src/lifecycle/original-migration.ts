import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ArtifactRecord, JobHistory } from '../contracts/job.js';
import { ERROR_TAXONOMY } from '../errors/taxonomy.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import type { JobLogger } from '../store/job-logger.js';
import type { JobStore } from '../store/job-store.js';
import {
  OriginalJobRecord,
  isStoredFileName,
  originalOutputPaths,
  originalProgress,
  parseOriginalTimestamp,
} from '../store/original-record.js';
import { redact } from '../util/redact.js';
import { probeImage } from '../util/image-probe.js';
import { sniffMedia } from '../util/media-type.js';
import { artifactUrl } from '../core/job-state.js';

export interface MigrationDeps {
  jobs: JobStore;
  artifacts: ArtifactStore;
  jobLogger: JobLogger;
  /** Files larger than this are recorded by size and hash but not probed for dimensions. */
  probeMaxBytes: number;
}

/** Thrown when an original record cannot be read as a job: the file goes to jobs/corrupt/. */
export class UnreadableOriginalRecord extends Error {
  override name = 'UnreadableOriginalRecord';
}

/**
 * Bring one job file written by the original service into this service's schema, in place:
 * the original's record and metadata.json are kept (redacted) in jobs/{id}/original-service/, the
 * output files are hashed, measured and typed (the original recorded none of that), the record and
 * metadata.json are rewritten atomically in this schema, and a `migrated` event in the job's log
 * says what was reconstructed. Output files are never touched. Safe to repeat after a crash: the
 * kept copies are written once, and the record is replaced last.
 *
 * Status follows what the files prove. The original often saved a finished job last from a stale
 * copy, so a record that says queued or running but whose output file exists is a completed job.
 * One left queued or running without an output cannot be resumed (the original recorded no ComfyUI
 * prompt id), so it is reported failed `JOB_INTERRUPTED`, never hidden.
 */
export async function migrateOriginalJob(
  deps: MigrationDeps,
  jobId: string,
  value: Record<string, unknown>,
  recordMtimeMs: number,
): Promise<JobHistory> {
  const parsed = OriginalJobRecord.safeParse(value);
  if (!parsed.success)
    throw new UnreadableOriginalRecord(
      `not a job record of the original service: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  const original = parsed.data;
  if (original.job_id !== jobId)
    throw new UnreadableOriginalRecord(`the file of job ${jobId} holds job ${original.job_id}`);
  const createdAt = parseOriginalTimestamp(original.created_at);
  if (!createdAt)
    throw new UnreadableOriginalRecord(`created_at ${JSON.stringify(original.created_at)} is not a timestamp`);

  const notes: string[] = [];
  const originalMeta = await deps.artifacts.readMetadataValue(jobId).catch(() => null);
  const outputs = await storedOutputs(
    deps,
    jobId,
    [...originalOutputPaths(jobId, original.outputs), ...metadataPaths(jobId, originalMeta)],
    notes,
  );
  let status = original.status;
  const startedAt = parseOriginalTimestamp(original.started_at);
  let finishedAt = parseOriginalTimestamp(original.finished_at);
  let error = original.error;
  let errorCode = original.error_code;
  let remediation = original.remediation;
  if ((status === 'queued' || status === 'running') && outputs.some((o) => o.type === 'image')) {
    notes.push(
      `the original saved this job as "${status}" from a stale copy, but its output file exists: it completed`,
    );
    status = 'completed';
    finishedAt ??= outputs[0]!.created_at;
  } else if (status === 'queued' || status === 'running') {
    notes.push(`the original service stopped while this job was ${status}, without an output: it cannot be resumed`);
    status = 'failed';
    error = `The original service stopped while this job was ${original.status}; it recorded no ComfyUI prompt id, so the job cannot be resumed. Submit it again.`;
    errorCode = 'JOB_INTERRUPTED';
    remediation = [...ERROR_TAXONOMY.JOB_INTERRUPTED.remediation];
    finishedAt ??= new Date(recordMtimeMs).toISOString();
  } else if (status === 'completed' && outputs.length === 0) {
    notes.push('the original recorded this job completed, but no output file of it is left');
  }
  if (startedAt === null && original.started_at)
    notes.push(`started_at ${JSON.stringify(original.started_at)} is not a timestamp`);

  const { metadata: _progress, ...inputs } = original.inputs;
  const seed = Number.isInteger(inputs.seed) ? (inputs.seed as number) : -1;
  if (seed === -1) notes.push('the original did not record the seed (-1 here)');
  const engine = original.engine_used ?? engineFromMetadata(originalMeta);
  const job: JobHistory = {
    schema_version: 1,
    job_id: jobId,
    preset_id: original.preset_id,
    user_id: original.user_id,
    status,
    created_at: createdAt,
    started_at: startedAt,
    finished_at: finishedAt,
    inputs,
    outputs,
    engine_used: engine,
    quality_level: original.quality_level,
    credit_cost: original.credit_cost,
    error,
    error_code: errorCode,
    remediation,
    logs: `jobs/${jobId}/logs.jsonl`,
    progress: status === 'completed' ? 1 : (originalProgress(original.inputs) ?? 0),
    seed,
    consent: { given: inputs.consent_given === true, required: false, recorded_at: createdAt },
    engine_prompt_id: null,
    error_detail: null,
    provenance: null,
    submit_attempts: 0,
    migrated_from: {
      service: 'ainfluencer-python',
      migrated_at: new Date().toISOString(),
      original_status: String(value.status),
      notes,
    },
  };

  await keepOriginal(deps, jobId, 'job.json', value);
  if (originalMeta !== null) await keepOriginal(deps, jobId, 'metadata.json', originalMeta);
  if (outputs.length > 0 || originalMeta !== null)
    await deps.artifacts.writeMetadata({ job_id: jobId, artifacts: outputs, provenance: null });
  await deps.jobs.save(job);
  await deps.jobLogger.resume(jobId);
  await deps.jobLogger.log(jobId, 'migrated', {
    from: 'original service',
    original_status: String(value.status),
    status,
    notes,
  });
  await deps.jobLogger.release(jobId);
  return job;
}

/** The original's metadata.json names its files by type: {"artifacts": {"image": {"path": ...}}}. */
function metadataPaths(jobId: string, meta: unknown): { type: ArtifactRecord['type']; file: string }[] {
  const artifacts = (meta as { artifacts?: unknown } | null)?.artifacts;
  if (!artifacts || typeof artifacts !== 'object' || Array.isArray(artifacts)) return [];
  const paths: Record<string, unknown> = {};
  for (const [type, entry] of Object.entries(artifacts as Record<string, unknown>)) {
    if (entry && typeof entry === 'object') paths[type] = (entry as { path?: unknown }).path;
  }
  return originalOutputPaths(jobId, paths);
}

function engineFromMetadata(meta: unknown): string | null {
  const artifacts = (meta as { artifacts?: Record<string, { engine_id?: unknown }> } | null)?.artifacts;
  const first = artifacts && typeof artifacts === 'object' ? Object.values(artifacts)[0] : undefined;
  return typeof first?.engine_id === 'string' ? first.engine_id : null;
}

/** Records for the files that exist (regular files inside the job's folder), each hashed once. */
async function storedOutputs(
  deps: MigrationDeps,
  jobId: string,
  found: { type: ArtifactRecord['type']; file: string }[],
  notes: string[],
): Promise<ArtifactRecord[]> {
  const records: ArtifactRecord[] = [];
  const seen = new Set<string>();
  for (const { type, file } of found) {
    if (seen.has(`${type}/${file}`) || !isStoredFileName(file)) continue;
    seen.add(`${type}/${file}`);
    const opened = await deps.artifacts.open(jobId, { type, filename: file }).catch(() => null);
    if (!opened) {
      notes.push(`output ${type}/${file} is missing`);
      continue;
    }
    const { sha256, head, whole } = await hashFile(opened.path, opened.stats.size <= deps.probeMaxBytes);
    const media = sniffMedia(head);
    let width: number | null = null,
      height: number | null = null;
    if (media.kind === 'image' && whole) {
      const probe = await probeImage(whole, Number.MAX_SAFE_INTEGER).catch(() => null);
      if (probe) ({ width, height } = probe);
      else notes.push(`output ${type}/${file} did not parse as an image; its dimensions are unknown`);
    }
    records.push({
      type,
      filename: file,
      node_id: '',
      comfy_filename: file,
      comfy_subfolder: '',
      path: deps.artifacts.relative(path.join(deps.artifacts.jobDir(jobId), type, file)),
      url: artifactUrl(jobId, file),
      content_type: media.contentType,
      size_bytes: opened.stats.size,
      sha256,
      width,
      height,
      created_at: opened.stats.mtime.toISOString(),
    });
  }
  return records;
}

/** SHA-256 and first bytes of a file, streamed; the whole content too when `keep` (for probing). */
async function hashFile(file: string, keep: boolean): Promise<{ sha256: string; head: Buffer; whole: Buffer | null }> {
  const hash = createHash('sha256');
  const kept: Buffer[] = [];
  let head = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (head.length < 64) head = Buffer.concat([head, chunk.subarray(0, 64 - head.length)]);
    if (keep) kept.push(chunk);
  }
  return { sha256: hash.digest('hex'), head, whole: keep ? Buffer.concat(kept) : null };
}

/** A redacted copy of what the original wrote, made once (the original did not redact its files). */
async function keepOriginal(deps: MigrationDeps, jobId: string, name: string, value: unknown): Promise<void> {
  const target = path.join(deps.jobs.jobsDir, jobId, 'original-service', name);
  if (
    await fsp.stat(target).then(
      () => true,
      () => false,
    )
  )
    return;
  await fsp.mkdir(path.dirname(target), { recursive: true });
  await writeFileAtomic(target, `${JSON.stringify(redact(value), null, 2)}\n`);
}
