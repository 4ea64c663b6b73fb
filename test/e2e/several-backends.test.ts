import { afterEach, describe, expect, it } from 'vitest';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { call } from '../helpers/http.js';
import { startService, type TestService } from '../helpers/service.js';
import { tinyPresetsDir } from '../helpers/tiny-presets.js';
import { waitUntil } from '../helpers/wait.js';
import { jobEnded } from '../helpers/job-end.js';
import { seededRandom } from '../helpers/random.js';
import { tempDir } from '../helpers/temp-dirs.js';

/**
 * Several ComfyUI backends behind one service: simulators on their own ports, configured with
 * COMFYUI_URLS, each with different node packs installed.
 */
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close().catch(() => undefined);
});

async function sims(...packs: string[][]): Promise<ComfySimulator[]> {
  const out: ComfySimulator[] = [];
  for (const p of packs) {
    const sim = await startComfySimulator({ faults: { packs: p, stepMs: 2 } });
    open.push(sim);
    out.push(sim);
  }
  return out;
}

async function service(
  urls: string,
  env: Record<string, string> = {},
  options: { dataDir?: string } = {},
): Promise<TestService> {
  const svc = await startService(
    { COMFYUI_URLS: urls, AINFLUENCER_PRESETS_DIR: tinyPresetsDir(), QUEUE_MAX_DEPTH: '500', ...env },
    options,
  );
  open.unshift(svc); // closed before the simulators
  return svc;
}

const submit = (svc: TestService, body: Record<string, unknown>) =>
  call(svc.url, 'POST', '/api/pipeline/generate/image', {
    json: { prompt: 'several backends', quality_level: 'low', ...body },
    headers: { prefer: 'respond-async' },
  });

/** The stored record (engine_used, attempts, prompt id), read through the service's own read side. */
async function job(svc: TestService, id: string) {
  return svc.deps.core.queries.getJob(id);
}

const ended = (svc: TestService, id: string, ms = 60_000) => jobEnded(svc.url, id, ms, 50);

async function events(svc: TestService, id: string): Promise<{ event: string; [k: string]: unknown }[]> {
  return (await call(svc.url, 'GET', `/api/pipeline/jobs/${id}/logs`)).json.events;
}

const promptsFor = (sim: ComfySimulator, jobId: string) =>
  sim.received.filter((r) => JSON.stringify(r.prompt).includes(jobId)).length;

