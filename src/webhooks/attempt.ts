import dns from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, errors as undiciErrors, request } from 'undici';
import type { WebhookAttempt } from '../contracts/webhook.js';
import { SERVICE_NAME, SERVICE_VERSION } from '../util/version.js';
import { isPublicAddress } from './target-address.js';

/** What is read of a receiver's answer: enough to free the connection, never its whole body. */
const MAX_RESPONSE_BYTES = 64 * 1024;

class AddressRefused extends Error {
  override name = 'AddressRefused';
  readonly code = 'EADDRREFUSED_WEBHOOK';
}

/** dns.lookup, refusing names that resolve to any address that is not public (checked at every connection). */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused)
      return callback(new AddressRefused(`${hostname} resolves to ${refused.address}, not a public address`), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
};

export type AttemptResult = Omit<WebhookAttempt, 'number' | 'manual'>;

/**
 * One POST of a webhook: bounded in time (connect, headers and body within `timeoutMs`) and in what
 * is read back; redirects are not followed (a 3xx is a failed attempt). Never throws: every failure
 * is an outcome.
 */
export class WebhookTransport {
  private readonly agent: Agent;

  constructor(private readonly options: { timeoutMs: number; allowPrivate: boolean }) {
    this.agent = new Agent({
      connect: { timeout: options.timeoutMs, ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup }) },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 4_000,
      connections: 16,
    });
  }

  async post(url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<AttemptResult> {
    const started = Date.now();
    const at = new Date(started).toISOString();
    const done = (outcome: AttemptResult['outcome'], status_code: number | null, error: string | null) => ({
      at,
      outcome,
      status_code,
      error,
      latency_ms: Date.now() - started,
    });
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    // A literal address is never looked up, so it is checked here.
    if (!this.options.allowPrivate && isIP(host) !== 0 && !isPublicAddress(host))
      return done('address_refused', null, `${host} is not a public address`);
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': `${SERVICE_NAME}/${SERVICE_VERSION} (webhooks)`,
          ...headers,
        },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      await response.body.dump({ limit: MAX_RESPONSE_BYTES }).catch(() => undefined);
      const code = response.statusCode;
      if (code >= 200 && code < 300) return done('delivered', code, null);
      if (code >= 300 && code < 400) return done('redirect', code, `answered ${code} (redirects are not followed)`);
      return done('http_error', code, `answered ${code}`);
    } catch (err) {
      return done(...classify(err));
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

function classify(err: unknown): [AttemptResult['outcome'], null, string] {
  const e = err as { name?: string; code?: string; message?: string; cause?: unknown };
  if (err instanceof AddressRefused || e.cause instanceof AddressRefused)
    return ['address_refused', null, (e.cause instanceof AddressRefused ? e.cause : e).message ?? 'address refused'];
  if (
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError ||
    e.name === 'TimeoutError'
  )
    return ['timeout', null, 'no answer within WEBHOOK_TIMEOUT_MS'];
  return ['network_error', null, `${e.code ?? e.name ?? 'error'}: ${String(e.message ?? '').slice(0, 200)}`];
}
