import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobHistory } from '../../src/contracts/job.js';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { startChildService } from '../helpers/child-service.js';
import { scale } from '../helpers/scale.js';
import { tinyPresetsDir } from '../helpers/tiny-presets.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { seededRandom } from '../helpers/random.js';

const KILLS = scale(8, 200);
let sim: ComfySimulator;
beforeAll(async () => {
  sim = await startComfySimulator();
});
afterAll(async () => {
  await sim.close();
});

function pngComplete(bytes: Buffer): boolean {
  return (
    bytes.length > 20 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) &&
    bytes.subarray(bytes.length - 8, bytes.length - 4).toString('ascii') === 'IEND'
  );
}

describe(`crash durability (${KILLS} SIGKILLs of the real service)`, () => {
  it(
    'loses and tears nothing, leaves nothing running, never runs a prompt twice',
    async () => {
      // In memory (/dev/shm) where there is one: a SIGKILL tests the order of writes and renames, which
      // the page cache keeps across a process death; fsync matters only for power loss, which no test
      // covers. On a disk busy with the rest of the suite, fsyncs of seconds made every submission die
      // before its 202 (acknowledged only once durable) and the test time out.
      const dataDir = tempDir('ainf-crash', existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
      const env = {
        AINFLUENCER_DATA_DIR: dataDir,
        COMFYUI_URL: sim.url,
        AINFLUENCER_PRESETS_DIR: tinyPresetsDir(),
        JOB_CONCURRENCY: '2',
        QUEUE_MAX_DEPTH: '100000',
      };
      const accepted = new Set<string>();
      const jitter = seededRandom('crash durability submission spread');
      let seed = 1;
      for (let k = 0; k < KILLS; k++) {
        const child = await startChildService(env);
        // Submissions race the kill: some are answered, some die in flight.
        const inflight = Array.from({ length: 3 }, () =>
          fetch(`${child.url}/api/pipeline/generate/image`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', prefer: 'respond-async' },
            body: JSON.stringify({
              preset_id: k % 2 ? 'cinematic_portrait_v1' : 'photoreal_portrait_v1',
              prompt: `crash ${k}`,
              quality_level: (['low', 'standard', 'pro'] as const)[k % 3],
              seed: seed++,
            }),
          }).then(
            async (r) => {
              if (r.status === 202) accepted.add(((await r.json()) as { job_id: string }).job_id);
            },
            () => undefined,
          ),
        );
        await new Promise((r) => setTimeout(r, jitter.int(250))); // spread submissions (seeded)
        child.child.kill('SIGKILL');
        await child.exited;
        await Promise.allSettled(inflight);
      }

      // Jobs the last process left running, as its files say.
      const leftRunning = readdirSync(path.join(dataDir, 'jobs'))
        .filter((n) => n.endsWith('.json'))
        .map(
          (n) => JSON.parse(readFileSync(path.join(dataDir, 'jobs', n), 'utf8')) as { job_id: string; status: string },
        )
        .filter((j) => j.status === 'running')
        .map((j) => j.job_id);
      const restartedAt = Date.now();
      const final = await startChildService(env);
      try {
        // Every job left running is taken over (looked up in ComfyUI) within 10 s of the restart…
        for (const id of leftRunning) {
          const events = (await (await fetch(`${final.url}/api/pipeline/jobs/${id}/logs`)).json()) as {
            events: { event: string; at: string }[];
          };
          const takeover = events.events.find((e) => e.event === 'recovering');
          expect(takeover, `job ${id} not taken over`).toBeDefined();
          expect(Date.parse(takeover!.at) - restartedAt).toBeLessThan(10_000);
        }
        // …and the whole backlog drains: nothing stays queued or running.
        let open: unknown[] = [];
        let lastCount = Infinity;
        let stalledSince = Date.now();
        for (;;) {
          const running = (await (await fetch(`${final.url}/api/pipeline/jobs?status=running&limit=200`)).json()) as {
            jobs: unknown[];
          };
          const queued = (await (await fetch(`${final.url}/api/pipeline/jobs?status=queued&limit=200`)).json()) as {
            jobs: unknown[];
          };
          open = [...running.jobs, ...queued.jobs];
          if (open.length === 0) break;
          if (open.length < lastCount) {
            lastCount = open.length;
            stalledSince = Date.now();
          }
          if (Date.now() - stalledSince > 10_000) break; // no progress for 10 s: stuck
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(open).toEqual([]);
      } finally {
        final.child.kill('SIGKILL');
        await final.exited;
      }

      const jobsDir = path.join(dataDir, 'jobs');
      expect(existsSync(path.join(jobsDir, 'corrupt'))).toBe(false); // 0 unreadable job files
      const files = readdirSync(jobsDir).filter((n) => n.endsWith('.json'));
      const jobs = files.map((n) => JobHistory.parse(JSON.parse(readFileSync(path.join(jobsDir, n), 'utf8'))));
      for (const id of accepted)
        expect(
          jobs.some((j) => j.job_id === id),
          `accepted job ${id} lost`,
        ).toBe(true);
      let artifacts = 0;
      for (const job of jobs) {
        expect(['completed', 'failed', 'cancelled']).toContain(job.status);
        if (job.status !== 'completed') continue;
        for (const out of job.outputs) {
          const bytes = readFileSync(path.join(dataDir, out.path));
          expect(createHash('sha256').update(bytes).digest('hex')).toBe(out.sha256);
          artifacts++;
        }
      }
      // No torn file under a final name anywhere in the artifact tree.
      const artifactRoot = path.join(dataDir, 'artifacts');
      for (const jobId of existsSync(artifactRoot) ? readdirSync(artifactRoot) : []) {
        const imageDir = path.join(artifactRoot, jobId, 'image');
        if (!existsSync(imageDir)) continue;
        for (const name of readdirSync(imageDir)) {
          if (name.startsWith('.')) continue; // temp names are never served
          const full = path.join(imageDir, name);
          if (statSync(full).isFile()) expect(pngComplete(readFileSync(full)), full).toBe(true);
        }
      }
      // ComfyUI never ran one of our prompts twice.
      const ours = new Set(jobs.map((j) => j.engine_prompt_id));
      const counts = new Map<string, number>();
      for (const id of sim.executor.executedPromptIds) if (ours.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
      expect([...counts.values()].filter((c) => c > 1)).toEqual([]);
      expect(jobs.length).toBeGreaterThanOrEqual(accepted.size);
      expect(artifacts).toBeGreaterThan(0);
      rmSync(dataDir, { recursive: true, force: true });
      console.log(
        `[figures] crash: ${KILLS} SIGKILLs, ${accepted.size} accepted, ${jobs.length} job files all readable, ${artifacts} artifacts sha256-verified, ${leftRunning.length} left running and taken over, max ComfyUI runs per prompt ${Math.max(0, ...counts.values())}`,
      );
    },
    scale(120_000, 1_800_000),
  );
});
