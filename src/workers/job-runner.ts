import { createHash } from 'node:crypto';
import type { ModelDefaults } from '../config.js';
import type { ArtifactRecord, JobHistory, Provenance } from '../contracts/job.js';
import type { EngineAdapter, SubmitTurn } from '../engines/engine.js';
import { PipelineError } from '../errors/pipeline-error.js';
import type { LoadedPreset } from '../presets/registry.js';
import { buildGraph } from '../presets/graph.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import { UploadStore } from '../store/upload-store.js';
import { OutputDownloads } from './output-downloads.js';
import { copyToShared } from './copy-to-shared.js';
import type { ArtifactStorePort } from '../ports/artifact-store.js';
import { nextTurn } from '../util/next-turn.js';
import { canonicalJson } from '../util/canonical-json.js';

export interface RunnerDeps {
  artifacts: ArtifactStore;
  /** Where outputs end up when not the local folder (S3): copied there before the job may complete. */
  sharedArtifacts?: ArtifactStorePort | null;
  uploads: UploadStore;
  models: ModelDefaults;
  /** OUTPUT_MAX_BYTES and OUTPUT_MAX_COUNT. */
  outputs: { maxBytes: number; maxCount: number };
}

export interface RunnerHooks {
  /** Persist a change to the job (the runner never writes the job file itself). */
  update(patch: Partial<JobHistory>): Promise<void>;
  log(event: string, fields?: Record<string, unknown>): Promise<unknown>;
  progress(value: number): void;
}

/**
 * Runs one job on one engine: uploads identity references, builds the graph, preflights it,
 * submits and follows it, then streams every output into the artifact store.
 */
export async function runJob(
  job: JobHistory,
  loaded: LoadedPreset,
  engine: EngineAdapter,
  deps: RunnerDeps,
  hooks: RunnerHooks,
  options: {
    deadlineAt: number;
    /** Prefetched: once ComfyUI starts the run, its deadline is this long from then (never later than deadlineAt). */
    deadlineFromStartMs?: number;
    submitTurn?: SubmitTurn;
    signal: AbortSignal;
    promptId: string;
    resume?: boolean;
    allowResubmit?: boolean;
    ready?: Promise<unknown>;
    onEngineFinished?: () => void;
    onSubmitted?: (promptId: string, how: 'submitted' | 'resumed') => void;
    onStarted?: (deadlineAt: number) => void;
    onQueued?: (ahead: number) => void;
  },
): Promise<{
  outputs: ArtifactRecord[];
  provenance: Provenance;
  committed: Promise<unknown>;
  settled: Promise<unknown>;
}> {
  const inputs = job.inputs as {
    prompt: string;
    negative_prompt?: string;
    identity_reference?: string[];
    init_image?: string;
  };
  // Uploads go to ComfyUI's input folder, named by content, so the same picture maps to one
  // ComfyUI input file across jobs.
  const toEngine = async (uploadId: string): Promise<string> => {
    const upload = await deps.uploads.get(uploadId);
    if (!upload)
      throw new PipelineError('FILE_NOT_FOUND', `Upload ${uploadId} no longer exists`, {
        detail: { upload_id: uploadId },
      });
    const name = `ainfluencer_${upload.record.sha256.slice(0, 24)}.${UploadStore.extension(upload.record.content_type)}`;
    return engine.uploadImage(name, upload.bytes, upload.record.content_type, options.signal);
  };
  const identityImages: string[] = [];
  for (const uploadId of inputs.identity_reference ?? []) identityImages.push(await toEngine(uploadId));
  const initImage = inputs.init_image ? await toEngine(inputs.init_image) : null;
  const built = buildGraph({
    preset: loaded.preset,
    quality: job.quality_level,
    prompt: inputs.prompt,
    negativePrompt: inputs.negative_prompt,
    seed: job.seed,
    identityImages,
    initImage,
    models: deps.models,
    outputPrefix: `ainfluencer/${job.job_id}/${loaded.preset.id}`,
  });
  const provenance: Provenance = {
    preset_id: loaded.preset.id,
    preset_sha256: loaded.sha256,
    quality_level: job.quality_level,
    engine: engine.engineId,
    seed: job.seed,
    prompt_id: options.promptId,
    graph_sha256: '',
    models: built.models,
  };
  // Hashing and logging the graph is bookkeeping: it runs on the next turn, once the prompt is on
  // its way to ComfyUI, and is complete before anything reads the provenance.
  const described = nextTurn().then(() => {
    provenance.graph_sha256 = createHash('sha256').update(canonicalJson(built.graph)).digest('hex');
    hooks
      .log('graph_built', {
        steps: built.appliedSteps,
        nodes: Object.keys(built.graph).length,
        graph_sha256: provenance.graph_sha256,
        models: built.models,
      })
      .catch(() => undefined);
  });
  try {
    await engine.preflight(built.graph);
  } catch (err) {
    await described;
    throw err;
  }
  const limits = { deadlineAt: options.deadlineAt, maxBytes: deps.outputs.maxBytes, maxCount: deps.outputs.maxCount };
  const downloads = new OutputDownloads(
    job.job_id,
    engine,
    deps.artifacts,
    {
      update: (outputs) => hooks.update({ outputs }),
      log: (event, fields) => hooks.log(event, fields),
    },
    options.signal,
    limits,
  );
  const fromStart = options.deadlineFromStartMs;
  try {
    const result = await engine.run({
      graph: built.graph,
      promptId: options.promptId,
      deadlineAt: options.deadlineAt,
      deadlineFromStartMs: fromStart,
      submitTurn: options.submitTurn,
      signal: options.signal,
      onProgress: (p) => hooks.progress(p.progress),
      // Outputs are fetched as soon as ComfyUI reports them, not after the run's /history entry.
      onOutputs: (files) => {
        for (const file of files) downloads.start(file);
      },
      onIdle: options.onEngineFinished,
      resume: options.resume,
      allowResubmit: options.allowResubmit,
      maxOutputs: deps.outputs.maxCount,
      onStarted: (deadlineAt) => {
        // (The downloads' bound is made at their first transfer, after this.)
        limits.deadlineAt = Math.min(limits.deadlineAt, deadlineAt);
        options.onStarted?.(deadlineAt);
      },
      onQueued: options.onQueued,
      onSubmitted: (id, how) => {
        options.onSubmitted?.(id, how);
        hooks.log(how, { prompt_id: id, engine: engine.engineId }).catch(() => undefined);
      },
    });
    options.onEngineFinished?.(); // (again: idempotent; the engine may not have said so itself)
    if (result.promptId !== options.promptId) {
      provenance.prompt_id = result.promptId;
      await hooks.update({ engine_prompt_id: result.promptId });
    }
    await Promise.all([options.ready, described]); // the running state is on disk before any output is recorded
    const finished = await downloads.finish(result.outputs, provenance);
    downloads.close();
    const { records, settled } = finished;
    let committed = finished.committed;
    const shared = deps.sharedArtifacts;
    if (shared) {
      // The completion record waits for the shared copies: no instance is told of a file it cannot serve.
      committed = Promise.all([committed, settled]).then(() =>
        copyToShared(job.job_id, records, deps.artifacts, shared, deps.outputs.maxBytes),
      );
      committed.catch(() => undefined);
    }
    return { outputs: records, provenance, committed, settled };
  } catch (err) {
    await downloads.abandon();
    throw err;
  }
}
