// Target: several backends. Jobs/s with 1, 2 and 4 simulator backends (zero-time steps), 4 clients
// running jobs back to back, and where the CPU time goes (the simulators' PNG encoding, the
// service), so the point where the machine's cores are the limit is named with figures.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, round, startService, startSim, runServiceJob } from './lib.mjs';
import { cpuSecondsOf } from './process-tree.mjs';

async function round1(sims, { clients, perClient, seed0 }) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-backends-'));
  const svc = await startService({ COMFYUI_URLS: sims.map((s) => s.url).join(','), AINFLUENCER_DATA_DIR: dataDir });
  try {
    let seed = seed0;
    for (let i = 0; i < 4 * sims.length; i++) await runServiceJob(svc.url, seed++, 'backends');
    const pids = [svc.child.pid, ...sims.map((s) => s.child.pid)];
    const cpu0 = pids.map(cpuSecondsOf);
    const client0 = process.cpuUsage(); // the 4 clients (this process) use the same cores
    const t = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let j = 0; j < perClient; j++) await runServiceJob(svc.url, seed++, 'backends');
      }),
    );
    const wall = (performance.now() - t) / 1000;
    const cpu = pids.map((p, i) => cpuSecondsOf(p) - cpu0[i]);
    const clientUsage = process.cpuUsage(client0);
    const clientCpu = (clientUsage.user + clientUsage.system) / 1e6;
    const jobs = clients * perClient;
    return {
      jobsPerS: jobs / wall,
      serviceCores: cpu[0] / wall,
      simCores: cpu.slice(1).reduce((a, b) => a + b, 0) / wall,
      simCpuMsPerJob: (cpu.slice(1).reduce((a, b) => a + b, 0) / jobs) * 1000,
      serviceCpuMsPerJob: (cpu[0] / jobs) * 1000,
      clientCpuMsPerJob: (clientCpu / jobs) * 1000,
    };
  } finally {
    await svc.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function backends({ rounds, clients = 4, perClient = 8 }) {
  const sims = [];
  for (let i = 0; i < 4; i++) sims.push(await startSim());
  const counts = [1, 2, 4];
  /** @type {Record<number, Awaited<ReturnType<typeof round1>>[]>} */
  const per = { 1: [], 2: [], 4: [] };
  try {
    let seed = 1;
    for (let r = 0; r < rounds; r++) {
      for (const n of r % 2 === 0 ? counts : [...counts].reverse()) {
        per[n].push(await round1(sims.slice(0, n), { clients, perClient, seed0: seed }));
        seed += 1000;
      }
    }
    const med = (n, key) => median(per[n].map((x) => x[key]));
    const out = { cores: os.cpus().length, clients };
    for (const n of counts) {
      out[`jobs_per_s_${n}`] = round(med(n, 'jobsPerS'), 2);
      out[`cores_busy_${n}`] = round(med(n, 'serviceCores') + med(n, 'simCores'), 2);
      out[`sim_cores_${n}`] = round(med(n, 'simCores'), 2);
    }
    out.scaling_2_vs_linear = round(out.jobs_per_s_2 / (2 * out.jobs_per_s_1), 3);
    out.scaling_4_vs_linear = round(out.jobs_per_s_4 / (4 * out.jobs_per_s_1), 3);
    out.sim_cpu_ms_per_job = round(median(counts.flatMap((n) => per[n].map((x) => x.simCpuMsPerJob))), 1);
    out.service_cpu_ms_per_job = round(median(counts.flatMap((n) => per[n].map((x) => x.serviceCpuMsPerJob))), 1);
    out.client_cpu_ms_per_job = round(median(counts.flatMap((n) => per[n].map((x) => x.clientCpuMsPerJob))), 1);
    // The most jobs/s these cores can give, from the CPU each job costs (simulator, service, clients).
    const perJob = out.sim_cpu_ms_per_job + out.service_cpu_ms_per_job + out.client_cpu_ms_per_job;
    out.cpu_bound_jobs_per_s = round((out.cores * 1000) / perJob, 2);
    // Against what is attainable: n times one backend's rate, unless the cores cannot give that much.
    const attainable = (n) => Math.min(n * out.jobs_per_s_1, out.cpu_bound_jobs_per_s);
    out.jobs_2_vs_attainable = round(out.jobs_per_s_2 / attainable(2), 3);
    out.jobs_4_vs_attainable = round(out.jobs_per_s_4 / attainable(4), 3);
    out.cores_needed_for_linear_2 = round(
      (2 * out.jobs_per_s_1 * (out.sim_cpu_ms_per_job + out.service_cpu_ms_per_job)) / 1000,
      2,
    );
    return out;
  } finally {
    for (const s of sims) await s.stop();
  }
}
