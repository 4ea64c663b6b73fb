// Shared helpers of the benchmarks: child processes on loopback, RSS, statistics.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SERVICE_ENV, SERVICE_NODE_FLAGS } from '../node-flags.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** Start `node <script> ...args` and resolve with the first stdout match of `pattern`. */
export function startProcess(script, args, env, pattern, name, timeoutMs = 120_000, nodeArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += String(c);
    });
    const lines = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start: ${stderr}`));
    }, timeoutMs);
    const started = performance.now();
    lines.on('line', (line) => {
      const m = pattern.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({
          child,
          match: m,
          readyMs: performance.now() - started,
          async stop() {
            if (child.exitCode !== null) return;
            const done = new Promise((r) => child.once('exit', r));
            child.kill('SIGTERM');
            const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
            await done;
            clearTimeout(t);
            children.delete(child);
          },
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}): ${stderr.slice(-2000)}`));
    });
  });
}

export async function startSim(extraArgs = []) {
  const p = await startProcess(
    path.join(root, 'dist', 'sim', 'cli.js'),
    ['--port', '0', ...extraArgs],
    {},
    /listening on (http:\/\/\S+)/,
    'simulator',
  );
  return { ...p, url: p.match[1] };
}

export async function startService(env, nodeArgs = SERVICE_NODE_FLAGS) {
  const p = await startProcess(
    path.join(root, 'dist', 'server.js'),
    [],
    {
      ...SERVICE_ENV,
      ...pick(process.env, Object.keys(SERVICE_ENV)),
      PORT: '0',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      ...env,
    },
    /^READY (\S+)/,
    'service',
    120_000,
    nodeArgs,
  );
  return { ...p, url: p.match[1] };
}

const pick = (from, keys) => Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]]));

/** Resident and peak resident memory of a process, in MB (Linux /proc). */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Reset a process's peak RSS so VmHWM measures from now on (Linux ≥ 4.0). */
export function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** The graph the service builds for photoreal_portrait_v1 at low, for clients that talk to ComfyUI directly. */
export async function benchGraphBuilder() {
  const { buildGraph } = await import(path.join(root, 'dist', 'presets', 'graph.js'));
  const { loadPresetRegistry } = await import(path.join(root, 'dist', 'presets', 'registry.js'));
  const { loadConfig } = await import(path.join(root, 'dist', 'config.js'));
  const preset = loadPresetRegistry(path.join(root, 'presets')).get('photoreal_portrait_v1').preset;
  const models = loadConfig({}).models;
  return (seed, prefix, prompt = 'benchmark portrait') =>
    buildGraph({ preset, quality: 'low', prompt, seed, identityImages: [], models, outputPrefix: prefix }).graph;
}

export const percentile = (values, p) => {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
export const median = (values) => percentile(values, 50);
export const round = (v, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

/**
 * A JSON request; the body is whatever the service answered (benchmarks read fields they know).
 * @param {string} url
 * @param {RequestInit} [init]
 * @returns {Promise<{ status: number, body: any, headers: Headers }>}
 */
export async function json(url, init) {
  const res = await fetch(url, init);
  /** @type {any} */
  const body = await res.json().catch(() => null);
  return { status: res.status, body, headers: res.headers };
}

/**
 * One synchronous job through the service (photoreal low, the given seed, plus any other request
 * fields); throws unless it completed, else gives the response body.
 * @param {string} url
 * @param {number} seed
 * @param {string} [prompt]
 * @param {Record<string, unknown>} [extra]
 * @returns {Promise<any>}
 */
export async function runServiceJob(url, seed, prompt = 'benchmark portrait', extra = {}) {
  const r = await json(`${url}/api/pipeline/generate/image`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ preset_id: 'photoreal_portrait_v1', prompt, quality_level: 'low', seed, ...extra }),
  });
  if (r.status !== 200) throw new Error(`generate → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
