import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { solid } from '../../src/sim/render.js';
import { encodePng } from '../../src/util/png.js';
import { randomUUID } from 'node:crypto';
import { S3ArtifactStore } from '../../src/distributed/s3-artifact-store.js';
import { artifactStoreConformance } from '../ports/artifact-store.conformance.js';
import { startS3, type TestS3 } from '../helpers/s3-server.js';

let s3: TestS3;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.close();
});

// Each store gets its own prefix, so the cases never see each other's objects.
artifactStoreConformance(
  'S3-compatible (s3rver)',
  async () => new S3ArtifactStore({ client: s3.client, bucket: s3.bucket, prefix: `t-${randomUUID()}/` }),
);

describe('S3 presigned downloads', () => {
  it('signs a URL the S3 server answers with the stored bytes, for stored files only', async () => {
    const store = new S3ArtifactStore({ client: s3.client, bucket: s3.bucket, prefix: `p-${randomUUID()}/` });
    const job = randomUUID();
    const png = encodePng(solid(16, 16, 0x336699));
    const stored = await store.put(job, Readable.from([png]), { maxBytes: 1 << 20, index: 1 });
    const url = (await store.presignedGet(job, stored, 60))!;
    expect(url).toMatch(/X-Amz-Signature=/);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
    expect(await store.presignedGet(job, { type: 'image', filename: 'image_002.png' }, 60)).toBeNull();
    expect(await store.presignedGet(job, { type: 'image', filename: '../x' }, 60)).toBeNull();
  });
});
