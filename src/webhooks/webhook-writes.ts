import type { Logger } from 'pino';
import type { JobHistory } from '../contracts/job.js';
import { isTerminal } from '../core/job-state.js';
import type { JobWrites } from '../core/job-writes.js';
import type { StoredDelivery, WebhookOutbox } from '../ports/webhook-outbox.js';
import { deliveryFor, progressDeliveryFor } from './delivery.js';

export interface WebhookStaging {
  outbox: WebhookOutbox;
  logger: Logger;
  /** A delivery was staged and the job's end stored: send it now. */
  staged(): void;
  /** Staging failed (the store refused the write): counted, logged, and the job still ends. */
  failed(): void;
}

/**
 * Stage a job's end in the webhook outbox no later than the end itself is stored: a crash between the two
 * leaves a delivery the sender checks against the stored job (and drops if the job did not end that
 * way), never an end without its delivery.
 */
export async function stageEnd(job: JobHistory, staging: WebhookStaging): Promise<boolean> {
  const delivery = isTerminal(job.status) ? deliveryFor(job) : null;
  return delivery ? stage(delivery, staging) : false;
}

async function stage(delivery: StoredDelivery, staging: WebhookStaging): Promise<boolean> {
  try {
    await staging.outbox.stage(delivery);
    return true;
  } catch (err) {
    staging.failed();
    staging.logger.error(
      { err, job_id: delivery.job_id, event: delivery.event },
      'could not store the webhook delivery of a job; it will not be sent',
    );
    return false;
  }
}

/** A quarter of the run was passed: its progress message is staged (when the job asked for job.progress) and sent. */
export function stageMilestone(job: JobHistory, progress: number, percent: number, staging: WebhookStaging): void {
  const delivery = progressDeliveryFor(job, progress, percent);
  if (delivery) void stage(delivery, staging).then((staged) => staged && staging.staged());
}

/** The core's writes, with each webhook-bearing end staged in the outbox first. */
export function webhookWrites(writes: JobWrites, staging: WebhookStaging): JobWrites {
  return {
    ...writes,
    async save(job, options = {}) {
      const delivery = isTerminal(job.status) ? deliveryFor(job) : null;
      if (!delivery) return writes.save(job, options);
      // The delivery is written alongside the end, and the end becomes visible only once the
      // delivery is stored (the two fsyncs overlap). Staging never fails the end: a delivery that
      // cannot be stored is counted and logged, and the job ends all the same.
      const staged = stage(delivery, staging);
      await writes.save(job, { ...options, after: options.after ? Promise.all([options.after, staged]) : staged });
      if (await staged) staging.staged();
    },
  };
}
