import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PostgresJobRepository } from '../../src/distributed/postgres-job-repository.js';
import { MIGRATIONS } from '../../src/distributed/postgres-migrations.js';
import { DurationEstimates } from '../../src/core/estimates.js';
import { JobQueries } from '../../src/queries/job-queries.js';
import { ArtifactStore } from '../../src/store/artifact-store.js';
import { tempDir } from '../helpers/temp-dirs.js';
import path from 'node:path';
import type { JobRepository } from '../../src/ports/job-repository.js';
import { jobRepositoryConformance } from '../ports/job-repository.conformance.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.close();
});

const databases = new WeakMap<JobRepository, pg.PoolConfig>();

// Each repository gets a fresh database; reopening connects anew to the same one.
jobRepositoryConformance(
  'PostgreSQL',
  async () => {
    const db = await server.database();
    const repo = await PostgresJobRepository.open(db);
    databases.set(repo, db);
    return repo;
  },
  async (closed) => PostgresJobRepository.open(databases.get(closed)!),
);

describe('PostgreSQL schema', () => {
  it('is created by versioned migrations, applied once however many instances start together', async () => {
    const db = await server.database();
    const repos = await Promise.all([1, 2, 3].map(() => PostgresJobRepository.open(db)));
    await Promise.all(repos.map((r) => r.close()));
    const client = new pg.Client(db);
    await client.connect();
    try {
      const { rows } = await client.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      // Listing is served by an index, not a scan of every row.
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        'EXPLAIN SELECT job_id FROM jobs ORDER BY created_ms DESC, job_id DESC LIMIT 50',
      );
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index/);
    } finally {
      await client.end();
    }
  });

  it('an event appended on one instance reaches a subscriber on another (LISTEN/NOTIFY)', async () => {
    const db = await server.database();
    const [a, b] = await Promise.all([PostgresJobRepository.open(db), PostgresJobRepository.open(db)]);
    try {
      const jobId = '6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab';
      const heard: number[] = [];
      let done!: () => void;
      const all = new Promise<void>((r) => (done = r));
      b.subscribe(jobId, (e) => {
        heard.push(e.seq);
        if (heard.length === 3) done();
      });
      // Let b's baseline (the newest stored seq) be read before a appends.
      await b.events(jobId);
      for (const name of ['queued', 'started', 'completed']) await a.appendEvent(jobId, name);
      await all;
      expect(heard).toEqual([1, 2, 3]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('the read side over PostgreSQL', () => {
  it('JobQueries answers status, status bodies, listing and logs of stored jobs through the port (no in-memory index)', async () => {
    const repo = await PostgresJobRepository.open(await server.database());
    const dir = tempDir('pg-queries');
    try {
      const queries = new JobQueries({
        active: new Map(),
        repository: repo,
        estimates: new DurationEstimates(),
        artifacts: new ArtifactStore(path.join(dir, 'artifacts'), dir),
        queuePosition: () => null,
      });
      const at = (s: number) => new Date(Date.parse('2026-03-01T00:00:00Z') + s * 1000).toISOString();
      const base = {
        schema_version: 1 as const,
        preset_id: 'photoreal_portrait_v1',
        user_id: null,
        inputs: { prompt: 'x' },
        outputs: [],
        engine_used: 'gpu_b',
        quality_level: 'low' as const,
        credit_cost: 1,
        error: null,
        error_code: null,
        remediation: [],
        progress: 1,
        seed: 1,
        engine_prompt_id: null,
        error_detail: null,
        provenance: null,
        idempotency_key: null,
      };
      const ids = ['0d6a1c52-1111-4a5b-9c3d-000000000001', '0d6a1c52-1111-4a5b-9c3d-000000000002'];
      for (const [i, job_id] of ids.entries()) {
        await repo.save({
          ...base,
          job_id,
          status: 'completed',
          created_at: at(i),
          started_at: at(i),
          finished_at: at(i + 1),
          logs: `jobs/${job_id}/logs.jsonl`,
          consent: { given: false, required: false, recorded_at: at(i) },
          attempts: i + 1,
        });
        await repo.appendEvent(job_id, 'completed', { outputs: 0 });
      }
      expect(await queries.getStatus(ids[1]!)).toMatchObject({
        job_id: ids[1],
        status: 'completed',
        engine_id: 'gpu_b',
        attempts: 2,
      });
      const body = queries.statusBody(ids[0]!);
      expect(typeof body).not.toBe('string'); // no in-memory summaries: the promise path
      expect(JSON.parse(await body)).toMatchObject({ job_id: ids[0], status: 'completed' });
      await expect(Promise.resolve(queries.statusBody('0d6a1c52-1111-4a5b-9c3d-00000000ffff'))).rejects.toMatchObject({
        code: 'FILE_NOT_FOUND',
      });
      expect((await queries.list({ limit: 10 })).jobs.map((j) => j.job_id)).toEqual([ids[1], ids[0]]);
      expect((await queries.logs(ids[0]!, 0)).map((e) => e.event)).toEqual(['completed']);
      await expect(queries.logs('0d6a1c52-1111-4a5b-9c3d-00000000ffff', 0)).rejects.toMatchObject({
        code: 'FILE_NOT_FOUND',
      });
    } finally {
      await repo.close();
    }
  });
});
