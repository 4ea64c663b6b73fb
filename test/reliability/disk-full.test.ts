import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { call, expectEnvelope } from '../helpers/http.js';
import { startService } from '../helpers/service.js';
import { tinyPresetsDir } from '../helpers/tiny-presets.js';
import { tempDir } from '../helpers/temp-dirs.js';

/**
 * A real full disk: a small tmpfs mounted where the service writes (the tests run as root, as CI
 * does). Nothing is mocked: the kernel answers ENOSPC.
 */
const mounts: string[] = [];
const dirs: string[] = [];
function tinyDisk(dir: string, bytes: number): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
  mounts.push(dir);
}
/** Fill a disk to the last byte. */
function fill(dir: string): string {
  const file = path.join(dir, 'filler');
  try {
    writeFileSync(file, Buffer.alloc(64 * 1024 * 1024));
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
  }
  return file;
}
const fresh = () => {
  const d = tempDir('disk-full');
  dirs.push(d);
  return d;
};
const filesUnder = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String);

let sim: ComfySimulator;
beforeAll(async () => {
  sim = await startComfySimulator();
});
afterAll(async () => {
  await sim.close();
  for (const m of mounts.reverse()) {
    try {
      execFileSync('umount', ['-l', m]);
    } catch {
      /* already gone */
    }
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("a full disk is the disk's fault", () => {
  it('ENOSPC while an output downloads: DISK_FULL at once, not retried, not blamed on ComfyUI, nothing left behind', async () => {
    const dataDir = fresh();
    tinyDisk(dataDir, 1024 * 1024);
    sim.resetFaults();
    sim.setFaults({ padOutputBytes: 4 * 1024 * 1024 });
    const svc = await startService({ COMFYUI_URL: sim.url, AINFLUENCER_PRESETS_DIR: tinyPresetsDir() }, { dataDir });
    try {
      const before = sim.requestCounts.get('GET /view') ?? 0;
      const res = await call(svc.url, 'POST', '/api/pipeline/generate/image', {
        json: { preset_id: 'photoreal_portrait_v1', prompt: 'too big', quality_level: 'low' },
      });
      const env = expectEnvelope(res, 507, 'DISK_FULL');
      expect(env.retryable).toBe(false);
      expect((sim.requestCounts.get('GET /view') ?? 0) - before).toBe(1);
      const logs = await call(svc.url, 'GET', `/api/pipeline/jobs/${res.json.job_id}/logs`);
      expect(logs.json.events.map((e: { event: string }) => e.event)).not.toContain('download_retry');
      const job = JSON.parse(readFileSync(path.join(dataDir, 'jobs', `${res.json.job_id}.json`), 'utf8'));
      expect(job).toMatchObject({ status: 'failed', error_code: 'DISK_FULL' });
      expect(filesUnder(path.join(dataDir, 'artifacts')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      await svc.close();
      sim.resetFaults();
    }
  }, 30_000);

  it('a completion that cannot be written: the job is failed in memory (never left running), cancel says so, and the write lands once there is room', async () => {
    const dataDir = fresh();
    tinyDisk(path.join(dataDir, 'jobs'), 256 * 1024);
    sim.resetFaults();
    sim.setFaults({ stepMs: 60 });
    const svc = await startService(
      { COMFYUI_URL: sim.url, AINFLUENCER_PRESETS_DIR: tinyPresetsDir(), LOG_LEVEL: 'warn' },
      { dataDir },
    );
    try {
      const accepted = await call(svc.url, 'POST', '/api/pipeline/generate/image', {
        json: { preset_id: 'photoreal_portrait_v1', prompt: 'no room', quality_level: 'low' },
        headers: { prefer: 'respond-async' },
      });
      const id = accepted.json.job_id as string;
      const file = path.join(dataDir, 'jobs', `${id}.json`);
      const onDisk = () => JSON.parse(readFileSync(file, 'utf8')).status as string;
      const end = Date.now() + 5_000;
      // Running, with every write before the end landed (the submission count follows the running
      // state): a write still in flight would free its predecessor's page when renamed, and make room.
      const settled = () => {
        const j = JSON.parse(readFileSync(file, 'utf8'));
        return j.status === 'running' && j.submit_attempts === 1;
      };
      while (!settled() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      expect(onDisk()).toBe('running');
      const filler = fill(path.join(dataDir, 'jobs'));
      let status = await call(svc.url, 'GET', `/api/pipeline/jobs/${id}`);
      const until = Date.now() + 10_000;
      while (!['completed', 'failed', 'cancelled'].includes(status.json.status) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 50));
        status = await call(svc.url, 'GET', `/api/pipeline/jobs/${id}`);
      }
      expect(status.json).toMatchObject({ status: 'failed', error_code: 'DISK_FULL' });
      expect(onDisk()).toBe('running'); // the disk could not take the end yet
      expectEnvelope(await call(svc.url, 'POST', `/api/pipeline/jobs/${id}/cancel`), 409, 'JOB_NOT_CANCELLABLE');
      // Still reported failed after the active-job grace period, from memory (it stays active).
      expect(await svc.deps.core.active.whenRetired(id)).toBe(false);
      expect((await call(svc.url, 'GET', `/api/pipeline/jobs/${id}`)).json.status).toBe('failed');
      rmSync(filler);
      const written = Date.now() + 15_000;
      while (onDisk() !== 'failed' && Date.now() < written) await new Promise((r) => setTimeout(r, 100));
      expect(onDisk()).toBe('failed');
      expect(JSON.parse(readFileSync(file, 'utf8')).error_code).toBe('DISK_FULL');
      expect(svc.logLines.join('\n')).toContain('could not write the end of a job');
    } finally {
      await svc.close();
      sim.resetFaults();
    }
  }, 45_000);
});
