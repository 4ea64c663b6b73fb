import type { Readable } from 'node:stream';

/**
 * The artifact store port: where output files live. The embedded implementation is the local
 * folder (src/store/artifact-store.ts, artifacts/{job_id}/{type}/{file}); a distributed one
 * (S3-compatible) must pass the same conformance suite (test/ports/).
 *
 * Contract, for every implementation:
 * - `put` streams without holding the file in memory, refuses past `maxBytes` (ArtifactTooLarge,
 *   nothing kept), and returns the size and SHA-256 of exactly the bytes stored, the type sniffed
 *   from them and, for PNGs, the dimensions. A file is visible under its name only once complete.
 * - `get` serves a stored file or a byte range of it (inclusive `start`..`end`, clamped to the
 *   size); null when the job has no such file. Names outside the job are never resolved.
 * - `list` names a job's files with their sizes; `delete` removes all of them (idempotent).
 */
export interface StoredArtifact {
  type: 'image' | 'video' | 'audio' | 'model' | 'file';
  filename: string;
  size_bytes: number;
  sha256: string;
  content_type: string;
  width: number | null;
  height: number | null;
}

export class ArtifactTooLarge extends Error {
  override name = 'ArtifactTooLarge';
  constructor(readonly maxBytes: number) {
    super(`the artifact is larger than ${maxBytes} bytes`);
  }
}

export interface ArtifactRange {
  start: number;
  /** Inclusive; clamped to the last byte. */
  end: number;
}

export interface ArtifactStorePort {
  /** Store a stream as the job's next file of its sniffed kind (`<type>_<nnn>.<ext>`). */
  put(jobId: string, source: Readable, options: { maxBytes: number; index: number }): Promise<StoredArtifact>;
  /** A stored file's size without opening it (for range decisions); null when absent. */
  head(jobId: string, file: { type: string; filename: string }): Promise<{ size: number } | null>;
  /** A stored file (or a range of it) as a stream, with its total size; null when absent. */
  get(
    jobId: string,
    file: { type: string; filename: string },
    range?: ArtifactRange,
  ): Promise<{ stream: Readable; size: number; start: number; end: number } | null>;
  list(jobId: string): Promise<{ type: string; filename: string; size_bytes: number }[]>;
  delete(jobId: string): Promise<void>;
}
