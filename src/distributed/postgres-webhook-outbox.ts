import type pg from 'pg';
import type { StoredDelivery, WebhookOutbox } from '../ports/webhook-outbox.js';

const toTime = (iso: string | null) => (iso === null ? null : new Date(iso));

/**
 * The webhook outbox on PostgreSQL, shared by every instance: one row per delivery (the record as
 * jsonb beside the columns the due query reads through a partial index). Claims are a lease column
 * taken with FOR UPDATE SKIP LOCKED, so two instances never send the same attempt at once, and a
 * crashed instance's claim runs out.
 */
export class PostgresWebhookOutbox implements WebhookOutbox {
  constructor(private readonly pool: pg.Pool) {}

  async stage(d: StoredDelivery): Promise<void> {
    // Replaces an existing row only while it has had no attempt (the job ended again after a re-run).
    await this.pool.query(
      `INSERT INTO webhook_deliveries (delivery_id, job_id, status, next_attempt_at, lease_until, attempts, record)
       VALUES ($1, $2, $3, $4, NULL, 0, $5)
       ON CONFLICT (delivery_id) DO UPDATE
         SET status = EXCLUDED.status, next_attempt_at = EXCLUDED.next_attempt_at, lease_until = NULL,
             record = jsonb_set(EXCLUDED.record, '{revision}', to_jsonb((webhook_deliveries.record->>'revision')::int + 1))
         WHERE webhook_deliveries.attempts = 0`,
      [d.delivery_id, d.job_id, d.status, toTime(d.next_attempt_at), JSON.stringify(d)],
    );
  }

  async get(deliveryId: string): Promise<StoredDelivery | null> {
    const { rows } = await this.pool.query<{ record: StoredDelivery }>(
      'SELECT record FROM webhook_deliveries WHERE delivery_id = $1',
      [deliveryId],
    );
    return rows[0]?.record ?? null;
  }

  async list(jobId: string): Promise<StoredDelivery[]> {
    const { rows } = await this.pool.query<{ record: StoredDelivery }>(
      "SELECT record FROM webhook_deliveries WHERE job_id = $1 ORDER BY record->>'created_at', delivery_id",
      [jobId],
    );
    return rows.map((r) => r.record);
  }

  async claimDue(nowMs: number, leaseMs: number, limit: number): Promise<StoredDelivery[]> {
    const now = new Date(nowMs);
    const { rows } = await this.pool.query<{ record: StoredDelivery }>(
      `UPDATE webhook_deliveries SET lease_until = $2
       WHERE delivery_id IN (
         SELECT delivery_id FROM webhook_deliveries
         WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
         ORDER BY next_attempt_at LIMIT $3
         FOR UPDATE SKIP LOCKED)
       RETURNING record`,
      [now, new Date(nowMs + leaseMs), limit],
    );
    return rows.map((r) => r.record).sort((a, b) => (a.next_attempt_at ?? '').localeCompare(b.next_attempt_at ?? ''));
  }

  async update(d: StoredDelivery): Promise<void> {
    const next = { ...d, revision: d.revision + 1 };
    await this.pool.query(
      `UPDATE webhook_deliveries
       SET status = $2, next_attempt_at = $3, lease_until = NULL, attempts = $4, record = $5
       WHERE delivery_id = $1`,
      [d.delivery_id, d.status, toTime(d.next_attempt_at), d.attempts.length, JSON.stringify(next)],
    );
  }

  async deleteForJob(jobId: string): Promise<void> {
    await this.pool.query('DELETE FROM webhook_deliveries WHERE job_id = $1', [jobId]);
  }

  async pendingCount(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'pending'",
    );
    return Number(rows[0]?.n ?? 0);
  }
}
