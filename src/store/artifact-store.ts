import { createHash, type Hash } from 'node:crypto';
import fs, { promises as fsp, type Stats } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { ArtifactRecord, Provenance } from '../contracts/job.js';
import { fsyncDir, tempPathFor, writeFileAtomic } from './atomic-write.js';

export const ArtifactMetadata = z.object({
  job_id: z.string(),
  artifacts: z.array(ArtifactRecord),
  provenance: Provenance.nullable(),
});
export type ArtifactMetadata = z.infer<typeof ArtifactMetadata>;

/** Server-chosen artifact names: `<type>_<nnn>.<ext>`; nothing else is ever served. */
const ARTIFACT_NAME = /^(image|video|audio|file)_\d{3}\.[a-z0-9]{1,5}$/;

export function isArtifactName(name: string): boolean {
  return ARTIFACT_NAME.test(name);
}

/** A file being received: hashed and counted as it is written, visible under its name only after commit. */
export class ArtifactSink extends Writable {
  // Callback fs calls: on this hot path they cost noticeably less than the FileHandle promise API.
  private fd: number | null = null;
  private readonly hash: Hash = createHash('sha256');
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  size = 0;

  constructor(readonly tempPath: string, readonly finalPath: string) {
    super({ highWaterMark: 1 << 20 });
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
    const buffers = chunks.map((c) => c.chunk);
    for (const chunk of buffers) {
      this.hash.update(chunk);
      this.size += chunk.length;
      if (this.headBytes < 64) { this.head.push(chunk.subarray(0, 64)); this.headBytes += Math.min(64, chunk.length); }
    }
    fs.writev(this.fd!, buffers, (err) => callback(err));
  }

  override _final(callback: (err?: Error | null) => void): void {
    const fd = this.fd!;
    fs.fsync(fd, (syncErr) => {
      fs.close(fd, (closeErr) => {
        this.fd = null;
        callback(syncErr ?? closeErr);
      });
    });
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    const fd = this.fd;
    this.fd = null;
    if (fd === null) return callback(err);
    fs.close(fd, () => callback(err));
  }

  /** First bytes of the file (for image dimensions). */
  get headBuffer(): Buffer {
    return Buffer.concat(this.head);
  }

  /** Move the finished file under its final name; returns its sha256. */
  async commit(): Promise<string> {
    await fsp.rename(this.tempPath, this.finalPath);
    await fsyncDir(path.dirname(this.finalPath));
    return this.hash.digest('hex');
  }

  async discard(): Promise<void> {
    this.destroy();
    await fsp.rm(this.tempPath, { force: true });
  }
}

/**
 * artifacts/{job_id}/{type}/{filename} plus artifacts/{job_id}/metadata.json. Files are written
 * under a temp name and renamed when complete, so a crash never leaves a torn file under its final
 * name; names are chosen here and checked on the way out, so nothing outside a job folder is served.
 */
export class ArtifactStore {
  constructor(readonly root: string, private readonly dataDir: string) {}

  jobDir(jobId: string): string {
    return path.join(this.root, jobId);
  }

  openSink(jobId: string, type: string, filename: string): ArtifactSink {
    if (!isArtifactName(filename)) throw new Error('invalid artifact name');
    const finalPath = path.join(this.jobDir(jobId), type, filename);
    return new ArtifactSink(tempPathFor(finalPath), finalPath);
  }

  relative(absPath: string): string {
    return path.relative(this.dataDir, absPath).split(path.sep).join('/');
  }

  async writeMetadata(meta: ArtifactMetadata): Promise<void> {
    await fsp.mkdir(this.jobDir(meta.job_id), { recursive: true });
    await writeFileAtomic(path.join(this.jobDir(meta.job_id), 'metadata.json'), `${JSON.stringify(ArtifactMetadata.parse(meta), null, 2)}\n`);
  }

  async readMetadata(jobId: string): Promise<ArtifactMetadata | null> {
    try {
      return ArtifactMetadata.parse(JSON.parse(await fsp.readFile(path.join(this.jobDir(jobId), 'metadata.json'), 'utf8')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /**
   * The file of a recorded artifact, only when it is a regular file (not a link) whose real path
   * lies inside this job's folder.
   */
  async open(jobId: string, record: ArtifactRecord): Promise<{ path: string; stats: Stats } | null> {
    if (!isArtifactName(record.filename)) return null;
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
