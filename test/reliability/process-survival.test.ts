import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { call } from '../helpers/http.js';
import { tinyPresetsDir } from '../helpers/tiny-presets.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { waitUntil } from '../helpers/wait.js';

/**
 * The real process (dist/server.js as npm start runs it): a ComfyUI that no longer has an output
 * must fail that job, not end the process, and a restart must not crash on it again; an error that
 * escapes everything must stop the process promptly with a fatal log line, not a stack dump.
 */
let sim: ComfySimulator;
const presets = tinyPresetsDir();
const dirs: string[] = [];
const children: ChildService[] = [];
beforeAll(async () => {
  sim = await startComfySimulator();
});
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  await sim.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const freshDir = () => {
  const d = tempDir('survival');
  dirs.push(d);
  return d;
};
async function child(env: Record<string, string>, flags: string[] = []): Promise<ChildService> {
  const c = await startChildService({ COMFYUI_URL: sim.url, AINFLUENCER_PRESETS_DIR: presets, ...env }, flags);
  children.push(c);
  return c;
}
const jobFile = (dataDir: string, id: string) =>
  JSON.parse(readFileSync(path.join(dataDir, 'jobs', `${id}.json`), 'utf8'));

describe('the process survives a broken ComfyUI', () => {
  it('an output ComfyUI answers 404 for fails the job with ENGINE_OUTPUT_MISSING; the process lives on', async () => {
    const dataDir = freshDir();
    const svc = await child({ AINFLUENCER_DATA_DIR: dataDir });
    for (const answer of [
      { kind: 'status', status: 404, body: '404: Not Found' },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 503 },
    ] as const) {
      sim.setFaults({ hostile: { '/view': answer } });
      const res = await call(svc.url, 'POST', '/api/pipeline/generate/image', {
        json: { preset_id: 'photoreal_portrait_v1', prompt: 'purged', quality_level: 'low' },
      });
      expect(res.json.error_code, res.text).toBe(answer.status === 404 ? 'ENGINE_OUTPUT_MISSING' : 'DOWNLOAD_FAILED');
      expect(res.json.retryable).toBe(answer.status !== 404);
      expect(jobFile(dataDir, res.json.job_id).status).toBe('failed');
    }
    sim.resetFaults();
    expect(svc.child.exitCode).toBe(null);
    expect((await call(svc.url, 'GET', '/api/health')).status).toBe(200);
    svc.child.kill('SIGTERM');
    expect(await svc.exited).toBe(0);
  }, 60_000);

  it('a job left running whose output is gone by the restart ends failed; no crash loop', async () => {
    const dataDir = freshDir();
    const env = { AINFLUENCER_DATA_DIR: dataDir, JOB_DEADLINE_SECONDS: '60' };
    const first = await child(env);
    // The output trickles, so the job is caught downloading when the process is killed.
    sim.setFaults({ hostile: { '/view': { kind: 'trickle' } } });
    const accepted = await call(first.url, 'POST', '/api/pipeline/generate/image', {
      json: { preset_id: 'photoreal_portrait_v1', prompt: 'left running', quality_level: 'low' },
      headers: { prefer: 'respond-async' },
    });
    const id = accepted.json.job_id as string;
    await waitUntil(
      'the download to start',
      () => (sim.requestCounts.get('GET /view') ?? 0) > 0 && jobFile(dataDir, id).status === 'running',
    );
    first.child.kill('SIGKILL');
    await first.exited;
    // ComfyUI has since purged its outputs.
    sim.setFaults({ hostile: { '/view': { kind: 'status', status: 404 } } });
    for (let start = 1; start <= 2; start++) {
      const again = await child(env);
      await waitUntil(
        'the job to end',
        async () => (await call(again.url, 'GET', `/api/pipeline/jobs/${id}`)).json?.status === 'failed',
      );
      const status = await call(again.url, 'GET', `/api/pipeline/jobs/${id}`);
      expect(status.json.error_code).toBe('ENGINE_OUTPUT_MISSING');
      expect(again.child.exitCode).toBe(null);
      again.child.kill('SIGTERM');
      expect(await again.exited, `start ${start}`).toBe(0);
    }
    expect(jobFile(dataDir, id).status).toBe('failed');
    sim.resetFaults();
  }, 90_000);
});

describe('last resort', () => {
  // An error nothing handles, injected into the real process: armed before the service starts,
  // fired by a signal once it is ready (not by a timer that a slow start could outrun).
  const inject = (code: string) => [
    `--import=data:text/javascript,${encodeURIComponent(`process.on("SIGUSR2", () => { ${code} })`)}`,
  ];

  it.each([
    ['an uncaught exception', 'throw new Error("injected failure")', 'uncaughtException'],
    ['an unhandled rejection', 'Promise.reject(new Error("injected failure"))', 'unhandledRejection'],
  ])(
    '%s is logged at fatal level and stops the process with status 70',
    async (_label, code, origin) => {
      const svc = await child({ AINFLUENCER_DATA_DIR: freshDir(), LOG_LEVEL: 'info' }, inject(code));
      svc.child.kill('SIGUSR2');
      const started = Date.now();
      const status = await svc.exited;
      expect(status).toBe(70);
      expect(Date.now() - started).toBeLessThan(6_000);
      const fatal = svc.stdout
        .map((l) => {
          try {
            return JSON.parse(l);
          } catch {
            return null;
          }
        })
        .find((l) => l?.level === 60);
      expect(fatal, svc.stdout.join('\n')).toBeTruthy();
      expect(fatal.origin).toBe(origin);
      expect(fatal.err.message).toBe('injected failure');
      expect(svc.stderr()).not.toMatch(/^\s+at /m); // no raw stack dump: the log line is the report
    },
    30_000,
  );
});
