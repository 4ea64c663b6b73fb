import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  ArtifactTooLarge,
  type ArtifactRange,
  type ArtifactStorePort,
  type StoredArtifact,
} from '../ports/artifact-store.js';
import { isJobId } from '../store/job-store.js';
import { isStoredFileName } from '../store/original-record.js';
import { sniffMedia } from '../util/media-type.js';
import { readPngInfo } from '../util/png.js';

export interface S3ArtifactStoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix inside the bucket (e.g. "ainfluencer/"); objects are `<prefix><job_id>/<type>/<file>`. */
  prefix?: string;
  /** Multipart part size (S3's minimum, 5 MiB, by default); a file smaller than one part is one PUT. */
  partSizeBytes?: number;
}

/** Listing order of a job's files, as the local folder lists them. */
const TYPES = ['image', 'video', 'audio', 'model', 'file'] as const;
/** Bytes read before the object is named: enough to sniff the type and read PNG dimensions. */
const HEAD_BYTES = 64;

/**
 * The ArtifactStore port on S3-compatible storage. A file is streamed through (hashed and counted
 * on the way, never held whole) into one PUT or a multipart upload, so it is visible under its name
 * only once complete; past `maxBytes` the upload is aborted and nothing is kept. Its name is chosen
 * from its first bytes (the sniffed type), read before the upload starts.
 */
export class S3ArtifactStore implements ArtifactStorePort {
  private readonly prefix: string;

  constructor(private readonly options: S3ArtifactStoreOptions) {
    this.prefix = options.prefix ?? '';
  }

  private key(jobId: string, type: string, filename: string): string {
    return `${this.prefix}${jobId}/${type}/${filename}`;
  }

  /** The key of a file of a job, or null when the names could reach outside it. */
  private keyOf(jobId: string, file: { type: string; filename: string }): string | null {
    if (!isJobId(jobId) || !(TYPES as readonly string[]).includes(file.type) || !isStoredFileName(file.filename))
      return null;
    return this.key(jobId, file.type, file.filename);
  }

  put(jobId: string, source: Readable, options: { maxBytes: number; index: number }): Promise<StoredArtifact> {
    return this.upload(jobId, source, options.maxBytes, (media) => ({
      type: media.kind,
      filename: `${media.kind}_${String(options.index).padStart(3, '0')}.${media.extension}`,
    }));
  }

  /**
   * Store a file under the name a record already gives it (a migration copies records of the
   * embedded mode, and of the original service, whose files keep ComfyUI's names).
   */
  putNamed(
    jobId: string,
    file: { type: string; filename: string },
    source: Readable,
    maxBytes: number,
  ): Promise<StoredArtifact> {
    if (!this.keyOf(jobId, file)) throw new Error(`not a stored file name: ${file.type}/${file.filename.slice(0, 80)}`);
    return this.upload(jobId, source, maxBytes, () => file);
  }

