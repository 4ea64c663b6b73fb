import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { startChildService } from '../helpers/child-service.js';
import { scale } from '../helpers/scale.js';
import { tinyPresetsDir } from '../helpers/tiny-presets.js';
import { tempDir } from '../helpers/temp-dirs.js';

const SECONDS = scale(5, 60);
const RUNS = scale(1, 3);
let sim: ComfySimulator;
beforeAll(async () => {
  sim = await startComfySimulator();
});
afterAll(async () => {
  await sim.close();
});

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

describe(`load: ${RUNS} × ${SECONDS} s of mixed reads and async submissions`, () => {
  it(
    'answers nothing but success, 429 and 503, and its memory does not grow',
    async () => {
      const child = await startChildService({
        AINFLUENCER_DATA_DIR: tempDir('ainf-load'),
        COMFYUI_URL: sim.url,
        AINFLUENCER_PRESETS_DIR: tinyPresetsDir(),
        RATE_LIMIT_PER_MINUTE: '120',
        QUEUE_MAX_DEPTH: '50',
      });
      const statuses = new Map<number, number>();
      const rss: number[] = [];
      try {
        const first = (await (
          await fetch(`${child.url}/api/pipeline/generate/image`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ preset_id: 'photoreal_portrait_v1', prompt: 'load', quality_level: 'low' }),
          })
        ).json()) as { job_id: string };
        for (let run = 0; run < RUNS; run++) {
          const end = Date.now() + SECONDS * 1000;
          let i = 0;
          const worker = async () => {
            while (Date.now() < end) {
              const n = i++;
              const res =
                n % 10 === 0
                  ? await fetch(`${child.url}/api/pipeline/generate/image`, {
                      method: 'POST',
                      headers: { 'content-type': 'application/json', prefer: 'respond-async' },
                      body: JSON.stringify({
                        preset_id: 'cinematic_portrait_v1',
                        prompt: `load ${n}`,
                        quality_level: 'low',
                        seed: n,
                      }),
                    })
                  : await fetch(
                      `${child.url}${['/api/pipeline/presets', `/api/pipeline/jobs/${first.job_id}`, '/api/pipeline/jobs?limit=20', '/api/health', `/api/pipeline/jobs/${first.job_id}/artifacts`][n % 5]}`,
                    );
              await res.arrayBuffer();
              statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            }
          };
          await Promise.all(Array.from({ length: 8 }, worker));
          rss.push(rssMb(child.child.pid!));
        }
      } finally {
        child.child.kill('SIGTERM');
        await child.exited;
      }
      const unexpected = [...statuses.entries()].filter(([s]) => ![200, 202, 429, 503].includes(s));
      console.log(
        `[figures] load: ${RUNS} × ${SECONDS} s, statuses ${JSON.stringify(Object.fromEntries(statuses))}, RSS after each run ${rss.map((r) => r.toFixed(0)).join(' / ')} MB`,
      );
      expect(unexpected).toEqual([]);
      expect(statuses.get(200) ?? 0).toBeGreaterThan(100);
      expect(Math.max(...rss) - rss[0]!).toBeLessThan(50);
    },
    scale(60_000, 600_000),
  );
});
