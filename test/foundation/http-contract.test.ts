import { rmSync, writeFileSync, cpSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowPreset } from '../../src/contracts/preset.js';
import { loadPresetRegistry, PresetLoadError } from '../../src/presets/registry.js';
import { repoRoot } from '../../src/util/paths.js';
import { call, expectEnvelope } from '../helpers/http.js';
import { startService, type TestService } from '../helpers/service.js';
import { tempDir } from '../helpers/temp-dirs.js';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
});
afterAll(async () => {
  await svc.close();
});

describe('service routes over a real socket', () => {
  it('GET /api/health answers while the process runs, with engines and their health', async () => {
    const res = await call(svc.url, 'GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ok: true, service: 'ainfluencer-pipeline', version: '0.1.0', status: 'degraded' });
    expect(res.json.uptime_seconds).toBeGreaterThanOrEqual(0);
    expect(res.json.engines).toEqual([
      expect.objectContaining({ engine_id: 'local_comfy', status: 'unhealthy', error_code: 'ENGINE_OFFLINE' }),
    ]);
  });

  it('GET /api lists the entry points', async () => {
    const res = await call(svc.url, 'GET', '/api');
    expect(res.json).toMatchObject({
      ok: true,
      name: 'ainfluencer-pipeline',
      links: { presets: '/api/pipeline/presets', docs: '/docs' },
    });
  });

  it('lists presets in a stable order with photoreal_portrait_v1 first, each valid', async () => {
    const res = await call(svc.url, 'GET', '/api/pipeline/presets');
    expect(res.status).toBe(200);
    expect(res.json.presets.map((p: { id: string }) => p.id)).toEqual([
      'photoreal_portrait_v1',
      'cinematic_portrait_v1',
      'identity_lock_portrait_v1',
      'image_to_video_v1',
    ]);
    for (const p of res.json.presets) expect(WorkflowPreset.safeParse(p).success).toBe(true);
  });

  it('filters presets by category and engine', async () => {
    expect((await call(svc.url, 'GET', '/api/pipeline/presets?category=image_generation')).json.presets).toHaveLength(
      3,
    );
    expect(
      (await call(svc.url, 'GET', '/api/pipeline/presets?category=video_generation')).json.presets.map(
        (p: { id: string }) => p.id,
      ),
    ).toEqual(['image_to_video_v1']);
    expect((await call(svc.url, 'GET', '/api/pipeline/presets?engine=local_comfy')).json.presets).toHaveLength(4);
    expect((await call(svc.url, 'GET', '/api/pipeline/presets?engine=remote_x')).json.presets).toEqual([]);
    const both = await call(svc.url, 'GET', '/api/pipeline/presets?category=image_generation&engine=local_comfy');
    expect(both.json.presets).toHaveLength(3);
    const bad = expectEnvelope(
      await call(svc.url, 'GET', '/api/pipeline/presets?category=poetry'),
      422,
      'CONTRACT_MISMATCH',
    );
    expect(bad.errors[0].field).toBe('category');
    const unknown = expectEnvelope(
      await call(svc.url, 'GET', '/api/pipeline/presets?colour=red'),
      422,
      'CONTRACT_MISMATCH',
    );
    expect(unknown.errors).toEqual([expect.objectContaining({ key: 'colour' })]);
  });

  it('GET /api/pipeline/presets/{id} returns one preset or a 404 envelope', async () => {
    const ok = await call(svc.url, 'GET', '/api/pipeline/presets/identity_lock_portrait_v1');
    expect(ok.json.ok).toBe(true);
    expect(ok.json.preset).toMatchObject({ id: 'identity_lock_portrait_v1', requires_consent: true });
    expect(ok.json.preset.quality_levels.pro).toMatchObject({
      steps: 40,
      cfg: 8.0,
      ip_adapter_weight: 0.8,
      identity_method: 'instantid',
    });
    const missing = expectEnvelope(await call(svc.url, 'GET', '/api/pipeline/presets/nope_v9'), 404, 'FILE_NOT_FOUND');
    expect(missing.detail.available).toContain('photoreal_portrait_v1');
  });

  it('unknown routes and methods get ROUTE_NOT_FOUND envelopes', async () => {
    expectEnvelope(await call(svc.url, 'GET', '/api/nope'), 404, 'ROUTE_NOT_FOUND');
    expectEnvelope(await call(svc.url, 'DELETE', '/api/pipeline/presets'), 404, 'ROUTE_NOT_FOUND');
  });

  it('malformed JSON, empty JSON, wrong content type and oversized bodies get envelopes', async () => {
    const path = '/api/pipeline/generate/image';
    expectEnvelope(
      await call(svc.url, 'POST', path, { body: '{"preset_id": ', headers: { 'content-type': 'application/json' } }),
      400,
      'INVALID_JSON',
    );
    expectEnvelope(
      await call(svc.url, 'POST', path, { body: '', headers: { 'content-type': 'application/json' } }),
      400,
      'INVALID_JSON',
    );
    expectEnvelope(
      await call(svc.url, 'POST', path, { body: 'preset_id=x', headers: { 'content-type': 'text/plain' } }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectEnvelope(
      await call(svc.url, 'POST', path, { json: { preset_id: 'x', prompt: 'y'.repeat(2 * 1024 * 1024) } }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expectEnvelope(
      await call(svc.url, 'POST', path, {
        body: '{"__proto__": {"polluted": true}, "preset_id": "x", "prompt": "y"}',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'INVALID_JSON',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('validation failures are 422 CONTRACT_MISMATCH naming each field, missing ones and unknown keys', async () => {
    const path = '/api/pipeline/generate/image';
    const missing = expectEnvelope(
      await call(svc.url, 'POST', path, { json: { preset_id: 'photoreal_portrait_v1' } }),
      422,
      'CONTRACT_MISMATCH',
    );
    expect(missing.missing_fields).toEqual(['prompt']);
    const many = expectEnvelope(
      await call(svc.url, 'POST', path, {
        json: {
          preset_id: '',
          prompt: 'x'.repeat(2001),
          quality_level: 'ultra',
          seed: 2 ** 32 + 1,
          consent_given: 'yes',
          identity_reference: 'abc',
          colour: 'red',
        },
      }),
      422,
      'CONTRACT_MISMATCH',
    );
    const fields = many.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'preset_id',
        'prompt',
        'quality_level',
        'seed',
        'consent_given',
        'identity_reference',
        'colour',
      ]),
    );
    expect(many.errors.find((e: { field: string }) => e.field === 'colour').key).toBe('colour');
    const noBody = expectEnvelope(await call(svc.url, 'POST', path), 422, 'CONTRACT_MISMATCH');
    expect(noBody.missing_fields.length).toBeGreaterThan(0);
  });

  it('serves the OpenAPI document listing every route and schema, and the docs UI', async () => {
    const doc = (await call(svc.url, 'GET', '/docs/json')).json;
    expect(doc.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    for (const r of [
      'GET /api/health',
      'GET /api',
      'GET /api/pipeline/presets',
      'GET /api/pipeline/presets/{preset_id}',
      'POST /api/pipeline/generate/image',
      'GET /api/pipeline/jobs/{job_id}',
      'GET /api/pipeline/jobs/{job_id}/artifacts',
      'GET /api/pipeline/jobs/{job_id}/artifacts/{filename}',
      'POST /api/pipeline/uploads',
      'GET /api/pipeline/engines',
    ])
      expect(routes).toContain(r);
    const gen = doc.paths['/api/pipeline/generate/image'].post;
    const body = gen.requestBody.content['application/json'].schema;
    expect(body.additionalProperties).toBe(false);
    expect(body.required).toEqual(expect.arrayContaining(['preset_id', 'prompt']));
    for (const [name, prop] of Object.entries(body.properties as Record<string, { description?: string }>))
      expect(prop.description, name).toBeTruthy();
    expect(gen.responses['200']).toBeDefined();
    expect(gen.responses['422']).toBeDefined();
    // Headers the handlers read, the multipart upload, and the answers that are not JSON.
    const headerNames = (op: any) =>
      (op.parameters ?? []).filter((p: any) => p.in === 'header').map((p: any) => p.name as string);
    expect(headerNames(gen)).toEqual(expect.arrayContaining(['prefer', 'idempotency-key']));
    const upload = doc.paths['/api/pipeline/uploads'].post;
    expect(upload.requestBody.content['multipart/form-data'].schema.properties.image).toMatchObject({
      type: 'string',
      format: 'binary',
    });
    const events = doc.paths['/api/pipeline/jobs/{job_id}/events'].get;
    expect(Object.keys(events.responses['200'].content)).toEqual(['text/event-stream']);
    expect(headerNames(events)).toContain('last-event-id');
    const file = doc.paths['/api/pipeline/jobs/{job_id}/artifacts/{filename}'].get;
    expect(file.responses['200'].content['image/png'].schema).toMatchObject({ type: 'string', format: 'binary' });
    expect(Object.keys(file.responses)).toEqual(expect.arrayContaining(['200', '206', '404', '416']));
    expect(headerNames(file)).toEqual(expect.arrayContaining(['range', 'if-range']));
    expect(Object.keys(doc.paths['/metrics'].get.responses['200'].content)).toEqual(['text/plain; version=0.0.4']);
    // Every field of every request and response schema, and every parameter, is described.
    const undescribed: string[] = [];
    const walk = (schema: any, where: string) => {
      if (!schema || typeof schema !== 'object') return;
      for (const [k, v] of Object.entries((schema.properties ?? {}) as Record<string, any>)) {
        if (!v.description && !(v.anyOf ?? []).some((x: any) => x.description)) undescribed.push(`${where}.${k}`);
        walk(v, `${where}.${k}`);
      }
      if (schema.items) walk(schema.items, `${where}[]`);
      for (const k of ['anyOf', 'oneOf', 'allOf']) for (const sub of schema[k] ?? []) walk(sub, where);
    };
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [m, op] of Object.entries(ops)) {
        for (const prm of op.parameters ?? []) if (!prm.description) undescribed.push(`${m} ${p} ${prm.name}`);
        walk(op.requestBody?.content?.['application/json']?.schema, `${m} ${p} body`);
        for (const [code, r] of Object.entries<any>(op.responses ?? {}))
          walk(r.content?.['application/json']?.schema, `${m} ${p} ${code}`);
      }
    }
    expect(undescribed).toEqual([]);
    const ui = await fetch(`${svc.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/swagger/i);
  });

  it('answers CORS preflights for the configured origins only', async () => {
    const allowed = await fetch(`${svc.url}/api/pipeline/generate/image`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:3000',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, idempotency-key',
      },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(allowed.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST, PUT, DELETE, OPTIONS');
    expect(allowed.headers.get('access-control-allow-headers')).toEqual(expect.stringContaining('idempotency-key'));
    expect(allowed.headers.get('access-control-max-age')).toBe('600');
    expect(allowed.headers.get('vary')).toContain('Origin');
    const deniedPreflight = await fetch(`${svc.url}/api/pipeline/generate/image`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST' },
    });
    expect(deniedPreflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(deniedPreflight.headers.get('access-control-allow-methods')).toBeNull();
    const other = await fetch(`${svc.url}/api/pipeline/presets`, { headers: { origin: 'http://evil.test' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('vary')).toContain('Origin');
  });

  it('gives browsers CORS headers on actual responses (errors too) and other clients none', async () => {
    const ok = await fetch(`${svc.url}/api/pipeline/presets`, { headers: { origin: 'http://localhost:3000' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(ok.headers.get('access-control-expose-headers')).toBe('x-request-id, location, retry-after');
    expect(ok.headers.get('vary')).toContain('Origin');
    const notFound = await fetch(`${svc.url}/api/pipeline/jobs/nope`, { headers: { origin: 'http://localhost:3000' } });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const curl = await fetch(`${svc.url}/api/pipeline/presets`);
    expect([...curl.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
    expect(curl.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('multipart bodies are accepted by the upload route only', async () => {
    const form = new FormData();
    form.append('preset_id', 'photoreal_portrait_v1');
    expectEnvelope(
      await call(svc.url, 'POST', '/api/pipeline/generate/image', { body: form }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('a query string that is absent parses to the same defaults on every request, never shared', async () => {
    const first = await call(svc.url, 'GET', '/api/pipeline/jobs');
    const second = await call(svc.url, 'GET', '/api/pipeline/jobs?limit=1');
    const third = await call(svc.url, 'GET', '/api/pipeline/jobs');
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(third.json).toEqual(first.json);
    expectEnvelope(await call(svc.url, 'GET', '/api/pipeline/jobs?limit=0'), 422, 'CONTRACT_MISMATCH');
  });

  it('request logs never contain authorization, cookie or API-key header values', async () => {
    await fetch(`${svc.url}/api/pipeline/presets`, {
      headers: {
        authorization: 'Bearer sk-live-abcdefghijklmnop1234',
        cookie: 'session=s3cr3tcookie',
        'x-api-key': 'hf_abcdefghijklmnopqrstuvwxyz',
      },
    });
    const logs = svc.logLines.join('');
    expect(logs).not.toContain('sk-live-abcdefghijklmnop1234');
    expect(logs).not.toContain('s3cr3tcookie');
    expect(logs).not.toContain('hf_abcdefghijklmnopqrstuvwxyz');
  });

  it('echoes a request id in responses and envelopes', async () => {
    const res = await call(svc.url, 'GET', '/api/pipeline/presets/nope', { headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-123');
    expect(res.json.request_id).toBe('trace-123');
  });
});

describe('access control', () => {
  let guarded: TestService;
  const token = 'test-token-0123456789abcdef';
  beforeAll(async () => {
    guarded = await startService({ AINFLUENCER_API_TOKEN: token });
  });
  afterAll(async () => {
    await guarded.close();
  });

  it('leaves /api/health open and requires the bearer token elsewhere', async () => {
    expect((await call(guarded.url, 'GET', '/api/health')).status).toBe(200);
    expectEnvelope(await call(guarded.url, 'GET', '/api/pipeline/presets'), 401, 'AUTH_MISSING');
    expectEnvelope(
      await call(guarded.url, 'GET', '/api/pipeline/presets', {
        headers: { authorization: 'Bearer wrong-token-0123456789' },
      }),
      401,
      'AUTH_INVALID',
    );
    expect(
      (await call(guarded.url, 'GET', '/api/pipeline/presets', { headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(200);
    expect(guarded.logLines.join('')).not.toContain(token);
  });
});

describe('preset files', () => {
  const dirs: string[] = [];
  const copyPresets = () => {
    const dir = tempDir('presets');
    dirs.push(dir);
    cpSync(path.join(repoRoot, 'presets'), dir, { recursive: true });
    return dir;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('the shipped presets carry the Phase 1 numbers', () => {
    const reg = loadPresetRegistry(path.join(repoRoot, 'presets'));
    const photo = reg.get('photoreal_portrait_v1')!.preset;
    expect(photo.quality_levels).toMatchObject({
      low: { steps: 25, cfg: 6.5, face_restoration: false, upscale: false },
      standard: { steps: 40, cfg: 7.5, face_restoration: true, upscale: false },
      pro: { steps: 50, cfg: 8.0, face_restoration: true, upscale: 2 },
    });
    const cine = reg.get('cinematic_portrait_v1')!.preset;
    expect(cine.quality_levels).toMatchObject({
      low: { steps: 30, cfg: 7.0, film_grain: true, tone_mapping: false, color_grading: false },
      standard: { steps: 35, cfg: 7.5, tone_mapping: true },
      pro: { steps: 40, cfg: 8.0, color_grading: true },
    });
    const id = reg.get('identity_lock_portrait_v1')!.preset;
    expect(id.required_inputs.map((i) => i.name)).toEqual(['prompt', 'identity_reference']);
    expect(id.failure_modes.map((f) => f.code)).toEqual(['ENGINE_OFFLINE', 'DEPENDENCY_MISSING', 'CONSENT_MISSING']);
    for (const p of reg.list()) {
      expect(p.category).toBe(p.id === 'image_to_video_v1' ? 'video_generation' : 'image_generation');
      expect(p.engine_requirements).toEqual(['local_comfy']);
      expect(p.content_restrictions).toContain('no_nsfw');
    }
  });

  it('a broken file stops loading with a message naming the file and the field', () => {
    const dir = copyPresets();
    const file = path.join(dir, 'cinematic_portrait_v1.json');
    const preset = JSON.parse(JSON.stringify(loadPresetRegistry(dir).get('cinematic_portrait_v1')!.preset));
    preset.quality_levels.pro.steps = 'many';
    writeFileSync(file, JSON.stringify(preset));
    expect(() => loadPresetRegistry(dir)).toThrow(PresetLoadError);
    expect(() => loadPresetRegistry(dir)).toThrow(/cinematic_portrait_v1\.json: field "quality_levels\.pro\.steps"/);
    writeFileSync(file, '{ not json');
    expect(() => loadPresetRegistry(dir)).toThrow(/cinematic_portrait_v1\.json: not valid JSON/);
    preset.quality_levels.pro.steps = 40;
    preset.surprise = true;
    writeFileSync(file, JSON.stringify(preset));
    expect(() => loadPresetRegistry(dir)).toThrow(/field "surprise"/);
  });
});

describe('logging above info level (no per-request child loggers)', () => {
  let quiet: TestService;
  beforeAll(async () => {
    quiet = await startService({ LOG_LEVEL: 'warn' });
  });
  afterAll(async () => {
    await quiet.close();
  });

  it('still logs server-side failures with their request id, and nothing per request', async () => {
    await call(quiet.url, 'GET', '/api/pipeline/presets');
    expect(quiet.logLines.join('')).not.toContain('request completed');
    const res = await call(quiet.url, 'POST', '/api/pipeline/generate/image', {
      json: { preset_id: 'photoreal_portrait_v1', prompt: 'offline engine', quality_level: 'low' },
      headers: { 'x-request-id': 'quiet-trace-1', authorization: 'Bearer sk-live-abcdefghijklmnop1234' },
    });
    expectEnvelope(res, 503, 'ENGINE_OFFLINE');
    const lines = quiet.logLines.map((l) => JSON.parse(l));
    const failure = lines.find((l) => l.msg === 'request failed');
    expect(failure).toMatchObject({ reqId: 'quiet-trace-1', error_code: 'ENGINE_OFFLINE' });
    expect(quiet.logLines.join('')).not.toContain('sk-live-abcdefghijklmnop1234');
  });
});
