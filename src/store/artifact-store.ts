import { createHash, type Hash } from 'node:crypto';
import fs, { promises as fsp, type Stats } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { ArtifactRecord, Provenance } from '../contracts/job.js';
import { fsyncDir, fsyncFd, tempPathFor, writeFileAtomic } from './atomic-write.js';
import { PngTextRedactor, type ByteFilter } from '../util/png-text-redactor.js';
import { isStoredFileName } from './original-record.js';
import { isJobId } from './job-store.js';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import {
  ArtifactTooLarge,
  type ArtifactRange,
  type ArtifactStorePort,
  type StoredArtifact,
} from '../ports/artifact-store.js';
import { sniffMedia } from '../util/media-type.js';
import { readPngInfo } from '../util/png.js';

export const ArtifactMetadata = z.object({
  job_id: z.string(),
  artifacts: z.array(ArtifactRecord),
  provenance: Provenance.nullable(),
});
export type ArtifactMetadata = z.infer<typeof ArtifactMetadata>;

/** Server-chosen artifact names: `<type>_<nnn>.<ext>`; nothing else is ever served. */
const ARTIFACT_NAME = /^(image|video|audio|model|file)_\d{3}\.[a-z0-9]{1,5}$/;

export function isArtifactName(name: string): boolean {
  return ARTIFACT_NAME.test(name);
}

/**
 * A file being received: hashed and counted as it is written, visible under its name only after
 * commit. Writing ends when the stream finishes; making it durable (fsync) and naming it are left to
 * ArtifactStore.commit(), so the caller can prepare the records that point at the file meanwhile.
 */
export class ArtifactSink extends Writable {
  // Callback fs calls: on this hot path they cost noticeably less than the FileHandle promise API.
  private fd: number | null = null;
  private readonly hash: Hash = createHash('sha256');
  private digest: string | null = null;
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  size = 0;

  constructor(
    readonly tempPath: string,
    private readonly filter: ByteFilter | null = null,
  ) {
    super({ highWaterMark: 1 << 20 });
    // Opening can fail before anyone writes (a full disk, a removed folder): the failure is kept in
    // `errored` for whoever pipes into the sink, never thrown as an unhandled 'error' event.
    this.on('error', () => undefined);
  }

  override _construct(callback: (err?: Error | null) => void): void {
    fs.mkdir(path.dirname(this.tempPath), { recursive: true }, (mkdirErr) => {
      if (mkdirErr) return callback(mkdirErr);
      fs.open(this.tempPath, 'wx', 0o600, (err, fd) => {
        if (err) return callback(err);
        this.fd = fd;
        callback();
      });
    });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, callback: (err?: Error | null) => void): void {
    this._writev([{ chunk }], callback);
  }

  // Chunks that arrive while a write is in flight are written together: one syscall, not one each.
  override _writev(chunks: { chunk: Buffer }[], callback: (err?: Error | null) => void): void {
    const buffers = this.filter ? chunks.flatMap((c) => this.filter!.write(c.chunk)) : chunks.map((c) => c.chunk);
    this.writeOut(buffers, callback);
  }

  // What the filter still holds goes out before the stream finishes.
  override _final(callback: (err?: Error | null) => void): void {
    this.writeOut(this.filter?.end() ?? [], callback);
  }

  /** Text chunks the filter changed (PNG text redaction). */
  get filtered(): number {
    return this.filter?.changed ?? 0;
  }

  private writeOut(buffers: Buffer[], callback: (err?: Error | null) => void): void {
    if (buffers.length === 0) return callback();
    for (const chunk of buffers) {
      this.hash.update(chunk);
      this.size += chunk.length;
      if (this.headBytes < 64) {
        this.head.push(chunk.subarray(0, 64));
        this.headBytes += Math.min(64, chunk.length);
      }
    }
    fs.writev(this.fd!, buffers, (err) => callback(err));
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    // After a clean finish the descriptor stays open for commit()'s fsync; otherwise it is closed.
    if (!err && this.writableFinished) return callback(null);
    this.closeFd(() => callback(err));
  }

  private closeFd(callback: () => void): void {
    const fd = this.fd;
    this.fd = null;
    if (fd === null) return callback();
    fs.close(fd, () => callback());
  }

