import type { Logger } from 'pino';
import type { WebhookConfig } from '../config.js';
import { EVENT_STATUS, type WebhookAttempt } from '../contracts/webhook.js';
import { isTerminal } from '../core/job-state.js';
import type { JobSummary } from '../store/job-index.js';
import type { StoredDelivery, WebhookOutbox } from '../ports/webhook-outbox.js';
import { WebhookSigner } from './signer.js';
import { WebhookTransport } from './attempt.js';

/** Attempts kept per delivery (the newest). */
const KEPT_ATTEMPTS = 50;
/**
 * How long a delivery whose job has not ended yet (as stored) waits before it is looked at again:
 * a moment when it is fresh (its end is being stored right now), longer when it is old (staged before
 * a crash, and the job is running again).
 */
const holdMs = (delivery: StoredDelivery) => (Date.now() - Date.parse(delivery.created_at) < 10_000 ? 100 : 5_000);
/** Jitter: each wait is its scheduled length × [0.8, 1.2), so many receivers' retries spread out. */
const jittered = (ms: number) => Math.round(ms * (0.8 + Math.random() * 0.4));

export interface WebhookSenderDeps {
  outbox: WebhookOutbox;
  /** The stored state of the job (the sender sends only what the store says happened). */
  summary(jobId: string): Promise<JobSummary | null>;
  config: WebhookConfig;
  logger: Logger;
  /** How often the outbox is looked at for due deliveries (other instances stage some too). */
  pollMs?: number;
}

/**
 * Sends the outbox's deliveries: each is claimed, checked against the job's stored end, signed,
 * POSTed and its attempt stored; a failure is retried on the configured schedule (with jitter)
 * until it is delivered or the schedule is used up. It runs beside the jobs and never holds one up;
 * a restart resumes where it was, from the outbox.
 */
export class WebhookSender {
  private readonly signer: WebhookSigner | null;
  private readonly transport: WebhookTransport;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly stop = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private again = false;
  readonly counts = {
    attempts: new Map<WebhookAttempt['outcome'], number>(),
    ended: new Map<'delivered' | 'failed' | 'superseded', number>(),
    stageFailures: 0,
    latency: { sum: 0, count: 0 },
  };

  constructor(private readonly deps: WebhookSenderDeps) {
    this.signer = deps.config.secrets ? new WebhookSigner(deps.config.secrets) : null;
    this.transport = new WebhookTransport({ timeoutMs: deps.config.timeoutMs, allowPrivate: deps.config.allowPrivate });
  }

  get enabled(): boolean {
    return this.signer !== null;
  }

  start(): void {
    if (!this.signer || this.timer) return;
    const shortest = Math.min(1_000, ...this.deps.config.retryScheduleMs);
    const every = this.deps.pollMs ?? Math.max(50, shortest);
    this.timer = setInterval(() => this.wake(), every);
    this.timer.unref();
    this.wake();
  }

