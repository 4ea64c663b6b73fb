import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import type { SimFaults } from '../../src/sim/faults.js';
import type { LocalComfyAdapter } from '../../src/engines/comfy/adapter.js';
import { call } from '../helpers/http.js';
import { startService, type TestService } from '../helpers/service.js';
import { scale } from '../helpers/scale.js';
import { tinyPresetsDir } from '../helpers/tiny-presets.js';
import { workStartedMs } from '../helpers/job-times.js';

const N = scale(4, 100);
const DEADLINE_S = 4;
let sim: ComfySimulator;
let svc: TestService;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => {
  unhandled.push(reason);
};
let seed = 1;

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  sim = await startComfySimulator();
  // Several jobs in flight at once, so faults hit jobs that are queued in ComfyUI as well as running ones.
  svc = await startService({
    COMFYUI_URL: sim.url,
    AINFLUENCER_PRESETS_DIR: tinyPresetsDir(),
    JOB_DEADLINE_SECONDS: String(DEADLINE_S),
    QUEUE_MAX_DEPTH: '10000',
    COMFYUI_HTTP_TIMEOUT_MS: '2000',
    JOB_CONCURRENCY: '4',
  });
});
afterAll(async () => {
  await svc.close();
  await sim.close();
  process.off('unhandledRejection', onUnhandled);
});
afterEach(() => sim.resetFaults());

/** Run n jobs synchronously under the faults; every one must end as `expected` within the deadline. */
async function underFaults(
  faults: Partial<SimFaults>,
  expected: { status: number; code?: string },
  n = N,
  quiet = false,
) {
  const label = JSON.stringify(faults);
  sim.setFaults(structuredClone(faults));
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: n }, () =>
      call(svc.url, 'POST', '/api/pipeline/generate/image', {
        json: { preset_id: 'photoreal_portrait_v1', prompt: 'chaos', quality_level: 'low', seed: seed++ },
      }),
    ),
  );
  const elapsed = (Date.now() - started) / 1000;
  if (!quiet)
    console.log(
      `[figures] chaos ${label}: ${n} jobs, ${results.filter((r) => r.status === expected.status).length} ended ${expected.status}${expected.code ? ` ${expected.code}` : ''} in ${elapsed.toFixed(1)} s`,
    );
  for (const r of results) {
    expect(r.status, r.text).toBe(expected.status);
    if (expected.code) expect(r.json.error_code).toBe(expected.code);
    const job = await call(svc.url, 'GET', `/api/pipeline/jobs/${r.json.job_id}`);
    expect(['completed', 'failed', 'cancelled']).toContain(job.json.status);
    // Each job ended within its deadline (plus the time to free ComfyUI).
    expect(Date.parse(job.json.finished_at) - (await workStartedMs(svc.url, job.json))).toBeLessThan(
      DEADLINE_S * 1000 + 3000,
    );
  }
  return { results, elapsed };
}

