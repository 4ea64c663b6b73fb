import { createHash } from 'node:crypto';

const TTL_MS = 24 * 3600 * 1000;

interface Entry {
  jobId: Promise<string>;
  bodyHash: string;
  at: number;
}

/**
 * Idempotency-Key → job, for 24 hours. The entry is created synchronously before any await, so
 * concurrent duplicates share one job. Keys are stored hashed (they may be secrets).
 */
export class IdempotencyKeys {
  private readonly entries = new Map<string, Entry>();

  static hash(key: string): string {
    return createHash('sha256').update(key).digest('hex');
  }

  static bodyHash(body: unknown): string {
    return createHash('sha256').update(JSON.stringify(body)).digest('hex');
  }

  /** Known job for this key, or null after registering `create` as the key's job. */
  claim(
    keyHash: string,
    bodyHash: string,
    create: () => Promise<string>,
  ): { existing: boolean; jobId: Promise<string>; sameBody: boolean } {
    this.prune();
    const found = this.entries.get(keyHash);
    if (found) return { existing: true, jobId: found.jobId, sameBody: found.bodyHash === bodyHash };
    const jobId = create();
    this.entries.set(keyHash, { jobId, bodyHash, at: Date.now() });
    // A submission that failed validation frees the key for a corrected retry.
    jobId.catch(() => {
      if (this.entries.get(keyHash)?.jobId === jobId) this.entries.delete(keyHash);
    });
    return { existing: false, jobId, sameBody: true };
  }

  /** Restore a key from the job index at start (body unknown: any body maps to the job). */
  restore(keyHash: string, jobId: string, createdMs: number): void {
    if (Date.now() - createdMs < TTL_MS)
      this.entries.set(keyHash, { jobId: Promise.resolve(jobId), bodyHash: '*', at: createdMs });
  }

  private prune(): void {
    const cutoff = Date.now() - TTL_MS;
    for (const [k, e] of this.entries) {
      if (e.at >= cutoff) break; // insertion order ≈ time order
      this.entries.delete(k);
    }
  }
}
