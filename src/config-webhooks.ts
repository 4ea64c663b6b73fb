/** Signed webhooks (Standard Webhooks): null secrets means a request with webhook_url is refused. */
export interface WebhookConfig {
  /** Each secret signs every message (several while one is being rotated); null when unset. */
  secrets: string[] | null;
  allowPrivate: boolean;
  /** The waits after the 1st, 2nd, … failed attempt; attempts in all = retries + 1. */
  retryScheduleMs: number[];
  timeoutMs: number;
  concurrency: number;
}

const DURATION = /^(\d{1,9})(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** "5s,30s,2m" → [5000, 30000, 120000]; null when any part is not a duration or there are more than 20. */
export function parseDurations(value: string): number[] | null {
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length > 20) return null;
  const out: number[] = [];
  for (const part of parts) {
    const m = DURATION.exec(part);
    if (!m) return null;
    out.push(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
  }
  return out;
}

/** Standard Webhooks secrets: "whsec_" and the base64 of 24 to 64 random bytes; null when any is not. */
export function parseWebhookSecrets(value: string): string[] | null {
  const secrets = value.split(/[\s,]+/).filter(Boolean);
  if (secrets.length === 0) return null;
  for (const secret of secrets) {
    const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
    if (!m || m[1]!.length % 4 !== 0) return null;
    const bytes = Buffer.from(m[1]!, 'base64').length;
    if (bytes < 24 || bytes > 64) return null;
  }
  return secrets;
}
