import { readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JobStatus } from '../../src/contracts/job.js';
import { startComfySimulator } from '../../src/sim/server.js';
import { call, expectEnvelope } from '../helpers/http.js';
import { readSse } from '../helpers/sse.js';
import { startService, useSimulatedService } from '../helpers/service.js';
import { startChildService } from '../helpers/child-service.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { waitUntil } from '../helpers/wait.js';

const ctx = useSimulatedService();

const body = (extra: Record<string, unknown> = {}) => ({
  preset_id: 'photoreal_portrait_v1',
  prompt: 'job control',
  quality_level: 'low',
  ...extra,
});
const submitAsync = (base: string, b: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call(base, 'POST', '/api/pipeline/generate/image', { json: b, headers: { prefer: 'respond-async', ...headers } });
async function waitStatus(base: string, jobId: string, want: (s: string) => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const st = await call(base, 'GET', `/api/pipeline/jobs/${jobId}`);
    if (want(st.json?.status)) return st.json;
    if (Date.now() > end) throw new Error(`job ${jobId} stuck in ${st.json?.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const runsOf = (promptId: string) => ctx.sim.executor.executedPromptIds.filter((x) => x === promptId).length;

/** Wait until the job runs in ComfyUI (the simulator executes its prompt); returns the prompt id. */
async function waitRunningInComfy(base: string, dataDir: string, jobId: string): Promise<string> {
  await waitStatus(base, jobId, (s) => s === 'running');
  const promptId = JSON.parse(readFileSync(path.join(dataDir, 'jobs', `${jobId}.json`), 'utf8'))
    .engine_prompt_id as string;
  const end = Date.now() + 5000;
  while (ctx.sim.executor.running?.promptId !== promptId && Date.now() < end)
    await new Promise((r) => setTimeout(r, 10));
  return promptId;
}

describe('async submission and live events', () => {
  it('answers 202 with Location, then streams state → logs → end in order', async () => {
    ctx.sim.setFaults({ stepMs: 10 });
    const res = await submitAsync(ctx.svc.url, body({ seed: 101 }));
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ status: 'queued', preset_id: 'photoreal_portrait_v1' });
    expect(res.headers.get('location')).toBe(`/api/pipeline/jobs/${res.json.job_id}`);
    const stream = await readSse(`${ctx.svc.url}/api/pipeline/jobs/${res.json.job_id}/events`);
    expect(stream.contentType).toMatch(/text\/event-stream/);
    const { events } = stream;
    expect(events[0]!.event).toBe('state');
    expect(JobStatus.safeParse(events[0]!.data).success).toBe(true);
    expect(events.at(-1)!.event).toBe('end');
    expect(events.at(-1)!.data.status).toBe('completed');
    const logs = events.filter((e) => e.event === 'log');
    expect(logs.map((e) => Number(e.id))).toEqual(logs.map((_, i) => i + 1)); // no gaps, in order
    expect(logs.map((e) => e.data.event)).toEqual(
      expect.arrayContaining(['queued', 'started', 'submitted', 'artifact', 'completed']),
    );
    expect(events.some((e) => e.event === 'progress')).toBe(true);
  });

  it('resumes after Last-Event-ID without gaps or repeats', async () => {
    const res = await submitAsync(ctx.svc.url, body({ seed: 102 }));
    await waitStatus(ctx.svc.url, res.json.job_id, (s) => s === 'completed');
    const all = (await readSse(`${ctx.svc.url}/api/pipeline/jobs/${res.json.job_id}/events`)).events.filter(
      (e) => e.event === 'log',
    );
    const resumed = await readSse(`${ctx.svc.url}/api/pipeline/jobs/${res.json.job_id}/events`, {
      'last-event-id': '3',
    });
    expect(resumed.events[0]!.event).toBe('state');
    expect(resumed.events.filter((e) => e.event === 'log').map((e) => e.id)).toEqual(all.slice(3).map((e) => e.id));
    expect(resumed.events.at(-1)!.event).toBe('end');
    const logs = await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${res.json.job_id}/logs?since=3`);
    expect(logs.json.events.map((e: { seq: number }) => String(e.seq))).toEqual(all.slice(3).map((e) => e.id));
    expect(logs.json.next_since).toBe(all.length);
  });

  it('the same Idempotency-Key returns the same job, even for concurrent duplicates', async () => {
    const key = `order-${randomUUID()}`;
    const before = ctx.sim.received.length;
    const results = await Promise.all(
      Array.from({ length: 6 }, () => submitAsync(ctx.svc.url, body({ seed: 103 }), { 'idempotency-key': key })),
    );
    const ids = new Set(results.map((r) => r.json.job_id));
    expect(ids.size).toBe(1);
    const jobId = [...ids][0]!;
    await waitStatus(ctx.svc.url, jobId, (s) => s === 'completed');
    expect(ctx.sim.received.length - before).toBe(1);
    const again = await call(ctx.svc.url, 'POST', '/api/pipeline/generate/image', {
      json: body({ seed: 103 }),
      headers: { 'idempotency-key': key },
    });
    expect(again.status).toBe(200);
    expect(again.json.job_id).toBe(jobId);
    expectEnvelope(
      await submitAsync(ctx.svc.url, body({ seed: 999 }), { 'idempotency-key': key }),
      409,
      'IDEMPOTENCY_KEY_REUSED',
    );
  });
});

