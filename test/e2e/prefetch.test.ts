import { afterEach, describe, expect, it } from 'vitest';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { call } from '../helpers/http.js';
import { startService, type TestService } from '../helpers/service.js';
import { startChildService } from '../helpers/child-service.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { waitUntil } from '../helpers/wait.js';
import { jobEnded } from '../helpers/job-end.js';

// Prefetch: each backend holds one more of our prompts than it executes, waiting in ComfyUI's own
// queue, so ComfyUI starts it the moment the current one ends. What must still hold: FIFO order,
// exact cancel, deadlines, and capability-aware dispatch (restarts: see job-control's child tests).

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function setUp(
  env: Record<string, string> = {},
  stepMs = 40,
): Promise<{ sim: ComfySimulator; svc: TestService }> {
  const sim = await startComfySimulator({ faults: { stepMs } });
  open.push(sim);
  const svc = await startService({ COMFYUI_URL: sim.url, ...env });
  open.push(svc);
  return { sim, svc };
}

const submit = (svc: TestService, seed: number, extra: Record<string, unknown> = {}) =>
  call(svc.url, 'POST', '/api/pipeline/generate/image', {
    json: { preset_id: 'photoreal_portrait_v1', prompt: 'prefetch', quality_level: 'low', seed, ...extra },
    headers: { prefer: 'respond-async' },
  });

const record = (svc: TestService, id: string) => svc.deps.core.queries.getJob(id);
const promptOf = async (svc: TestService, id: string) => (await record(svc, id)).engine_prompt_id!;

const ended = (svc: TestService, id: string) => jobEnded(svc.url, id);

const pendingIds = (sim: ComfySimulator) => sim.executor.queueSnapshot().queue_pending.map((q) => q[1] as string);