describe('several ComfyUI backends', () => {
  it('60 mixed jobs over 3 backends: spread, pack-bound jobs only where the pack is, a backend killed mid-job loses nothing', async () => {
    const random = seededRandom('several-backends-60').next;
    // a: core nodes only; b: face restoration; c: ProPost (film grain).
    const [a, b, c] = await sims([], ['facerestore_cf'], ['propost']);
    const svc = await service(`gpu_a=${a!.url},gpu_b=${b!.url},gpu_c=${c!.url}`);
    const kinds: { preset_id: string; quality_level: string; only: string | null }[] = [];
    for (let i = 0; i < 60; i++) {
      const r = random();
      kinds.push(
        r < 0.6
          ? { preset_id: 'photoreal_portrait_v1', quality_level: 'low', only: null }
          : r < 0.8
            ? { preset_id: 'photoreal_portrait_v1', quality_level: 'standard', only: 'gpu_b' }
            : { preset_id: 'cinematic_portrait_v1', quality_level: 'low', only: 'gpu_c' },
      );
    }
    const ids: string[] = [];
    for (const [i, k] of kinds.entries()) {
      const res = await submit(svc, { preset_id: k.preset_id, quality_level: k.quality_level, seed: 1000 + i });
      expect(res.status, res.text).toBe(202);
      ids.push(res.json.job_id);
    }
    // Once gpu_a has done some work, its next job hangs mid-run and the backend is killed.
    await waitUntil(
      'gpu_a completed jobs',
      async () => {
        const engines = (await call(svc.url, 'GET', '/api/pipeline/engines')).json.engines;
        return engines.find((e: { engine_id: string }) => e.engine_id === 'gpu_a').worker.jobs_completed >= 3 || null;
      },
      30_000,
      20,
    );
    a!.setFaults({ hangExecution: true });
    // The job gpu_a holds at the hang (not one that was past its sampler when the fault was set).
    await waitUntil('gpu_a holding a job mid-run', () => a!.executor.hanging || null, 30_000, 10);
    const held = a!.executor.running!.promptId;
    const victim = await waitUntil(
      'the held job',
      async () => {
        for (const id of ids) if ((await job(svc, id)).engine_prompt_id === held) return id;
        return null;
      },
      10_000,
      20,
    );
    await waitUntil(
      'it is running on gpu_a',
      async () => (await job(svc, victim)).engine_used === 'gpu_a' || null,
      10_000,
      10,
    );
    await a!.close();

    const finals = [];
    for (const id of ids) finals.push(await ended(svc, id, 90_000));
    expect(finals.map((f) => f.status)).toEqual(ids.map(() => 'completed'));

    const used = new Map<string, number>();
    for (const [i, id] of ids.entries()) {
      const h = await job(svc, id);
      used.set(h.engine_used ?? 'none', (used.get(h.engine_used ?? 'none') ?? 0) + 1);
      const only = kinds[i]!.only;
      if (only) {
        expect(h.engine_used, `${kinds[i]!.preset_id}/${kinds[i]!.quality_level}`).toBe(only);
        // Never submitted where the pack is missing.
        for (const [name, sim] of [
          ['gpu_a', a],
          ['gpu_b', b],
          ['gpu_c', c],
        ] as const)
          if (name !== only) expect(promptsFor(sim!, id)).toBe(0);
      }
    }
    console.log(`[figures] 60 jobs over 3 backends: ${JSON.stringify(Object.fromEntries(used))}; victim ${victim}`);
    for (const name of ['gpu_a', 'gpu_b', 'gpu_c']) expect(used.get(name) ?? 0).toBeGreaterThan(0);

    // The killed backend's job ran once more, elsewhere, and completed once.
    const moved = await job(svc, victim);
    expect(moved.status).toBe('completed');
    expect(moved.engine_used).not.toBe('gpu_a');
    expect(moved.attempts).toBe(2);
    // The public status says where it ran and that it moved.
    const status = (await call(svc.url, 'GET', `/api/pipeline/jobs/${victim}`)).json;
    expect(status).toMatchObject({ engine_id: moved.engine_used, attempts: 2 });
    const log = await events(svc, victim);
    expect(log.filter((e) => e.event === 'backend_lost')).toHaveLength(1);
    expect(log.filter((e) => e.event === 'completed')).toHaveLength(1);
    const other = moved.engine_used === 'gpu_b' ? b! : c!;
    expect(promptsFor(other, victim)).toBe(1);

    const engines = (await call(svc.url, 'GET', '/api/pipeline/engines')).json.engines;
    expect(engines.map((e: { engine_id: string }) => e.engine_id)).toEqual(['gpu_a', 'gpu_b', 'gpu_c']);
    // Others lost on gpu_a (the job prefetched behind the victim, one still downloading its outputs)
    // moved too and completed once elsewhere; an attempt counts only for a job that had started there.
    const lostOnA: string[] = [];
    for (const id of ids) if ((await events(svc, id)).some((e) => e.event === 'backend_lost')) lostOnA.push(id);
    expect(lostOnA).toContain(victim);
    for (const id of lostOnA) {
      const h = await job(svc, id);
      const lost = (await events(svc, id)).find((e) => e.event === 'backend_lost')!;
      expect(h.status).toBe('completed');
      expect(h.attempts ?? 1).toBe(lost.started === false ? 1 : 2); // (absent means the first)
      expect(h.engine_used).not.toBe('gpu_a');
    }
    expect(engines[0]).toMatchObject({ status: 'unhealthy', worker: { state: 'paused', jobs_moved: lostOnA.length } });
    expect(engines[1].worker).toMatchObject({ state: 'accepting', loaded_checkpoint: 'sd_xl_base_1.0.safetensors' });
    const metrics = (await call(svc.url, 'GET', '/metrics')).text;
    expect(metrics).toContain('ainfluencer_backend_paused{engine_id="gpu_a"} 1');
    expect(metrics).toMatch(/ainfluencer_backend_jobs_total\{engine_id="gpu_b",outcome="completed"\} [1-9]/);
  }, 150_000);

  it('a backend that stops answering mid-job: the job completes on another, and its prompt there is interrupted once it answers again', async () => {
    const [a, b] = await sims([], []);
    const svc = await service(`${a!.url},${b!.url}`);
    a!.setFaults({ hangExecution: true }); // both idle: the first job goes to the first configured
    const res = await submit(svc, { preset_id: 'photoreal_portrait_v1', seed: 7 });
    const id = res.json.job_id;
    await waitUntil(
      'running on local_comfy',
      async () => ((await job(svc, id)).engine_used === 'local_comfy' && a!.executor.running) || null,
      20_000,
      20,
    );
    const firstPrompt = (await job(svc, id)).engine_prompt_id;
    // local_comfy stops answering HTTP (its process is wedged); its prompt stays on its GPU.
    const wedged = Object.fromEntries(
      ['/system_stats', '/history/*', '/queue', '/prompt', '/interrupt', '/object_info'].map((p) => [
        p,
        { kind: 'reset' as const },
      ]),
    );
    a!.setFaults({ hangExecution: true, hostile: wedged });
    const end = await ended(svc, id, 30_000);
    expect(end.status).toBe('completed');
    const h = await job(svc, id);
    expect(h).toMatchObject({ engine_used: 'local_comfy_2', attempts: 2 });
    expect(h.engine_prompt_id).not.toBe(firstPrompt);
    expect(promptsFor(b!, id)).toBe(1);
    expect(a!.executor.running).toBeTruthy(); // the old prompt still holds local_comfy's GPU
    // Back: the orphaned prompt is interrupted there (only that one), so it never runs twice at once.
    a!.setFaults({ hostile: {}, hangExecution: true });
    await waitUntil(
      'local_comfy accepting again',
      async () =>
        (await call(svc.url, 'GET', '/api/pipeline/engines')).json.engines[0].worker.state === 'accepting' || null,
      20_000,
      50,
    );
    await waitUntil('the orphan interrupted', () => !a!.executor.running || null, 10_000, 20);
    // The removal is logged once ComfyUI has answered it (the interrupt may take effect first).
    await waitUntil(
      'the removal logged',
      () =>
        svc.logLines.some((l) => l.includes('removed the prompt of a job that moved') && l.includes(firstPrompt!)) ||
        null,
      10_000,
      20,
    );
  }, 60_000);

  it('out of memory: POST /free, one retry on the same backend, then success', async () => {
    const [a] = await sims([]);
    a!.setFaults({ gpuFaults: { KSampler: { kind: 'oom', times: 1 } } });
    const svc = await service(a!.url);
    const res = await call(svc.url, 'POST', '/api/pipeline/generate/image', {
      json: { preset_id: 'photoreal_portrait_v1', prompt: 'oom', quality_level: 'low', seed: 3 },
    });
    expect(res.status, res.text).toBe(200);
    expect(a!.requestCounts.get('POST /free')).toBe(1);
    expect(a!.executor.freedCount).toBe(1);
    expect(promptsFor(a!, res.json.job_id)).toBe(2);
    const log = await events(svc, res.json.job_id);
    expect(log.map((e) => e.event)).toContain('engine_out_of_memory');
  }, 30_000);

  it('out of memory twice: one /free, then the job fails with the OOM remediation', async () => {
    const [a] = await sims([]);
    a!.setFaults({ gpuFaults: { KSampler: { kind: 'oom', times: -1 } } });
    const svc = await service(a!.url);
    const res = await call(svc.url, 'POST', '/api/pipeline/generate/image', {
      json: { preset_id: 'photoreal_portrait_v1', prompt: 'oom', quality_level: 'low', seed: 4 },
    });
    expect(res.json.error_code).toBe('ENGINE_EXECUTION_FAILED');
    expect(a!.requestCounts.get('POST /free')).toBe(1);
    expect(promptsFor(a!, res.json.job_id)).toBe(2);
  }, 30_000);

  it('a CUDA fault pauses that backend and the job runs on another', async () => {
    const [a, b] = await sims([], []);
    a!.setFaults({ gpuFaults: { KSampler: { kind: 'cuda', times: -1 } } });
    const svc = await service(`${a!.url},${b!.url}`);
    const res = await submit(svc, { preset_id: 'photoreal_portrait_v1', seed: 5 }); // both idle: to the first configured
    const end = await ended(svc, res.json.job_id, 30_000);
    expect(end.status).toBe('completed');
    expect(await job(svc, res.json.job_id)).toMatchObject({ engine_used: 'local_comfy_2', attempts: 2 });
    expect((await events(svc, res.json.job_id)).filter((e) => e.event === 'backend_fault')).toHaveLength(1);
    const engines = (await call(svc.url, 'GET', '/api/pipeline/engines')).json.engines;
    expect(engines[0].worker.state).toBe('paused');
    expect(engines[0].worker.paused_reason).toMatch(/CUDA fault/);
    // Later jobs go to the healthy backend only.
    const next = await call(svc.url, 'POST', '/api/pipeline/generate/image', {
      json: { preset_id: 'photoreal_portrait_v1', prompt: 'after', quality_level: 'low', seed: 6 },
    });
    expect(next.status, next.text).toBe(200);
    expect(promptsFor(a!, next.json.job_id)).toBe(0);
  }, 60_000);

  it('a job no backend can run: one 424 naming what each backend lacks', async () => {
    const [a, b] = await sims([], ['facerestore_cf']);
    const svc = await service(`plain=${a!.url},faces=${b!.url}`);
    const res = await call(svc.url, 'POST', '/api/pipeline/generate/image', {
      json: { preset_id: 'cinematic_portrait_v1', prompt: 'nowhere', quality_level: 'low', seed: 8 },
    });
    expect(res.status, res.text).toBe(424);
    expect(res.json.error_code).toBe('DEPENDENCY_MISSING');
    expect(Object.keys(res.json.detail.backends).sort()).toEqual(['faces', 'plain']);
    expect(res.json.detail.missing.map((m: { class_type: string }) => m.class_type)).toContain('ProPostFilmGrain');
    expect(res.json.message).toMatch(
      /plain lacks .*ProPostFilmGrain.*faces lacks|faces lacks .*ProPostFilmGrain.*plain lacks/,
    );
    expect(a!.received.length + b!.received.length).toBe(0); // refused at preflight: nothing was submitted
  }, 30_000);

  it('a job only a paused backend could run waits for it, and runs when it is back', async () => {
    const [a] = await sims([]);
    const b = await startComfySimulator({ faults: { packs: ['propost'], stepMs: 2 } });
    const port = b.port;
    await b.close();
    const svc = await service(`plain=${a!.url},grain=http://127.0.0.1:${port}`);
    const res = await submit(svc, { preset_id: 'cinematic_portrait_v1', seed: 9 });
    await waitUntil(
      'it waits',
      async () =>
        (await events(svc, res.json.job_id)).some(
          (e) => e.event === 'backend_lacks' || e.event === 'waiting_for_engine',
        ) || null,
      20_000,
      20,
    );
    expect((await call(svc.url, 'GET', `/api/pipeline/jobs/${res.json.job_id}`)).json.status).toBe('queued');
    const back = await startComfySimulator({ port, faults: { packs: ['propost'], stepMs: 2 } });
    open.push(back);
    const end = await ended(svc, res.json.job_id, 40_000);
    expect(end.status).toBe('completed');
    expect((await job(svc, res.json.job_id)).engine_used).toBe('grain');
  }, 60_000);

  it('a restart re-attaches a running job on the backend that has it, by prompt id, whatever the configuration order', async () => {
    const [a, b] = await sims([], []);
    b!.setFaults({ stepMs: 250 }); // long enough to outlive the first process's shutdown grace
    const dataDir = tempDir('several-backends-restart');
    const first = await startService(
      { COMFYUI_URLS: `x=${b!.url},y=${a!.url}`, AINFLUENCER_PRESETS_DIR: tinyPresetsDir() },
      { dataDir },
    );
    const res = await submit(first, { preset_id: 'photoreal_portrait_v1', seed: 11 });
    const id = res.json.job_id;
    await waitUntil(
      'running on x',
      async () => ((await job(first, id)).status === 'running' && b!.executor.running) || null,
      20_000,
      20,
    );
    await first.close(); // the job is detached: it stays running on disk, and in ComfyUI
    const second = await service(`y=${a!.url},x=${b!.url}`, {}, { dataDir });
    b!.setFaults({ stepMs: 2 });
    const end = await ended(second, id, 40_000);
    expect(end.status).toBe('completed');
    expect((await job(second, id)).engine_used).toBe('x');
    expect(promptsFor(b!, id)).toBe(1); // followed, never submitted again
    expect(promptsFor(a!, id)).toBe(0);
    expect((await events(second, id)).map((e) => e.event)).toContain('recovering');
  }, 60_000);

  it('cancel reaches the backend that holds the job, by its prompt id, and only that one', async () => {
    const [a, b] = await sims([], []);
    a!.setFaults({ hangExecution: true });
    b!.setFaults({ hangExecution: true });
    const svc = await service(`${a!.url},${b!.url}`);
    const first = (await submit(svc, { preset_id: 'photoreal_portrait_v1', seed: 21 })).json.job_id;
    await waitUntil('the first held on local_comfy', () => a!.executor.hanging || null, 20_000, 10);
    const second = (await submit(svc, { preset_id: 'photoreal_portrait_v1', seed: 22 })).json.job_id;
    await waitUntil('the second held on local_comfy_2', () => b!.executor.hanging || null, 20_000, 10);
    const cancelled = await call(svc.url, 'POST', `/api/pipeline/jobs/${second}/cancel`);
    expect(cancelled.json.status).toBe('cancelled');
    await waitUntil('local_comfy_2 freed', () => !b!.executor.running || null, 10_000, 10);
    expect(a!.executor.hanging).toBe(true); // the other backend's job is untouched
    expect(a!.requestCounts.get('POST /interrupt') ?? 0).toBe(0);
    expect((await call(svc.url, 'POST', `/api/pipeline/jobs/${first}/cancel`)).json.status).toBe('cancelled');
    await waitUntil('local_comfy freed', () => !a!.executor.running || null, 10_000, 10);
  }, 60_000);

  it('a request that waits for its answer goes to another backend when the first is down, not to a 503', async () => {
    const gone = await startComfySimulator();
    const port = gone.port;
    await gone.close();
    const [b] = await sims([]);
    const svc = await service(`down=http://127.0.0.1:${port},up=${b!.url}`);
    const res = await call(svc.url, 'POST', '/api/pipeline/generate/image', {
      json: { preset_id: 'photoreal_portrait_v1', prompt: 'elsewhere', quality_level: 'low', seed: 31 },
    });
    expect(res.status, res.text).toBe(200);
    expect((await call(svc.url, 'GET', `/api/pipeline/jobs/${res.json.job_id}`)).json.engine_id).toBe('up');
    const engines = (await call(svc.url, 'GET', '/api/pipeline/engines')).json.engines;
    expect(engines[0].worker.state).toBe('paused');
  }, 30_000);
});
