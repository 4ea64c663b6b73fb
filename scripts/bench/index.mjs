#!/usr/bin/env node
// Benchmarks: `npm run bench` (full) or `npm run bench -- --quick` (about 2 minutes).
// `--only overhead,read,history,streaming,concurrency,distributed` runs a subset. Everything runs on loopback;
// results are printed as measured / target and written to scripts/bench/results/latest.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { root } from './lib.mjs';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const quick = values.quick;
const only = values.only ? new Set(values.only.split(',')) : null;
const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'ensure-deps.mjs'), '--build'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

const { jobOverhead } = await import('./job-overhead.mjs');
const { readPath } = await import('./read-path.mjs');
const { historyScale } = await import('./history-scale.mjs');
const { streaming } = await import('./streaming.mjs');
const { concurrency } = await import('./concurrency.mjs');
const { distributed } = await import('./distributed.mjs');

/** @type {[string, () => Promise<Record<string, any>>][]} */
const plan = [
  [
    'overhead',
    () => jobOverhead({ jobs: quick ? 12 : 30, rounds: quick ? 3 : 5, clients: 4, perClient: quick ? 5 : 10 }),
  ],
  ['read', () => readPath({ seconds: 2, rounds: quick ? 8 : 20 })],
  ['history', () => historyScale({ jobs: 100_000, requests: quick ? 50 : 200, rounds: quick ? 1 : 3 })],
  ['streaming', () => streaming({ megabytes: 200, rounds: quick ? 1 : 3 })],
  ['concurrency', () => concurrency({ submissions: 500 })],
  ['distributed', () => distributed({ jobs: quick ? 100 : 300, rounds: quick ? 3 : 5 })],
];

const TARGETS = {
  overhead: [
    ['throughput_ratio', '≥', 0.95],
    ['throughput_ratio_concurrent', '≥', 0.95],
    ['added_latency_p50_ms', '≤', 5],
    ['service_peak_rss_mb', '≤', 120],
  ],
  read: [
    ['job_ratio', '≥', 0.7],
    ['presets_ratio', '≥', 0.7],
  ],
  history: [
    ['list_newest_p50_ms', '≤', 20],
    ['list_by_status_p50_ms', '≤', 20],
    ['start_to_ready_ms', '≤', 3000],
    ['index_memory_mb', '≤', 100],
  ],
  streaming: [
    ['rss_growth_mb', '≤', 50],
    ['throughput_ratio', '≥', 0.5],
  ],
  // Figures without a target (the issue asks for them side by side): reported, never a MISS.
  distributed: [
    ['jobs_per_s_1_instance', 'info', null],
    ['jobs_per_s_2_instances', 'info', null],
    ['jobs_per_s_4_instances', 'info', null],
    ['distributed_added_ms', 'info', null],
    ['distributed_over_embedded', 'info', null],
  ],
  concurrency: [
    ['lost', '≤', 0],
    ['other_responses', '≤', 0],
    ['event_loop_p99_ms', '≤', 50],
  ],
};

const results = {
  started_at: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  node: process.version,
  cpus: os.cpus().length,
  benchmarks: {},
};
const rows = [];
for (const [name, run] of plan) {
  if (only && !only.has(name)) continue;
  process.stderr.write(`running ${name}…\n`);
  const t = performance.now();
  try {
    const r = await run();
    results.benchmarks[name] = { ...r, wall_seconds: Math.round((performance.now() - t) / 1000) };
    for (const [key, op, target] of TARGETS[name]) {
      const v = r[key];
      if (op === 'info') {
        rows.push([name, key, String(v), '', '']);
        continue;
      }
      const pass = op === '≥' ? v >= target : v <= target;
      rows.push([name, key, String(v), `${op} ${target}`, pass ? 'pass' : 'MISS']);
    }
  } catch (err) {
    results.benchmarks[name] = { error: String(err?.stack ?? err) };
    rows.push([name, 'error', String(err?.message ?? err).slice(0, 60), '', 'FAIL']);
  }
}
const widths = [0, 1, 2, 3, 4].map((i) =>
  Math.max(...[['benchmark', 'metric', 'measured', 'target', ''], ...rows].map((r) => r[i].length)),
);
const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(line(['benchmark', 'metric', 'measured', 'target', '']));
for (const r of rows) console.log(line(r));
for (const [name, r] of Object.entries(results.benchmarks)) console.log(`${name}: ${JSON.stringify(r)}`);
mkdirSync(path.join(root, 'scripts', 'bench', 'results'), { recursive: true });
writeFileSync(path.join(root, 'scripts', 'bench', 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
process.exit(0);
