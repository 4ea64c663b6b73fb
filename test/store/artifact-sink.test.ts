import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../src/store/artifact-store.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { seededRandom } from '../helpers/random.js';

let dir: string;
beforeEach(() => {
  dir = tempDir('sink');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sizes = seededRandom('artifact sink chunk sizes');

/** `total` random bytes in chunks of uneven (seeded) sizes, as a socket delivers them. */
function chunked(total: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let left = total; left > 0;) {
    const n = Math.min(left, 1 + sizes.int(200_000));
    chunks.push(randomBytes(n));
    left -= n;
  }
  return chunks;
}

describe('artifact sink', () => {
  // Chunks arrive in uneven sizes and are written in batches (writev) while one write is in flight:
  // the digest and size must be those of exactly the bytes stored, whatever the batching.
  for (const total of [1_000, 2_300_000, 11_000_000]) {
    it(`stores ${total} bytes with their sha256 and size, named only at commit`, async () => {
      const store = new ArtifactStore(path.join(dir, 'artifacts'), dir);
      const chunks = chunked(total);
      const sink = store.openSink('job-1', 'image');
      await pipeline(Readable.from(chunks), sink);
      const finalPath = store.finalPath('job-1', 'image', 'image_001.png');
      expect(existsSync(finalPath)).toBe(false);
      const { placed, durable } = store.commit(sink, finalPath);
      const expected = createHash('sha256').update(Buffer.concat(chunks)).digest('hex');
      expect(sink.sha256).toBe(expected);
      expect(sink.size).toBe(total);
      await Promise.all([placed, durable]);
      expect(createHash('sha256').update(readFileSync(finalPath)).digest('hex')).toBe(expected);
      expect(readdirSync(path.dirname(finalPath))).toEqual(['image_001.png']); // no temp file left
    });
  }

  it('refuses the digest before writing has finished', async () => {
    const store = new ArtifactStore(path.join(dir, 'artifacts'), dir);
    const sink = store.openSink('job-2', 'image');
    await new Promise((resolve) => sink.write(Buffer.from('partial'), resolve)); // on disk, under its temp name
    expect(readdirSync(path.join(dir, 'artifacts', 'job-2', 'image'))).toHaveLength(1);
    expect(() => sink.sha256).toThrow('still being written');
    await sink.discard();
    expect(readdirSync(path.join(dir, 'artifacts', 'job-2', 'image'))).toEqual([]);
  });
});
