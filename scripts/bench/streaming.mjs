// Target 4: a 200 MB artifact downloaded from the simulator into the store and served to a client.
// Peak RSS growth of the service, and throughput against a plain file copy on the same disk.
import { createReadStream, createWriteStream, mkdtempSync, promises as fsp, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { json, median, memoryOf, resetPeak, round, startService, startSim } from './lib.mjs';

export async function streaming({ megabytes, rounds }) {
  const bytes = megabytes * 1024 * 1024;
  const sim = await startSim(['--pad-output-bytes', String(bytes)]);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-stream-'));
  const svc = await startService({
    COMFYUI_URL: sim.url,
    AINFLUENCER_DATA_DIR: dataDir,
    COMFYUI_HTTP_TIMEOUT_MS: '120000',
  });
  try {
    const growth = [],
      storeMbps = [],
      serveMbps = [],
      copyMbps = [];
    for (let r = 0; r < rounds; r++) {
      await new Promise((res) => setTimeout(res, 300));
      const before = memoryOf(svc.child.pid).rssMb;
      resetPeak(svc.child.pid);
      const job = await json(`${svc.url}/api/pipeline/generate/image`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          preset_id: 'photoreal_portrait_v1',
          prompt: 'streaming',
          quality_level: 'low',
          seed: 1000 + r,
        }),
      });
      if (job.status !== 200) throw new Error(`generate → ${job.status} ${JSON.stringify(job.body)}`);
      const logs = readFileSync(path.join(dataDir, 'jobs', job.body.job_id, 'logs.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const artifact = logs.find((e) => e.event === 'artifact');
      if (artifact.size_bytes < bytes) throw new Error(`artifact is ${artifact.size_bytes} bytes, expected ≥ ${bytes}`);
      storeMbps.push(artifact.size_bytes / 1048576 / (artifact.download_ms / 1000));
      const t = performance.now();
      const res = await fetch(`${svc.url}${job.body.output_url}`);
      let received = 0;
      for await (const chunk of res.body ?? []) received += chunk.length;
      serveMbps.push(received / 1048576 / ((performance.now() - t) / 1000));
      growth.push(memoryOf(svc.child.pid).peakMb - before);
      // Baseline: copy the same file on the same disk (read → write → fsync, as the store does).
      const source = path.join(dataDir, 'artifacts', job.body.job_id, 'image', 'image_001.png');
      const target = path.join(dataDir, `copy-${r}.bin`);
      const c = performance.now();
      const out = createWriteStream(target);
      await pipeline(createReadStream(source), out);
      const handle = await fsp.open(target, 'r+');
      await handle.sync();
      await handle.close();
      copyMbps.push(artifact.size_bytes / 1048576 / ((performance.now() - c) / 1000));
      await fsp.rm(target);
    }
    const store = median(storeMbps),
      serve = median(serveMbps),
      copy = median(copyMbps);
    return {
      artifact_mb: megabytes,
      rss_growth_mb: round(median(growth), 1),
      store_mb_per_s: round(store, 0),
      serve_mb_per_s: round(serve, 0),
      plain_copy_mb_per_s: round(copy, 0),
      throughput_ratio: round(Math.min(store, serve) / copy, 2),
    };
  } finally {
    await svc.stop();
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
