import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorEnvelope } from '../../src/contracts/common.js';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { startService, type TestService } from '../helpers/service.js';
import { scale } from '../helpers/scale.js';
import { tinyPresetsDir } from '../helpers/tiny-presets.js';

let sim: ComfySimulator;
let svc: TestService;
beforeAll(async () => {
  sim = await startComfySimulator({ faults: { hangExecution: true } }); // accepted jobs wait; only the contract is under test
  svc = await startService({
    COMFYUI_URL: sim.url,
    QUEUE_MAX_DEPTH: '1000000',
    AINFLUENCER_PRESETS_DIR: tinyPresetsDir(),
    SHUTDOWN_GRACE_SECONDS: '0',
  });
});
afterAll(async () => {
  await svc.close();
  await sim.close();
});

const RUNS = scale(1500, 10_000);
const PRESETS = ['photoreal_portrait_v1', 'cinematic_portrait_v1'];

const validBody = fc
  .record(
    {
      preset_id: fc.constantFrom(...PRESETS),
      prompt: fc.string({ minLength: 1, maxLength: 300 }),
      negative_prompt: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
      quality_level: fc.option(fc.constantFrom('low', 'standard', 'pro'), { nil: undefined }),
      seed: fc.option(fc.integer({ min: 0, max: 2 ** 32 }), { nil: undefined }),
      consent_given: fc.option(fc.boolean(), { nil: undefined }),
    },
    { requiredKeys: ['preset_id', 'prompt'] },
  )
  .map((b) => JSON.parse(JSON.stringify(b)) as Record<string, unknown>);

/** Mutations that break a valid body in every way a client can. */
const mutated = fc
  .tuple(validBody, fc.nat(11), fc.anything({ maxDepth: 3 }), fc.string({ maxLength: 20 }))
  .map(([body, kind, junk, key]) => {
    const b: Record<string, unknown> = { ...body };
    switch (kind) {
      case 0:
        delete b.prompt;
        break;
      case 1:
        b.prompt = junk;
        break;
      case 2:
        b[key || 'extra'] = junk;
        break;
      case 3:
        b.seed = -1;
        break;
      case 4:
        b.seed = 2 ** 40;
        break;
      case 5:
        b.quality_level = key;
        break;
      case 6:
        b.prompt = 'x'.repeat(2001);
        break;
      case 7:
        b.identity_reference = junk;
        break;
      case 8:
        b.preset_id = junk;
        break;
      case 9:
        b.consent_given = junk;
        break;
      case 10:
        return junk as Record<string, unknown>;
      default:
        b.nested = { deeper: { [key || 'k']: junk } };
    }
    return b;
  });

async function post(body: unknown, raw?: string) {
  const res = await svc.app.inject({
    method: 'POST',
    url: '/api/pipeline/generate/image',
    headers: { 'content-type': 'application/json', prefer: 'respond-async' },
    payload: raw ?? JSON.stringify(body),
  });
  return { status: res.statusCode, json: res.json<Record<string, unknown>>() };
}

describe(`contract fuzz (${RUNS} bodies per property)`, () => {
  it('accepts every valid body (202) and answers with the GenerateResponse', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(validBody, async (body) => {
        const res = await post(body);
        expect(res.status, JSON.stringify(res.json)).toBe(202);
        expect(res.json.status).toBe('queued');
        accepted++;
      }),
      { numRuns: RUNS },
    );
    expect(accepted).toBe(RUNS);
    console.log(`[figures] contract fuzz: ${accepted}/${RUNS} valid bodies accepted`);
  });

  it('never answers 5xx to random or mutated bodies, and every 4xx is the envelope', async () => {
    let fourxx = 0,
      envelopes = 0;
    const input = fc.oneof(
      mutated.map((body) => ({ body })),
      fc.anything({ maxDepth: 4 }).map((body) => ({ body })),
      fc.string().map((raw) => ({ raw })), // not necessarily JSON at all
    );
    await fc.assert(
      fc.asyncProperty(input, async (inp: { body?: unknown; raw?: string }) => {
        const res = 'raw' in inp ? await post(undefined, inp.raw) : await post(inp.body);
        expect(res.status, JSON.stringify(res.json)).toBeLessThan(500);
        if (res.status >= 400) {
          fourxx++;
          if (ErrorEnvelope.safeParse(res.json).success && res.json.error === res.json.error_code) envelopes++;
        }
      }),
      { numRuns: RUNS },
    );
    expect(envelopes).toBe(fourxx);
    console.log(
      `[figures] contract fuzz: ${RUNS} random/mutated bodies, 0 × 5xx, ${envelopes}/${fourxx} 4xx bodies were the envelope`,
    );
    expect(fourxx).toBeGreaterThan(RUNS / 2);
  });

  it('rejects __proto__ and constructor.prototype at any depth, leaving Object.prototype untouched', async () => {
    const payloads = [
      '{"__proto__": {"polluted": 1}, "preset_id": "photoreal_portrait_v1", "prompt": "x"}',
      '{"preset_id": "photoreal_portrait_v1", "prompt": "x", "negative_prompt": {"__proto__": {"polluted": 1}}}',
      '{"constructor": {"prototype": {"polluted": 1}}, "preset_id": "photoreal_portrait_v1", "prompt": "x"}',
      '{"preset_id": "photoreal_portrait_v1", "prompt": "x", "identity_reference": [{"constructor": {"prototype": {"polluted": 1}}}]}',
    ];
    for (const raw of payloads) {
      const res = await post(undefined, raw);
      expect(res.status).toBe(400);
      expect(res.json.error_code).toBe('INVALID_JSON');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  });

  it('fuzzes the cancel and upload routes the same way', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60 }), fc.anything({ maxDepth: 2 }), async (id, junk) => {
        const cancel = await svc.app.inject({
          method: 'POST',
          url: `/api/pipeline/jobs/${encodeURIComponent(id)}/cancel`,
          payload: JSON.stringify(junk),
          headers: { 'content-type': 'application/json' },
        });
        expect(cancel.statusCode).toBeLessThan(500);
        const upload = await svc.app.inject({
          method: 'POST',
          url: '/api/pipeline/uploads',
          payload: JSON.stringify(junk),
          headers: { 'content-type': 'application/json' },
        });
        expect([400, 415]).toContain(upload.statusCode); // empty JSON → 400, any JSON → 415 (multipart only)
        for (const r of [cancel, upload])
          if (r.statusCode >= 400) expect(ErrorEnvelope.safeParse(r.json()).success).toBe(true);
      }),
      { numRuns: scale(300, 10_000) },
    );
  });
});
