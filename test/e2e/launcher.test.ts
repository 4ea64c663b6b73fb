import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { repoRoot } from '../../src/util/paths.js';
import { call } from '../helpers/http.js';
import { tempDir } from '../helpers/temp-dirs.js';

/**
 * `node scripts/one.mjs`, the newcomer's command, started as a script or a service manager would
 * (no TTY): stopping it gives running jobs the service's grace and leaves nothing behind.
 */
let sim: ComfySimulator;
let dataDir: string;
beforeAll(async () => {
  sim = await startComfySimulator({ faults: { stepMs: 160 } }); // a low job runs about 4 s
  dataDir = tempDir('ainf-launcher');
});
afterAll(async () => {
  await sim.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const portOpen = (url: string) =>
  new Promise<boolean>((resolve) => {
    const u = new URL(url);
    const s = connect(Number(u.port), u.hostname, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });

/** `node scripts/one.mjs ARGS` without a TTY; resolves once it prints the service's URL. */
async function launch(args: string[], env: Record<string, string>) {
  const launcher = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'one.mjs'), ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0', ...env },
  });
  const exited = new Promise<number | null>((r) => launcher.once('exit', (code) => r(code)));
  let stderr = '';
  launcher.stderr.on('data', (c) => {
    stderr += String(c);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`launcher did not start: ${stderr}`)), 60_000);
    readline.createInterface({ input: launcher.stdout }).on('line', (line) => {
      const m = /AInfluencer pipeline service\s+(http:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  return { launcher, exited, url };
}

describe('the launcher (scripts/one.mjs)', () => {
  it('SIGINT lets a running job finish within the grace, stops the service, frees its port and exits with its code', async () => {
    const { launcher, exited, url } = await launch(['--no-sim'], {
      COMFYUI_URL: sim.url,
      AINFLUENCER_DATA_DIR: dataDir,
      SHUTDOWN_GRACE_SECONDS: '15',
    });
    const job = await call(url, 'POST', '/api/pipeline/generate/image', {
      json: { preset_id: 'photoreal_portrait_v1', prompt: 'graceful', quality_level: 'low' },
      headers: { prefer: 'respond-async' },
    });
    const id = job.json.job_id as string;
    const end = Date.now() + 10_000;
    while ((await call(url, 'GET', `/api/pipeline/jobs/${id}`)).json.status !== 'running' && Date.now() < end)
      await new Promise((r) => setTimeout(r, 20));
    const stoppedAt = Date.now();
    launcher.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(0);
    // It waited for the job (about 4 s of run), not the old fixed 3 s, and the service is gone with it.
    expect(JSON.parse(readFileSync(path.join(dataDir, 'jobs', `${id}.json`), 'utf8')).status).toBe('completed');
    expect(await portOpen(url)).toBe(false);
    expect(Date.now() - stoppedAt).toBeLessThan(25_000);
  }, 120_000);

  it('with the simulator, a stop leaves none of its images behind', async () => {
    const tmp = tempDir('ainf-launcher-tmp');
    const { launcher, exited, url } = await launch(['--sim'], {
      TMPDIR: tmp,
      AINFLUENCER_DATA_DIR: tempDir('ainf-launcher-data'),
      SHUTDOWN_GRACE_SECONDS: '5',
    });
    const done = await call(url, 'POST', '/api/pipeline/generate/image', {
      json: { preset_id: 'photoreal_portrait_v1', prompt: 'leave nothing', quality_level: 'low' },
    });
    expect(done.status, done.text).toBe(200);
    const simFolders = () => readdirSync(tmp).filter((n) => n.startsWith('comfy-sim-'));
    expect(simFolders()).toHaveLength(1); // the simulator's output, input and temp folders, with the image
    launcher.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(simFolders()).toEqual([]);
  }, 120_000);

  it('leaves the fewest processes: on Node with process.execve the launcher becomes the service, otherwise one parent and the service', async () => {
    const { launcher, exited, url } = await launch(['--no-sim'], {
      COMFYUI_URL: sim.url,
      AINFLUENCER_DATA_DIR: tempDir('ainf-launcher-procs'),
    });
    const childrenOf = (pid: number) =>
      readdirSync('/proc')
        .filter((n) => /^\d+$/.test(n))
        .filter((n) => {
          try {
            return Number(readFileSync(`/proc/${n}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === pid;
          } catch {
            return false;
          }
        });
    const cmdline = (pid: number | string) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const hasExecve = typeof (process as unknown as { execve?: unknown }).execve === 'function';
    if (hasExecve) {
      expect(cmdline(launcher.pid!).some((a) => a.endsWith(path.join('dist', 'server.js')))).toBe(true);
      expect(cmdline(launcher.pid!)).toContain('--max-semi-space-size=2');
      expect(childrenOf(launcher.pid!)).toEqual([]);
    } else {
      const kids = childrenOf(launcher.pid!);
      expect(kids).toHaveLength(1);
      expect(cmdline(kids[0]!)).toContain('--max-semi-space-size=2');
    }
    expect((await call(url, 'GET', '/api/health')).status).toBe(200);
    launcher.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000);

  it("passes the service's exit code on", async () => {
    const launcher = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'one.mjs'), '--no-sim'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, COMFYUI_URL: sim.url, PORT: 'not-a-port', AINFLUENCER_DATA_DIR: dataDir },
    });
    let stderr = '';
    launcher.stderr.on('data', (c) => {
      stderr += String(c);
    });
    const code = await new Promise<number | null>((r) => launcher.once('exit', (c) => r(c)));
    expect(code).toBe(2); // a configuration error
    expect(stderr).toMatch(/PORT/);
  }, 120_000);

  it('--help prints the usage and exits 0; an unknown option prints it and exits 2; nothing is started', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const p = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'one.mjs'), ...args], {
          cwd: repoRoot,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        p.stdout.on('data', (c) => (out += String(c)));
        p.stderr.on('data', (c) => (err += String(c)));
        p.once('exit', (code) => resolve({ code, out, err }));
      });
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: node scripts\/one\.mjs/m);
    const unknown = await run(['--port', '9000']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/Unknown option --port 9000/);
    expect(unknown.err).toMatch(/usage: node scripts\/one\.mjs/);
  }, 60_000);

  it('a port in use is said plainly, with the PORT to use instead, and exits 2', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const p = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'one.mjs'), '--no-sim'], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, COMFYUI_URL: sim.url, PORT: String(port), AINFLUENCER_DATA_DIR: dataDir },
      });
      let err = '';
      p.stderr.on('data', (c) => (err += String(c)));
      const code = await new Promise<number | null>((r) => p.once('exit', (c) => r(c)));
      expect(code).toBe(2);
      expect(err).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(err).toContain(`PORT=${port + 1}`);
    } finally {
      blocker.close();
    }
  }, 60_000);
});
