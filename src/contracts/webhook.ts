import { z } from 'zod';
import { IsoTimestamp } from './common.js';

/** The ends of a job a webhook tells of (all three unless webhook_events says otherwise). */
export const END_EVENTS = ['job.completed', 'job.failed', 'job.cancelled'] as const;
export const WEBHOOK_EVENTS = [...END_EVENTS, 'job.progress'] as const;
export const WebhookEvent = z
  .enum(WEBHOOK_EVENTS)
  .describe('What happened to the job; job.progress (only when asked for) is sent as each quarter is passed');
export type WebhookEvent = z.infer<typeof WebhookEvent>;
export type EndEvent = (typeof END_EVENTS)[number];
/** Progress is told at these milestones (per cent): at most three messages per job. */
export const PROGRESS_MILESTONES = [25, 50, 75] as const;

/** The job status each end event announces. */
export const EVENT_STATUS: Record<EndEvent, 'completed' | 'failed' | 'cancelled'> = {
  'job.completed': 'completed',
  'job.failed': 'failed',
  'job.cancelled': 'cancelled',
};

export const WebhookAttemptOutcome = z
  .enum(['delivered', 'http_error', 'redirect', 'timeout', 'network_error', 'address_refused'])
  .describe(
    'delivered: a 2xx answer; http_error: any other status (3xx is redirect: redirects are not followed); timeout, network_error: no answer; address_refused: the URL resolved to an address webhooks may not reach',
  );

export const WebhookAttempt = z
  .object({
    number: z.number().int().positive().describe('1 for the first attempt'),
    at: IsoTimestamp.describe('When the attempt started'),
    outcome: WebhookAttemptOutcome,
    status_code: z.number().int().nullable().describe("The receiver's HTTP status, null without an answer"),
    error: z.string().nullable().describe('Why the attempt failed (without the response body), null when delivered'),
    latency_ms: z.number().int().nonnegative().describe('From the request to the answer (or the failure)'),
    manual: z.boolean().describe('Made because of POST …/redeliver'),
  })
  .describe('One delivery attempt');
export type WebhookAttempt = z.infer<typeof WebhookAttempt>;

export const WebhookDeliveryStatus = z
  .enum(['pending', 'delivered', 'failed', 'superseded'])
  .describe(
    'pending: waiting for its next attempt; delivered: a 2xx answer; failed: every retry used (or the receiver answered 410 Gone); superseded: the job did not end as this event said (a restart re-ran it), so it was never sent',
  );

export const WebhookDelivery = z
  .object({
    delivery_id: z
      .string()
      .describe('Also the webhook-id header: the same for every attempt, so receivers can deduplicate'),
    job_id: z.string().describe('The job it is about'),
    event: WebhookEvent,
    url: z.string().describe('Where it is sent'),
    status: WebhookDeliveryStatus,
    created_at: IsoTimestamp,
    next_attempt_at: IsoTimestamp.nullable().describe('When it is tried next, null once it is not pending'),
    delivered_at: IsoTimestamp.nullable(),
    attempts: z.array(WebhookAttempt).describe('Every attempt so far, oldest first (the last 50 when there were more)'),
  })
  .describe('A webhook the service sends (or sent) about a job');
export type WebhookDeliveryView = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryList = z
  .object({
    ok: z.literal(true).describe('Always true on success'),
    job_id: z.string().describe('The job'),
    deliveries: z.array(WebhookDelivery).describe('One per event told (at most one per kind of end), oldest first'),
  })
  .describe("A job's webhook deliveries");
