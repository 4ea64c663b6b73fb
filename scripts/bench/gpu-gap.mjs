// Target: the GPU never idles between jobs. With a backlog of N jobs, the gap between one prompt's
// execution_success and the next prompt's execution_start, read from ComfyUI's own /history status
// messages, and the backlog's throughput against ComfyUI's own queue (the same N graphs posted at
// once by a raw client). The service runs with JOB_PREFETCH=1 (the default) and, side by side in
// the same run, with JOB_PREFETCH=0 (one prompt handed over at a time: the behaviour before).
// With `stepMs` > 0 each sampler step takes that long without using the CPU, as on a GPU box; with 0
// the simulator's run is all CPU (PNG encoding), which it then shares with the service's own work.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { benchGraphBuilder, json, median, percentile, round, startService, startSim } from './lib.mjs';

/** Gaps (ms) between consecutive executions in ComfyUI's history, in the order they ran. */
async function gapsOf(simUrl) {
  /** @type {Record<string, { status: { messages: [string, { timestamp: number }][] } }>} */
  const history = (await json(`${simUrl}/history`)).body;
  const runs = Object.values(history).map((entry) => {
    const at = (type) => entry.status.messages.find(([t]) => t === type)?.[1].timestamp ?? NaN;
    return { start: at('execution_start'), end: at('execution_success') };
  });
  runs.sort((a, b) => a.start - b.start);
  const gaps = [];
  for (let i = 1; i < runs.length; i++) gaps.push(runs[i].start - runs[i - 1].end);
  return { gaps, runs: runs.map((r) => r.end - r.start) };
}

const clearHistory = (simUrl) =>
  fetch(`${simUrl}/history`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clear: true }),
  }).then((r) => r.arrayBuffer());

