import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../src/config.js';
import { pngChunk } from '../../src/util/png.js';
import { call, expectEnvelope } from '../helpers/http.js';
import { referenceJpeg, referencePng } from '../helpers/png-fixture.js';
import { startService, useSimulatedService } from '../helpers/service.js';
import { tinyPresetsDir } from '../helpers/tiny-presets.js';

/**
 * What a hostile client (or a page in the user's browser) can send, over real sockets: the service
 * answers each with the taxonomy envelope, stores nothing it should not, serves nothing a browser
 * would run, and no slow or endless request holds it.
 */
const ctx = useSimulatedService({
  AINFLUENCER_PRESETS_DIR: tinyPresetsDir(),
  REQUEST_TIMEOUT_MS: '1500',
  SSE_MAX_STREAMS: '4',
  SSE_MAX_STREAMS_PER_JOB: '2',
  UPLOAD_MAX_PIXELS: '1000000',
  HEALTH_CACHE_MS: '1500',
});

/** Raw HTTP/1.1 on a socket: what a client that does not play by the rules sends. */
function rawSocket(base: string): Promise<Socket> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname, () => resolve(s));
    s.on('error', reject);
  });
}
function readAll(s: Socket, ms: number): Promise<{ text: string; closed: boolean; afterMs: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve({ text, closed: false, afterMs: Date.now() - started }), ms);
    s.on('data', (c) => {
      text += String(c);
    });
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true, afterMs: Date.now() - started });
    });
    s.on('error', () => undefined);
  });
}
const envelopeOf = (raw: string) => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
const statusOf = (raw: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);

