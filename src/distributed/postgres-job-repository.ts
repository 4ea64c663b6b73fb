import pg from 'pg';
import type { JobHistory } from '../contracts/job.js';
import type { JobRepository } from '../ports/job-repository.js';
import type { JobEvent } from '../store/event-line.js';
import { summarize, type JobSummary, type ListQuery } from '../store/job-index.js';
import { isJobId } from '../store/job-store.js';
import { redact } from '../util/redact.js';
import { classifyPoolErrors } from './postgres-errors.js';
import { JobAlreadyEnded } from '../ports/job-repository.js';
import { migrate } from './postgres-migrations.js';
import { PostgresWebhookOutbox } from './postgres-webhook-outbox.js';

/** NOTIFY channel: "<job_id>:<seq>" for every stored event, so every instance's subscribers hear it. */
const CHANNEL = 'ainfluencer_job_events';

interface SummaryRow {
  job_id: string;
  preset_id: string;
  status: JobSummary['status'];
  quality_level: JobSummary['quality_level'];
  created_ms: string;
  started_ms: string | null;
  finished_ms: string | null;
  progress: number;
  output: string | null;
  error: string | null;
  error_code: string | null;
  bytes: string;
  idempotency_key: string | null;
  engine: string | null;
  attempts: number;
}

const SUMMARY_COLUMNS =
  'job_id, preset_id, status, quality_level, created_ms, started_ms, finished_ms, progress, output, error, error_code, bytes, idempotency_key, engine, attempts';

const ms = (v: string | null) => (v === null ? null : Number(v));
const fromRow = (r: SummaryRow): JobSummary => ({
  job_id: r.job_id,
  preset_id: r.preset_id,
  status: r.status,
  quality_level: r.quality_level,
  created_ms: Number(r.created_ms),
  started_ms: ms(r.started_ms),
  finished_ms: ms(r.finished_ms),
  progress: r.progress,
  output: r.output,
  error: r.error,
  error_code: r.error_code,
  bytes: Number(r.bytes),
  idempotency_key: r.idempotency_key,
  engine: r.engine,
  attempts: r.attempts,
});

/**
 * The JobRepository port on PostgreSQL (the `pg` driver): one row per job (the redacted record as
 * jsonb beside the summary columns listing filters and sorts on, through indexes), one row per
 * event, and the exact re-run inputs in their own table. The schema is created by versioned
 * migrations at open. Saves of one job apply in call order within an instance (a promise chain per
 * job); events are numbered in the database and announced with NOTIFY, so subscribers on every
 * instance hear each stored event once, in order.
 */
export class PostgresJobRepository implements JobRepository {
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly subscribers = new Map<
    string,
    {
      listeners: Set<(e: JobEvent) => void>;
      delivered: number;
      /** Resolves once `delivered` holds the newest seq stored when the first listener came. */
      ready: Promise<void>;
    }
  >();
  private listener: pg.PoolClient | null = null;
  private closed = false;

  readonly webhooks: PostgresWebhookOutbox;

  private constructor(private readonly pool: pg.Pool) {
    this.webhooks = new PostgresWebhookOutbox(pool);
  }

  /** Connect, migrate the schema to the newest version, and start listening for events. */
  static async open(config: pg.PoolConfig): Promise<PostgresJobRepository> {
    // Fail fast while PostgreSQL is away (a request gets DB_UNAVAILABLE at once, not after minutes).
    const pool = new pg.Pool({ max: 10, connectionTimeoutMillis: 3_000, query_timeout: 10_000, ...config });
    // A dropped idle connection is reported here; the pool replaces it on the next query.
    pool.on('error', () => undefined);
    classifyPoolErrors(pool);
    await migrate(pool);
    const repo = new PostgresJobRepository(pool);
    await repo.listen();
    return repo;
  }

