// Target 2: GET /api/pipeline/jobs/{id} and GET /api/pipeline/presets against a bare Fastify route
// returning the same body, same load (autocannon). Short runs alternate service/bare (order flipped
// every round) and the figure is the median of the paired ratios: on a shared VM the speed of the
// machine drifts within seconds, so only runs close in time are comparable.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { json, median, round, root, startProcess, startService, startSim } from './lib.mjs';

function load(url, seconds) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: 10, duration: seconds, pipelining: 1 }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

export async function readPath({ seconds, rounds }) {
  const sim = await startSim();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-read-'));
  const svc = await startService({ COMFYUI_URL: sim.url, AINFLUENCER_DATA_DIR: dataDir });
  let bare;
  try {
    const job = await json(`${svc.url}/api/pipeline/generate/image`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ preset_id: 'photoreal_portrait_v1', prompt: 'read path', quality_level: 'low', seed: 1 }),
    });
    const jobPath = `/api/pipeline/jobs/${job.body.job_id}`;
    const bodies = {
      '/job': await (await fetch(`${svc.url}${jobPath}`)).text(),
      '/presets': await (await fetch(`${svc.url}/api/pipeline/presets`)).text(),
    };
    bare = await startProcess(
      path.join(root, 'scripts', 'bench', 'bare-fastify.mjs'),
      [],
      { BARE_BODIES: JSON.stringify(bodies) },
      /^BARE (\S+)/,
      'bare fastify',
    );
    const bareUrl = bare.match[1];
    // Warm-up: JIT and connection pools of both servers.
    await load(`${svc.url}${jobPath}`, 1);
    await load(`${bareUrl}/job`, 1);
    await load(`${svc.url}/api/pipeline/presets`, 1);
    await load(`${bareUrl}/presets`, 1);
    const results = { job: { svc: [], bare: [] }, presets: { svc: [], bare: [] } };
    for (let r = 0; r < rounds; r++) {
      for (const [name, svcPath, barePath] of [
        ['job', jobPath, '/job'],
        ['presets', '/api/pipeline/presets', '/presets'],
      ]) {
        const pair =
          r % 2 === 0
            ? [
                ['svc', `${svc.url}${svcPath}`],
                ['bare', `${bareUrl}${barePath}`],
              ]
            : [
                ['bare', `${bareUrl}${barePath}`],
                ['svc', `${svc.url}${svcPath}`],
              ];
        for (const [who, url] of pair) {
          const res = await load(url, seconds);
          if (res.non2xx || res.errors) throw new Error(`${who} ${url}: ${res.non2xx} non-2xx, ${res.errors} errors`);
          results[name][who].push(res.requests.average);
        }
      }
    }
    const ratio = (n) => round(median(results[n].svc.map((v, i) => v / results[n].bare[i])), 3);
    return {
      job_body_bytes: Buffer.byteLength(bodies['/job']),
      presets_body_bytes: Buffer.byteLength(bodies['/presets']),
      job_rps: round(median(results.job.svc), 0),
      job_bare_rps: round(median(results.job.bare), 0),
      job_ratio: ratio('job'),
      presets_rps: round(median(results.presets.svc), 0),
      presets_bare_rps: round(median(results.presets.bare), 0),
      presets_ratio: ratio('presets'),
      job_ratio_rounds: results.job.svc.map((v, i) => round(v / results.job.bare[i], 2)),
      presets_ratio_rounds: results.presets.svc.map((v, i) => round(v / results.presets.bare[i], 2)),
    };
  } finally {
    await bare?.stop();
    await svc.stop();
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
