// Target: memory as users start the service. `node scripts/one.mjs --no-sim` against simulator
// backends, under the job benchmark's load (warm-up, then 4 clients running jobs back to back);
// the peak of every process the command leaves running, summed: resident (RSS, which counts pages
// shared between processes, such as the node binary, once per process) and proportional (PSS).
// Run for each Node binary given (the machine's, and Node 24 when present).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { root, round, startSim, runServiceJob } from './lib.mjs';
import { memoryOfTree, treeOf } from './process-tree.mjs';

async function measure(nodeBin, simUrls, { clients, perClient }) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-as-started-'));
  const launcher = spawn(nodeBin, [path.join(root, 'scripts', 'one.mjs'), '--no-sim'], {
    cwd: root,
    env: {
      ...process.env,
      ...(simUrls.length === 1 ? { COMFYUI_URL: simUrls[0] } : { COMFYUI_URLS: simUrls.join(',') }),
      AINFLUENCER_DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((r) => launcher.once('exit', r));
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('one.mjs did not print its banner')), 120_000);
      launcher.once('exit', (code) => reject(new Error(`one.mjs exited (${code})`)));
      readline.createInterface({ input: launcher.stdout }).on('line', (line) => {
        const m = /AInfluencer pipeline service\s+(http:\/\/\S+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    let seed = 1;
    for (let i = 0; i < 15; i++) await runServiceJob(url, seed++, 'as started');
    let peakRss = 0,
      peakPss = 0,
      processes = 0;
    const sample = () => {
      const tree = treeOf(/** @type {number} */ (launcher.pid));
      processes = Math.max(processes, tree.length);
      const m = memoryOfTree(tree);
      peakRss = Math.max(peakRss, m.rssMb);
      peakPss = Math.max(peakPss, m.pssMb);
    };
    const sampler = setInterval(sample, 50);
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let j = 0; j < perClient; j++) await runServiceJob(url, seed++, 'as started');
      }),
    );
    clearInterval(sampler);
    sample();
    return { processes, rss_sum_peak_mb: round(peakRss, 1), pss_sum_peak_mb: round(peakPss, 1) };
  } finally {
    launcher.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function asStarted({ nodeBins, clients = 4, perClient = 10 }) {
  const sims = [];
  for (let i = 0; i < 4; i++) sims.push(await startSim());
  const out = {};
  try {
    for (const [label, bin] of nodeBins) {
      const one = await measure(bin, [sims[0].url], { clients, perClient });
      const four = await measure(
        bin,
        sims.map((s) => s.url),
        { clients, perClient },
      );
      out[`${label}_processes`] = one.processes;
      out[`${label}_rss_sum_1_backend_mb`] = one.rss_sum_peak_mb;
      out[`${label}_pss_sum_1_backend_mb`] = one.pss_sum_peak_mb;
      out[`${label}_rss_sum_4_backends_mb`] = four.rss_sum_peak_mb;
      out[`${label}_pss_sum_4_backends_mb`] = four.pss_sum_peak_mb;
    }
    return out;
  } finally {
    for (const s of sims) await s.stop();
  }
}
