import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import type { HostileAnswer, HostileSocket } from '../../src/sim/faults.js';
import { ERROR_CODES } from '../../src/errors/taxonomy.js';
import { call } from '../helpers/http.js';
import { startService, type TestService } from '../helpers/service.js';
import { referencePng } from '../helpers/png-fixture.js';
import { tinyPresetsDir } from '../helpers/tiny-presets.js';
import { FULL, scale } from '../helpers/scale.js';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Every route the service calls on ComfyUI, answered in every broken way a real server or a proxy
 * in front of it answers: each ends in success or a classified taxonomy error, within the job's
 * deadline, and nothing escapes as an uncaught error. One simulator and one service per route, so
 * the routes run side by side.
 */
const DEADLINE_S = 3;
const SLACK_MS = 5_000;
const ANSWERS: Record<string, HostileAnswer> = {
  'status 500': { kind: 'status', status: 500, body: '500 Internal Server Error' },
  'status 503 empty': { kind: 'status', status: 503 },
  'status 404': { kind: 'status', status: 404, body: '404: Not Found' },
  'status 403': { kind: 'status', status: 403 },
  'status 302': { kind: 'status', status: 302 },
  'status 429': { kind: 'status', status: 429, body: 'slow down' },
  reset: { kind: 'reset' },
  'reset mid-body': { kind: 'reset-mid-body' },
  trickle: { kind: 'trickle' },
  endless: { kind: 'endless' },
  'oversized (200 MB)': { kind: 'oversized', bytes: 200 * 1024 * 1024 },
  garbage: { kind: 'garbage' },
  'wrong shape': { kind: 'wrong-shape' },
};
// At full size (npm run test:chaos) every status a server or proxy plausibly answers, each case repeated.
if (FULL) {
  for (const status of [301, 304, 400, 401, 405, 408, 409, 410, 413, 414, 431, 501, 502, 504, 520, 599]) {
    ANSWERS[`status ${status}`] = { kind: 'status', status, body: `${status}` };
  }
}
const REPEAT = scale(1, 3);
const SOCKETS: HostileSocket[] = ['garbage', 'oversized', 'refuse-upgrade', 'hang-upgrade'];

/** Peak resident memory of this process (service and simulator together) while the suite runs. */
let peakRss = 0;
const baseRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
sampler.unref();

/** Bytes and temp files under a data folder. */
function diskUse(dir: string): { bytes: number; temps: number } {
  let bytes = 0,
    temps = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    bytes += statSync(path.join(entry.parentPath, entry.name)).size;
    if (entry.name.endsWith('.tmp')) temps++;
  }
  return { bytes, temps };
}

const unexpected: unknown[] = [];
const onUnexpected = (err: unknown) => {
  unexpected.push(err);
};
beforeAll(() => {
  process.on('uncaughtException', onUnexpected);
  process.on('unhandledRejection', onUnexpected);
});
afterAll(() => {
  process.off('uncaughtException', onUnexpected);
  process.off('unhandledRejection', onUnexpected);
});

async function withPair<T>(fn: (sim: ComfySimulator, svc: TestService) => Promise<T>): Promise<T> {
  const sim = await startComfySimulator();
  const svc = await startService({
    COMFYUI_URL: sim.url,
    AINFLUENCER_PRESETS_DIR: tinyPresetsDir(),
    JOB_DEADLINE_SECONDS: String(DEADLINE_S),
    COMFYUI_HTTP_TIMEOUT_MS: '1000',
    COMFYUI_HEALTH_TIMEOUT_MS: '500',
    HEALTH_CACHE_MS: '0',
    COMFYUI_MAX_JSON_BYTES: String(2 * 1024 * 1024),
    OUTPUT_MAX_BYTES: String(4 * 1024 * 1024),
    LOG_LEVEL: 'warn',
  });
  try {
    const result = await fn(sim, svc);
    // Nothing partial is left behind, and what is kept is what completed jobs stored.
    const use = diskUse(svc.dataDir);
    expect(use.temps).toBe(0);
    disk.push(use.bytes);
    return result;
  } finally {
    await svc.close();
    await sim.close();
  }
}

let seed = 1;
const generate = (svc: TestService, extra: Record<string, unknown> = {}) =>
  call(svc.url, 'POST', '/api/pipeline/generate/image', {
    json: { preset_id: 'photoreal_portrait_v1', prompt: 'hostile', quality_level: 'low', seed: seed++, ...extra },
  });

