import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ModelDefaults } from '../config.js';
import type { ArtifactRecord, JobHistory, Provenance } from '../contracts/job.js';
import type { EngineAdapter, EngineOutput } from '../engines/engine.js';
import { PipelineError } from '../errors/pipeline-error.js';
import type { LoadedPreset } from '../presets/registry.js';
import { buildGraph } from '../presets/graph.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import { UploadStore } from '../store/upload-store.js';
import { readPngInfo } from '../util/png.js';
import { artifactUrl } from './job-state.js';

export interface RunnerDeps {
  artifacts: ArtifactStore;
  uploads: UploadStore;
  models: ModelDefaults;
}

export interface RunnerHooks {
  /** Persist a change to the job (the runner never writes the job file itself). */
  update(patch: Partial<JobHistory>): Promise<void>;
  log(event: string, fields?: Record<string, unknown>): Promise<unknown>;
  progress(value: number): void;
}

const KIND_TYPES: Record<string, ArtifactRecord['type']> = { images: 'image', gifs: 'video', videos: 'video', video: 'video', audio: 'audio' };
const EXT_TYPES: Record<string, ArtifactRecord['type']> = { png: 'image', jpg: 'image', jpeg: 'image', webp: 'image', gif: 'image', mp4: 'video', webm: 'video', mov: 'video', wav: 'audio', mp3: 'audio', flac: 'audio', ogg: 'audio' };

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Runs one job on one engine: uploads identity references, builds the graph, preflights it,
 * submits and follows it, then streams every output into the artifact store.
 */
export async function runJob(job: JobHistory, loaded: LoadedPreset, engine: EngineAdapter, deps: RunnerDeps, hooks: RunnerHooks, options: { deadlineAt: number; signal: AbortSignal; promptId: string; resume?: boolean; allowResubmit?: boolean; ready?: Promise<unknown>; onSubmitted?: (promptId: string, how: 'submitted' | 'resumed') => void }): Promise<{ outputs: ArtifactRecord[]; provenance: Provenance; settled: Promise<unknown> }> {
  const inputs = job.inputs as { prompt: string; negative_prompt?: string; identity_reference?: string[] };
  const identityImages: string[] = [];
  for (const uploadId of inputs.identity_reference ?? []) {
    const upload = await deps.uploads.get(uploadId);
    if (!upload) throw new PipelineError('FILE_NOT_FOUND', `Upload ${uploadId} no longer exists`, { detail: { upload_id: uploadId } });
    // Named by content, so the same reference maps to one ComfyUI input file across jobs.
    const name = `ainfluencer_${upload.record.sha256.slice(0, 24)}.${UploadStore.extension(upload.record.content_type)}`;
    identityImages.push(await engine.uploadImage(name, upload.bytes, upload.record.content_type));
  }
  const built = buildGraph({
    preset: loaded.preset, quality: job.quality_level, prompt: inputs.prompt, negativePrompt: inputs.negative_prompt,
    seed: job.seed, identityImages, models: deps.models, outputPrefix: `ainfluencer/${job.job_id}/${loaded.preset.id}`,
  });
  const graphSha = createHash('sha256').update(canonicalJson(built.graph)).digest('hex');
  hooks.log('graph_built', { steps: built.appliedSteps, nodes: Object.keys(built.graph).length, graph_sha256: graphSha, models: built.models }).catch(() => undefined);
  await engine.preflight(built.graph);

  const provenance: Provenance = {
    preset_id: loaded.preset.id, preset_sha256: loaded.sha256, quality_level: job.quality_level, engine: engine.engineId,
    seed: job.seed, prompt_id: options.promptId, graph_sha256: graphSha, models: built.models,
  };
  const result = await engine.run({
    graph: built.graph, promptId: options.promptId, deadlineAt: options.deadlineAt, signal: options.signal,
    onProgress: (p) => hooks.progress(p.progress),
    resume: options.resume, allowResubmit: options.allowResubmit,
    onSubmitted: (id, how) => {
      options.onSubmitted?.(id, how);
      hooks.log(how, { prompt_id: id, engine: engine.engineId }).catch(() => undefined);
    },
  });
  if (result.promptId !== options.promptId) {
    provenance.prompt_id = result.promptId;
    await hooks.update({ engine_prompt_id: result.promptId });
  }
  await options.ready; // the job's running state is on disk before any output is recorded
  const { records, settled } = await collectArtifacts(job.job_id, result.outputs, engine, deps.artifacts, hooks, provenance, options.signal);
  return { outputs: records, provenance, settled };
}

async function collectArtifacts(jobId: string, files: EngineOutput[], engine: EngineAdapter, store: ArtifactStore, hooks: RunnerHooks, provenance: Provenance, signal: AbortSignal): Promise<{ records: ArtifactRecord[]; settled: Promise<unknown> }> {
  const records: ArtifactRecord[] = [];
  const counters: Record<string, number> = {};
  const pending: Promise<unknown>[] = [];
  for (const file of files) {
    const ext = (path.extname(file.filename).slice(1).toLowerCase().match(/^[a-z0-9]{1,5}$/)?.[0]) ?? 'bin';
    const type = EXT_TYPES[ext] ?? KIND_TYPES[file.kind] ?? 'file';
    counters[type] = (counters[type] ?? 0) + 1;
    const filename = `${type}_${String(counters[type]).padStart(3, '0')}.${ext}`;
    const downloadStarted = performance.now();
    let sink = store.openSink(jobId, type, filename);
    let downloaded;
    // A broken transfer is retried (twice) into a fresh temp file; nothing partial is ever committed.
    for (let attempt = 0; ; attempt++) {
      try {
        downloaded = await engine.download(file, sink, signal);
        break;
      } catch (err) {
        await sink.discard();
        const retryable = err instanceof PipelineError && (err.code === 'DOWNLOAD_FAILED' || err.code === 'DOWNLOAD_TIMEOUT') && !signal.aborted;
        if (!retryable || attempt >= 2) throw err;
        await hooks.log('download_retry', { filename: file.filename, attempt: attempt + 1, error_code: err.code });
        sink = store.openSink(jobId, type, filename);
      }
    }
    const sha256 = await sink.commit();
    const info = type === 'image' ? readPngInfo(sink.headBuffer) : null;
    const record: ArtifactRecord = {
      type, filename, path: store.relative(sink.finalPath), url: artifactUrl(jobId, filename),
      content_type: downloaded.contentType, size_bytes: sink.size, sha256,
      width: info?.width ?? null, height: info?.height ?? null,
      node_id: file.node_id, comfy_filename: file.filename, comfy_subfolder: file.subfolder, created_at: new Date().toISOString(),
    };
    records.push(record);
    const last = records.length === files.length;
    // Metadata after each file, so a cancelled or failed job still lists what was complete. The job
    // record itself gets the outputs with its completion when this was the last file.
    const written = Promise.all([
      store.writeMetadata({ job_id: jobId, artifacts: records, provenance }),
      last ? undefined : hooks.update({ outputs: [...records] }),
      hooks.log('artifact', { filename, type, size_bytes: record.size_bytes, sha256, content_type: record.content_type, download_ms: Math.round(performance.now() - downloadStarted) }),
    ]);
    // The last file's bookkeeping overlaps with the job's completion write (different files).
    if (last) pending.push(written); else await written;
  }
  return { records, settled: Promise.all(pending) };
}
