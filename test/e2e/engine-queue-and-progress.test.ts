import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call } from '../helpers/http.js';
import { txt2imgGraph } from '../helpers/graphs.js';
import { useSimulatedService } from '../helpers/service.js';
import { waitUntil } from '../helpers/wait.js';

const ctx = useSimulatedService();

const body = (extra: Record<string, unknown> = {}) => ({
  preset_id: 'photoreal_portrait_v1',
  prompt: 'engine queue',
  quality_level: 'low',
  ...extra,
});
const submitAsync = (b: Record<string, unknown>) =>
  call(ctx.svc.url, 'POST', '/api/pipeline/generate/image', { json: b, headers: { prefer: 'respond-async' } });
const status = async (jobId: string) => (await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${jobId}`)).json;
describe("one progress scale, and the engine's own queue", () => {
  it('log milestones carry the same weighted progress the live progress reports', async () => {
    ctx.sim.setFaults({ stepMs: 15 });
    const res = await submitAsync(body({ seed: 7101 }));
    expect(res.status).toBe(202);
    const jobId = res.json.job_id as string;
    const live: number[] = [];
    ctx.svc.deps.core.queries.onProgress(jobId, (p) => live.push(p));
    await waitUntil('completion', async () => (await status(jobId)).status === 'completed');
    const events = (await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${jobId}/logs`)).json.events as {
      event: string;
      progress?: number;
      milestone?: number;
    }[];
    const milestones = events.filter((e) => e.event === 'progress');
    expect(milestones.length).toBeGreaterThanOrEqual(2);
    for (const m of milestones) {
      // The value logged is one the live progress reported at that moment, past its quarter.
      expect(live).toContain(m.progress);
      expect(m.progress!).toBeGreaterThanOrEqual(m.milestone!);
      expect(m.progress! - m.milestone!).toBeLessThan(0.25);
    }
    expect(milestones.map((m) => m.milestone)).toEqual([...new Set(milestones.map((m) => m.milestone))].sort());
  });

  it("a job waiting in ComfyUI behind another client's prompt is queued, with its position, until ComfyUI starts it", async () => {
    ctx.sim.setFaults({ stepMs: 40 });
    // Another client's long prompt occupies ComfyUI (30 steps × 40 ms).
    const other = randomUUID();
    const posted = await fetch(`${ctx.sim.url}/prompt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        prompt: txt2imgGraph('someone-else', { steps: 30, seed: 991 }),
        client_id: 'another-client',
        prompt_id: other,
      }),
    });
    expect(posted.status).toBe(200);
    await waitUntil('the other prompt to run', async () => ctx.sim.executor.running?.promptId === other);

    const res = await submitAsync(body({ seed: 7102 }));
    const jobId = res.json.job_id as string;
    const waiting = await waitUntil("the position in ComfyUI's queue", async () => {
      const s = await status(jobId);
      return s.queue_position === 1 ? s : null;
    });
    expect(waiting).toMatchObject({ status: 'queued', started_at: null, queue_position: 1 });
    expect(ctx.sim.executor.running?.promptId).toBe(other); // still the other client's run
    const logs = (await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${jobId}/logs`)).json.events as {
      event: string;
      queue_position?: number;
    }[];
    expect(logs.find((e) => e.event === 'engine_queued')).toMatchObject({ queue_position: 1 });
    expect(logs.some((e) => e.event === 'started')).toBe(false);

    // Once ComfyUI starts it, it is running (and its start time is ComfyUI's, not the submission's).
    const running = await waitUntil('running', async () => {
      const s = await status(jobId);
      return s.status !== 'queued' ? s : null;
    });
    expect(['running', 'completed']).toContain(running.status);
    expect(running.queue_position).toBeNull();
    const done = await waitUntil('completion', async () => {
      const s = await status(jobId);
      return s.status === 'completed' ? s : null;
    });
    const otherEntry = (await (await fetch(`${ctx.sim.url}/history/${other}`)).json()) as Record<
      string,
      { status: { messages: [string, { timestamp: number }][] } }
    >;
    const otherEnd = otherEntry[other]!.status.messages.find(([t]) => t === 'execution_success')![1].timestamp;
    expect(Date.parse(done.started_at)).toBeGreaterThanOrEqual(otherEnd - 5);
  });

  it("a job in this service's own queue reports how many jobs run before it", async () => {
    ctx.sim.setFaults({ stepMs: 30 });
    const first = await submitAsync(body({ seed: 7103 }));
    const second = await submitAsync(body({ seed: 7104 }));
    const third = await submitAsync(body({ seed: 7105 }));
    const s3 = await status(third.json.job_id);
    expect(s3.status).toBe('queued');
    expect(s3.queue_position).toBe(2);
    for (const r of [first, second, third])
      await waitUntil('completion', async () => (await status(r.json.job_id)).status === 'completed');
    expect((await status(third.json.job_id)).queue_position).toBeNull();
  });
});
