import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { call } from '../helpers/http.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { startS3, type TestS3 } from '../helpers/s3-server.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { waitUntil } from '../helpers/wait.js';

/**
 * The distributed mode end to end: service instances as real child processes (dist/server.js),
 * three simulator backends, a real redis-server, PostgreSQL and S3-compatible server.
 */
let redis: TestRedis;
let postgres: TestPostgres;
let s3: TestS3;
const sims: ComfySimulator[] = [];
const children: ChildService[] = [];

beforeAll(async () => {
  [redis, postgres, s3] = await Promise.all([startRedis(), startPostgres(), startS3()]);
  for (let i = 0; i < 3; i++) sims.push(await startComfySimulator({ faults: { stepMs: 1 } }));
}, 120_000);
afterAll(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  for (const s of sims.splice(0)) await s.close();
  await s3?.close();
  await redis?.close();
  await postgres?.close();
});

async function environment(): Promise<Record<string, string>> {
  const db = await postgres.database();
  return {
    COMFYUI_URLS: sims.map((s, i) => `gpu_${i}=${s.url}`).join(','),
    QUEUE: 'bullmq',
    REDIS_URL: redis.url,
    JOB_STORE: 'postgres',
    DATABASE_URL: `postgres://${db.user}@${db.host}:${db.port}/${db.database}`,
    ARTIFACT_STORE: 's3',
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: s3.bucket,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    QUEUE_PREFIX: `t${Date.now().toString(36)}`,
    QUEUE_LEASE_MS: '3000',
    QUEUE_STALLED_INTERVAL_MS: '500',
    QUEUE_RECONCILE_MS: '2000',
    QUEUE_MAX_DEPTH: '1000',
    JOB_CONCURRENCY: '2',
  };
}

/** One instance: its own data folder (staging, client ids), everything else shared. */
async function instance(
  env: Record<string, string>,
  dataDir = tempDir('instance'),
): Promise<ChildService & { dataDir: string }> {
  const child = await startChildService({ ...env, AINFLUENCER_DATA_DIR: dataDir });
  children.push(child);
  return Object.assign(child, { dataDir });
}

async function kill(c: ChildService): Promise<void> {
  c.child.kill('SIGKILL');
  await c.exited;
}

const body = (seed: number) => ({
  preset_id: 'photoreal_portrait_v1',
  prompt: `distributed ${seed}`,
  quality_level: 'low',
  seed,
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('distributed mode: 2 instances × 3 backends over Redis, PostgreSQL and S3', () => {
  it('any instance takes and answers for any job; idempotency keys hold across instances; cancel reaches the holder', async () => {
    const env = await environment();
    const [a, b] = [await instance(env), await instance(env)];
    // Synchronous on a, read on b.
    const done = await call(a.url, 'POST', '/api/pipeline/generate/image', { json: body(1) });
    expect(done.status).toBe(200);
    expect(done.json.status).toBe('completed');
    const seen = await call(b.url, 'GET', `/api/pipeline/jobs/${done.json.job_id}`);
    expect(seen.json).toMatchObject({ status: 'completed', job_id: done.json.job_id });
    const file = (await call(b.url, 'GET', `/api/pipeline/jobs/${done.json.job_id}/artifacts`)).json.artifacts[0];
    const bytes = await fetch(`${b.url}/api/pipeline/jobs/${done.json.job_id}/artifacts/${file.filename}`);
    expect(sha(Buffer.from(await bytes.arrayBuffer()))).toBe(file.sha256);
    // The same key on both instances at once: one job.
    const keyed = await Promise.all(
      [a, b, a, b].map((c) =>
        call(c.url, 'POST', '/api/pipeline/generate/image', {
          json: body(2),
          headers: { prefer: 'respond-async', 'idempotency-key': 'same-on-every-instance' },
        }),
      ),
    );
    expect(new Set(keyed.map((r) => r.json.job_id)).size).toBe(1);
    // A job held by a backend through one instance, cancelled through the other.
    for (const s of sims) s.setFaults({ hangExecution: true, stepMs: 1 });
    const held = await call(a.url, 'POST', '/api/pipeline/generate/image', {
      json: body(3),
      headers: { prefer: 'respond-async' },
    });
    // Its prompt is on a backend (running there, or queued behind the hung one): the holder must reach it.
    await waitUntil('the prompt is on a backend', async () => {
      const { events } = (await call(b.url, 'GET', `/api/pipeline/jobs/${held.json.job_id}/logs`)).json;
      return events.some((e: { event: string }) => e.event === 'submitted') ? true : null;
    });
    const cancelled = await call(b.url, 'POST', `/api/pipeline/jobs/${held.json.job_id}/cancel`);
    expect(cancelled.json, JSON.stringify(cancelled.json)).toMatchObject({ status: 'cancelled' });
    for (const s of sims) s.setFaults({ hangExecution: false, stepMs: 1 });
    const health = (await call(a.url, 'GET', '/api/health')).json;
    expect(health.dependencies.map((d: { name: string; status: string }) => `${d.name}:${d.status}`).sort()).toEqual([
      'postgres:healthy',
      'redis:healthy',
      's3:healthy',
    ]);
    await Promise.all([kill(a), kill(b)]);
  }, 120_000);
});