describe('prefetch (JOB_PREFETCH, default 1)', () => {
  it("with a backlog, the next job's prompt is already waiting in ComfyUI's queue while the current one runs", async () => {
    const { sim, svc } = await setUp();
    const a = (await submit(svc, 1)).json.job_id as string;
    const b = (await submit(svc, 2)).json.job_id as string;
    const c = (await submit(svc, 3)).json.job_id as string;
    const aPrompt = await promptOf(svc, a);
    const bPrompt = await promptOf(svc, b);
    await waitUntil('A running in ComfyUI with B queued behind it', () => {
      return (sim.executor.running?.promptId === aPrompt && pendingIds(sim).includes(bPrompt)) || null;
    });
    // One prompt beyond the one executing, not the whole backlog: C waits in our own queue.
    expect(pendingIds(sim)).toEqual([bPrompt]);
    expect((await call(svc.url, 'GET', `/api/pipeline/jobs/${c}`)).json.status).toBe('queued');
    for (const id of [a, b, c]) expect((await ended(svc, id)).status).toBe('completed');
    // ComfyUI ran B straight after A: its execution_start follows A's execution_success.
    const at = (prompt: string, type: string) =>
      (sim.executor.history.get(prompt)!.status.messages.find(([t]) => t === type)![1] as { timestamp: number })
        .timestamp;
    expect(at(bPrompt, 'execution_start')).toBeGreaterThanOrEqual(at(aPrompt, 'execution_success'));
    // The engine listing counts both slots.
    const engines = (await call(svc.url, 'GET', '/api/pipeline/engines')).json.engines;
    expect(engines[0].worker).toMatchObject({ slots: 2 });
  });

  it('JOB_PREFETCH=0 hands ComfyUI one prompt at a time', async () => {
    const { sim, svc } = await setUp({ JOB_PREFETCH: '0' });
    const a = (await submit(svc, 11)).json.job_id as string;
    const b = (await submit(svc, 12)).json.job_id as string;
    const aPrompt = await promptOf(svc, a);
    await waitUntil('A running', () => sim.executor.running?.promptId === aPrompt || null);
    let maxPending = 0;
    while ((await call(svc.url, 'GET', `/api/pipeline/jobs/${b}`)).json.status !== 'completed') {
      maxPending = Math.max(maxPending, pendingIds(sim).length);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(maxPending).toBe(0);
  });

  it('prompts reach ComfyUI, and run, in the order the jobs were queued', async () => {
    const { sim, svc } = await setUp({}, 5);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await submit(svc, 100 + i)).json.job_id as string);
    for (const id of ids) expect((await ended(svc, id)).status).toBe('completed');
    const prompts = await Promise.all(ids.map((id) => promptOf(svc, id)));
    expect(sim.received.map((r) => r.prompt_id)).toEqual(prompts);
    expect(sim.executor.executedPromptIds).toEqual(prompts);
  });

  it('cancelling a prefetched job removes its prompt from ComfyUI by id; the running job and the rest are untouched', async () => {
    const { sim, svc } = await setUp({}, 60);
    const a = (await submit(svc, 21)).json.job_id as string;
    const b = (await submit(svc, 22)).json.job_id as string;
    const c = (await submit(svc, 23)).json.job_id as string;
    const aPrompt = await promptOf(svc, a);
    const bPrompt = await promptOf(svc, b);
    const cPrompt = await promptOf(svc, c);
    await waitUntil('B waiting in ComfyUI behind A', () => {
      return (sim.executor.running?.promptId === aPrompt && pendingIds(sim).includes(bPrompt)) || null;
    });
    const res = await call(svc.url, 'POST', `/api/pipeline/jobs/${b}/cancel`);
    expect(res.status).toBe(200);
    expect((await ended(svc, b)).status).toBe('cancelled');
    expect(sim.executor.running?.promptId).toBe(aPrompt); // A was not interrupted
    for (const id of [a, c]) expect((await ended(svc, id)).status).toBe('completed');
    expect(sim.executor.executedPromptIds).toEqual([aPrompt, cPrompt]);
    expect(sim.executor.history.has(bPrompt)).toBe(false);
    const log = (await call(svc.url, 'GET', `/api/pipeline/jobs/${b}/logs`)).json.events as { event: string }[];
    expect(log.map((e) => e.event)).not.toContain('started');
  });

  it("a prefetched job's deadline counts from when ComfyUI starts it, not from its wait behind ours", async () => {
    // Each job takes about 1.2 s (30 steps × 40 ms); the deadline is 2 s.
    const { sim, svc } = await setUp({ JOB_DEADLINE_SECONDS: '2' }, 40);
    const a = (await submit(svc, 31)).json.job_id as string;
    const b = (await submit(svc, 32)).json.job_id as string;
    const bPrompt = await promptOf(svc, b);
    await waitUntil('B prefetched', () => pendingIds(sim).includes(bPrompt) || null);
    const handedOver = Date.now();
    expect((await ended(svc, a)).status).toBe('completed');
    const end = await ended(svc, b);
    expect(end.status, JSON.stringify(end.error)).toBe('completed');
    expect(Date.now() - handedOver).toBeGreaterThan(2_000); // it was in ComfyUI's hands longer than the deadline
  });

  it('a prefetched job that hangs once started still fails at its deadline, and is removed from ComfyUI', async () => {
    const { sim, svc } = await setUp({ JOB_DEADLINE_SECONDS: '2' }, 40);
    const a = (await submit(svc, 41)).json.job_id as string;
    const b = (await submit(svc, 42)).json.job_id as string;
    const bPrompt = await promptOf(svc, b);
    await waitUntil('B prefetched', () => pendingIds(sim).includes(bPrompt) || null);
    await waitUntil('B started', () => sim.executor.running?.promptId === bPrompt || null, 10_000, 5);
    sim.setFaults({ hangExecution: true });
    expect((await ended(svc, a)).status).toBe('completed');
    const end = await ended(svc, b);
    expect(end.status).toBe('failed');
    expect(end.error_code).toBe('ENGINE_TIMEOUT');
    const rec = await record(svc, b);
    const ranFor = Date.parse(rec.finished_at!) - Date.parse(rec.started_at!);
    expect(ranFor).toBeGreaterThanOrEqual(1_800); // its whole budget from its start…
    expect(ranFor).toBeLessThan(4_000); // …and not much more
    await waitUntil('B interrupted in ComfyUI', () => sim.executor.running === null || null, 10_000);
  });

  it('SIGKILL with two prompts in flight on the backend (one running, one prefetched): the next start follows both, each runs once, in order', async () => {
    const sim = await startComfySimulator({ faults: { stepMs: 40 } });
    open.push(sim);
    const dataDir = tempDir('ainf-prefetch-kill');
    const env = { AINFLUENCER_DATA_DIR: dataDir, COMFYUI_URL: sim.url };
    const first = await startChildService(env);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(first.url, 'POST', '/api/pipeline/generate/image', {
        json: { preset_id: 'photoreal_portrait_v1', prompt: 'prefetch restart', quality_level: 'low', seed: 51 + i },
        headers: { prefer: 'respond-async' },
      });
      ids.push(res.json.job_id as string);
    }
    const prompts = ids.map(
      (id) => JSON.parse(readFileSync(path.join(dataDir, 'jobs', `${id}.json`), 'utf8')).engine_prompt_id as string,
    );
    await waitUntil('one running and one prefetched in ComfyUI', () => {
      return (sim.executor.running?.promptId === prompts[0] && pendingIds(sim).includes(prompts[1]!)) || null;
    });
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await startChildService(env);
    try {
      for (const id of ids) {
        expect((await jobEnded(second.url, id)).status).toBe('completed');
      }
      expect(sim.executor.executedPromptIds).toEqual(prompts);
      expect(sim.received.map((r) => r.prompt_id)).toEqual(prompts); // nothing submitted twice
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
    }
  });
});