function send(
  base: string,
  method: string,
  p: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: u.hostname, port: u.port, method, path: p, headers: { connection: 'close', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += String(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
const expectRawEnvelope = (res: { status: number; text: string }, status: number, code: string) => {
  expect(res.status, res.text).toBe(status);
  const json = JSON.parse(res.text);
  expect(json).toMatchObject({ ok: false, error_code: code });
  expect(json.remediation.length).toBeGreaterThan(0);
};

/** A PNG whose header claims width×height and whose image data inflates to `rawBytes` zeros. */
function craftedPng(width: number, height: number, rawBytes: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(rawBytes))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
const upload = (bytes: Buffer, headers: Record<string, string> = {}) => {
  const form = new FormData();
  form.append('image', new Blob([bytes], { type: 'image/png' }), 'face.png');
  return fetch(`${ctx.svc.url}/api/pipeline/uploads`, { method: 'POST', body: form, headers })
    .then(async (r) => ({ status: r.status, text: await r.text(), json: await Promise.resolve(null) }))
    .then((r) => ({ ...r, json: r.text ? JSON.parse(r.text) : null, headers: new Headers() }));
};
const uploadsOnDisk = () => {
  try {
    return readdirSync(path.join(ctx.svc.dataDir, 'uploads'));
  } catch {
    return [];
  }
};

describe('stored XSS: artifacts are served by what their bytes are', () => {
  it('an output that claims to be a PNG but is HTML is stored as .bin and served as an attachment under a sandbox CSP', async () => {
    ctx.sim.setFaults({ hostile: { '/view': { kind: 'wrong-shape' } } });
    const res = await call(ctx.svc.url, 'POST', '/api/pipeline/generate/image', {
      json: { preset_id: 'photoreal_portrait_v1', prompt: 'xss', quality_level: 'low' },
    });
    expect(res.status, res.text).toBe(200);
    const arts = await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${res.json.job_id}/artifacts`);
    const art = arts.json.artifacts[0];
    expect(art).toMatchObject({ type: 'file', content_type: 'application/octet-stream' });
    expect(art.filename).toMatch(/^file_001\.bin$/);
    const dl = await fetch(`${ctx.svc.url}${art.url}`);
    expect(dl.headers.get('content-type')).toBe('application/octet-stream');
    expect(dl.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(dl.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(dl.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('a real PNG is served inline, with the same CSP', async () => {
    const res = await call(ctx.svc.url, 'POST', '/api/pipeline/generate/image', {
      json: { preset_id: 'photoreal_portrait_v1', prompt: 'png', quality_level: 'low' },
    });
    const arts = await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${res.json.job_id}/artifacts`);
    const dl = await fetch(`${ctx.svc.url}${arts.json.artifacts[0].url}`);
    expect(dl.headers.get('content-type')).toBe('image/png');
    expect(dl.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(dl.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  });
});

describe('slow and endless requests are bounded', () => {
  it('a body that trickles is cut at REQUEST_TIMEOUT_MS with a 408 envelope', async () => {
    const s = await rawSocket(ctx.svc.url);
    s.write(
      'POST /api/pipeline/generate/image HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    );
    const timer = setInterval(() => {
      if (!s.destroyed) s.write(' ');
    }, 200);
    const got = await readAll(s, 8_000);
    clearInterval(timer);
    expect(got.closed).toBe(true);
    expect(got.afterMs).toBeLessThan(4_000);
    expect(statusOf(got.text), got.text).toBe(408);
    expect(envelopeOf(got.text)).toMatchObject({ ok: false, error_code: 'REQUEST_TIMEOUT' });
  });

  it('headers that never finish are cut too', async () => {
    const s = await rawSocket(ctx.svc.url);
    s.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const timer = setInterval(() => {
      if (!s.destroyed) s.write('X-Slow: 1\r\n');
    }, 200);
    const got = await readAll(s, 8_000);
    clearInterval(timer);
    expect(got.closed).toBe(true);
    expect(got.afterMs).toBeLessThan(4_000);
  });

  it('an endless chunked upload gets 413 at the limit and its connection is closed', async () => {
    const s = await rawSocket(ctx.svc.url);
    s.write(
      'POST /api/pipeline/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=XX\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const head =
      '--XX\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n';
    s.write(`${Buffer.byteLength(head).toString(16)}\r\n${head}\r\n`);
    const chunk = Buffer.alloc(256 * 1024, 7);
    let sent = 0;
    let stop = false;
    const pump = () => {
      while (!stop && !s.destroyed) {
        sent += chunk.length;
        if (!s.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])))
          return void s.once('drain', pump);
      }
    };
    pump();
    const got = await readAll(s, 10_000);
    stop = true;
    expect(statusOf(got.text), got.text.slice(0, 300)).toBe(413);
    expect(envelopeOf(got.text)).toMatchObject({ error_code: 'PAYLOAD_TOO_LARGE' });
    expect(got.closed).toBe(true);
    expect(got.afterMs).toBeLessThan(5_000); // cut off, not read for ever
    console.log(
      `[figures] endless upload: 413 and closed after ${got.afterMs} ms, ${(sent / 1048576).toFixed(0)} MiB sent`,
    );
  });

  it('an endless chunked JSON body gets 413 at BODY_LIMIT_BYTES and the connection closes', async () => {
    const s = await rawSocket(ctx.svc.url);
    s.write(
      'POST /api/pipeline/generate/image HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const piece = Buffer.alloc(64 * 1024, 0x20);
    let stop = false;
    const pump = () => {
      while (!stop && !s.destroyed)
        if (!s.write(Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')])))
          return void s.once('drain', pump);
    };
    pump();
    const got = await readAll(s, 10_000);
    stop = true;
    expect(statusOf(got.text)).toBe(413);
    expect(got.closed).toBe(true);
  });

  it('event streams are capped per job and in total with a 503 envelope', async () => {
    const job = await call(ctx.svc.url, 'POST', '/api/pipeline/generate/image', {
      json: { preset_id: 'photoreal_portrait_v1', prompt: 'sse', quality_level: 'low' },
    });
    const id = job.json.job_id as string;
    ctx.sim.setFaults({ hangExecution: true });
    const open: AbortController[] = [];
    const openStream = async (jobId: string) => {
      const c = new AbortController();
      const res = await fetch(`${ctx.svc.url}/api/pipeline/jobs/${jobId}/events`, { signal: c.signal });
      if (res.status === 200) open.push(c);
      return res;
    };
    // A running job keeps its streams open.
    const running = await call(ctx.svc.url, 'POST', '/api/pipeline/generate/image', {
      json: { preset_id: 'photoreal_portrait_v1', prompt: 'held', quality_level: 'low' },
      headers: { prefer: 'respond-async' },
    });
    const rid = running.json.job_id as string;
    try {
      expect((await openStream(rid)).status).toBe(200);
      expect((await openStream(rid)).status).toBe(200);
      const third = await openStream(rid);
      expect(third.status).toBe(503);
      expect(((await third.json()) as { error_code: string }).error_code).toBe('SERVICE_UNAVAILABLE');
      expect(third.headers.get('retry-after')).toBe('5');
      // A finished job's stream ends by itself and frees its place.
      const done = await fetch(`${ctx.svc.url}/api/pipeline/jobs/${id}/events`);
      expect(done.status).toBe(200);
      await done.text();
    } finally {
      for (const c of open) c.abort();
      await call(ctx.svc.url, 'POST', `/api/pipeline/jobs/${rid}/cancel`);
    }
    // Closed streams give their places back.
    const end = Date.now() + 3_000;
    let again = 0;
    while (Date.now() < end && again !== 200) {
      const r = await fetch(`${ctx.svc.url}/api/pipeline/jobs/${id}/events`);
      again = r.status;
      await r.text();
    }
    expect(again).toBe(200);
  });
});

describe('unauthenticated bodies are not waited for', () => {
  it('a slow body without a token gets its 401 at once and its connection closed', async () => {
    const svc = await startService({
      COMFYUI_URL: ctx.sim.url,
      AINFLUENCER_API_TOKEN: 'a-long-enough-test-token-0123456789',
      REQUEST_TIMEOUT_MS: '20000',
    });
    try {
      const s = await rawSocket(svc.url);
      s.write(
        'POST /api/pipeline/generate/image HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
      );
      const timer = setInterval(() => {
        if (!s.destroyed) s.write(' ');
      }, 100);
      const got = await readAll(s, 10_000);
      clearInterval(timer);
      expect(statusOf(got.text)).toBe(401);
      expect(envelopeOf(got.text).error_code).toBe('AUTH_MISSING');
      expect(got.closed).toBe(true);
      expect(got.afterMs).toBeLessThan(2_000); // not the 20 s request timeout
    } finally {
      await svc.close();
    }
  });
});

describe('connections are capped', () => {
  it('past MAX_CONNECTIONS new connections are closed at once; the held ones still work', async () => {
    const svc = await startService({ COMFYUI_URL: ctx.sim.url, MAX_CONNECTIONS: '4' });
    const held: Socket[] = [];
    try {
      for (let i = 0; i < 4; i++) held.push(await rawSocket(svc.url));
      // The server has taken all four before the fifth arrives.
      const connections = () => new Promise<number>((resolve) => svc.app.server.getConnections((_e, n) => resolve(n)));
      for (const end = Date.now() + 5_000; (await connections()) < 4 && Date.now() < end;)
        await new Promise((r) => setTimeout(r, 5));
      const extra = await rawSocket(svc.url);
      const got = await readAll(extra, 3_000);
      expect(got.closed).toBe(true);
      expect(got.text).toBe('');
      held[0]!.write('GET /api/pipeline/presets HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      const answer = await readAll(held[0]!, 3_000);
      expect(statusOf(answer.text)).toBe(200);
    } finally {
      for (const s of held) s.destroy();
      await svc.close();
    }
  });
});

describe('loopback means loopback', () => {
  it('without a token, a request whose Host is not a loopback name is refused (DNS rebinding)', async () => {
    for (const host of ['evil.example', 'evil.example:8000', '192.168.1.5:8000', 'localhost.evil.example']) {
      expectRawEnvelope(await send(ctx.svc.url, 'GET', '/api/pipeline/presets', { host }), 403, 'HOST_NOT_ALLOWED');
    }
    for (const host of ['localhost:8000', '127.0.0.1', '[::1]:8000', 'LOCALHOST', 'app.localhost:8000']) {
      expect((await send(ctx.svc.url, 'GET', '/api/pipeline/presets', { host })).status, host).toBe(200);
    }
  });

  it('state-changing requests from origins not in CORS_ORIGINS are refused, multipart uploads included', async () => {
    const before = uploadsOnDisk().length;
    const res = await upload(referencePng(), { origin: 'http://evil.example' });
    expect(res.status, res.text).toBe(403);
    expect(res.json.error_code).toBe('ORIGIN_NOT_ALLOWED');
    expect(uploadsOnDisk().length).toBe(before);
    expectEnvelope(
      await call(ctx.svc.url, 'POST', '/api/pipeline/generate/image', {
        json: { preset_id: 'photoreal_portrait_v1', prompt: 'x' },
        headers: { origin: 'null' },
      }),
      403,
      'ORIGIN_NOT_ALLOWED',
    );
    // The configured frontend and the service's own pages (the /docs "try it out") may.
    expect((await upload(referencePng(), { origin: 'http://localhost:3000' })).status).toBe(201);
    expect((await upload(referencePng(), { origin: ctx.svc.url })).status).toBe(201);
    // Reads are CORS's business, not refused.
    expect(
      (await call(ctx.svc.url, 'GET', '/api/pipeline/presets', { headers: { origin: 'http://evil.example' } })).status,
    ).toBe(200);
  });
});

describe('uploads are real images', () => {
  it('refuses truncated, corrupt and oversized images, and keeps nothing of them', async () => {
    const before = uploadsOnDisk().length;
    const png = referencePng();
    const badCrc = Buffer.from(png);
    badCrc[40] = badCrc[40]! ^ 0xff;
    const jpeg = referenceJpeg(32, 32);
    const hugeJpeg = Buffer.from(jpeg);
    const sof = hugeJpeg.indexOf(Buffer.from([0xff, 0xc0]));
    hugeJpeg.writeUInt16BE(60_000, sof + 5);
    hugeJpeg.writeUInt16BE(60_000, sof + 7);
    const cases: [string, Buffer][] = [
      ['a PNG cut in half', png.subarray(0, Math.floor(png.length / 2))],
      ['a PNG with a broken CRC', badCrc],
      ['a PNG whose header claims 20000×20000 pixels', craftedPng(20_000, 20_000, 1000)],
      ['a PNG whose data inflates past its header (a bomb)', craftedPng(100, 100, 20 * 1024 * 1024)],
      ['a PNG whose data is shorter than its header', craftedPng(100, 100, 100)],
      ['a JPEG without its end', jpeg.subarray(0, jpeg.length - 2)],
      ['a JPEG claiming 60000×60000 pixels', hugeJpeg],
    ];
    for (const [label, bytes] of cases) {
      const res = await upload(bytes);
      expect(res.status, `${label}: ${res.text}`).toBe(422);
      expect(res.json.error_code, label).toBe('INVALID_IMAGE');
    }
    expect(uploadsOnDisk().length).toBe(before);
    const ok = await upload(referenceJpeg(40, 24));
    expect(ok.status, ok.text).toBe(201);
    expect(ok.json.upload).toMatchObject({ content_type: 'image/jpeg', width: 40, height: 24 });
  });
});

describe('every malformed request gets the envelope', () => {
  it('bad URLs, over-long parameters, multipart without a boundary and static traversal', async () => {
    expectRawEnvelope(await send(ctx.svc.url, 'GET', '/api/pipeline/jobs/%E0%A4%A'), 400, 'VALIDATION_ERROR');
    expectRawEnvelope(
      await send(ctx.svc.url, 'GET', `/api/pipeline/jobs/${'a'.repeat(5000)}`),
      414,
      'VALIDATION_ERROR',
    );
    expectRawEnvelope(
      await send(
        ctx.svc.url,
        'POST',
        '/api/pipeline/uploads',
        { 'content-type': 'multipart/form-data', 'content-length': '5' },
        'hello',
      ),
      400,
      'VALIDATION_ERROR',
    );
    for (const p of [
      '/docs/static/../../package.json',
      '/docs/static/%2e%2e/%2e%2e/package.json',
      '/docs/static/..%2f..%2fpackage.json',
    ]) {
      const res = await send(ctx.svc.url, 'GET', p);
      expect(res.status, p).toBeGreaterThanOrEqual(400);
      expect(res.status, p).toBeLessThan(500);
      expect(JSON.parse(res.text).ok, p).toBe(false);
    }
    const s = await rawSocket(ctx.svc.url);
    s.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    const got = await readAll(s, 5_000);
    expect(statusOf(got.text)).toBe(431);
    expect(envelopeOf(got.text).ok).toBe(false);
    const garbage = await rawSocket(ctx.svc.url);
    garbage.write('THIS IS NOT HTTP\r\n\r\n');
    const g = await readAll(garbage, 5_000);
    expect(statusOf(g.text)).toBe(400);
    expect(envelopeOf(g.text).ok).toBe(false);
  });

  it('none of them logs an error with a stack trace', () => {
    const errors = ctx.svc.logLines.filter((l) => /"level":(50|60)/.test(l));
    expect(errors, errors.join('\n').slice(0, 2000)).toEqual([]);
  });
});

describe('secrets stay secret', () => {
  it('credential-named query values are redacted in request logs', async () => {
    await call(
      ctx.svc.url,
      'GET',
      '/api/health?token=s3cr3t-query-token-1&api_token=s3cr3t-query-token-2&access_token=s3cr3t-query-token-3&key=s3cr3t-query-token-4&preset=photoreal',
    );
    const lines = ctx.svc.logLines.join('\n');
    expect(lines).not.toContain('s3cr3t-query-token');
    expect(lines).toContain('preset=photoreal');
  });

  it('a refused configuration never echoes a credential', () => {
    const refused = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return '';
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
    };
    const url = refused({ COMFYUI_URL: 'http://admin:hunter2-password@comfy.internal:8188' });
    expect(url).toContain('COMFYUI_URL');
    expect(url).not.toContain('hunter2');
    const token = refused({ AINFLUENCER_API_TOKEN: 'short-secret' });
    expect(token).toContain('AINFLUENCER_API_TOKEN');
    expect(token).not.toContain('short-secret');
    expect(token).toContain('12 characters');
  });

  it('a burst of health calls is one ComfyUI probe', async () => {
    // A service of its own, so no earlier call's cached probe answers for the burst.
    const own = await startService({ COMFYUI_URL: ctx.sim.url });
    try {
      const before = ctx.sim.requestCounts.get('GET /system_stats') ?? 0;
      const all = await Promise.all(Array.from({ length: 50 }, () => call(own.url, 'GET', '/api/health')));
      for (const r of all) expect(r.status).toBe(200);
      expect((ctx.sim.requestCounts.get('GET /system_stats') ?? 0) - before).toBe(1);
    } finally {
      await own.close();
    }
  });
});