/** ComfyUI's own queue: every prompt posted at once; done when the last one's final message arrives. */
async function ownQueue(simUrl, graphs) {
  const clientId = randomUUID().replace(/-/g, '');
  const ws = new WebSocket(`${simUrl.replace(/^http/, 'ws')}/ws?clientId=${clientId}`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const ids = graphs.map(() => randomUUID());
  const left = new Set(ids);
  const allDone = new Promise((resolve) => {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const msg = JSON.parse(String(data));
      if (msg.type === 'executing' && msg.data.node === null) {
        left.delete(msg.data.prompt_id);
        if (left.size === 0) resolve(undefined);
      }
    });
  });
  const t = performance.now();
  for (const [i, graph] of graphs.entries()) {
    const res = await fetch(`${simUrl}/prompt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: graph, client_id: clientId, prompt_id: ids[i] }),
    });
    await res.arrayBuffer();
  }
  await allDone;
  const wall = performance.now() - t;
  ws.close();
  return wall;
}

/** The service: every job submitted async at once; done when all are completed (outputs stored). */
async function throughService(svcUrl, n, seed0) {
  const t = performance.now();
  const ids = [];
  for (let i = 0; i < n; i++) {
    const r = await json(`${svcUrl}/api/pipeline/generate/image`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'respond-async' },
      body: JSON.stringify({
        preset_id: 'photoreal_portrait_v1',
        prompt: 'benchmark portrait',
        quality_level: 'low',
        seed: seed0 + i,
      }),
    });
    if (r.status !== 202) throw new Error(`generate → ${r.status} ${JSON.stringify(r.body)}`);
    ids.push(r.body.job_id);
  }
  // The last job (FIFO: it ends last) is followed by its event stream, which the service closes at
  // the job's end: no polling, whose requests would cost the service CPU the simulator could use.
  const last = ids.at(-1);
  await (await fetch(`${svcUrl}/api/pipeline/jobs/${last}/events`)).arrayBuffer();
  const wall = performance.now() - t;
  for (const id of ids) {
    for (;;) {
      const st = (await json(`${svcUrl}/api/pipeline/jobs/${id}`)).body;
      if (st.status === 'completed') break;
      if (st.status === 'failed' || st.status === 'cancelled') throw new Error(`job ${id} ${st.status}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return wall;
}

export async function gpuGap({ jobs, rounds, stepMs = 0 }) {
  const graphFor = await benchGraphBuilder();
  const sim = await startSim(['--step-ms', String(stepMs)]);
  const dirs = [0, 1].map(() => mkdtempSync(path.join(os.tmpdir(), 'bench-gap-')));
  const prefetch = await startService({ COMFYUI_URL: sim.url, AINFLUENCER_DATA_DIR: dirs[0], JOB_PREFETCH: '1' });
  const single = await startService({ COMFYUI_URL: sim.url, AINFLUENCER_DATA_DIR: dirs[1], JOB_PREFETCH: '0' });
  let seed = 1;
  /** @type {Record<'own' | 'prefetch' | 'single', { walls: number[], gaps: number[], runs: number[] }>} */
  const results = {
    own: { walls: [], gaps: [], runs: [] },
    prefetch: { walls: [], gaps: [], runs: [] },
    single: { walls: [], gaps: [], runs: [] },
  };
  try {
    // Warm-up: caches, JIT and sockets on every side.
    await ownQueue(
      sim.url,
      Array.from({ length: 5 }, () => graphFor(seed++, `raw/${seed}`)),
    );
    for (let w = 0; w < 3; w++) {
      await throughService(prefetch.url, 10, (seed += 10));
      await throughService(single.url, 10, (seed += 10));
    }
    for (let r = 0; r < rounds; r++) {
      // The order rotates so no side always follows another's disk writes.
      /** @type {['own' | 'prefetch' | 'single', () => Promise<number>][]} */
      const order = [
        [
          'own',
          () =>
            ownQueue(
              sim.url,
              Array.from({ length: jobs }, () => graphFor(seed++, `raw/${seed}`)),
            ),
        ],
        ['prefetch', () => throughService(prefetch.url, jobs, (seed += jobs))],
        ['single', () => throughService(single.url, jobs, (seed += jobs))],
      ];
      for (let k = 0; k < r % 3; k++) order.push(/** @type {(typeof order)[number]} */ (order.shift()));
      for (const [side, run] of order) {
        await clearHistory(sim.url);
        const wall = await run();
        results[side].walls.push(wall);
        const seen = await gapsOf(sim.url);
        results[side].gaps.push(...seen.gaps);
        results[side].runs.push(...seen.runs);
      }
    }
    const ratio = (side) => median(results.own.walls.map((own, i) => own / results[side].walls[i]));
    return {
      step_ms: stepMs,
      jobs_per_backlog: jobs,
      rounds,
      gap_p50_ms: round(percentile(results.prefetch.gaps, 50), 1),
      gap_p90_ms: round(percentile(results.prefetch.gaps, 90), 1),
      backlog_throughput_ratio: round(ratio('prefetch'), 3),
      gap_p50_ms_prefetch_0: round(percentile(results.single.gaps, 50), 1),
      gap_p90_ms_prefetch_0: round(percentile(results.single.gaps, 90), 1),
      backlog_throughput_ratio_prefetch_0: round(ratio('single'), 3),
      own_queue_gap_p50_ms: round(percentile(results.own.gaps, 50), 1),
      own_queue_gap_p90_ms: round(percentile(results.own.gaps, 90), 1),
      own_queue_ms_per_job: round(median(results.own.walls) / jobs, 1),
      // How long ComfyUI took per run: longer runs under the service mean it competed for the CPUs.
      comfy_run_p50_ms_own_queue: round(median(results.own.runs), 1),
      comfy_run_p50_ms_service: round(median(results.prefetch.runs), 1),
      comfy_run_p50_ms_prefetch_0: round(median(results.single.runs), 1),
      throughput_ratio_rounds: results.own.walls.map((own, i) => round(own / results.prefetch.walls[i], 3)),
    };
  } finally {
    await prefetch.stop();
    await single.stop();
    await sim.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
