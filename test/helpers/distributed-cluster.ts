import { createHash } from 'node:crypto';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { startChildService, type ChildService } from './child-service.js';
import { startPostgres, type TestPostgres } from './postgres-server.js';
import { startRedis, type TestRedis } from './redis-server.js';
import { startS3, type TestS3 } from './s3-server.js';
import { tempDir } from './temp-dirs.js';

/**
 * What the distributed end-to-end tests run against: simulator backends, a real redis-server,
 * PostgreSQL and S3-compatible server, and service instances as child processes (dist/server.js),
 * each with its own data folder and everything else shared.
 */
export interface TestCluster {
  redis: TestRedis;
  sims: ComfySimulator[];
  /** The environment of one deployment: a fresh database and queue prefix, every backend. */
  environment(): Promise<Record<string, string>>;
  instance(env: Record<string, string>, dataDir?: string): Promise<ChildService>;
  kill(c: ChildService): Promise<void>;
  close(): Promise<void>;
}

export async function startCluster(backends = 3): Promise<TestCluster> {
  const [redis, postgres, s3]: [TestRedis, TestPostgres, TestS3] = await Promise.all([
    startRedis(),
    startPostgres(),
    startS3(),
  ]);
  const sims: ComfySimulator[] = [];
  for (let i = 0; i < backends; i++) sims.push(await startComfySimulator({ faults: { stepMs: 1 } }));
  const children: ChildService[] = [];
  let deployments = 0;
  return {
    redis,
    sims,
    async environment() {
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
        QUEUE_PREFIX: `t${Date.now().toString(36)}${deployments++}`,
        QUEUE_LEASE_MS: '3000',
        QUEUE_STALLED_INTERVAL_MS: '500',
        QUEUE_RECONCILE_MS: '2000',
        QUEUE_MAX_DEPTH: '1000',
        JOB_CONCURRENCY: '2',
      };
    },
    async instance(env, dataDir = tempDir('instance')) {
      const child = await startChildService({ ...env, AINFLUENCER_DATA_DIR: dataDir });
      children.push(child);
      return child;
    },
    async kill(c) {
      c.child.kill('SIGKILL');
      await c.exited;
    },
    async close() {
      for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
      for (const s of sims.splice(0)) await s.close();
      await s3.close();
      await redis.close();
      await postgres.close();
    },
  };
}

/** A generate body whose seed names the job. */
export const distributedBody = (seed: number) => ({
  preset_id: 'photoreal_portrait_v1',
  prompt: `distributed ${seed}`,
  quality_level: 'low',
  seed,
});

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