describe(`ComfyUI chaos (${N} jobs per fault)`, () => {
  it('a socket dropped mid-run: every job completes', async () => {
    await underFaults({ dropSocketAfterMessages: 7, stepMs: 2 }, { status: 200 });
  });

  it('a silent socket: every job completes from /history polling', async () => {
    await underFaults({ silentSocket: true }, { status: 200 });
  });

  it('/prompt answering 500 once: retried safely, the prompt runs once', async () => {
    for (let i = 0; i < N; i++) {
      const before = sim.executor.executedPromptIds.length;
      await underFaults({ http500: { '/prompt': 1 } }, { status: 200 }, 1, true);
      expect(sim.executor.executedPromptIds.length - before).toBe(1);
    }
    console.log(`[figures] chaos {"http500":{"/prompt":1}} per job: ${N} jobs, ${N} ended 200, each prompt ran once`);
  }, 120_000);

  it('/prompt answering 500 always: ENGINE_PROTOCOL_ERROR', async () => {
    await underFaults({ http500: { '/prompt': -1 } }, { status: 502, code: 'ENGINE_PROTOCOL_ERROR' });
  });

  it('malformed /history answers: ENGINE_PROTOCOL_ERROR, not a hang', async () => {
    await underFaults({ malformedPaths: ['/history/*'] }, { status: 502, code: 'ENGINE_PROTOCOL_ERROR' });
  }, 120_000);

  it('a hung run and a hung /prompt: ENGINE_TIMEOUT at the deadline, ComfyUI freed', async () => {
    await underFaults({ hangExecution: true }, { status: 504, code: 'ENGINE_TIMEOUT' });
    const end = Date.now() + 5000;
    while (sim.executor.queueRemaining() > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(sim.executor.queueRemaining()).toBe(0);
    await underFaults({ hangPaths: ['/prompt'] }, { status: 504, code: 'ENGINE_TIMEOUT' }, Math.min(N, 3));
  }, 300_000);

  it('a slow /view: completes', async () => {
    await underFaults({ viewBytesPerSecond: 200_000 }, { status: 200 });
  });

  it('truncated /view bodies: retried, then DOWNLOAD_FAILED; nothing partial stored', async () => {
    const { results } = await underFaults({ truncateView: true }, { status: 502, code: 'DOWNLOAD_FAILED' });
    for (const r of results) {
      const arts = await call(svc.url, 'GET', `/api/pipeline/jobs/${r.json.job_id}/artifacts`);
      expect(arts.json.artifacts).toEqual([]);
    }
  });

  it('ComfyUI restarting and losing its queue: jobs are resubmitted and complete', async () => {
    sim.setFaults({ stepMs: 20 });
    const pending = Array.from({ length: Math.min(N, 4) }, () =>
      call(svc.url, 'POST', '/api/pipeline/generate/image', {
        json: { preset_id: 'photoreal_portrait_v1', prompt: 'restart', quality_level: 'low', seed: seed++ },
      }),
    );
    const end = Date.now() + 5000;
    while (!sim.executor.running && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    sim.restart();
    for (const r of await Promise.all(pending)) expect(r.status, r.text).toBe(200);
  });

  it('connection refused: ENGINE_OFFLINE', async () => {
    const offline = await startService({
      COMFYUI_URL: 'http://127.0.0.1:9',
      AINFLUENCER_PRESETS_DIR: tinyPresetsDir(),
    });
    try {
      const results = await Promise.all(
        Array.from({ length: N }, () =>
          call(offline.url, 'POST', '/api/pipeline/generate/image', {
            json: { preset_id: 'photoreal_portrait_v1', prompt: 'x', quality_level: 'low' },
          }),
        ),
      );
      for (const r of results) expect(r.json.error_code).toBe('ENGINE_OFFLINE');
    } finally {
      await offline.close();
    }
  });

  it('/view answering 500 always: 3 GETs per file (one retry policy, at one layer), then DOWNLOAD_FAILED', async () => {
    const before = sim.requestCounts.get('GET /view') ?? 0;
    await underFaults({ http500: { '/view': -1 } }, { status: 502, code: 'DOWNLOAD_FAILED' }, 1, true);
    expect((sim.requestCounts.get('GET /view') ?? 0) - before).toBe(3);
  });

  it('leaves no stuck jobs, unhandled rejections, socket listeners or timers behind', async () => {
    const running = await call(svc.url, 'GET', '/api/pipeline/jobs?status=running');
    const queued = await call(svc.url, 'GET', '/api/pipeline/jobs?status=queued');
    expect(running.json.jobs).toEqual([]);
    expect(queued.json.jobs).toEqual([]);
    expect(unhandled).toEqual([]);
    const adapter = svc.deps.engines.get('local_comfy') as LocalComfyAdapter;
    expect((adapter as unknown as { socket: { listenerCount(): number } }).socket.listenerCount()).toBe(0);
    await Promise.all([...svc.deps.core.active.active.keys()].map((id) => svc.deps.core.active.whenRetired(id))); // finished jobs leave the active set
    expect(svc.deps.core.active.active.size).toBe(0);
    const timers = process.getActiveResourcesInfo().filter((t) => t === 'Timeout').length;
    // Only the service's long-lived timers remain (socket heartbeat, vitest's own), not one per job.
    expect(timers).toBeLessThan(10);
  });
});
