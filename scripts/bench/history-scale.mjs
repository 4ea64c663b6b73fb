// Target 3: 100,000 stored jobs. Start to ready, listing latency (newest 50; filtered by status),
// and the memory the index takes (RSS against an empty service measured in the same run).
import { mkdtempSync, rmSync } from 'node:fs';
import { seed } from './history-seed.mjs';
import os from 'node:os';
import path from 'node:path';
import { median, memoryOf, percentile, round, startService } from './lib.mjs';

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
    return {
      jobs,
      seed_seconds: round(seedMs / 1000, 1),
      start_to_ready_ms: round(median(readies), 0),
      index_memory_mb: round(median(indexMb), 1),
      list_newest_p50_ms: round(median(newest), 2),
      list_by_status_p50_ms: round(median(filtered), 2),
      list_cursor_pages_p95_ms: round(median(deepP95), 2),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(emptyDir, { recursive: true, force: true });
  }
}
