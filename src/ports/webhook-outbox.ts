import type { WebhookDeliveryView } from '../contracts/webhook.js';

/** A delivery as stored: what the API shows, and the exact body every attempt sends. */
export interface StoredDelivery extends WebhookDeliveryView {
  /** The JSON body, fixed when the job ended: every attempt (and a redelivery) sends these bytes. */
  payload: string;
  /** Bumped by every write: of two copies of one delivery, the higher revision is the truth. */
  revision: number;
  /** The next attempt was asked for by POST …/redeliver (it does not count against the retry schedule). */
  manual?: boolean;
}

/**
 * The webhook outbox, part of the JobRepository: deliveries are stored before their first attempt,
 * so an accepted webhook survives a crash or a restart and is retried until it is delivered or its
 * retries are used up. The embedded implementation is files in the data folder; the distributed
 * one is a PostgreSQL table every instance shares.
 *
 * Contract, for every implementation:
 * - `stage` stores a new pending delivery durably. Staging an id that exists replaces it only while
 *   it has had no attempt (the job ended again after a restart re-ran it); otherwise it is a no-op,
 *   so the same end saved twice never sends twice.
 * - `claimDue` hands out pending deliveries whose `next_attempt_at` has come, oldest first; a
 *   claimed delivery is handed to no one else (on any instance) for `leaseMs` or until `update`.
 * - `update` stores the delivery's new state (an attempt made, a redelivery asked) and ends the claim.
 * - `list` gives a job's deliveries, oldest first; `deleteForJob` removes them (retention, DELETE).
 */
export interface WebhookOutbox {
  stage(delivery: StoredDelivery): Promise<void>;
  get(deliveryId: string): Promise<StoredDelivery | null>;
  list(jobId: string): Promise<StoredDelivery[]>;
  claimDue(nowMs: number, leaseMs: number, limit: number): Promise<StoredDelivery[]>;
  update(delivery: StoredDelivery): Promise<void>;
  deleteForJob(jobId: string): Promise<void>;
  /** Pending deliveries (for the metrics gauge). */
  pendingCount(): Promise<number>;
}
