import type { Pool } from 'pg';

/**
 * The PostgreSQL schema, as versioned migrations applied in order at start. A migration is never
 * edited once released: changes are new versions. Listing reads indexes on (created_ms, job_id),
 * never every row.
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'jobs, events, re-run inputs',
    sql: `
      CREATE TABLE jobs (
        job_id uuid PRIMARY KEY,
        record jsonb NOT NULL,
        status text NOT NULL,
        preset_id text NOT NULL,
        quality_level text NOT NULL,
        created_ms bigint NOT NULL,
        started_ms bigint,
        finished_ms bigint,
        progress double precision NOT NULL,
        output text,
        error text,
        error_code text,
        bytes bigint NOT NULL,
        idempotency_key text,
        engine text,
        attempts integer NOT NULL DEFAULT 1
      );
      CREATE INDEX jobs_by_time ON jobs (created_ms DESC, job_id DESC);
      CREATE INDEX jobs_by_status ON jobs (status, created_ms DESC, job_id DESC);
      CREATE INDEX jobs_by_preset ON jobs (preset_id, created_ms DESC, job_id DESC);
      CREATE INDEX jobs_by_idempotency_key ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
      CREATE TABLE job_events (
        job_id uuid NOT NULL,
        seq integer NOT NULL,
        body jsonb NOT NULL,
        PRIMARY KEY (job_id, seq)
      );
      CREATE TABLE job_rerun_inputs (
        job_id uuid PRIMARY KEY,
        inputs jsonb NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'idempotency keys',
    sql: `
      CREATE TABLE idempotency_keys (
        key_hash text PRIMARY KEY,
        job_id uuid NOT NULL,
        body_hash text NOT NULL,
        created_ms bigint NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'webhook outbox',
    sql: `
      CREATE TABLE webhook_deliveries (
        delivery_id text PRIMARY KEY,
        job_id uuid NOT NULL,
        status text NOT NULL,
        next_attempt_at timestamptz,
        lease_until timestamptz,
        attempts integer NOT NULL,
        record jsonb NOT NULL
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_by_job ON webhook_deliveries (job_id);
    `,
  },
];

/** Any fixed number: instances starting together take this lock, so one migrates and the others wait. */
const MIGRATION_LOCK = 774_411_902;

/** Bring the schema up to the newest version; returns the versions applied now. */
export async function migrate(pool: Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
