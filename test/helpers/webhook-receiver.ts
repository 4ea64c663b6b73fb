import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  /** The payload, if the signature verified with the receiver's secret (null when it did not). */
  verified: unknown;
  answered: number;
  at: number;
}

/**
 * A real webhook receiver on a local port: verifies each request's Standard Webhooks signature
 * with the `standardwebhooks` library (as a user's receiver would) and answers from a script of
 * status codes (the last one repeats). It can be stopped and started again on the same port.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server: Server | null = null;
  private verifier: Webhook;
  port = 0;

  constructor(
    secret: string,
    private script: number[] = [200],
  ) {
    this.verifier = new Webhook(secret);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  answer(script: number[]): void {
    this.script = script;
  }

  async start(port = this.port): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]),
        );
        let verified: unknown = null;
        try {
          verified = this.verifier.verify(body, headers);
        } catch {
          verified = null;
        }
        const n = this.received.length;
        const answered = this.script[Math.min(n, this.script.length - 1)]!;
        this.received.push({ headers, body, verified, answered, at: Date.now() });
        res.writeHead(answered, { 'content-type': 'text/plain' }).end(answered < 300 ? 'ok' : 'not now');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A Standard Webhooks secret for tests: whsec_ and base64 of 32 seeded bytes. */
export function testWebhookSecret(seed = 1): string {
  const bytes = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) bytes[i] = (seed * 31 + i * 17) & 0xff;
  return `whsec_${bytes.toString('base64')}`;
}
