import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ArtifactTooLarge, type ArtifactStorePort } from '../../src/ports/artifact-store.js';
import { solid } from '../../src/sim/render.js';
import { encodePng } from '../../src/util/png.js';

/**
 * The ArtifactStore contract (src/ports/artifact-store.ts), for every implementation: the local
 * folder here, S3-compatible storage next. `make()` gives an empty store.
 */
export function artifactStoreConformance(name: string, make: () => Promise<ArtifactStorePort>): void {
  const read = async (stream: Readable) => {
    const parts: Buffer[] = [];
    for await (const c of stream) parts.push(c as Buffer);
    return Buffer.concat(parts);
  };
  /** A stream in small uneven chunks, as a socket delivers them. */
  const chunked = (bytes: Buffer) =>
    Readable.from(
      (function* () {
        for (let i = 0; i < bytes.length; i += 1000 + (i % 7) * 333) yield bytes.subarray(i, i + 1000 + (i % 7) * 333);
      })(),
    );
  const png = encodePng(solid(48, 32, 0x2288cc));

  describe(`ArtifactStore conformance: ${name}`, () => {
    it('stores a stream with its size, SHA-256, sniffed type and dimensions, and serves it back whole', async () => {
      const store = await make();
      const job = randomUUID();
      const stored = await store.put(job, chunked(png), { maxBytes: 1 << 20, index: 1 });
      expect(stored).toEqual({
        type: 'image',
        filename: 'image_001.png',
        size_bytes: png.length,
        sha256: createHash('sha256').update(png).digest('hex'),
        content_type: 'image/png',
        width: 48,
        height: 32,
      });
      const got = (await store.get(job, stored))!;
      expect(got.size).toBe(png.length);
      expect((await read(got.stream)).equals(png)).toBe(true);
      expect(await store.head(job, stored)).toEqual({ size: png.length });
    });

    it('names what it cannot recognise an opaque file', async () => {
      const store = await make();
      const stored = await store.put(randomUUID(), Readable.from([Buffer.from('just some text')]), {
        maxBytes: 1 << 20,
        index: 2,
      });
      expect(stored).toMatchObject({
        type: 'file',
        filename: 'file_002.bin',
        content_type: 'application/octet-stream',
        width: null,
        height: null,
      });
    });

    it('serves byte ranges, clamped to the end', async () => {
      const store = await make();
      const job = randomUUID();
      const stored = await store.put(job, chunked(png), { maxBytes: 1 << 20, index: 1 });
      const part = (await store.get(job, stored, { start: 10, end: 19 }))!;
      expect(part).toMatchObject({ size: png.length, start: 10, end: 19 });
      expect((await read(part.stream)).equals(png.subarray(10, 20))).toBe(true);
      const tail = (await store.get(job, stored, { start: png.length - 5, end: png.length + 100 }))!;
      expect(tail.end).toBe(png.length - 1);
      expect((await read(tail.stream)).equals(png.subarray(png.length - 5))).toBe(true);
    });

    it('refuses past maxBytes and keeps nothing of it', async () => {
      const store = await make();
      const job = randomUUID();
      await expect(
        store.put(job, chunked(Buffer.alloc(50_000, 7)), { maxBytes: 10_000, index: 1 }),
      ).rejects.toBeInstanceOf(ArtifactTooLarge);
      expect(await store.list(job)).toEqual([]);
    });

    it('refuses a large stream past maxBytes mid-way (several MiB in) and keeps nothing of it', async () => {
      const store = await make();
      const job = randomUUID();
      const chunk = Buffer.alloc(256 * 1024, 5);
      const endless = Readable.from(
        (function* () {
          for (let i = 0; i < 64; i++) yield chunk; // 16 MiB offered
        })(),
      );
      await expect(store.put(job, endless, { maxBytes: 7 << 20, index: 1 })).rejects.toBeInstanceOf(ArtifactTooLarge);
      expect(await store.list(job)).toEqual([]);
    });

    it('resolves nothing outside a job: unknown files, other jobs, traversal names, malformed ids', async () => {
      const store = await make();
      const job = randomUUID();
      const stored = await store.put(job, chunked(png), { maxBytes: 1 << 20, index: 1 });
      expect(await store.get(job, { type: 'image', filename: 'image_009.png' })).toBeNull();
      expect(await store.get(randomUUID(), stored)).toBeNull();
      for (const filename of ['../image/image_001.png', '..', '/etc/passwd', 'image\\..\\x'])
        expect(await store.get(job, { type: 'image', filename })).toBeNull();
      expect(await store.get('../../etc', stored)).toBeNull();
      expect(await store.head('not-a-job', stored)).toBeNull();
    });

    it("lists a job's files with sizes and deletes them all (twice is fine)", async () => {
      const store = await make();
      const job = randomUUID();
      await store.put(job, chunked(png), { maxBytes: 1 << 20, index: 1 });
      await store.put(job, Readable.from([Buffer.from('x'.repeat(123))]), { maxBytes: 1 << 20, index: 2 });
      expect(await store.list(job)).toEqual([
        { type: 'image', filename: 'image_001.png', size_bytes: png.length },
        { type: 'file', filename: 'file_002.bin', size_bytes: 123 },
      ]);
      await store.delete(job);
      await store.delete(job);
      expect(await store.list(job)).toEqual([]);
    });

    it('streams large files through without trouble (20 MiB in 64 KiB chunks)', async () => {
      const store = await make();
      const job = randomUUID();
      const chunk = Buffer.alloc(64 * 1024, 3);
      const stored = await store.put(
        job,
        Readable.from(
          (function* () {
            for (let i = 0; i < 320; i++) yield chunk;
          })(),
        ),
        { maxBytes: 64 << 20, index: 1 },
      );
      expect(stored.size_bytes).toBe(320 * 64 * 1024);
      const hash = createHash('sha256');
      for (let i = 0; i < 320; i++) hash.update(chunk);
      expect(stored.sha256).toBe(hash.digest('hex'));
    });
  });
}
