import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorEnvelope, JobIdParams } from '../contracts/common.js';
import { WebhookDelivery, WebhookDeliveryList, type WebhookDeliveryView } from '../contracts/webhook.js';
import { PipelineError } from '../errors/pipeline-error.js';
import type { StoredDelivery, WebhookOutbox } from '../ports/webhook-outbox.js';
import type { JobQueries } from '../queries/job-queries.js';
import { isJobId } from '../store/job-store.js';
import { redactString } from '../util/redact.js';
import { notFound } from '../queries/job-queries.js';

const DeliveryParams = JobIdParams.extend({
  delivery_id: z.string().max(200).describe('delivery_id from GET /api/pipeline/jobs/{job_id}/webhooks'),
}).strict();

/** What the API shows of a stored delivery: not its body (the job's own routes say the same), the URL redacted. */
function view(d: StoredDelivery): WebhookDeliveryView {
  return {
    delivery_id: d.delivery_id,
    job_id: d.job_id,
    event: d.event,
    url: redactString(d.url),
    status: d.status,
    created_at: d.created_at,
    next_attempt_at: d.next_attempt_at,
    delivered_at: d.delivered_at,
    attempts: d.attempts,
  };
}

export const webhookRoutes =
  (deps: { outbox: WebhookOutbox; queries: JobQueries; wake(): void }): FastifyPluginAsyncZod =>
  async (app) => {
    const existingJob = async (jobId: string) => {
      if (!isJobId(jobId)) throw notFound(jobId);
      await deps.queries.getStatus(jobId); // 404 for an unknown job
    };

    app.get(
      '/api/pipeline/jobs/:job_id/webhooks',
      {
        schema: {
          tags: ['jobs'],
          summary: "The job's webhook deliveries, with every attempt's outcome, status code and latency",
          params: JobIdParams,
          response: { 200: WebhookDeliveryList, 404: ErrorEnvelope },
        },
      },
      async (request) => {
        const { job_id } = request.params;
        await existingJob(job_id);
        const deliveries = await deps.outbox.list(job_id);
        return { ok: true as const, job_id, deliveries: deliveries.map(view) };
      },
    );

    app.post(
      '/api/pipeline/jobs/:job_id/webhooks/:delivery_id/redeliver',
      {
        schema: {
          tags: ['jobs'],
          summary: 'Send a delivery again now (the same webhook-id and body, a fresh timestamp and signature)',
          description:
            'Answers 202 with the delivery, pending; its attempt appears in GET …/webhooks. A redelivery does not use up the retry schedule: if it fails, the delivery goes back to where it was (retrying, or failed).',
          params: DeliveryParams,
          response: { 202: WebhookDelivery, 404: ErrorEnvelope, 409: ErrorEnvelope },
        },
      },
      async (request, reply) => {
        const { job_id, delivery_id } = request.params;
        await existingJob(job_id);
        const delivery = await deps.outbox.get(delivery_id);
        if (!delivery || delivery.job_id !== job_id)
          throw new PipelineError('FILE_NOT_FOUND', `No webhook delivery "${delivery_id.slice(0, 100)}" for this job`, {
            detail: { job_id, delivery_id: delivery_id.slice(0, 100) },
          });
        if (delivery.status === 'superseded')
          throw new PipelineError('WEBHOOK_NOT_REDELIVERABLE', 'This delivery announced an end the job did not keep', {
            detail: { job_id, delivery_id },
          });
        const next: StoredDelivery = {
          ...delivery,
          status: 'pending',
          manual: true,
          next_attempt_at: new Date().toISOString(),
        };
        await deps.outbox.update(next);
        deps.wake();
        return reply.code(202).send(view(next));
      },
    );
  };