  private async upload(
    jobId: string,
    source: Readable,
    maxBytes: number,
    nameOf: (media: ReturnType<typeof sniffMedia>) => { type: string; filename: string },
  ): Promise<StoredArtifact> {
    const options = { maxBytes };
    if (!isJobId(jobId)) throw new Error(`not a job id: ${jobId.slice(0, 80)}`);
    const hash = createHash('sha256');
    let size = 0;
    const metered = (async function* () {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > options.maxBytes) throw new ArtifactTooLarge(options.maxBytes);
        hash.update(chunk);
        yield chunk;
      }
    })();
    // The first bytes decide the name; they are read before the upload starts, then sent first.
    const first: Buffer[] = [];
    let firstBytes = 0;
    let ended = false;
    while (firstBytes < HEAD_BYTES) {
      const next = await metered.next();
      if (next.done) {
        ended = true;
        break;
      }
      first.push(next.value);
      firstBytes += next.value.length;
    }
    const head = Buffer.concat(first).subarray(0, HEAD_BYTES);
    const media = sniffMedia(head);
    const { type, filename } = nameOf(media);
    const body = Readable.from(
      (async function* () {
        yield* first;
        if (!ended) yield* metered;
      })(),
    );
    const upload = new Upload({
      client: this.options.client,
      params: {
        Bucket: this.options.bucket,
        Key: this.key(jobId, type, filename),
        Body: body,
        ContentType: media.contentType,
      },
      partSize: this.options.partSizeBytes ?? 5 * 1024 * 1024,
      queueSize: 2,
      // A failed upload leaves no parts behind (they would be billed and never visible).
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (err) {
      body.destroy();
      throw size > options.maxBytes ? new ArtifactTooLarge(options.maxBytes) : err;
    }
    const png = media.contentType === 'image/png' ? readPngInfo(head) : null;
    return {
      type: type as StoredArtifact['type'],
      filename,
      size_bytes: size,
      sha256: hash.digest('hex'),
      content_type: media.contentType,
      width: png?.width ?? null,
      height: png?.height ?? null,
    };
  }

  async head(jobId: string, file: { type: string; filename: string }): Promise<{ size: number } | null> {
    const key = this.keyOf(jobId, file);
    if (!key) return null;
    try {
      const res = await this.options.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return { size: res.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async get(
    jobId: string,
    file: { type: string; filename: string },
    range?: ArtifactRange,
  ): Promise<{ stream: Readable; size: number; start: number; end: number } | null> {
    const key = this.keyOf(jobId, file);
    if (!key) return null;
    const found = await this.head(jobId, file);
    if (!found) return null;
    const size = found.size;
    const start = range ? Math.min(range.start, Math.max(0, size - 1)) : 0;
    const end = range ? Math.min(range.end, size - 1) : size - 1;
    try {
      const res = await this.options.client.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          ...(range && size > 0 ? { Range: `bytes=${start}-${end}` } : {}),
        }),
      );
      const stream = res.Body instanceof Readable ? res.Body : Readable.from([]);
      return { stream, size, start, end };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /**
   * A time-limited URL the S3 server itself answers for a stored file (so downloads need not pass
   * through this service), or null when the job has no such file. `ttlSeconds` is capped at 7 days,
   * S3's own limit for signed URLs.
   */
  async presignedGet(
    jobId: string,
    file: { type: string; filename: string },
    ttlSeconds: number,
  ): Promise<string | null> {
    const key = this.keyOf(jobId, file);
    if (!key || !(await this.head(jobId, file))) return null;
    const expiresIn = Math.max(1, Math.min(Math.floor(ttlSeconds), 7 * 24 * 3600));
    return getSignedUrl(this.options.client, new GetObjectCommand({ Bucket: this.options.bucket, Key: key }), {
      expiresIn,
    });
  }

  private async keys(jobId: string): Promise<{ key: string; size: number }[]> {
    const out: { key: string; size: number }[] = [];
    let token: string | undefined;
    do {
      const page = await this.options.client.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: `${this.prefix}${jobId}/`,
          ContinuationToken: token,
        }),
      );
      for (const o of page.Contents ?? []) if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0 });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async list(jobId: string): Promise<{ type: string; filename: string; size_bytes: number }[]> {
    if (!isJobId(jobId)) return [];
    const base = `${this.prefix}${jobId}/`;
    const files = (await this.keys(jobId))
      .map(({ key, size }) => {
        const [type, filename, ...rest] = key.slice(base.length).split('/');
        return rest.length === 0 && type && filename ? { type, filename, size_bytes: size } : null;
      })
      .filter(
        (f): f is { type: string; filename: string; size_bytes: number } => f !== null && this.keyOf(jobId, f) !== null,
      );
    const rank = (t: string) => (TYPES as readonly string[]).indexOf(t);
    return files.sort(
      (a, b) => rank(a.type) - rank(b.type) || (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0),
    );
  }

  async delete(jobId: string): Promise<void> {
    if (!isJobId(jobId)) return;
    const keys = await this.keys(jobId);
    for (let i = 0; i < keys.length; i += 1000) {
      await this.options.client.send(
        new DeleteObjectsCommand({
          Bucket: this.options.bucket,
          Delete: { Objects: keys.slice(i, i + 1000).map((k) => ({ Key: k.key })), Quiet: true },
        }),
      );
    }
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}
