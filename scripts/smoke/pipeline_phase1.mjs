#!/usr/bin/env node
// Phase 1 smoke test against a running service:
//   health → list presets → generate (first preset, low) → poll the job → list artifacts → download
//   the output and check it is a valid PNG. Prints each step and a summary; exits 1 on any failure.
// Usage: node scripts/smoke/pipeline_phase1.mjs [--backend-url URL]   (or BACKEND_URL; default http://127.0.0.1:8000)
import { parseArgs } from 'node:util';

const USAGE = `usage: node scripts/smoke/pipeline_phase1.mjs [--backend-url URL] [--timeout SECONDS]
  --backend-url URL   the running service (default: BACKEND_URL, else http://127.0.0.1:8000)
  --timeout SECONDS   per request (default 300)
  AINFLUENCER_API_TOKEN, when set, is sent as the bearer token.`;
/** @type {{ 'backend-url'?: string, timeout: string, help?: boolean }} */
let values;
try {
  ({ values } = parseArgs({
    options: {
      'backend-url': { type: 'string' },
      timeout: { type: 'string', default: '300' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (err) {
  console.error(`${/** @type {Error} */ (err).message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const base = (values['backend-url'] ?? process.env.BACKEND_URL ?? 'http://127.0.0.1:8000').replace(/\/+$/, '');
const timeoutMs = Number(values.timeout) * 1000;
/** @type {Record<string, string>} */
const headers = process.env.AINFLUENCER_API_TOKEN
  ? { authorization: `Bearer ${process.env.AINFLUENCER_API_TOKEN}` }
  : {};
const results = [];

async function step(name, fn) {
  const started = Date.now();
  try {
    const detail = await fn();
    results.push({ name, ok: true });
    console.log(`PASS  ${name}${detail ? `: ${detail}` : ''} (${Date.now() - started} ms)`);
    return true;
  } catch (err) {
    results.push({ name, ok: false });
    console.log(`FAIL  ${name}: ${err.message}`);
    return false;
  }
}

/**
 * @param {string} path
 * @param {RequestInit & { headers?: Record<string, string> }} [init]
 * @returns {Promise<any>}
 */
async function getJson(path, init = {}) {
  const url = `${base}${path}`;
  let res;
  try {
    res = await fetch(url, {
      ...init,
      headers: { ...headers, ...(init.headers ?? {}) },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    // Say where it looked: a wrong port or a service not started is the usual cause.
    const reason = /** @type {any} */ (err).cause;
    const cause = reason?.code ?? reason?.message ?? /** @type {Error} */ (err).message;
    throw new Error(`${init.method ?? 'GET'} ${url} failed (${cause}); is the service running there? (--backend-url)`);
  }
  /** @type {any} */
  const body = await res.json().catch(() => null);
  if (!res.ok)
    throw new Error(
      `${init.method ?? 'GET'} ${path} → ${res.status} ${body?.error_code ?? ''} ${body?.message ?? ''}`.trim(),
    );
  return body;
}

let preset;
let jobId;
let job;
let artifact;
const ok =
  (await step('health', async () => {
    const h = await getJson('/api/health');
    if (!h.ok) throw new Error('ok is not true');
    return `status ${h.status}, engines ${h.engines.map((e) => `${e.engine_id}=${e.status}`).join(', ') || 'none'}`;
  })) &&
  (await step('list presets', async () => {
    const p = await getJson('/api/pipeline/presets');
    if (!Array.isArray(p.presets) || p.presets.length === 0) throw new Error('no presets');
    preset =
      p.presets.find((x) => !x.requires_consent && !x.required_inputs.some((i) => i.name !== 'prompt')) ?? p.presets[0];
    return `${p.presets.length} presets; using ${preset.id}`;
  })) &&
  (await step('generate (low quality)', async () => {
    const r = await getJson('/api/pipeline/generate/image', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        preset_id: preset.id,
        prompt: 'smoke test: a photoreal portrait of a lighthouse keeper at dusk',
        quality_level: 'low',
        seed: 12345,
      }),
    });
    jobId = r.job_id;
    return `job ${jobId} ${r.status}`;
  })) &&
  (await step('job completes', async () => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      job = await getJson(`/api/pipeline/jobs/${jobId}`);
      if (job.status === 'completed') return `progress ${job.progress}, output ${job.output_url}`;
      if (job.status === 'failed' || job.status === 'cancelled')
        throw new Error(`job ${job.status}: ${job.error_code} ${job.error}`);
      if (Date.now() > end) throw new Error(`still ${job.status} after ${timeoutMs / 1000}s`);
      await new Promise((r) => setTimeout(r, 500));
    }
  })) &&
  (await step('artifacts listed', async () => {
    const a = await getJson(`/api/pipeline/jobs/${jobId}/artifacts`);
    artifact = a.artifacts.find((x) => x.type === 'image');
    if (!artifact) throw new Error('no image artifact');
    return `${a.artifacts.length} artifact(s); ${artifact.filename} ${artifact.width}x${artifact.height}, ${artifact.size_bytes} bytes`;
  })) &&
  (await step('output is a valid PNG', async () => {
    const res = await fetch(`${base}${job.output_url}`, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`download → ${res.status}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    if (!bytes.subarray(0, 8).equals(signature) || bytes.toString('ascii', 12, 16) !== 'IHDR')
      throw new Error('not a PNG');
    if (bytes.length !== artifact.size_bytes) throw new Error(`size ${bytes.length} ≠ listed ${artifact.size_bytes}`);
    return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}, ${bytes.length} bytes`;
  }));

const passed = results.filter((r) => r.ok).length;
console.log(`\n${passed} passed, ${results.length - passed} failed${ok ? '' : ' (stopped at the first failure)'}`);
process.exit(ok ? 0 : 1);
