import { request as httpRequest } from 'node:http';
import { expect } from 'vitest';
import { ErrorEnvelope } from '../../src/contracts/common.js';

export async function call(
  base: string,
  method: string,
  path: string,
  init: { json?: unknown; body?: string | Buffer | FormData; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  let body: string | Buffer | FormData | undefined = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Assert the taxonomy envelope with the given status and code; returns it. */
export function expectEnvelope(res: { status: number; json: any; text: string }, status: number, code: string) {
  expect(res.status, res.text).toBe(status);
  const parsed = ErrorEnvelope.safeParse(res.json);
  expect(parsed.success, res.text).toBe(true);
  expect(res.json.ok).toBe(false);
  expect(res.json.error).toBe(code);
  expect(res.json.error_code).toBe(code);
  expect(res.json.remediation.length).toBeGreaterThanOrEqual(1);
  expect(typeof res.json.request_id).toBe('string');
  expect(res.text).not.toMatch(/\bat .*\.(ts|js):\d+|node_modules|\/work\/|\/tmp\//);
  return res.json;
}

/** A request whose path is sent byte for byte (fetch would resolve dot segments first). */
export function rawRequest(base: string, method: string, rawPath: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path: rawPath, headers: { connection: 'close' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        // SSE streams of real jobs would stay open: read the first chunk and close.
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          res.once('data', (c: string) => {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, text: c });
          });
        }
      },
    );
    req.on('error', reject);
    req.end();
  });
}
