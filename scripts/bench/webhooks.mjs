// Figures (no target): what a webhook costs a job, and how soon it arrives. Synchronous jobs with
// and without webhook_url, interleaved in rounds (the webhook's delivery is staged, fsynced, before
// the job's end is stored), and the time from a job's stored end to the receiver's answer.
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { json, median, percentile, round, runServiceJob, startService, startSim } from './lib.mjs';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

/** A receiver that answers 204 and notes when each job's message arrived. */
async function startReceiver() {
  /** @type {Map<string, number>} */
  const arrived = new Map();
  const server = createServer((req, res) => {
    const chunks = /** @type {Buffer[]} */ ([]);
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      arrived.set(body.data.job_id, Date.now());
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${address.port}/hook`, arrived, close: () => new Promise((r) => server.close(r)) };
}

/**
 * @param {{ jobs: number, rounds: number }} options
 */
export async function webhooks({ jobs, rounds }) {
  const sim = await startSim();
  const receiver = await startReceiver();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-webhooks-'));
  const svc = await startService({
    COMFYUI_URL: sim.url,
    AINFLUENCER_DATA_DIR: dataDir,
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_ALLOW_PRIVATE: 'true',
  });
  try {
    let seed = 1;
    /** @param {boolean} withHook */
    const job = async (withHook) => {
      const t = performance.now();
      const body = await runServiceJob(svc.url, seed++, undefined, withHook ? { webhook_url: receiver.url } : {});
      return { ms: performance.now() - t, jobId: /** @type {string} */ (body.job_id) };
    };
    for (let i = 0; i < 4; i++) await job(i % 2 === 0); // warm-up
    const plain = /** @type {number[]} */ ([]);
    const hooked = /** @type {number[]} */ ([]);
    const hookedIds = /** @type {string[]} */ ([]);
    for (let r = 0; r < rounds; r++)
      for (let i = 0; i < jobs; i++) {
        // Alternating, so both see the same machine at the same moments.
        plain.push((await job(false)).ms);
        const h = await job(true);
        hooked.push(h.ms);
        hookedIds.push(h.jobId);
      }
    const until = Date.now() + 10_000;
    while (hookedIds.some((id) => !receiver.arrived.has(id)) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    const afterEnd = /** @type {number[]} */ ([]);
    for (const id of hookedIds) {
      const st = await json(`${svc.url}/api/pipeline/jobs/${id}`);
      const at = receiver.arrived.get(id);
      if (at !== undefined) afterEnd.push(at - Date.parse(st.body.finished_at));
    }
    return {
      jobs_each: plain.length,
      job_p50_ms_without: round(median(plain), 1),
      job_p50_ms_with_webhook: round(median(hooked), 1),
      added_by_webhook_p50_ms: round(median(hooked) - median(plain), 1),
      delivered: `${afterEnd.length}/${hookedIds.length}`,
      end_to_delivery_p50_ms: round(median(afterEnd), 1),
      end_to_delivery_p99_ms: round(percentile(afterEnd, 99), 1),
    };
  } finally {
    await svc.stop();
    await sim.stop();
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await webhooks({ jobs: 20, rounds: 3 }));
