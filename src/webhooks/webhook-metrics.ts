import type { WebhookSender } from './webhook-sender.js';

const ATTEMPT_OUTCOMES = [
  'delivered',
  'http_error',
  'redirect',
  'timeout',
  'network_error',
  'address_refused',
] as const;
const ENDS = ['delivered', 'failed', 'superseded'] as const;

/** The webhook series in Prometheus text: attempts and ended deliveries by outcome, and the outbox's backlog. */
export function renderWebhookMetrics(sender: WebhookSender, pending: number): string {
  const { counts } = sender;
  const lines = [
    '# HELP ainfluencer_webhook_attempts_total Webhook delivery attempts since start, by outcome.',
    '# TYPE ainfluencer_webhook_attempts_total counter',
    ...ATTEMPT_OUTCOMES.map((o) => `ainfluencer_webhook_attempts_total{outcome="${o}"} ${counts.attempts.get(o) ?? 0}`),
    '# HELP ainfluencer_webhook_deliveries_total Webhook deliveries that ended since start: delivered, failed (retries used up), superseded (never sent).',
    '# TYPE ainfluencer_webhook_deliveries_total counter',
    ...ENDS.map((o) => `ainfluencer_webhook_deliveries_total{outcome="${o}"} ${counts.ended.get(o) ?? 0}`),
    '# HELP ainfluencer_webhook_stage_failures_total Job ends whose webhook could not be stored (so not sent).',
    '# TYPE ainfluencer_webhook_stage_failures_total counter',
    `ainfluencer_webhook_stage_failures_total ${counts.stageFailures}`,
    '# HELP ainfluencer_webhook_attempt_seconds Time of webhook attempts (sum and count since start).',
    '# TYPE ainfluencer_webhook_attempt_seconds summary',
    `ainfluencer_webhook_attempt_seconds_sum ${counts.latency.sum.toFixed(3)}`,
    `ainfluencer_webhook_attempt_seconds_count ${counts.latency.count}`,
    '# HELP ainfluencer_webhook_pending Webhook deliveries waiting for an attempt.',
    '# TYPE ainfluencer_webhook_pending gauge',
    `ainfluencer_webhook_pending ${pending}`,
  ];
  return `${lines.join('\n')}\n`;
}