describe('cancel, listing, logs and metrics', () => {
  it('cancels a queued job at once and a running one in ComfyUI; a finished one is 409', async () => {
    ctx.sim.setFaults({ hangExecution: true });
    const running = await submitAsync(ctx.svc.url, body({ seed: 201 }));
    const queued = await submitAsync(ctx.svc.url, body({ seed: 202 }));
    await waitRunningInComfy(ctx.svc.url, ctx.svc.dataDir, running.json.job_id);
    const c1 = await call(ctx.svc.url, 'POST', `/api/pipeline/jobs/${queued.json.job_id}/cancel`);
    expect(c1.json).toMatchObject({ status: 'cancelled', error_code: 'JOB_CANCELLED' });
    const promptId = JSON.parse(
      readFileSync(path.join(ctx.svc.dataDir, 'jobs', `${running.json.job_id}.json`), 'utf8'),
    ).engine_prompt_id;
    const c2 = await call(ctx.svc.url, 'POST', `/api/pipeline/jobs/${running.json.job_id}/cancel`);
    expect(c2.json).toMatchObject({ status: 'cancelled', error_code: 'JOB_CANCELLED' });
    const end = Date.now() + 5000;
    while (!ctx.sim.executor.history.has(promptId) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(ctx.sim.executor.history.get(promptId)!.status.messages.map((m) => m[0])).toContain('execution_interrupted');
    expectEnvelope(
      await call(ctx.svc.url, 'POST', `/api/pipeline/jobs/${running.json.job_id}/cancel`),
      409,
      'JOB_NOT_CANCELLABLE',
    );
    expectEnvelope(await call(ctx.svc.url, 'POST', `/api/pipeline/jobs/${randomUUID()}/cancel`), 404, 'FILE_NOT_FOUND');
  });

  it('lists newest first with cursors and filters', async () => {
    // Its own cancelled jobs (older than the five below), so it passes alone and in any order.
    ctx.sim.setFaults({ hangExecution: true });
    for (const seed of [298, 299]) {
      const held = await submitAsync(ctx.svc.url, body({ seed }));
      await call(ctx.svc.url, 'POST', `/api/pipeline/jobs/${held.json.job_id}/cancel`);
    }
    ctx.sim.resetFaults();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (
          await submitAsync(
            ctx.svc.url,
            body({ seed: 300 + i, preset_id: i % 2 ? 'cinematic_portrait_v1' : 'photoreal_portrait_v1' }),
          )
        ).json.job_id,
      );
    for (const id of ids) await waitStatus(ctx.svc.url, id, (s) => s === 'completed');
    const page1 = await call(ctx.svc.url, 'GET', '/api/pipeline/jobs?limit=2');
    expect(page1.json.jobs.map((j: { job_id: string }) => j.job_id)).toEqual([ids[4], ids[3]]);
    const page2 = await call(ctx.svc.url, 'GET', `/api/pipeline/jobs?limit=2&cursor=${page1.json.next_cursor}`);
    expect(page2.json.jobs.map((j: { job_id: string }) => j.job_id)).toEqual([ids[2], ids[1]]);
    const cine = await call(ctx.svc.url, 'GET', '/api/pipeline/jobs?preset_id=cinematic_portrait_v1&limit=200');
    expect(cine.json.jobs.every((j: { preset_id: string }) => j.preset_id === 'cinematic_portrait_v1')).toBe(true);
    expect(cine.json.jobs.slice(0, 2).map((j: { job_id: string }) => j.job_id)).toEqual([ids[3], ids[1]]);
    const cancelled = await call(ctx.svc.url, 'GET', '/api/pipeline/jobs?status=cancelled');
    expect(cancelled.json.jobs.length).toBeGreaterThanOrEqual(2);
    expect(cancelled.json.jobs.every((j: { status: string }) => j.status === 'cancelled')).toBe(true);
    for (const j of page1.json.jobs) expect(JobStatus.safeParse(j).success).toBe(true);
    expectEnvelope(await call(ctx.svc.url, 'GET', '/api/pipeline/jobs?cursor=garbage'), 422, 'CONTRACT_MISMATCH');
    expectEnvelope(await call(ctx.svc.url, 'GET', '/api/pipeline/jobs?limit=1000'), 422, 'CONTRACT_MISMATCH');
  });

  it('exposes Prometheus metrics', async () => {
    // Its own completed and cancelled jobs, so it passes alone and in any order.
    expect(
      (await call(ctx.svc.url, 'POST', '/api/pipeline/generate/image', { json: body({ seed: 131 }) })).status,
    ).toBe(200);
    ctx.sim.setFaults({ hangExecution: true });
    const held = await submitAsync(ctx.svc.url, body({ seed: 132 }));
    await waitStatus(ctx.svc.url, held.json.job_id, (s) => s === 'running');
    await call(ctx.svc.url, 'POST', `/api/pipeline/jobs/${held.json.job_id}/cancel`);
    ctx.sim.resetFaults();
    const res = await fetch(`${ctx.svc.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/ainfluencer_jobs\{status="completed",preset_id="photoreal_portrait_v1"\} \d+/);
    expect(text).toMatch(/ainfluencer_queue_depth \d+/);
    expect(text).toMatch(/ainfluencer_job_duration_seconds_count\{preset_id="photoreal_portrait_v1"\} \d+/);
    // A cancellation is counted as such, never as a failure.
    expect(text).not.toMatch(/ainfluencer_job_failures_total\{error_code="JOB_CANCELLED"\}/);
    expect(
      Number(/ainfluencer_jobs_finished_total\{outcome="cancelled"\} (\d+)/.exec(text)?.[1]),
    ).toBeGreaterThanOrEqual(1);
    expect(
      Number(/ainfluencer_jobs_finished_total\{outcome="completed"\} (\d+)/.exec(text)?.[1]),
    ).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/ainfluencer_engine_up\{engine_id="local_comfy"\} 1/);
    // The standard process and Node series.
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'process_start_time_seconds',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
    ])
      expect(text).toMatch(new RegExp(`^${name}(\\{[^}]*\\})? [\\d.e+-]+$`, 'm'));
    expect(text).toMatch(/^# TYPE nodejs_gc_duration_seconds histogram$/m);
    // Histograms are cumulative: a second scrape never shows fewer observations.
    const count = (t: string) => Number(/^ainfluencer_event_loop_delay_seconds_count (\d+)$/m.exec(t)?.[1]);
    const first = count(text);
    expect(first).toBeGreaterThan(0);
    await waitUntil(
      'more event-loop samples',
      async () => count(await (await fetch(`${ctx.svc.url}/metrics`)).text()) > first || null,
    );
    const again = await (await fetch(`${ctx.svc.url}/metrics`)).text();
    expect(count(again)).toBeGreaterThan(first);
    expect(
      Number(/ainfluencer_jobs_finished_total\{outcome="completed"\} (\d+)/.exec(again)?.[1]),
    ).toBeGreaterThanOrEqual(1);
  });
});

describe('limits', () => {
  it('a job gives ComfyUI to the next one as soon as its run ends, while its outputs are still downloading', async () => {
    // Outputs trickle at 1.5 MB/s, so storing job A takes over a second after ComfyUI finished it.
    ctx.sim.setFaults({ viewBytesPerSecond: 1_500_000 });
    const a = await submitAsync(ctx.svc.url, body({ seed: 501 }));
    const b = await submitAsync(ctx.svc.url, body({ seed: 502 }));
    const promptOf = (jobId: string) =>
      JSON.parse(readFileSync(path.join(ctx.svc.dataDir, 'jobs', `${jobId}.json`), 'utf8')).engine_prompt_id as string;
    const bPrompt = promptOf(b.json.job_id);
    const end = Date.now() + 20_000;
    while (runsOf(bPrompt) === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(runsOf(bPrompt)).toBe(1);
    // B has run in ComfyUI while A was still storing its output (JOB_CONCURRENCY is 1).
    expect((await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${a.json.job_id}`)).json.status).toBe('running');
    ctx.sim.resetFaults();
    await waitStatus(ctx.svc.url, a.json.job_id, (s) => s === 'completed');
    await waitStatus(ctx.svc.url, b.json.job_id, (s) => s === 'completed');
  });

  it("hands ComfyUI to the next job on the run's final message, before /history has confirmed it", async () => {
    ctx.sim.setFaults({ stepMs: 5 });
    const a = await submitAsync(ctx.svc.url, body({ seed: 511 }));
    const promptOf = (jobId: string) =>
      JSON.parse(readFileSync(path.join(ctx.svc.dataDir, 'jobs', `${jobId}.json`), 'utf8')).engine_prompt_id as string;
    const aPrompt = promptOf(a.json.job_id);
    // A's /history answers 500 a few times (retried with backoff), so confirming A takes seconds.
    ctx.sim.setFaults({ stepMs: 5, http500: { [`/history/${aPrompt}`]: 9 } });
    const b = await submitAsync(ctx.svc.url, body({ seed: 512 }));
    const bPrompt = promptOf(b.json.job_id);
    const end = Date.now() + 20_000;
    while (runsOf(bPrompt) === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(runsOf(bPrompt)).toBe(1);
    expect(ctx.sim.executor.history.has(aPrompt)).toBe(true); // A ran first, to the end
    expect((await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${a.json.job_id}`)).json.status).toBe('running');
    await waitStatus(ctx.svc.url, a.json.job_id, (s) => s === 'completed');
    await waitStatus(ctx.svc.url, b.json.job_id, (s) => s === 'completed');
    expect(runsOf(aPrompt)).toBe(1);
    ctx.sim.resetFaults();
  });

  it('refuses beyond the queue bound with 503 and Retry-After, and rate-limits generate with 429', async () => {
    const hung = await startComfySimulator({ faults: { hangExecution: true } });
    const bounded = await startService({
      COMFYUI_URL: hung.url,
      QUEUE_MAX_DEPTH: '2',
      RATE_LIMIT_PER_MINUTE: '4',
      JOB_PREFETCH: '0', // one prompt in ComfyUI: every other job waits in our queue
    });
    try {
      const a = await submitAsync(bounded.url, body({ seed: 1 }));
      await waitStatus(bounded.url, a.json.job_id, (s) => s === 'running');
      const b = await submitAsync(bounded.url, body({ seed: 2 }));
      const c = await submitAsync(bounded.url, body({ seed: 3 }));
      expect([a.status, b.status, c.status]).toEqual([202, 202, 202]);
      expectEnvelope(await submitAsync(bounded.url, body({ seed: 4 })), 503, 'SERVICE_UNAVAILABLE');
      // The fifth request within the minute hits the rate limit before anything else.
      const limited = await submitAsync(bounded.url, body({ seed: 5 }));
      expectEnvelope(limited, 429, 'RATE_LIMIT_EXCEEDED');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      for (const j of [a, b, c]) await call(bounded.url, 'POST', `/api/pipeline/jobs/${j.json.job_id}/cancel`);
    } finally {
      await bounded.close();
      await hung.close();
    }
  });

  it('concurrent submissions never overshoot the queue bound', async () => {
    const hung = await startComfySimulator({ faults: { hangExecution: true } });
    const bounded = await startService({ COMFYUI_URL: hung.url, QUEUE_MAX_DEPTH: '3', JOB_PREFETCH: '0' });
    try {
      const first = await submitAsync(bounded.url, body({ seed: 20 }));
      await waitStatus(bounded.url, first.json.job_id, (s) => s === 'running');
      const burst = await Promise.all(
        Array.from({ length: 25 }, (_, i) => submitAsync(bounded.url, body({ seed: 21 + i }))),
      );
      expect(burst.filter((r) => r.status === 202)).toHaveLength(3);
      for (const r of burst.filter((x) => x.status !== 202)) expectEnvelope(r, 503, 'SERVICE_UNAVAILABLE');
    } finally {
      await bounded.close();
      await hung.close();
    }
  });

  it('503 for a full queue carries Retry-After', async () => {
    const hung = await startComfySimulator({ faults: { hangExecution: true } });
    const bounded = await startService({ COMFYUI_URL: hung.url, QUEUE_MAX_DEPTH: '1', JOB_PREFETCH: '0' });
    try {
      const a = await submitAsync(bounded.url, body({ seed: 11 }));
      await waitStatus(bounded.url, a.json.job_id, (s) => s === 'running');
      await submitAsync(bounded.url, body({ seed: 12 }));
      const full = await submitAsync(bounded.url, body({ seed: 13 }));
      expectEnvelope(full, 503, 'SERVICE_UNAVAILABLE');
      expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await bounded.close();
      await hung.close();
    }
  });
});

describe('restart recovery and shutdown (real child processes)', () => {
  it('a restart while ComfyUI is down keeps the queued work queued; it runs once ComfyUI is back; a waiting request gets 503 at once', async () => {
    const dataDir = tempDir('ainf-offline');
    let comfy = await startComfySimulator({ faults: { stepMs: 60 } });
    const port = comfy.port;
    const env = {
      AINFLUENCER_DATA_DIR: dataDir,
      COMFYUI_URL: comfy.url,
      SHUTDOWN_GRACE_SECONDS: '0',
      JOB_DEADLINE_SECONDS: '120',
    };
    const first = await startChildService(env);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await submitAsync(first.url, body({ seed: 470 + i }))).json.job_id);
    await waitStatus(first.url, ids[0]!, (s) => s === 'running');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await comfy.close(); // ComfyUI goes down with the service
    const second = await startChildService(env);
    try {
      // The first job has found ComfyUI down (the old code failed all four at that moment).
      await waitUntil('the condition', async () =>
        (await call(second.url, 'GET', `/api/pipeline/jobs/${ids[0]}/logs`)).json.events.some(
          (e: { event: string }) => e.event === 'waiting_for_engine',
        ),
      );
      for (const id of ids)
        expect((await call(second.url, 'GET', `/api/pipeline/jobs/${id}`)).json.status, id).toBe('queued');
      const logs = await call(second.url, 'GET', `/api/pipeline/jobs/${ids[0]}/logs`);
      expect(logs.json.events.map((e: { event: string }) => e.event)).toContain('waiting_for_engine');
      const t0 = Date.now();
      expectEnvelope(
        await call(second.url, 'POST', '/api/pipeline/generate/image', { json: body({ seed: 479 }) }),
        503,
        'ENGINE_OFFLINE',
      );
      expect(Date.now() - t0).toBeLessThan(2_000);
      comfy = await startComfySimulator({ port, faults: { stepMs: 5 } }); // ComfyUI is back (its queue lost)
      for (const id of ids)
        expect((await waitStatus(second.url, id, (s) => s === 'completed' || s === 'failed', 60_000)).status, id).toBe(
          'completed',
        );
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
      await comfy.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a job resumed after a restart submits exactly what the user asked, not its redacted record', async () => {
    const dataDir = tempDir('ainf-rerun');
    ctx.sim.setFaults({ stepMs: 60 });
    const env = { AINFLUENCER_DATA_DIR: dataDir, COMFYUI_URL: ctx.sim.url };
    const secret = 'sk-proj-LmNoPqRsTuVwXyZaBcDeFgHi4321';
    const prompt = `a lighthouse at dusk, ${secret}`;
    const first = await startChildService(env);
    const ahead = await submitAsync(first.url, body({ seed: 461 }));
    const queued = await submitAsync(first.url, body({ seed: 462, prompt }));
    const id = queued.json.job_id as string;
    await waitStatus(first.url, ahead.json.job_id, (s) => s === 'running');
    const rerun = path.join(dataDir, 'jobs', id, 'rerun-inputs.json');
    expect(statSync(rerun).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path.join(dataDir, 'jobs', `${id}.json`), 'utf8')).inputs.prompt).toBe(
      'a lighthouse at dusk, [REDACTED]',
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await startChildService(env);
    try {
      expect((await waitStatus(second.url, id, (s) => s === 'completed' || s === 'failed', 30_000)).status).toBe(
        'completed',
      );
      const promptId = JSON.parse(readFileSync(path.join(dataDir, 'jobs', `${id}.json`), 'utf8'))
        .engine_prompt_id as string;
      const submitted = ctx.sim.received.filter((r) => r.prompt_id === promptId);
      expect(submitted.length).toBe(1);
      const texts = Object.values(submitted[0]!.prompt)
        .map((n) => n.inputs?.text)
        .filter((t): t is string => typeof t === 'string');
      expect(texts.some((t) => t.includes(prompt))).toBe(true);
      expect(texts.some((t) => t.includes('[REDACTED]'))).toBe(false);
      // The exact inputs are gone with the job; the record stays redacted.
      const until = Date.now() + 5_000;
      while (existsSync(rerun) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(existsSync(rerun)).toBe(false);
      expect(readFileSync(path.join(dataDir, 'jobs', `${id}.json`), 'utf8')).not.toContain(secret);
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a job ComfyUI lost across a restart is resubmitted byte for byte as first submitted, credential included', async () => {
    const dataDir = tempDir('ainf-identical');
    ctx.sim.setFaults({ stepMs: 60 });
    const env = { AINFLUENCER_DATA_DIR: dataDir, COMFYUI_URL: ctx.sim.url };
    const prompt = 'a harbour at noon, token sk-proj-QrStUvWxYzAbCdEfGhIj9876';
    const first = await startChildService(env);
    const job = await submitAsync(first.url, body({ seed: 463, prompt }));
    const id = job.json.job_id as string;
    const promptId = await waitRunningInComfy(first.url, dataDir, id);
    first.child.kill('SIGKILL');
    await first.exited;
    ctx.sim.executor.restart(); // ComfyUI restarts too: the prompt is lost, the next start submits it again
    const second = await startChildService(env);
    try {
      expect((await waitStatus(second.url, id, (s) => s === 'completed' || s === 'failed', 30_000)).status).toBe(
        'completed',
      );
      const submitted = ctx.sim.received.filter((r) => r.prompt_id === promptId);
      expect(submitted).toHaveLength(2);
      expect(JSON.stringify(submitted[1]!.prompt)).toBe(JSON.stringify(submitted[0]!.prompt));
      expect(JSON.stringify(submitted[0]!.prompt)).toContain(prompt);
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
    }
  }, 60_000);

  it('a job resumed after a restart reports progress: the new process listens under the same ComfyUI client id', async () => {
    const dataDir = tempDir('ainf-progress');
    ctx.sim.setFaults({ stepMs: 80 });
    const env = { AINFLUENCER_DATA_DIR: dataDir, COMFYUI_URL: ctx.sim.url };
    const first = await startChildService(env);
    const job = await submitAsync(first.url, body({ seed: 451 }));
    const id = job.json.job_id as string;
    const promptId = await waitRunningInComfy(first.url, dataDir, id);
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await startChildService(env);
    try {
      const seen: number[] = [];
      let status = '';
      const until = Date.now() + 20_000;
      while (status !== 'completed' && status !== 'failed' && Date.now() < until) {
        const s = await call(second.url, 'GET', `/api/pipeline/jobs/${id}`);
        status = s.json.status;
        if (status === 'running') seen.push(s.json.progress);
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(status).toBe('completed');
      // Progress moved while the resumed run went on, not only at its end.
      expect(
        seen.some((p) => p > seen[0]! && p < 1),
        JSON.stringify(seen),
      ).toBe(true);
      const clientId = readFileSync(path.join(dataDir, 'local_comfy.client-id'), 'utf8').trim();
      expect(ctx.sim.received.find((r) => r.prompt_id === promptId)?.client_id).toBe(clientId);
      expect(runsOf(promptId)).toBe(1);
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('SIGKILL mid-job, then restart: the job finishes, nothing stays running, ComfyUI ran it once', async () => {
    const dataDir = tempDir('ainf-kill');
    ctx.sim.setFaults({ stepMs: 40 });
    const env = { AINFLUENCER_DATA_DIR: dataDir, COMFYUI_URL: ctx.sim.url };
    const first = await startChildService(env);
    const running = await submitAsync(first.url, body({ seed: 401 }));
    const queued = await submitAsync(first.url, body({ seed: 402 }));
    const promptId = await waitRunningInComfy(first.url, dataDir, running.json.job_id);
    first.child.kill('SIGKILL');
    await first.exited;
    // Plant what a crash mid-write leaves behind.
    writeFileSync(path.join(dataDir, 'jobs', `.${randomUUID()}.json.abc.tmp`), '{"half');
    const second = await startChildService(env);
    try {
      const done = await waitStatus(
        second.url,
        running.json.job_id,
        (s) => s === 'completed' || s === 'failed',
        30_000,
      );
      expect(done.status).toBe('completed');
      expect(runsOf(promptId)).toBe(1);
      const q = await waitStatus(second.url, queued.json.job_id, (s) => s === 'completed' || s === 'failed', 30_000);
      expect(q.status).toBe('completed');
      const list = await call(second.url, 'GET', '/api/pipeline/jobs?status=running');
      expect(list.json.jobs).toEqual([]);
      expect(readdirSync(path.join(dataDir, 'jobs')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      const logs = await call(second.url, 'GET', `/api/pipeline/jobs/${running.json.job_id}/logs`);
      expect(logs.json.events.map((e: { event: string }) => e.event)).toContain('recovering');
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
    }
  });

  it('moves an unreadable job file aside instead of failing the start', async () => {
    const dataDir = tempDir('ainf-corrupt');
    mkdirSync(path.join(dataDir, 'jobs'), { recursive: true });
    const bad = randomUUID();
    writeFileSync(path.join(dataDir, 'jobs', `${bad}.json`), '{"job_id": "torn');
    const child = await startChildService({ AINFLUENCER_DATA_DIR: dataDir, COMFYUI_URL: ctx.sim.url });
    try {
      expect((await call(child.url, 'GET', '/api/health')).status).toBe(200);
      expect(existsSync(path.join(dataDir, 'jobs', `${bad}.json`))).toBe(false);
      expect(readdirSync(path.join(dataDir, 'jobs', 'corrupt')).some((n) => n.startsWith(bad))).toBe(true);
      expectEnvelope(await call(child.url, 'GET', `/api/pipeline/jobs/${bad}`), 404, 'FILE_NOT_FOUND');
    } finally {
      child.child.kill('SIGKILL');
      await child.exited;
    }
  });

  it('SIGTERM with a job in flight exits 0; the next start finishes the job without running it twice', async () => {
    const dataDir = tempDir('ainf-term');
    ctx.sim.setFaults({ stepMs: 60 });
    const env = { AINFLUENCER_DATA_DIR: dataDir, COMFYUI_URL: ctx.sim.url, SHUTDOWN_GRACE_SECONDS: '0' };
    const first = await startChildService(env);
    const job = await submitAsync(first.url, body({ seed: 501 }));
    await waitStatus(first.url, job.json.job_id, (s) => s === 'running');
    // A synchronous request waiting on a queued job is answered, not cut off, when the service stops.
    const waiting = call(first.url, 'POST', '/api/pipeline/generate/image', { json: body({ seed: 502 }) });
    await waitUntil(
      'the condition',
      async () => (await call(first.url, 'GET', '/api/pipeline/jobs?status=queued')).json.jobs.length === 1,
    );
    const promptId = JSON.parse(readFileSync(path.join(dataDir, 'jobs', `${job.json.job_id}.json`), 'utf8'))
      .engine_prompt_id as string;
    first.child.kill('SIGTERM');
    const answered = await waiting;
    expectEnvelope(answered, 503, 'SERVICE_UNAVAILABLE');
    expect(answered.json.job_id).toEqual(expect.any(String));
    expect(await first.exited).toBe(0);
    const onDisk = JSON.parse(readFileSync(path.join(dataDir, 'jobs', `${job.json.job_id}.json`), 'utf8'));
    expect(onDisk.status).toBe('running'); // left for the next start, not failed
    const second = await startChildService(env);
    try {
      const done = await waitStatus(second.url, job.json.job_id, (s) => s === 'completed' || s === 'failed', 30_000);
      expect(done.status).toBe('completed');
      expect(runsOf(promptId)).toBe(1);
      // The queued one runs after the restart too.
      expect(
        (await waitStatus(second.url, answered.json.job_id, (s) => s === 'completed' || s === 'failed', 30_000)).status,
      ).toBe('completed');
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
    }
  });
});

describe('retention', () => {
  it('removes finished jobs beyond the byte budget, never running ones', async () => {
    const ret = await startService({ COMFYUI_URL: ctx.sim.url });
    try {
      const a = await call(ret.url, 'POST', '/api/pipeline/generate/image', { json: body({ seed: 601 }) });
      const b = await call(ret.url, 'POST', '/api/pipeline/generate/image', { json: body({ seed: 602 }) });
      ctx.sim.setFaults({ hangExecution: true });
      const c = await submitAsync(ret.url, body({ seed: 603 }));
      await waitStatus(ret.url, c.json.job_id, (s) => s === 'running');
      for (const j of [a, b]) expect(await ret.deps.core.active.whenRetired(j.json.job_id)).toBe(true); // finished jobs leave the active set
      const { sweepRetention } = await import('../../src/lifecycle/retention.js');
      const core = ret.deps.core;
      const removed = await sweepRetention(
        {
          index: core.index!,
          active: core.active.active,
          deps: { ...core.deps, ...core.deps.embedded!, webhooks: core.deps.repository.webhooks },
          forgetStatus: (id) => core.queries.forgetStatus(id),
        },
        { maxAgeMs: null, maxBytes: 1 },
      );
      expect(removed).toBe(2);
      for (const j of [a, b]) {
        expect(existsSync(path.join(ret.dataDir, 'jobs', `${j.json.job_id}.json`))).toBe(false);
        expect(existsSync(path.join(ret.dataDir, 'artifacts', j.json.job_id))).toBe(false);
        expectEnvelope(await call(ret.url, 'GET', `/api/pipeline/jobs/${j.json.job_id}`), 404, 'FILE_NOT_FOUND');
      }
      expect((await call(ret.url, 'GET', `/api/pipeline/jobs/${c.json.job_id}`)).json.status).toBe('running');
      await call(ret.url, 'POST', `/api/pipeline/jobs/${c.json.job_id}/cancel`);
    } finally {
      await ret.close();
    }
  });
});
