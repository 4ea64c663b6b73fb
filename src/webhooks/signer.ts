import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks signatures (the `standardwebhooks` library): `v1,` + base64 HMAC-SHA256 of
 * "<webhook-id>.<webhook-timestamp>.<body>". With several secrets (a rotation in progress) the
 * header carries one signature per secret, space-separated, and a receiver accepts any it knows.
 */
export class WebhookSigner {
  private readonly keys: Webhook[];

  constructor(secrets: readonly string[]) {
    this.keys = secrets.map((s) => new Webhook(s));
  }

  headers(id: string, at: Date, body: string): Record<string, string> {
    return {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': this.keys.map((k) => k.sign(id, at, body)).join(' '),
    };
  }
}
