import type { JobHistory } from '../contracts/job.js';
import { END_EVENTS, EVENT_STATUS, WEBHOOK_EVENTS, type EndEvent, type WebhookEvent } from '../contracts/webhook.js';
import { artifactUrl, outputUrl } from '../core/job-state.js';
import type { StoredDelivery } from '../ports/webhook-outbox.js';

/** The event a job's end announces. */
export function eventOf(status: JobHistory['status']): EndEvent | null {
  return END_EVENTS.find((e) => EVENT_STATUS[e] === status) ?? null;
}

/** Where and for which events the job asked to be told (from its request). */
export function webhookOf(job: JobHistory): { url: string; events: readonly WebhookEvent[] } | null {
  const url = job.inputs.webhook_url;
  if (typeof url !== 'string' || !url) return null;
  const asked = job.inputs.webhook_events;
  const events: readonly WebhookEvent[] = Array.isArray(asked)
    ? WEBHOOK_EVENTS.filter((e) => asked.includes(e))
    : END_EVENTS;
  return { url, events };
}

/**
 * The message for a job's end, in the Standard Webhooks shape ({type, timestamp, data}). It says
 * what a client would read from the job's status and artifacts, never the prompt or other inputs.
 */
export function deliveryFor(job: JobHistory, now = new Date()): StoredDelivery | null {
  const hook = webhookOf(job);
  const event = eventOf(job.status);
  if (!hook || !event || !hook.events.includes(event)) return null;
  const body = {
    type: event,
    timestamp: job.finished_at ?? now.toISOString(),
    data: {
      job_id: job.job_id,
      status: job.status,
      preset_id: job.preset_id,
      quality_level: job.quality_level,
      seed: job.seed,
      created_at: job.created_at,
      started_at: job.started_at,
      finished_at: job.finished_at,
      output_url: outputUrl(job),
      artifacts: job.outputs.map((o) => ({
        type: o.type,
        filename: o.filename,
        url: artifactUrl(job.job_id, o.filename),
        content_type: o.content_type,
        size_bytes: o.size_bytes,
        sha256: o.sha256,
        width: o.width,
        height: o.height,
      })),
      error: job.error,
      error_code: job.error_code,
    },
  };
  return pending(`${job.job_id}.${event}`, job.job_id, event, hook.url, body, now);
}

function pending(
  id: string,
  jobId: string,
  event: WebhookEvent,
  url: string,
  body: unknown,
  now: Date,
): StoredDelivery {
  return {
    delivery_id: id,
    job_id: jobId,
    event,
    url,
    status: 'pending',
    created_at: now.toISOString(),
    next_attempt_at: now.toISOString(),
    delivered_at: null,
    attempts: [],
    payload: JSON.stringify(body),
    revision: 0,
  };
}

/** The progress message as a quarter of the run is passed (null unless the job asked for job.progress). */
export function progressDeliveryFor(
  job: JobHistory,
  progress: number,
  milestone: number,
  now = new Date(),
): StoredDelivery | null {
  const hook = webhookOf(job);
  if (!hook || !hook.events.includes('job.progress')) return null;
  const body = {
    type: 'job.progress',
    timestamp: now.toISOString(),
    data: { job_id: job.job_id, status: job.status, preset_id: job.preset_id, progress, milestone },
  };
  return pending(`${job.job_id}.job.progress.${milestone}`, job.job_id, 'job.progress', hook.url, body, now);
}