  /** Look at the outbox now (a delivery was staged or redelivered). */
  wake(): void {
    if (!this.signer || this.stop.signal.aborted) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    setImmediate(() => {
      this.tick()
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'could not read the webhook outbox'))
        .finally(() => {
          this.ticking = false;
          if (this.again) {
            this.again = false;
            this.wake();
          }
        });
    });
  }

  private async tick(): Promise<void> {
    const free = this.deps.config.concurrency - this.inFlight.size;
    if (free <= 0) return;
    const leaseMs = this.deps.config.timeoutMs * 2 + 5_000;
    const due = await this.deps.outbox.claimDue(Date.now(), leaseMs, free);
    for (const delivery of due) {
      if (this.inFlight.has(delivery.delivery_id)) continue;
      const run = this.handle(delivery)
        .catch((err: unknown) =>
          this.deps.logger.warn({ err, delivery_id: delivery.delivery_id }, 'could not store a webhook attempt'),
        )
        .finally(() => {
          this.inFlight.delete(delivery.delivery_id);
          this.wake();
        });
      this.inFlight.set(delivery.delivery_id, run);
    }
  }

  private async handle(delivery: StoredDelivery): Promise<void> {
    const job = await this.deps.summary(delivery.job_id);
    if (delivery.event === 'job.progress') {
      // Progress of a job that has ended since is not worth telling (its end is told instead),
      // unless someone asks for it again.
      const stale = !job || (isTerminal(job.status) && delivery.manual !== true);
      if (!stale) return this.attempt(delivery);
      this.count('ended', 'superseded');
      return this.deps.outbox.update({ ...delivery, status: 'superseded', next_attempt_at: null, manual: false });
    }
    const announced = EVENT_STATUS[delivery.event];
    if (!job || (isTerminal(job.status) && job.status !== announced)) {
      // Staged just before a crash, for an end the job did not keep (a restart re-ran it, and it
      // ended otherwise), or the job is gone: never sent.
      this.count('ended', 'superseded');
      return this.deps.outbox.update({ ...delivery, status: 'superseded', next_attempt_at: null, manual: false });
    }
    if (job.status !== announced) {
      // Staged a moment before the job's end is stored (or before a crash, and the job runs again).
      return this.deps.outbox.update({
        ...delivery,
        next_attempt_at: new Date(Date.now() + holdMs(delivery)).toISOString(),
      });
    }
    return this.attempt(delivery);
  }

  /** One signed POST of the delivery, its outcome stored and its next attempt scheduled. */
  private async attempt(delivery: StoredDelivery): Promise<void> {
    const signedAt = new Date();
    const result = await this.transport.post(
      delivery.url,
      delivery.payload,
      this.signer!.headers(delivery.delivery_id, signedAt, delivery.payload),
      this.stop.signal,
    );
    // Shutting down: the attempt's outcome is unknown; the delivery stays pending for the next start.
    if (this.stop.signal.aborted) return;
    const manual = delivery.manual === true;
    const number = (delivery.attempts.at(-1)?.number ?? 0) + 1;
    const attempts = [...delivery.attempts, { number, manual, ...result }].slice(-KEPT_ATTEMPTS);
    this.count('attempts', result.outcome);
    this.counts.latency.sum += result.latency_ms / 1000;
    this.counts.latency.count++;
    if (result.outcome === 'delivered') {
      this.count('ended', 'delivered');
      return this.deps.outbox.update({
        ...delivery,
        attempts,
        manual: false,
        status: 'delivered',
        delivered_at: result.at,
        next_attempt_at: null,
      });
    }
    // The schedule counts automatic attempts only: a redelivery that fails leaves it where it was.
    const automaticFailures = attempts.filter((a) => !a.manual).length;
    const schedule = this.deps.config.retryScheduleMs;
    const gone = result.status_code === 410; // the receiver says this endpoint is gone for good
    const exhausted = gone || automaticFailures > schedule.length || result.outcome === 'address_refused';
    if (exhausted) {
      this.count('ended', 'failed');
      this.deps.logger.warn(
        { job_id: delivery.job_id, delivery_id: delivery.delivery_id, outcome: result.outcome, attempts: number },
        'webhook not delivered; no more retries (POST …/redeliver sends it again)',
      );
      return this.deps.outbox.update({ ...delivery, attempts, manual: false, status: 'failed', next_attempt_at: null });
    }
    const wait = jittered(schedule[Math.max(0, automaticFailures - 1)]!);
    return this.deps.outbox.update({
      ...delivery,
      attempts,
      manual: false,
      status: 'pending',
      next_attempt_at: new Date(Date.now() + wait).toISOString(),
    });
  }

  private count<K extends 'attempts' | 'ended'>(which: K, key: string): void {
    const map = this.counts[which] as Map<string, number>;
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  /** Stop sending; attempts in flight are abandoned (they stay pending and are made again at the next start). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stop.abort();
    await Promise.allSettled([...this.inFlight.values()]);
    await this.transport.close().catch(() => undefined);
  }
}
