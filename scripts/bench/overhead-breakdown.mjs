#!/usr/bin/env node
// Diagnostic for target 1 (not part of `npm run bench`): where the service's extra time per job goes.
// A passive WebSocket observer timestamps each prompt's first and last progress_state broadcast, so
// each job splits into: before ComfyUI starts, ComfyUI's own run, and after ComfyUI finished.
// Usage: node scripts/bench/overhead-breakdown.mjs (after npm run build)
import { mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { benchGraphBuilder, json, median, startService, startSim } from './lib.mjs';
const graphFor = await benchGraphBuilder();
const sim = await startSim(process.env.STEP_MS ? ['--step-ms', process.env.STEP_MS] : []);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'diag-'));
const svc = await startService({ COMFYUI_URL: sim.url, AINFLUENCER_DATA_DIR: dataDir });
const obs = new WebSocket(`${sim.url.replace('http', 'ws')}/ws?clientId=observer`);
const seen = new Map();
obs.on('message', (d, bin) => {
  if (bin) return;
  const m = JSON.parse(String(d));
  if (m.type === 'progress_state') {
    const pid = m.data.prompt_id;
    const e = seen.get(pid) ?? { first: performance.now(), last: 0 };
    e.last = performance.now();
    seen.set(pid, e);
  }
});
await new Promise((r) => obs.once('open', r));
const rawWs = new WebSocket(`${sim.url.replace('http', 'ws')}/ws?clientId=raw`);
const waiters = new Map();
rawWs.on('message', (d, bin) => {
  if (bin) return;
  const m = JSON.parse(String(d));
  if (m.type === 'executing' && m.data.node === null) waiters.get(m.data.prompt_id)?.();
});
await new Promise((r) => rawWs.once('open', r));
/** @type {{ raw: { total: number, toSimStart: number, sim: number, afterSim: number }[], svc: { total: number, toSimStart: number, sim: number, afterSim: number }[] }} */
const rows = { raw: [], svc: [] };
let seed = 1;
for (let i = 0; i < 25; i++) {
  {
    const id = randomUUID();
    const g = graphFor(seed++, `raw/${seed}`, 'b');
    const t0 = performance.now();
    const done = new Promise((r) => waiters.set(id, r));
    await (
      await fetch(`${sim.url}/prompt`, {
        method: 'POST',
        body: JSON.stringify({ prompt: g, client_id: 'raw', prompt_id: id }),
      })
    ).text();
    const t1 = performance.now();
    await done;
    const t2 = performance.now();
    /** @type {any} */
    const h = await (await fetch(`${sim.url}/history/${id}`)).json();
    const img = h[id].outputs[Object.keys(h[id].outputs)[0]].images[0];
    const v = await fetch(
      `${sim.url}/view?${new URLSearchParams({ filename: img.filename, subfolder: img.subfolder, type: 'output' })}`,
    );
    for await (const c of v.body ?? []) {
    }
    const t3 = performance.now();
    const s = seen.get(id);
    rows.raw.push({ total: t3 - t0, toSimStart: s.first - t0, sim: s.last - s.first, afterSim: t3 - s.last });
  }
  {
    const t0 = performance.now();
    const r = await json(`${svc.url}/api/pipeline/generate/image`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ preset_id: 'photoreal_portrait_v1', prompt: 'b', quality_level: 'low', seed: seed++ }),
    });
    const t3 = performance.now();
    const job = JSON.parse(readFileSync(`${dataDir}/jobs/${r.body.job_id}.json`, 'utf8'));
    const s = seen.get(job.engine_prompt_id);
    rows.svc.push({ total: t3 - t0, toSimStart: s.first - t0, sim: s.last - s.first, afterSim: t3 - s.last });
  }
}
for (const k of ['raw', 'svc']) {
  const r = rows[k].slice(5);
  console.log(
    k,
    Object.fromEntries(
      ['total', 'toSimStart', 'sim', 'afterSim'].map((f) => [f, median(r.map((x) => x[f])).toFixed(1)]),
    ),
  );
}
obs.close();
rawWs.close();
await svc.stop();
await sim.stop();
process.exit(0);
