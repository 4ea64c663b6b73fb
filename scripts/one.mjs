#!/usr/bin/env node
// The newcomer's one command: installs dependencies when needed, builds, starts the ComfyUI
// simulator when no ComfyUI answers (or with --sim), starts the service (which prints the URLs).
//
// The service needs process flags (see node-flags.mjs), so it cannot run inside this process. On
// Node with process.execve (22.15 and later) and no simulator to look after, this process becomes
// the service: one process, signals and exit code its own. Otherwise it stays as a small parent
// that forwards Ctrl+C / SIGTERM, waits for the service's grace and exits with its code; the
// service writes to the terminal directly, so nothing passes through this process.
//   node scripts/one.mjs            use COMFYUI_URL, or the simulator if nothing answers at the default
//   node scripts/one.mjs --sim      always use the simulator
//   node scripts/one.mjs --no-sim   never start the simulator
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import readline from 'node:readline';
import { SERVICE_ENV, SERVICE_NODE_FLAGS } from './node-flags.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `usage: node scripts/one.mjs [--sim | --no-sim]
  (no flag)  use COMFYUI_URL, or the ComfyUI simulator when nothing answers at http://127.0.0.1:8188
  --sim      always use the simulator (placeholder images, not AI output)
  --no-sim   never start the simulator
  Configuration is read from the environment (PORT, COMFYUI_URL, ...): see README.md.`;
const args = new Set(process.argv.slice(2));
if (args.has('--help') || args.has('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const unknown = [...args].filter((a) => a !== '--sim' && a !== '--no-sim');
if (unknown.length > 0) {
  console.error(`Unknown option ${unknown.join(' ')}.\n${USAGE}`);
  process.exit(2);
}
if (args.has('--sim') && args.has('--no-sim')) {
  console.error(`Choose one of --sim and --no-sim.\n${USAGE}`);
  process.exit(2);
}

const prep = spawnSync(process.execPath, [path.join(root, 'scripts', 'ensure-deps.mjs'), '--build'], {
  cwd: root,
  stdio: 'inherit',
});
if (prep.status !== 0) process.exit(prep.status ?? 1);

const DEFAULT_COMFY = 'http://127.0.0.1:8188';
const children = [];

async function answers(url) {
  try {
    const res = await fetch(`${url}/system_stats`, { signal: AbortSignal.timeout(1500) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Start a child and resolve with the first stdout line matching `pattern`. Children get their own
 * process group, so a Ctrl+C in the terminal reaches only this launcher, which stops them in order
 * (the service first, with its grace; the simulator last), instead of all at once.
 */
function startChild(args, env, pattern, name, nodeFlags = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, ...args], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    children.push({ child, name });
    const lines = readline.createInterface({ input: child.stdout });
    let found = false;
    lines.on('line', (line) => {
      const match = pattern.exec(line);
      if (!found && match) {
        found = true;
        resolve(match);
      } else process.stdout.write(`${line}\n`);
    });
    child.on('exit', (code, signal) => {
      if (!found) reject(new Error(`${name} exited with code ${code} before it was ready`));
      else if (!shuttingDown) {
        console.error(`${name} exited (${signal ?? `code ${code}`}); stopping.`);
        void shutdown(code ?? 1);
      }
    });
  });
}

const exited = (child) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));

/** Stop one child: SIGTERM, then SIGKILL if it has not exited within `ms`. */
async function stop(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer;
  const late = new Promise((r) => {
    timer = setTimeout(r, ms);
  });
  await Promise.race([exited(child), late]);
  clearTimeout(timer);
  if (child.exitCode === null && child.signalCode === null) {
    console.error('a child did not stop in time; killing it');
    child.kill('SIGKILL');
    await exited(child);
  }
}

// The service's own grace for running jobs, plus a margin for it to write and close.
const graceSeconds = Number(process.env.SHUTDOWN_GRACE_SECONDS ?? 20);
const serviceStopMs = ((Number.isFinite(graceSeconds) ? graceSeconds : 20) + 10) * 1000;

let shuttingDown = false;
/** The service first (it finishes or detaches its jobs), the simulator last; exit with the service's code. */
async function shutdown(code = 0) {
  if (shuttingDown) return;
  shuttingDown = true;
  const service = children.find((c) => c.name === 'pipeline service')?.child;
  if (service) {
    await stop(service, serviceStopMs);
    if (code === 0 && service.exitCode !== null) code = service.exitCode;
  }
  for (const { child } of children) await stop(child, 5_000);
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
// Never leave a child behind, whatever ends this launcher.
process.on('exit', () => {
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

const env = { ...process.env };
let useSim = args.has('--sim');
if (!useSim && !args.has('--no-sim') && !process.env.COMFYUI_URL) useSim = !(await answers(DEFAULT_COMFY));

try {
  if (useSim) {
    const [, simUrl] = await startChild(
      [path.join(root, 'dist', 'sim', 'cli.js'), '--port', '0', '--step-ms', '15'],
      env,
      /listening on (http:\/\/\S+)/,
      'ComfyUI simulator',
    );
    env.COMFYUI_URL = simUrl;
  }
  const serviceArgs = [...SERVICE_NODE_FLAGS, path.join(root, 'dist', 'server.js')];
  const serviceEnv = { ...SERVICE_ENV, ...env, AINFLUENCER_BANNER: useSim ? 'simulator' : '1' };
  /** @type {((file: string, args: string[], env: Record<string, string | undefined>) => never) | undefined} */
  const execve = /** @type {any} */ (process).execve;
  if (!useSim && typeof execve === 'function')
    execve.call(process, process.execPath, [process.execPath, ...serviceArgs], serviceEnv);
  const service = spawn(process.execPath, serviceArgs, {
    cwd: root,
    env: serviceEnv,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true, // its own process group: a Ctrl+C reaches this launcher, which stops it with its grace
  });
  children.unshift({ child: service, name: 'pipeline service' });
  service.on('exit', (code, signal) => {
    if (shuttingDown) return;
    if (code !== 0) console.error(`pipeline service exited (${signal ?? `code ${code}`}); stopping.`);
    void shutdown(code ?? 1);
  });
} catch (err) {
  console.error(String(err.message ?? err));
  void shutdown(1);
}
