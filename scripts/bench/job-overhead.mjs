// Target 1: jobs through POST /api/pipeline/generate/image vs a minimal raw client against the
// same simulator (1024×1024 text-to-image, a new seed every job so nothing is cached).
// Runs interleaved (raw, service, raw, service…) so both see the same machine load.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawComfyClient } from './raw-client.mjs';
import { fsyncFloor } from './fsync-floor.mjs';
import {
  benchGraphBuilder,
  median,
  memoryOf,
  resetPeak,
  round,
  runServiceJob,
  startService,
  startSim,
} from './lib.mjs';

/**
 * With `stepMs` > 0 the simulator's sampler steps take that long without using the CPU, as on a
 * GPU box; with 0 its whole run is CPU work (PNG encoding) that competes with the service's own.
 */
export async function jobOverhead({ jobs, rounds = 1, clients = 4, perClient = 6, stepMs = 0 }) {
  const graphFor = await benchGraphBuilder();

  const sim = await startSim(['--step-ms', String(stepMs)]);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-overhead-'));
  const svc = await startService({ COMFYUI_URL: sim.url, AINFLUENCER_DATA_DIR: dataDir });
  const raw = new RawComfyClient(sim.url);
  await raw.open();
  const rawMs = [],
    svcMs = [];
  let rawTotal = 0,
    svcTotal = 0;
  let seed = 1;
  const runRaw = async () => {
    const graph = graphFor(seed++, `raw/${seed}`);
    const t = performance.now();
    await raw.run(graph);
    return performance.now() - t;
  };
  const runSvc = async () => {
    const t = performance.now();
    await runServiceJob(svc.url, seed++);
    return performance.now() - t;
  };
  try {
    // Warm-up: JIT, object_info cache, sockets. Both sides need about 15 jobs to reach their steady
    // speed (the raw client's fetch most of all): with 3, the first round compared a still-cold raw
    // client with a warm service and came out 15-20 ms better than every later round.
    for (let i = 0; i < 15; i++) {
      await runRaw();
      await runSvc();
    }
    resetPeak(svc.child.pid);
    const perRound = [];
    for (let r = 0; r < rounds; r++) {
      rawMs.length = 0;
      svcMs.length = 0;
      rawTotal = 0;
      svcTotal = 0;
      for (let i = 0; i < jobs; i++) {
        // Alternate which goes first so neither always follows the other's disk writes.
        if (i % 2 === 0) {
          const a = await runRaw();
          rawMs.push(a);
          rawTotal += a;
          const b = await runSvc();
          svcMs.push(b);
          svcTotal += b;
        } else {
          const b = await runSvc();
          svcMs.push(b);
          svcTotal += b;
          const a = await runRaw();
          rawMs.push(a);
          rawTotal += a;
        }
      }
      const diffs = svcMs.map((v, i) => v - rawMs[i]);
      // The disk's own durability cost, measured on the data folder's disk right after the round.
      const floor = fsyncFloor(path.dirname(dataDir), 20).floor_ms;
      perRound.push({
        raw: median(rawMs),
        svc: median(svcMs),
        ratio: rawTotal / svcTotal,
        added: median(diffs),
        floor,
      });
    }
    // Throughput with several clients at once (jobs kept in flight, as a busy install has them):
    // the raw clients keep ComfyUI's queue full; the service must not leave ComfyUI idle while it
    // stores the previous job's outputs.
    const concurrentRatios = [];
    const wall = async (fn) => {
      const t = performance.now();
      await Promise.all(
        Array.from({ length: clients }, () =>
          (async () => {
            for (let j = 0; j < perClient; j++) await fn();
          })(),
        ),
      );
      return performance.now() - t;
    };
    for (let r = 0; r < rounds; r++) {
      const rawWall = r % 2 === 0 ? await wall(runRaw) : null;
      const svcWall = await wall(runSvc);
      const rawWall2 = rawWall ?? (await wall(runRaw));
      concurrentRatios.push(rawWall2 / svcWall);
    }
    const mem = memoryOf(svc.child.pid);
    return {
      jobs_per_round: jobs,
      rounds,
      raw_p50_ms: round(median(perRound.map((p) => p.raw)), 1),
      service_p50_ms: round(median(perRound.map((p) => p.svc)), 1),
      throughput_ratio: round(median(perRound.map((p) => p.ratio)), 3),
      concurrent_clients: clients,
      concurrent_jobs_per_client: perClient,
      throughput_ratio_concurrent: round(median(concurrentRatios), 3),
      added_latency_p50_ms: round(median(perRound.map((p) => p.added)), 1),
      durability_floor_ms: round(median(perRound.map((p) => p.floor)), 1),
      added_beyond_durability_p50_ms: round(median(perRound.map((p) => p.added - p.floor)), 1),
      added_latency_rounds: perRound.map((p) => round(p.added, 1)),
      throughput_ratio_rounds: perRound.map((p) => round(p.ratio, 3)),
      throughput_ratio_concurrent_rounds: concurrentRatios.map((r) => round(r, 3)),
      service_peak_rss_mb: round(mem.peakMb, 1),
    };
  } finally {
    raw.close();
    await svc.stop();
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