  /** sha256 of everything written (hex); only once writing has finished. */
  get sha256(): string {
    if (!this.writableFinished) throw new Error('the artifact is still being written');
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }

  /** First bytes of the file (for image dimensions). */
  get headBuffer(): Buffer {
    return Buffer.concat(this.head);
  }

  /**
   * Make the finished file's bytes durable and move it under its final name (fsync, rename). The
   * caller fsyncs the folder (ArtifactStore.commit), so that fsync can share a journal commit with
   * the records written beside it.
   */
  async place(finalPath: string): Promise<void> {
    const fd = this.fd;
    if (fd === null || !this.writableFinished) throw new Error('the artifact is not completely written');
    this.fd = null;
    try {
      await fsyncFd(fd);
    } finally {
      fs.closeSync(fd);
    }
    // The stored type follows the bytes, so the final folder may not be the one received into.
    if (path.dirname(finalPath) !== path.dirname(this.tempPath))
      fs.mkdirSync(path.dirname(finalPath), { recursive: true });
    // Synchronous: no thread-pool hop between the bytes being durable and the file being named.
    fs.renameSync(this.tempPath, finalPath);
  }

  async discard(): Promise<void> {
    // Wait for the stream to close: a sink discarded while its file is still being opened would
    // otherwise have its file created after the removal, and left behind.
    if (!this.closed) {
      const closed = new Promise<void>((resolve) => this.once('close', () => resolve()));
      this.destroy();
      await closed;
    }
    await new Promise<void>((resolve) => this.closeFd(resolve));
    await fsp.rm(this.tempPath, { force: true });
  }
}

/**
 * artifacts/{job_id}/{type}/{filename} plus artifacts/{job_id}/metadata.json. Files are written
 * under a temp name and renamed when complete, so a crash never leaves a torn file under its final
 * name; names are chosen here and checked on the way out, so nothing outside a job folder is served.
 * With its streaming sink above, the file is about 330 lines: the sink's bounds (size, hash, dimension
 * probe) and the store's commit order are one mechanism, kept together.
 */
export class ArtifactStore implements ArtifactStorePort {
  constructor(
    readonly root: string,
    private readonly dataDir: string,
  ) {}

  jobDir(jobId: string): string {
    return path.join(this.root, jobId);
  }

  /**
   * A sink writing under a temp name in the job's folder for `type`; named at commit. PNGs pass
   * through the text-chunk redaction on the way in (anything else is written unchanged).
   */
  openSink(jobId: string, type: string): ArtifactSink {
    return new ArtifactSink(tempPathFor(path.join(this.jobDir(jobId), type, 'incoming')), new PngTextRedactor());
  }

  /** Where an artifact named by the server lives. */
  finalPath(jobId: string, type: string, filename: string): string {
    if (!isArtifactName(filename)) throw new Error('invalid artifact name');
    return path.join(this.jobDir(jobId), type, filename);
  }

  relative(absPath: string): string {
    return path.relative(this.dataDir, absPath).split(path.sep).join('/');
  }

  /**
   * Commit a finished sink under its final name: `placed` once it is there with durable bytes
   * (records may point at it from then on), `durable` once its folder entry is fsynced too.
   */
  commit(sink: ArtifactSink, finalPath: string): { placed: Promise<void>; durable: Promise<void> } {
    const placed = sink.place(finalPath);
    const durable = placed.then(() => fsyncDir(path.dirname(finalPath)));
    placed.catch(() => undefined);
    durable.catch(() => undefined);
    return { placed, durable };
  }

  /** Write metadata.json; with `after`, it replaces the old one only once `after` succeeded. */
  async writeMetadata(meta: ArtifactMetadata, after?: Promise<unknown>): Promise<void> {
    await fsp.mkdir(this.jobDir(meta.job_id), { recursive: true });
    await writeFileAtomic(
      path.join(this.jobDir(meta.job_id), 'metadata.json'),
      `${JSON.stringify(ArtifactMetadata.parse(meta), null, 2)}\n`,
      after,
    );
  }

  /**
   * The job's metadata.json; null when absent or not in this service's shape (the job record's
   * outputs then stand in: a file another program wrote must not make the artifacts unreadable).
   */
  async readMetadata(jobId: string): Promise<ArtifactMetadata | null> {
    const parsed = ArtifactMetadata.safeParse(await this.readMetadataValue(jobId).catch(() => null));
    return parsed.success ? parsed.data : null;
  }

