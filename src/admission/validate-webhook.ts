import type { WebhookConfig } from '../config.js';
import type { GenerateRequest } from '../contracts/generate.js';
import { PipelineError } from '../errors/pipeline-error.js';
import { refuseWebhookUrl } from '../webhooks/target-address.js';

/** A request's webhook: accepted only when the server can sign it and the URL may be reached. */
export function validateWebhook(request: GenerateRequest, config: WebhookConfig): void {
  if (request.webhook_url === undefined) {
    if (request.webhook_events !== undefined)
      throw new PipelineError('INVALID_FIELD_VALUE', 'webhook_events needs webhook_url', {
        errors: [{ field: 'webhook_events', message: 'Only with webhook_url' }],
      });
    return;
  }
  if (!config.secrets)
    throw new PipelineError('WEBHOOKS_NOT_CONFIGURED', 'This server sends no webhooks: WEBHOOK_SECRET is not set', {
      detail: { field: 'webhook_url' },
    });
  const why = refuseWebhookUrl(request.webhook_url, config.allowPrivate);
  if (why)
    throw new PipelineError('WEBHOOK_URL_NOT_ALLOWED', `webhook_url is refused: ${why}`, {
      errors: [{ field: 'webhook_url', message: why }],
      detail: { field: 'webhook_url' },
    });
}
