import { afterAll, beforeAll } from 'vitest';
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
