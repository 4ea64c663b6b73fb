// Target 3: 100,000 stored jobs. Start to ready, listing latency (newest 50; filtered by status),
// and the memory the index takes (RSS against an empty service measured in the same run).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { median, memoryOf, percentile, round, startService } from './lib.mjs';

const STATUSES = ['completed', 'completed', 'completed', 'failed', 'cancelled'];

/** Write `count` job files plus the index journal the service keeps, as a long-running install would have. */
function seed(dataDir, count) {
  const jobsDir = path.join(dataDir, 'jobs');
  mkdirSync(jobsDir, { recursive: true });
  const journal = openSync(path.join(jobsDir, 'index.jsonl'), 'w');
  const start = Date.now() - count * 60_000;
  let lines = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const created = new Date(start + i * 60_000).toISOString();
    const status = STATUSES[i % STATUSES.length];
    const preset = i % 3 === 0 ? 'cinematic_portrait_v1' : 'photoreal_portrait_v1';
    const failed = status !== 'completed';
    const job = {
      schema_version: 1,
      job_id: id,
      preset_id: preset,
      user_id: null,
      status,
      created_at: created,
      started_at: created,
      finished_at: created,
      inputs: {
        preset_id: preset,
        prompt: `portrait number ${i}`,
        quality_level: 'low',
        consent_given: false,
        seed: i,
      },
      outputs: failed
        ? []
        : [
            {
              type: 'image',
              filename: 'image_001.png',
              path: `artifacts/${id}/image/image_001.png`,
              url: `/api/pipeline/jobs/${id}/artifacts/image_001.png`,
              content_type: 'image/png',
              size_bytes: 2200000,
              sha256: '0'.repeat(64),
              width: 1024,
              height: 1024,
              node_id: '7',
              comfy_filename: 'x_00001_.png',
              comfy_subfolder: 'ainfluencer',
              created_at: created,
            },
          ],
      engine_used: 'local_comfy',
      quality_level: 'low',
      credit_cost: 1,
      error: failed ? 'simulated' : null,
      error_code: failed ? (status === 'cancelled' ? 'JOB_CANCELLED' : 'ENGINE_TIMEOUT') : null,
      remediation: [],
      logs: `jobs/${id}/logs.jsonl`,
      progress: failed ? 0.5 : 1,
      seed: i,
      consent: { given: false, required: false, recorded_at: created },
      engine_prompt_id: randomUUID(),
      error_detail: null,
      provenance: null,
      idempotency_key: null,
      submit_attempts: 1,
    };
    writeFileSync(path.join(jobsDir, `${id}.json`), JSON.stringify(job));
    const ms = Date.parse(created);
    lines.push(
      JSON.stringify({
        job_id: id,
        preset_id: preset,
        status,
        quality_level: 'low',
        created_ms: ms,
        started_ms: ms,
        finished_ms: ms,
        progress: job.progress,
        output: failed ? null : 'image_001.png',
        error: job.error,
        error_code: job.error_code,
        bytes: failed ? 0 : 2200000,
        idempotency_key: null,
      }),
    );
    if (lines.length === 5000) {
      writeSync(journal, `${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length) writeSync(journal, `${lines.join('\n')}\n`);
  closeSync(journal);
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