  /** metadata.json as parsed JSON, unchecked (null when absent); throws when it is not JSON. */
  async readMetadataValue(jobId: string): Promise<unknown> {
    try {
      return JSON.parse(await fsp.readFile(path.join(this.jobDir(jobId), 'metadata.json'), 'utf8')) as unknown;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async put(jobId: string, source: Readable, options: { maxBytes: number; index: number }): Promise<StoredArtifact> {
    const sink = this.openSink(jobId, 'file');
    let size = 0;
    const cap = new Transform({
      transform(chunk: Buffer, _e, done) {
        size += chunk.length;
        if (size > options.maxBytes) return done(new ArtifactTooLarge(options.maxBytes));
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, cap, sink);
      const media = sniffMedia(sink.headBuffer);
      const filename = `${media.kind}_${String(options.index).padStart(3, '0')}.${media.extension}`;
      const { durable } = this.commit(sink, this.finalPath(jobId, media.kind, filename));
      await durable;
      const png = media.contentType === 'image/png' ? readPngInfo(sink.headBuffer) : null;
      return {
        type: media.kind,
        filename,
        size_bytes: sink.size,
        sha256: sink.sha256,
        content_type: media.contentType,
        width: png?.width ?? null,
        height: png?.height ?? null,
      };
    } catch (err) {
      await sink.discard();
      throw err;
    }
  }

  async head(jobId: string, file: { type: string; filename: string }): Promise<{ size: number } | null> {
    if (!isJobId(jobId)) return null;
    const opened = await this.open(jobId, { type: file.type as ArtifactRecord['type'], filename: file.filename });
    return opened ? { size: opened.stats.size } : null;
  }

  async get(
    jobId: string,
    file: { type: string; filename: string },
    range?: ArtifactRange,
  ): Promise<{ stream: Readable; size: number; start: number; end: number } | null> {
    if (!isJobId(jobId)) return null;
    const opened = await this.open(jobId, { type: file.type as ArtifactRecord['type'], filename: file.filename });
    if (!opened) return null;
    const size = opened.stats.size;
    const start = range ? Math.max(0, range.start) : 0;
    const end = range ? Math.min(size - 1, range.end) : size - 1;
    return { stream: fs.createReadStream(opened.path, size === 0 ? {} : { start, end }), size, start, end };
  }

  async list(jobId: string): Promise<{ type: string; filename: string; size_bytes: number }[]> {
    if (!isJobId(jobId)) return [];
    const out: { type: string; filename: string; size_bytes: number }[] = [];
    for (const type of ['image', 'video', 'audio', 'model', 'file']) {
      const names = await fsp.readdir(path.join(this.jobDir(jobId), type)).catch(() => [] as string[]);
      for (const filename of names.sort()) {
        if (filename.startsWith('.')) continue; // temp files of writes in progress
        const opened = await this.open(jobId, { type: type as ArtifactRecord['type'], filename });
        if (opened) out.push({ type, filename, size_bytes: opened.stats.size });
      }
    }
    return out;
  }

  async delete(jobId: string): Promise<void> {
    if (!isJobId(jobId)) return;
    await fsp.rm(this.jobDir(jobId), { recursive: true, force: true });
  }

  /**
   * The file of a recorded artifact, only when it is a regular file (not a link) whose real path
   * lies inside this job's folder.
   */
  async open(
    jobId: string,
    record: Pick<ArtifactRecord, 'type' | 'filename'>,
  ): Promise<{ path: string; stats: Stats } | null> {
    // Records name this service's files (image_001.png) or the original service's (ComfyUI's names).
    if (!isStoredFileName(record.filename)) return null;
    const jobDir = this.jobDir(jobId);
    const candidate = path.join(jobDir, record.type, record.filename);
    try {
      const stats = await fsp.lstat(candidate);
      if (!stats.isFile()) return null;
      const real = await fsp.realpath(candidate);
      const realJobDir = await fsp.realpath(jobDir);
      if (!real.startsWith(realJobDir + path.sep)) return null;
      return { path: real, stats };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
}
