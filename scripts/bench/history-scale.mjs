// Target 3: 100,000 stored jobs. Start to ready, listing latency (newest 50; filtered by status),
// and the memory the index takes (RSS against an empty service measured in the same run).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import readline from 'node:readline';
import { SERVICE_ENV, SERVICE_NODE_FLAGS } from '../node-flags.mjs';
import { seed } from './history-seed.mjs';
import os from 'node:os';
import path from 'node:path';
import { json, median, memoryOf, percentile, root, round, startService } from './lib.mjs';

/**
 * A start over job files the index does not know (its journal removed): when the service listens,
 * what /api/health says then, when it is ready, and how many progress lines it logged meanwhile.
 */
async function coldStart(dataDir) {
  rmSync(path.join(dataDir, 'jobs', 'index.jsonl'), { force: true });
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, path.join(root, 'dist', 'server.js')], {
    cwd: root,
    env: {
      ...process.env,
      ...SERVICE_ENV,
      COMFYUI_URL: 'http://127.0.0.1:9',
      AINFLUENCER_DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const started = performance.now();
  let listeningMs = NaN;
  let progressLines = 0;
  /** @type {Promise<string>} */
  let health = Promise.resolve('');
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('cold start took over 120 s')), 120_000);
      child.once('exit', (code) => reject(new Error(`service exited (${code}) during a cold start`)));
      readline.createInterface({ input: child.stdout }).on('line', (line) => {
        const listening = /^LISTENING (\S+)/.exec(line);
        if (listening) {
          listeningMs = performance.now() - started;
          health = json(`${listening[1]}/api/health`).then((r) => r.body?.status ?? `HTTP ${r.status}`);
        }
        if (line.includes('index does not know')) progressLines++;
        if (line.startsWith('READY ')) {
          clearTimeout(timer);
          resolve(undefined);
        }
      });
    });
    return { listeningMs, readyMs: performance.now() - started, healthWhileStarting: await health, progressLines };
  } finally {
    child.kill('SIGKILL');
  }
}

async function latencies(url, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(url);
    /** @type {any} */
    const body = await res.json();
    out.push(performance.now() - t);
    if (res.status !== 200 || body.jobs.length !== 50)
      throw new Error(`listing ${url} → ${res.status}, ${body.jobs?.length} jobs`);
  }
  return out;
}

export async function historyScale({ jobs, requests, rounds }) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-history-'));
  const emptyDir = mkdtempSync(path.join(os.tmpdir(), 'bench-empty-'));
  const seedStarted = performance.now();
  seed(dataDir, jobs);
  const seedMs = performance.now() - seedStarted;
  const env = { COMFYUI_URL: 'http://127.0.0.1:9' };
  try {
    const readies = [],
      indexMb = [],
      newest = [],
      filtered = [],
      deepP95 = [];
    for (let r = 0; r < rounds; r++) {
      const empty = await startService({ ...env, AINFLUENCER_DATA_DIR: emptyDir });
      await new Promise((res) => setTimeout(res, 500));
      const emptyRss = memoryOf(empty.child.pid).rssMb;
      await empty.stop();
      const svc = await startService({ ...env, AINFLUENCER_DATA_DIR: dataDir });
      readies.push(svc.readyMs);
      await new Promise((res) => setTimeout(res, 500));
      indexMb.push(memoryOf(svc.child.pid).rssMb - emptyRss);
      newest.push(median(await latencies(`${svc.url}/api/pipeline/jobs?limit=50`, requests)));
      filtered.push(median(await latencies(`${svc.url}/api/pipeline/jobs?status=failed&limit=50`, requests)));
      // Deep pages through the cursor are as fast: walk 20 pages.
      let cursor = null;
      const deep = [];
      for (let p = 0; p < 20; p++) {
        const t = performance.now();
        /** @type {any} */
        const body = await (
          await fetch(`${svc.url}/api/pipeline/jobs?limit=50${cursor ? `&cursor=${cursor}` : ''}`)
        ).json();
        deep.push(performance.now() - t);
        cursor = body.next_cursor;
      }
      deepP95.push(percentile(deep, 95));
      await svc.stop();
    }
    const cold = await coldStart(dataDir);
    // Warm again after the cold start rewrote the journal: the index it wrote is the one read.
    const rewarmed = await startService({ ...env, AINFLUENCER_DATA_DIR: dataDir });
    const rewarmedMs = rewarmed.readyMs;
    const rewarmedList = median(await latencies(`${rewarmed.url}/api/pipeline/jobs?limit=50`, requests));
    await rewarmed.stop();
    return {
      jobs,
      seed_seconds: round(seedMs / 1000, 1),
      start_to_ready_ms: round(median(readies), 0),
      index_memory_mb: round(median(indexMb), 1),
      list_newest_p50_ms: round(median(newest), 2),
      list_by_status_p50_ms: round(median(filtered), 2),
      list_cursor_pages_p95_ms: round(median(deepP95), 2),
      cold_start_listening_ms: round(cold.listeningMs, 0),
      cold_start_ready_ms: round(cold.readyMs, 0),
      cold_start_health_while_starting: cold.healthWhileStarting,
      cold_start_progress_lines: cold.progressLines,
      warm_after_cold_ready_ms: round(rewarmedMs, 0),
      warm_after_cold_list_newest_p50_ms: round(rewarmedList, 2),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(emptyDir, { recursive: true, force: true });
  }
}
