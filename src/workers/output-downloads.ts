import path from 'node:path';
import type { ArtifactRecord, Provenance } from '../contracts/job.js';
import type { EngineAdapter, EngineOutput } from '../engines/engine.js';
import { PipelineError } from '../errors/pipeline-error.js';
import type { ArtifactSink, ArtifactStore } from '../store/artifact-store.js';
import { boundedSignal, msUntil, type BoundedSignal } from '../util/deadline.js';
import { dimensionsOf, sniffMedia } from '../util/media-type.js';
import { readPngInfo } from '../util/png.js';
import { withRetries } from '../util/retry.js';
import { artifactUrl } from '../core/job-state.js';

const KIND_TYPES: Record<string, ArtifactRecord['type']> = {
  images: 'image',
  gifs: 'video',
  videos: 'video',
  video: 'video',
  audio: 'audio',
  '3d': 'model',
  result: 'model',
};
const EXT_TYPES: Record<string, ArtifactRecord['type']> = {
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  webp: 'image',
  gif: 'image',
  mp4: 'video',
  webm: 'video',
  mov: 'video',
  wav: 'audio',
  mp3: 'audio',
  flac: 'audio',
  ogg: 'audio',
  glb: 'model',
  gltf: 'model',
};

interface Fetched {
  sink: ArtifactSink;
  downloadMs: number;
}

interface Fetch {
  result: Promise<Fetched>;
  /** Stops this one transfer (the file is not wanted, or the job is over). */
  stop: AbortController;
}

export interface DownloadLimits {
  /**
   * Absolute time (epoch ms) by which every transfer ends: the job's deadline. Read when the first
   * transfer starts, so the caller may still move it until ComfyUI has started the run.
   */
  deadlineAt: number;
  maxBytes: number;
  maxCount: number;
}

/** Attempts per file for transient failures (5xx, a broken transfer); anything else is final. */
const ATTEMPTS = 3;

export interface DownloadHooks {
  /** Persist the outputs recorded so far (every file but the last; the last comes with completion). */
  update(outputs: ArtifactRecord[]): Promise<void>;
  log(event: string, fields?: Record<string, unknown>): Promise<unknown>;
}

function extensionOf(file: EngineOutput): string {
  return (
    path
      .extname(file.filename)
      .slice(1)
      .toLowerCase()
      .match(/^[a-z0-9]{1,5}$/)?.[0] ?? 'bin'
  );
}

/** Where a file's bytes are received, guessed from ComfyUI's claim; the stored type follows the bytes. */
function guessedType(file: EngineOutput): ArtifactRecord['type'] {
  return EXT_TYPES[extensionOf(file)] ?? KIND_TYPES[file.kind] ?? 'file';
}

const isTransient = (err: unknown) =>
  err instanceof PipelineError &&
  (err.code === 'DOWNLOAD_TIMEOUT' || (err.code === 'DOWNLOAD_FAILED' && err.detail?.transient === true));

const keyOf = (file: EngineOutput) => `${file.type}\u0000${file.subfolder}\u0000${file.filename}`;

/**
 * A job's output files, from ComfyUI into the artifact store. A file can be fetched as soon as
 * ComfyUI reports it (the `executed` message), while the rest of the run and its /history entry are
 * still on their way; the final list then decides which fetched files are kept, in which order
 * they are named, and fetches whatever was not reported early (cached nodes, older servers).
 * Files live under temp names until they are committed; abandon() removes every uncommitted one.
 */
export class OutputDownloads {
  private readonly fetches = new Map<string, Fetch>();
  private readonly committed = new Set<ArtifactSink>();
  /** The job's signal and deadline, shared by every transfer of the job (made at the first one). */
  private shared: BoundedSignal | null = null;

  constructor(
    private readonly jobId: string,
    private readonly engine: EngineAdapter,
    private readonly store: ArtifactStore,
    private readonly hooks: DownloadHooks,
    private readonly signal: AbortSignal,
    private readonly limits: DownloadLimits,
  ) {}

  private get bound(): BoundedSignal {
    this.shared ??= boundedSignal([this.signal], msUntil(this.limits.deadlineAt));
    return this.shared;
  }

  /**
   * Start fetching a file (once per file; later calls for it are ignored). Announcements past
   * OUTPUT_MAX_COUNT start nothing: the final list decides whether the run is refused.
   */
  start(file: EngineOutput): void {
    const key = keyOf(file);
    if (this.fetches.has(key) || this.fetches.size >= this.limits.maxCount) return;
    const stop = new AbortController();
    const result = this.fetch(file, stop.signal);
    result.catch(() => undefined); // awaited by finish() or abandon(); never unhandled
    this.fetches.set(key, { result, stop });
  }

  private async fetch(file: EngineOutput, stopSignal: AbortSignal): Promise<Fetched> {
    const type = guessedType(file);
    const started = performance.now();
    const transfer = boundedSignal([this.bound.signal, stopSignal], msUntil(this.limits.deadlineAt));
    try {
      // A transient failure is retried into a fresh temp file; nothing partial is ever committed.
      return await withRetries(
        async () => {
          const sink = this.store.openSink(this.jobId, type);
          try {
            await this.engine.download(file, sink, { signal: transfer.signal, maxBytes: this.limits.maxBytes });
            return { sink, downloadMs: Math.round(performance.now() - started) };
          } catch (err) {
            await sink.discard();
            throw err;
          }
        },
        {
          policy: { attempts: ATTEMPTS, baseMs: 200 },
          signal: transfer.signal,
          retryable: (err) => isTransient(err),
          onRetry: (err, attempt) =>
            this.hooks
              .log('download_retry', {
                filename: file.filename,
                attempt,
                error_code: (err as PipelineError).code,
                status: (err as PipelineError).detail?.status ?? null,
              })
              .catch(() => undefined),
        },
      );
    } finally {
      transfer.dispose();
    }
  }

