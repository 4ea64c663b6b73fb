// Distributed mode: jobs/s with 1, 2 and 4 service instances over 4 simulator backends (zero-time
// steps) sharing BullMQ on Redis, PostgreSQL and S3; and the per-job overhead of the distributed
// mode against the embedded one (files, in-process queue, local folder), sequential jobs
// interleaved in one run against the same simulator. Real servers: redis-server and PostgreSQL
// from the Debian packages, s3rver from npm (scripts/servers.mjs).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPostgresServer, startRedisServer, startS3Server } from '../servers.mjs';
import { median, round, startService, startSim } from './lib.mjs';

const temp = (name) => mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`));

const body = (seed) =>
  JSON.stringify({ preset_id: 'photoreal_portrait_v1', prompt: `bench ${seed}`, quality_level: 'low', seed });

async function submitAsync(url, seed) {
  const r = await fetch(`${url}/api/pipeline/generate/image`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', prefer: 'respond-async' },
    body: body(seed),
  });
  if (r.status !== 202) throw new Error(`submission answered ${r.status}: ${await r.text()}`);
  return /** @type {any} */ (await r.json()).job_id;
}

async function runSync(url, seed) {
  const started = performance.now();
  const r = await fetch(`${url}/api/pipeline/generate/image`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body(seed),
  });
  const json = /** @type {any} */ (await r.json());
  if (json.status !== 'completed') throw new Error(`job ended ${json.status}: ${JSON.stringify(json).slice(0, 300)}`);
  return performance.now() - started;
}

/** Wait until every job is completed, read through one instance (listing pages of 200). */
async function allCompleted(url, ids, timeoutMs) {
  const want = new Set(ids);
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    let done = 0;
    let cursor = null;
    do {
      const page = /** @type {any} */ (
        await (
          await fetch(
            `${url}/api/pipeline/jobs?status=completed&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          )
        ).json()
      );
      done += page.jobs.filter((j) => want.has(j.job_id)).length;
      cursor = page.next_cursor;
    } while (cursor);
    if (done === want.size) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('jobs did not all complete in time');
}

export async function distributed({ jobs, rounds }) {
  const dirs = [temp('redis'), temp('postgres'), temp('s3')];
  const [redis, postgres, s3] = await Promise.all([
    startRedisServer(dirs[0]),
    startPostgresServer(dirs[1]),
    startS3Server(dirs[2], 'bench'),
  ]);
  const sims = await Promise.all([0, 1, 2, 3].map(() => startSim()));
  const started = [];
  let deployment = 0;
  const stores = async () => {
    const db = await postgres.database();
    return {
      QUEUE: 'bullmq',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `bench${deployment++}`,
      JOB_STORE: 'postgres',
      DATABASE_URL: `postgres://${db.user}@${db.host}:${db.port}/${db.database}`,
      ARTIFACT_STORE: 's3',
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      QUEUE_MAX_DEPTH: String(jobs * 2),
    };
  };
  const instance = async (env) => {
    const dataDir = temp('instance');
    const svc = await startService({ ...env, AINFLUENCER_DATA_DIR: dataDir });
    started.push({ svc, dataDir });
    return svc;
  };
  try {
    // Throughput: the same jobs through 1, 2 and 4 instances, each deployment fresh.
    const throughput = {};
    for (const count of [1, 2, 4]) {
      const env = { ...(await stores()), COMFYUI_URLS: sims.map((s, i) => `gpu_${i}=${s.url}`).join(',') };
      const instances = [];
      for (let i = 0; i < count; i++) instances.push(await instance(env));
      const t0 = performance.now();
      const ids = await Promise.all(
        Array.from({ length: jobs }, (_, i) => submitAsync(instances[i % count].url, 10_000 * count + i)),
      );
      await allCompleted(instances[0].url, ids, 10 * 60_000);
      throughput[count] = round(jobs / ((performance.now() - t0) / 1000));
      for (const s of instances) await s.stop();
    }
    // Overhead: sequential jobs, embedded and distributed interleaved, one simulator for both.
    const embedded = await instance({ COMFYUI_URL: sims[0].url });
    const shared = await instance({ ...(await stores()), COMFYUI_URL: sims[0].url });
    for (let i = 0; i < 5; i++) {
      await runSync(embedded.url, 90_000 + i);
      await runSync(shared.url, 91_000 + i);
    }
    const perRound = [];
    let seed = 100_000;
    for (let r = 0; r < rounds; r++) {
      const times = { embedded: [], distributed: [] };
      for (let i = 0; i < 10; i++) {
        const order = (r + i) % 2 ? ['embedded', 'distributed'] : ['distributed', 'embedded'];
        for (const which of order)
          times[which].push(await runSync(which === 'embedded' ? embedded.url : shared.url, seed++));
      }
      perRound.push({ embedded_ms: round(median(times.embedded)), distributed_ms: round(median(times.distributed)) });
    }
    const embeddedMs = median(perRound.map((r) => r.embedded_ms));
    const distributedMs = median(perRound.map((r) => r.distributed_ms));
    return {
      jobs,
      jobs_per_s_1_instance: throughput[1],
      jobs_per_s_2_instances: throughput[2],
      jobs_per_s_4_instances: throughput[4],
      scaling_2_over_1: round(throughput[2] / throughput[1]),
      scaling_4_over_1: round(throughput[4] / throughput[1]),
      embedded_job_p50_ms: round(embeddedMs),
      distributed_job_p50_ms: round(distributedMs),
      distributed_added_ms: round(distributedMs - embeddedMs),
      distributed_over_embedded: round(distributedMs / embeddedMs),
      rounds: perRound,
    };
  } finally {
    for (const { svc, dataDir } of started) {
      await svc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    for (const s of sims) await s.stop();
    await s3.close();
    await redis.close();
    await postgres.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