  private async listen(): Promise<void> {
    const client = await this.pool.connect();
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      const jobId = msg.payload.slice(0, msg.payload.lastIndexOf(':'));
      if (this.subscribers.has(jobId)) void this.catchUp(jobId);
    });
    // A lost listening connection (PostgreSQL restarted) is replaced; what was missed meanwhile is
    // read from the table for every subscriber once it is back.
    let lost = false;
    const relisten = () => {
      if (lost || this.closed) return;
      lost = true;
      client.release(true);
      if (this.listener === client) this.listener = null;
      const retry = (delay: number) =>
        setTimeout(() => {
          if (this.closed) return;
          this.listen().then(
            () => {
              for (const jobId of this.subscribers.keys()) void this.catchUp(jobId);
            },
            () => retry(Math.min(delay * 2, 5_000)),
          );
        }, delay).unref();
      retry(200);
    };
    client.on('error', relisten);
    client.on('end', relisten);
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
  }

  /** One round trip: is PostgreSQL answering? */
  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async claimIdempotencyKey(
    keyHash: string,
    bodyHash: string,
    jobId: string,
    ttlMs: number,
  ): Promise<{ jobId: string; bodyHash: string }> {
    const now = Date.now();
    // One statement: a new key is taken, an expired one is taken over, a live one stays with its holder.
    const { rows } = await this.pool.query<{ job_id: string; body_hash: string }>(
      `INSERT INTO idempotency_keys (key_hash, job_id, body_hash, created_ms) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key_hash) DO UPDATE SET job_id = EXCLUDED.job_id, body_hash = EXCLUDED.body_hash, created_ms = EXCLUDED.created_ms
         WHERE idempotency_keys.created_ms < $5
       RETURNING job_id, body_hash`,
      [keyHash, jobId, bodyHash, now, now - ttlMs],
    );
    if (rows[0]) return { jobId: rows[0].job_id, bodyHash: rows[0].body_hash };
    const held = await this.pool.query<{ job_id: string; body_hash: string }>(
      'SELECT job_id, body_hash FROM idempotency_keys WHERE key_hash = $1',
      [keyHash],
    );
    const row = held.rows[0];
    // Released between the two statements: claim again.
    if (!row) return this.claimIdempotencyKey(keyHash, bodyHash, jobId, ttlMs);
    return { jobId: row.job_id, bodyHash: row.body_hash };
  }

  async releaseIdempotencyKey(keyHash: string, jobId: string): Promise<void> {
    await this.pool.query('DELETE FROM idempotency_keys WHERE key_hash = $1 AND job_id = $2', [keyHash, jobId]);
  }

  /** Run `work` after every earlier write of the same job (in this instance). */
  private serially<T>(jobId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(jobId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(jobId, settled);
    void settled.then(() => {
      if (this.chains.get(jobId) === settled) this.chains.delete(jobId);
    });
    return next;
  }

  save(job: JobHistory, options: { after?: Promise<unknown> } = {}): Promise<void> {
    // Every later save queues behind this one, so a gated state can never be overtaken.
    return this.serially(job.job_id, async () => {
      await options.after;
      const stored = redact(job);
      const s = summarize(stored);
      const written = await this.pool.query(
        `INSERT INTO jobs (job_id, record, status, preset_id, quality_level, created_ms, started_ms, finished_ms, progress, output, error, error_code, bytes, idempotency_key, engine, attempts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (job_id) DO UPDATE SET record = EXCLUDED.record, status = EXCLUDED.status, preset_id = EXCLUDED.preset_id,
           quality_level = EXCLUDED.quality_level, created_ms = EXCLUDED.created_ms, started_ms = EXCLUDED.started_ms,
           finished_ms = EXCLUDED.finished_ms, progress = EXCLUDED.progress, output = EXCLUDED.output, error = EXCLUDED.error,
           error_code = EXCLUDED.error_code, bytes = EXCLUDED.bytes, idempotency_key = EXCLUDED.idempotency_key,
           engine = EXCLUDED.engine, attempts = EXCLUDED.attempts
         WHERE jobs.status NOT IN ('completed', 'failed', 'cancelled') OR jobs.finished_ms IS NOT DISTINCT FROM EXCLUDED.finished_ms`,
        [
          s.job_id,
          JSON.stringify(stored),
          s.status,
          s.preset_id,
          s.quality_level,
          s.created_ms,
          s.started_ms,
          s.finished_ms,
          s.progress,
          s.output,
          s.error,
          s.error_code,
          s.bytes,
          s.idempotency_key,
          s.engine,
          s.attempts,
        ],
      );
      // Another instance ended the job first (it was handed over while this one finished it).
      if (written.rowCount === 0) throw new JobAlreadyEnded(job.job_id);
    });
  }

  async get(jobId: string): Promise<JobHistory | null> {
    if (!isJobId(jobId)) return null;
    const { rows } = await this.pool.query<{ record: JobHistory }>('SELECT record FROM jobs WHERE job_id = $1', [
      jobId,
    ]);
    return rows[0]?.record ?? null;
  }

  async summary(jobId: string): Promise<JobSummary | null> {
    if (!isJobId(jobId)) return null;
    const { rows } = await this.pool.query<SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM jobs WHERE job_id = $1`, [
      jobId,
    ]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async list(query: ListQuery): Promise<{ jobs: JobSummary[]; next: JobSummary | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.status) where.push(`status = $${params.push(query.status)}`);
    if (query.preset_id) where.push(`preset_id = $${params.push(query.preset_id)}`);
    if (query.cursor && isJobId(query.cursor.job_id)) {
      where.push(
        `(created_ms, job_id) < ($${params.push(query.cursor.created_ms)}, $${params.push(query.cursor.job_id)})`,
      );
    }
    const limit = Math.max(1, Math.min(query.limit, 1000));
    const { rows } = await this.pool.query<SummaryRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_ms DESC, job_id DESC LIMIT ${limit + 1}`,
      params,
    );
    const jobs = rows.slice(0, limit).map(fromRow);
    return { jobs, next: rows.length > limit ? jobs.at(-1)! : null };
  }

  async delete(jobId: string): Promise<void> {
    if (!isJobId(jobId)) return;
    await this.serially(jobId, async () => {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('DELETE FROM job_events WHERE job_id = $1', [jobId]);
        await client.query('DELETE FROM job_rerun_inputs WHERE job_id = $1', [jobId]);
        await client.query('DELETE FROM webhook_deliveries WHERE job_id = $1', [jobId]);
        await client.query('DELETE FROM jobs WHERE job_id = $1', [jobId]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    });
  }

  appendEvent(jobId: string, event: string, fields: Record<string, unknown> = {}): Promise<JobEvent> {
    // Numbered in the database (the next seq of the job), one append at a time per job here; an
    // append racing one from another instance gets the key conflict and takes the next number.
    return this.serially(`${jobId}\u0000events`, async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          // An event copied from elsewhere (the migration command) keeps the time it happened.
          const at = typeof fields.at === 'string' ? fields.at : new Date().toISOString();
          const { rows } = await this.pool.query<{ seq: number; body: JobEvent }>(
            `WITH next AS (SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM job_events WHERE job_id = $1)
             INSERT INTO job_events (job_id, seq, body)
             SELECT $1, next.seq, $2::jsonb || jsonb_build_object('seq', next.seq) FROM next
             RETURNING seq, body`,
            [jobId, JSON.stringify(redact({ ...fields, at, event }))],
          );
          const stored = rows[0]!.body;
          await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, `${jobId}:${stored.seq}`]);
          this.deliver(jobId, stored);
          return stored;
        } catch (err) {
          if ((err as { code?: string }).code !== '23505' || attempt >= 5) throw err;
        }
      }
    });
  }

  async events(jobId: string, since = 0): Promise<JobEvent[]> {
    if (!isJobId(jobId)) return [];
    await this.subscribers.get(jobId)?.ready;
    const { rows } = await this.pool.query<{ body: JobEvent }>(
      'SELECT body FROM job_events WHERE job_id = $1 AND seq > $2 ORDER BY seq',
      [jobId, since],
    );
    return rows.map((r) => r.body);
  }

  subscribe(jobId: string, listener: (event: JobEvent) => void): () => void {
    let entry = this.subscribers.get(jobId);
    if (!entry) {
      const started = {
        listeners: new Set<(e: JobEvent) => void>(),
        delivered: Number.MAX_SAFE_INTEGER,
        ready: Promise.resolve(),
      };
      // Subscribers hear what is stored from now on: start after the newest stored event. Reads of
      // the job's events and catch-ups wait for this baseline, so none overtakes it.
      started.ready = this.pool
        .query<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM job_events WHERE job_id = $1', [jobId])
        .then(
          ({ rows }) => {
            if (started.delivered === Number.MAX_SAFE_INTEGER) started.delivered = rows[0]?.seq ?? 0;
          },
          () => undefined,
        );
      entry = started;
      this.subscribers.set(jobId, entry);
      // Notifications that came while the baseline was read are caught up once it is known.
      void started.ready.then(() => this.catchUp(jobId));
    }
    entry.listeners.add(listener);
    return () => {
      const current = this.subscribers.get(jobId);
      current?.listeners.delete(listener);
      if (current && current.listeners.size === 0) this.subscribers.delete(jobId);
    };
  }

  /** An event stored here: heard at once, in order, by this instance's subscribers. */
  private deliver(jobId: string, event: JobEvent): void {
    const entry = this.subscribers.get(jobId);
    if (!entry) return;
    if (entry.delivered === Number.MAX_SAFE_INTEGER || event.seq === entry.delivered + 1) {
      entry.delivered = event.seq;
      for (const l of entry.listeners) l(event);
    } else if (event.seq > entry.delivered + 1) void this.catchUp(jobId);
  }

  /** Events stored elsewhere (another instance): read what this instance's subscribers have not heard. */
  private async catchUp(jobId: string): Promise<void> {
    const entry = this.subscribers.get(jobId);
    if (!entry || entry.delivered === Number.MAX_SAFE_INTEGER) return;
    for (const event of await this.events(jobId, entry.delivered)) {
      if (event.seq !== entry.delivered + 1) break;
      entry.delivered = event.seq;
      for (const l of entry.listeners) l(event);
    }
  }

  async saveRerunInputs(jobId: string, inputs: Record<string, unknown>): Promise<void> {
    await this.pool.query(
      'INSERT INTO job_rerun_inputs (job_id, inputs) VALUES ($1, $2) ON CONFLICT (job_id) DO UPDATE SET inputs = EXCLUDED.inputs',
      [jobId, JSON.stringify(inputs)],
    );
  }

  async readRerunInputs(jobId: string): Promise<Record<string, unknown> | null> {
    if (!isJobId(jobId)) return null;
    const { rows } = await this.pool.query<{ inputs: Record<string, unknown> }>(
      'SELECT inputs FROM job_rerun_inputs WHERE job_id = $1',
      [jobId],
    );
    return rows[0]?.inputs ?? null;
  }

  async deleteRerunInputs(jobId: string): Promise<void> {
    if (!isJobId(jobId)) return;
    await this.pool.query('DELETE FROM job_rerun_inputs WHERE job_id = $1', [jobId]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.chains.values()]);
    if (this.listener) {
      await this.listener.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
      this.listener.release();
      this.listener = null;
    }
    await this.pool.end();
  }
}