  /**
   * The run's final outputs, in its order: each is fetched (or its early fetch awaited), named
   * `<type>_<nnn>.<ext>`, and committed. Returns the records at once with `committed` (every file
   * under its name with durable bytes: a record listing them must not replace anything before
   * that) and `settled` (their folder entries fsynced, metadata.json written): await both before
   * telling anyone.
   */
  async finish(
    listed: EngineOutput[],
    provenance: Provenance,
  ): Promise<{ records: ArtifactRecord[]; committed: Promise<unknown>; settled: Promise<unknown> }> {
    // A file listed twice is stored once.
    const wanted = new Set<string>();
    const files: EngineOutput[] = [];
    for (const file of listed) {
      if (wanted.has(keyOf(file))) continue;
      wanted.add(keyOf(file));
      files.push(file);
    }
    if (files.length > this.limits.maxCount) {
      throw new PipelineError(
        'ENGINE_PROTOCOL_ERROR',
        `ComfyUI listed ${files.length} output files; at most ${this.limits.maxCount} are stored per job (OUTPUT_MAX_COUNT)`,
        { detail: { outputs: files.length, max: this.limits.maxCount } },
      );
    }
    // Files reported early that the final list does not name stop downloading now.
    for (const [key, fetching] of this.fetches) {
      if (wanted.has(key)) continue;
      fetching.stop.abort();
      void fetching.result.then(
        (f) => f.sink.discard(),
        () => undefined,
      );
    }
    for (const file of files) this.start(file);
    const records: ArtifactRecord[] = [];
    const placements: Promise<void>[] = [];
    const durables: Promise<void>[] = [];
    const counters: Record<string, number> = {};
    let redactedChunks = 0;
    let settled: Promise<unknown> = Promise.resolve();
    for (const [i, file] of files.entries()) {
      const fetched = await this.fetches.get(keyOf(file))!.result;
      // Stored as what the bytes are, whatever ComfyUI named it: a file claiming to be .png that is
      // HTML is an opaque .bin, served as an attachment.
      const media = sniffMedia(fetched.sink.headBuffer);
      const type = media.kind;
      counters[type] = (counters[type] ?? 0) + 1;
      const filename = `${type}_${String(counters[type]).padStart(3, '0')}.${media.extension}`;
      const finalPath = this.store.finalPath(this.jobId, type, filename);
      this.committed.add(fetched.sink);
      const { placed, durable } = this.store.commit(fetched.sink, finalPath);
      placements.push(placed);
      durables.push(durable);
      const info =
        media.contentType === 'image/png'
          ? readPngInfo(fetched.sink.headBuffer)
          : dimensionsOf(fetched.sink.headBuffer, media.contentType);
      const record: ArtifactRecord = {
        type,
        filename,
        path: this.store.relative(finalPath),
        url: artifactUrl(this.jobId, filename),
        content_type: media.contentType,
        size_bytes: fetched.sink.size,
        sha256: fetched.sink.sha256,
        width: info?.width ?? null,
        height: info?.height ?? null,
        node_id: file.node_id,
        comfy_filename: file.filename,
        comfy_subfolder: file.subfolder,
        created_at: new Date().toISOString(),
      };
      records.push(record);
      void this.hooks
        .log('artifact', {
          filename,
          type,
          size_bytes: record.size_bytes,
          sha256: record.sha256,
          content_type: record.content_type,
          download_ms: fetched.downloadMs,
        })
        .catch(() => undefined);
      // The stored PNGs' embedded graphs went through the prompt redaction on the way in.
      redactedChunks += fetched.sink.filtered;
      provenance.png_text_redacted = { chunks_changed: redactedChunks };
      // Metadata after each file, so a cancelled or failed job still lists what was complete; it
      // replaces the previous one only once the file it adds is durable under its name.
      const metadata = this.store.writeMetadata({ job_id: this.jobId, artifacts: [...records], provenance }, placed);
      if (i < files.length - 1) {
        await placed;
        await Promise.all([durable, metadata, this.hooks.update([...records])]);
      } else {
        // The last file's bookkeeping overlaps with the job's completion write, which waits for
        // `committed` before it replaces the running record.
        metadata.catch(() => undefined);
        settled = metadata;
      }
    }
    const committed = Promise.all(placements);
    committed.catch(() => undefined);
    // The folder fsyncs run alongside the completion record's own, so they can share a journal commit.
    return { records, committed, settled: Promise.all([settled, ...durables]) };
  }

  /** Stop every transfer and remove every file fetched but not committed (the run failed or was cancelled). */
  async abandon(): Promise<void> {
    for (const fetching of this.fetches.values()) fetching.stop.abort();
    await Promise.all(
      [...this.fetches.values()].map((fetching) =>
        fetching.result.then(
          (f) => (this.committed.has(f.sink) ? undefined : f.sink.discard()),
          () => undefined,
        ),
      ),
    );
    this.shared?.dispose();
  }

  /** Release the job's timer once every file is committed. */
  close(): void {
    this.shared?.dispose();
  }
}
