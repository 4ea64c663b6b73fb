#!/usr/bin/env node
// Benchmarks: `npm run bench` (full) or `npm run bench -- --quick` (about 2 minutes).
// `--only overhead,gap,read,history,memory,backends,streaming,concurrency,distributed,webhooks` runs a subset. Everything runs on loopback;
// results are printed as measured / target and written to scripts/bench/results/latest.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { root, round } from './lib.mjs';

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
const { gpuGap } = await import('./gpu-gap.mjs');
const { asStarted } = await import('./as-started.mjs');
const { backends } = await import('./backends.mjs');
const { webhooks } = await import('./webhooks.mjs');

/** Node 24 (the active LTS) from the npm registry, for the memory benchmark's second row; null when offline. */
function node24() {
  const found = spawnSync('npx', ['-y', 'node@24', '-p', 'process.execPath'], { encoding: 'utf8', timeout: 120_000 });
  const bin = found.status === 0 ? found.stdout.trim().split('\n').at(-1) : '';
  return bin && bin !== process.execPath ? bin : null;
}

/** @type {[string, () => Promise<Record<string, any>>][]} */
const plan = [
  [
    'overhead',
    async () => {
      const cpuOnly = await jobOverhead({
        jobs: quick ? 12 : 30,
        rounds: quick ? 3 : 5,
        clients: 4,
        perClient: quick ? 5 : 10,
      });
      // The same with sampler steps that take time without CPU (5 ms each), as on a GPU box.
      const gpuLike = await jobOverhead({ jobs: quick ? 8 : 20, rounds: 3, clients: 4, perClient: 5, stepMs: 5 });
      return {
        ...cpuOnly,
        gpu_like: gpuLike,
        added_beyond_durability_gpu_like_p50_ms: gpuLike.added_beyond_durability_p50_ms,
        throughput_ratio_gpu_like: gpuLike.throughput_ratio,
        throughput_ratio_concurrent_gpu_like: gpuLike.throughput_ratio_concurrent,
      };
    },
  ],
  [
    'gap',
    async () => {
      // Sampler steps of 5 ms that use no CPU, as on a GPU box (the target); and zero-time steps,
      // where the simulator's run is all CPU, shared with the service (a figure).
      const gpuLike = await gpuGap({ jobs: quick ? 20 : 30, rounds: 3, stepMs: 5 });
      const cpuOnly = await gpuGap({ jobs: 20, rounds: quick ? 2 : 3, stepMs: 0 });
      return {
        ...gpuLike,
        zero_step: cpuOnly,
        backlog_throughput_ratio_zero_step: cpuOnly.backlog_throughput_ratio,
        comfy_run_slowdown_zero_step: round(cpuOnly.comfy_run_p50_ms_service / cpuOnly.comfy_run_p50_ms_own_queue, 3),
      };
    },
  ],
  ['read', () => readPath({ seconds: 2, rounds: quick ? 8 : 20 })],
  ['history', () => historyScale({ jobs: 100_000, requests: quick ? 50 : 200, rounds: quick ? 1 : 3 })],
  [
    'memory',
    () => {
      const bins = [[`node${process.versions.node.split('.')[0]}`, process.execPath]];
      const other = node24();
      if (other) bins.push(['node24', other]);
      return asStarted({ nodeBins: bins, perClient: quick ? 5 : 10 });
    },
  ],
  ['backends', () => backends({ rounds: quick ? 2 : 3 })],
  ['streaming', () => streaming({ megabytes: 200, rounds: quick ? 1 : 3 })],
  ['concurrency', () => concurrency({ submissions: 500 })],
  ['distributed', () => distributed({ jobs: quick ? 100 : 300, rounds: quick ? 3 : 5 })],
  ['webhooks', () => webhooks({ jobs: quick ? 10 : 20, rounds: 3 })],
];

const major = `node${process.versions.node.split('.')[0]}`;
const TARGETS = {
  webhooks: [
    ['added_by_webhook_p50_ms', 'info', null],
    ['end_to_delivery_p50_ms', 'info', null],
    ['end_to_delivery_p99_ms', 'info', null],
    ['delivered', 'info', null],
  ],
  overhead: [
    ['added_beyond_durability_p50_ms', '≤', 5],
    ['added_latency_p50_ms', 'info', null],
    ['durability_floor_ms', 'info', null],
    ['throughput_ratio', 'info', null],
    ['throughput_ratio_concurrent', '≥', 0.95],
    ['service_peak_rss_mb', '≤', 120],
    ['added_beyond_durability_gpu_like_p50_ms', 'info', null],
    ['throughput_ratio_gpu_like', 'info', null],
    ['throughput_ratio_concurrent_gpu_like', 'info', null],
  ],
  gap: [
    ['gap_p50_ms', '≤', 1],
    ['gap_p90_ms', '≤', 3],
    ['backlog_throughput_ratio', '≥', 0.98],
    ['gap_p50_ms_prefetch_0', 'info', null],
    ['backlog_throughput_ratio_prefetch_0', 'info', null],
    ['backlog_throughput_ratio_zero_step', 'info', null],
    ['comfy_run_slowdown_zero_step', 'info', null],
  ],
  read: [
    ['job_ratio', '≥', 0.8],
    ['presets_ratio', '≥', 0.8],
  ],
  history: [
    ['list_newest_p50_ms', '≤', 20],
    ['list_by_status_p50_ms', '≤', 20],
    ['start_to_ready_ms', '≤', 3000],
    ['index_memory_mb', '≤', 100],
    ['cold_start_listening_ms', '≤', 1000],
    ['cold_start_ready_ms', '≤', 10000],
    ['cold_start_health_while_starting', 'info', null],
    ['cold_start_progress_lines', 'info', null],
    ['warm_after_cold_ready_ms', '≤', 3000],
  ],
  memory: [
    [`${major}_processes`, 'info', null],
    [`${major}_rss_sum_1_backend_mb`, '≤', 140],
    [`${major}_rss_sum_4_backends_mb`, '≤', 170],
    [`${major}_pss_sum_1_backend_mb`, 'info', null],
    ['node24_processes', 'info', null],
    ['node24_rss_sum_1_backend_mb', '≤', 140],
    ['node24_rss_sum_4_backends_mb', '≤', 170],
  ],
  backends: [
    ['jobs_per_s_1', 'info', null],
    ['jobs_per_s_2', 'info', null],
    ['jobs_per_s_4', 'info', null],
    ['jobs_2_vs_attainable', '≥', 0.9],
    ['jobs_4_vs_attainable', '≥', 0.9],
    ['scaling_2_vs_linear', 'info', null],
    ['cores_needed_for_linear_2', 'info', null],
    ['cpu_bound_jobs_per_s', 'info', null],
    ['cores_busy_4', 'info', null],
    ['sim_cpu_ms_per_job', 'info', null],
    ['service_cpu_ms_per_job', 'info', null],
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
      if (v === undefined) continue; // (a figure this machine could not produce, e.g. no Node 24)
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
