import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PostgresJobRepository } from '../../src/distributed/postgres-job-repository.js';
import { MIGRATIONS } from '../../src/distributed/postgres-migrations.js';
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