/** A generate call ends in 200 or a classified envelope, its job terminal within the deadline. */
async function expectClassified(
  svc: TestService,
  res: Awaited<ReturnType<typeof call>>,
  label: string,
  started: number,
): Promise<string> {
  const elapsed = Date.now() - started;
  jobsRun++;
  slowest = Math.max(slowest, elapsed);
  expect(elapsed, label).toBeLessThan(DEADLINE_S * 1000 + SLACK_MS);
  if (res.status === 200) return 'completed';
  expect(res.json?.ok, `${label}: ${res.text}`).toBe(false);
  expect(ERROR_CODES, label).toContain(res.json.error_code);
  expect(res.json.error_code, `${label}: ${res.text}`).not.toBe('UNKNOWN_ERROR');
  if (res.json.job_id) {
    const job = await call(svc.url, 'GET', `/api/pipeline/jobs/${res.json.job_id}`);
    expect(['completed', 'failed', 'cancelled'], label).toContain(job.json.status);
  }
  return res.json.error_code as string;
}

const figures: string[] = [];
const disk: number[] = [];
let jobsRun = 0;
let slowest = 0;

describe('hostile ComfyUI: every broken answer on every route is classified, never a crash', () => {
  const jobRoutes = ['/view', '/history/*', '/prompt', '/object_info'];
  it.concurrent.each(jobRoutes)(
    '%s: jobs end in success or a taxonomy error within the deadline',
    async (route) => {
      await withPair(async (sim, svc) => {
        const outcomes: Record<string, string> = {};
        for (const [label, answer] of Object.entries(ANSWERS)) {
          for (let i = 0; i < REPEAT; i++) {
            sim.resetFaults();
            sim.setFaults({ hostile: { [route]: answer } });
            const started = Date.now();
            const outcome = await expectClassified(svc, await generate(svc), `${route} ${label}`, started);
            if (i > 0) expect(outcome, `${route} ${label} is classified the same each time`).toBe(outcomes[label]);
            outcomes[label] = outcome;
          }
        }
        figures.push(`${route}: ${JSON.stringify(outcomes)}`);
        if (route === '/view') {
          expect(outcomes['status 404']).toBe('ENGINE_OUTPUT_MISSING');
          expect(outcomes['status 500']).toBe('DOWNLOAD_FAILED');
          expect(outcomes['status 503 empty']).toBe('DOWNLOAD_FAILED');
          expect(outcomes['oversized (200 MB)']).toBe('OUTPUT_TOO_LARGE');
          expect(outcomes.endless).toBe('OUTPUT_TOO_LARGE');
          expect(['DOWNLOAD_TIMEOUT', 'ENGINE_TIMEOUT']).toContain(outcomes.trickle);
        }
        if (route === '/history/*') {
          expect(outcomes['wrong shape']).toBe('ENGINE_PROTOCOL_ERROR');
          expect(outcomes['oversized (200 MB)']).toBe('ENGINE_PROTOCOL_ERROR');
          expect(outcomes.endless).toBe('ENGINE_PROTOCOL_ERROR');
        }
        if (route === '/object_info') {
          expect(outcomes['oversized (200 MB)']).toBe('ENGINE_PROTOCOL_ERROR');
          expect(outcomes['wrong shape']).toBe('ENGINE_PROTOCOL_ERROR');
        }
        // The service still works once ComfyUI behaves.
        sim.resetFaults();
        expect((await generate(svc)).status).toBe(200);
      });
    },
    240_000,
  );

  it.concurrent(
    '/upload/image: identity jobs end classified',
    async () => {
      await withPair(async (sim, svc) => {
        const form = new FormData();
        form.append('image', new Blob([referencePng()], { type: 'image/png' }), 'face.png');
        const upload = await call(svc.url, 'POST', '/api/pipeline/uploads', { body: form });
        expect(upload.status, upload.text).toBe(201);
        const outcomes: Record<string, string> = {};
        for (const [label, answer] of Object.entries(ANSWERS)) {
          sim.resetFaults();
          sim.setFaults({ hostile: { '/upload/image': answer } });
          const started = Date.now();
          const res = await generate(svc, {
            preset_id: 'identity_lock_portrait_v1',
            identity_reference: [upload.json.upload.upload_id],
            consent_given: true,
          });
          outcomes[label] = await expectClassified(svc, res, `/upload/image ${label}`, started);
        }
        figures.push(`/upload/image: ${JSON.stringify(outcomes)}`);
      });
    },
    240_000,
  );

  it.concurrent(
    '/system_stats: health answers 200 at once and says why the engine is unhealthy',
    async () => {
      await withPair(async (sim, svc) => {
        const outcomes: Record<string, string> = {};
        for (const [label, answer] of Object.entries(ANSWERS)) {
          sim.resetFaults();
          sim.setFaults({ hostile: { '/system_stats': answer } });
          const started = Date.now();
          const res = await call(svc.url, 'GET', '/api/health');
          expect(Date.now() - started, label).toBeLessThan(2_000);
          expect(res.status, res.text).toBe(200);
          const engine = res.json.engines[0];
          outcomes[label] = engine.status === 'healthy' ? 'healthy' : engine.error_code;
          if (engine.status !== 'healthy') expect(ERROR_CODES).toContain(engine.error_code);
        }
        figures.push(`/system_stats: ${JSON.stringify(outcomes)}`);
        for (const label of ['status 500', 'reset', 'trickle', 'endless', 'oversized (200 MB)', 'garbage'])
          expect(outcomes[label], label).not.toBe('healthy');
      });
    },
    120_000,
  );

  it.concurrent(
    '/queue: cancel answers at once and the job ends, whatever /queue answers',
    async () => {
      await withPair(async (sim, svc) => {
        const outcomes: Record<string, string> = {};
        for (const [label, answer] of Object.entries(ANSWERS)) {
          sim.resetFaults();
          sim.setFaults({ hangExecution: true, hostile: { '/queue': answer } });
          const accepted = await call(svc.url, 'POST', '/api/pipeline/generate/image', {
            json: { preset_id: 'photoreal_portrait_v1', prompt: 'queue', quality_level: 'low', seed: seed++ },
            headers: { prefer: 'respond-async' },
          });
          expect(accepted.status, accepted.text).toBe(202);
          const id = accepted.json.job_id as string;
          const end = Date.now() + 3_000;
          while (sim.executor.running === null && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
          const started = Date.now();
          const cancelled = await call(svc.url, 'POST', `/api/pipeline/jobs/${id}/cancel`);
          const took = Date.now() - started;
          expect(took, `${label}: cancel took ${took} ms`).toBeLessThan(1_500);
          expect(cancelled.status, cancelled.text).toBe(200);
          expect(cancelled.json.status).toBe('cancelled');
          outcomes[label] = `${cancelled.json.status} in ${took} ms`;
          sim.executor.interrupt(undefined); // free the simulator for the next case whatever /queue did
        }
        figures.push(`/queue (cancel): ${JSON.stringify(outcomes)}`);
      });
    },
    240_000,
  );

  it.concurrent.each(SOCKETS)(
    'a %s WebSocket: jobs still complete from /history',
    async (fault) => {
      await withPair(async (sim, svc) => {
        sim.setFaults({ hostileSocket: fault });
        const results = await Promise.all([generate(svc), generate(svc)]);
        for (const r of results) expect(r.status, r.text).toBe(200);
        figures.push(`socket ${fault}: 2 of 2 completed`);
      });
    },
    60_000,
  );

  it('nothing escaped as an uncaught error or unhandled rejection; memory and disk stayed bounded', () => {
    clearInterval(sampler);
    for (const line of figures) console.log(`[figures] hostile ${line}`);
    const growthMb = (peakRss - baseRss) / 1048576;
    console.log(
      `[figures] hostile summary: ${jobsRun} jobs under ${Object.keys(ANSWERS).length} answers × ${REPEAT}, 0 uncaught (${unexpected.length}), slowest end ${(slowest / 1000).toFixed(1)} s (deadline ${DEADLINE_S} s), peak RSS ${(peakRss / 1048576).toFixed(0)} MB (+${growthMb.toFixed(0)} MB) with 200 MB answers refused, data folders ${disk.map((b) => `${(b / 1024).toFixed(0)} KB`).join(' / ')}`,
    );
    expect(unexpected).toEqual([]);
    // Ten services and simulators share this process; 200 MB answers and endless bodies are refused
    // at 2 MiB (JSON) and 4 MiB (outputs), never buffered (one buffered 200 MB answer alone is +400 MB).
    expect(growthMb).toBeLessThan(320);
  });
});
