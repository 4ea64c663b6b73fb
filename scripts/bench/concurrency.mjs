// Target 5: 500 asynchronous submissions at once. Each is accepted (202) or cleanly refused by the
// queue bound (503 + Retry-After); every accepted job completes; event-loop delay p99 meanwhile.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { round, startService, startSim } from './lib.mjs';

export async function concurrency({ submissions }) {
  const sim = await startSim();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-burst-'));
  const svc = await startService({ COMFYUI_URL: sim.url, AINFLUENCER_DATA_DIR: dataDir });
  try {
    await fetch(`${svc.url}/metrics`); // resets the event-loop histogram
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: submissions }, (_, i) =>
        fetch(`${svc.url}/api/pipeline/generate/image`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', prefer: 'respond-async' },
          body: JSON.stringify({
            preset_id: 'photoreal_portrait_v1',
            prompt: `burst ${i}`,
            quality_level: 'low',
            seed: i,
          }),
        }).then(async (r) => ({
          status: r.status,
          retryAfter: r.headers.get('retry-after'),
          body: /** @type {any} */ (await r.json()),
        })),
      ),
    );
    const accepted = responses.filter((r) => r.status === 202);
    const refused = responses.filter(
      (r) => r.status === 503 && r.body.error_code === 'SERVICE_UNAVAILABLE' && Number(r.retryAfter) > 0,
    );
    const other = responses.length - accepted.length - refused.length;
    const ids = new Set(accepted.map((r) => r.body.job_id));
    const deadline = Date.now() + 15 * 60_000;
    let completed = 0,
      failed = 0;
    while (Date.now() < deadline) {
      completed = 0;
      failed = 0;
      let cursor = null;
      do {
        /** @type {any} */
        const page = await (
          await fetch(`${svc.url}/api/pipeline/jobs?limit=200${cursor ? `&cursor=${cursor}` : ''}`)
        ).json();
        for (const j of page.jobs)
          if (ids.has(j.job_id)) {
            if (j.status === 'completed') completed++;
            else if (j.status === 'failed' || j.status === 'cancelled') failed++;
          }
        cursor = page.next_cursor;
      } while (cursor);
      if (completed + failed === ids.size) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    // prom-client's event-loop percentiles cover the time since the previous scrape: here, the run.
    const p99 = Number(/^nodejs_eventloop_lag_p99_seconds ([\d.e+-]+)$/m.exec(metrics)?.[1]) * 1000;
    const max = Number(/^nodejs_eventloop_lag_max_seconds ([\d.e+-]+)$/m.exec(metrics)?.[1]) * 1000;
    return {
      submissions,
      accepted: accepted.length,
      refused_cleanly: refused.length,
      other_responses: other,
      completed,
      failed,
      lost: ids.size - completed - failed,
      seconds: round((performance.now() - started) / 1000, 1),
      event_loop_p99_ms: round(p99, 1),
      event_loop_max_ms: round(max, 1),
    };
  } finally {
    await svc.stop();
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
