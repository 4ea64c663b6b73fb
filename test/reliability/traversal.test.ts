import { symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { call, rawRequest } from '../helpers/http.js';
import { startService, type TestService } from '../helpers/service.js';
import { tinyPresetsDir } from '../helpers/tiny-presets.js';
import { tempDir } from '../helpers/temp-dirs.js';

let sim: ComfySimulator;
let svc: TestService;
let jobId: string;
const SECRET_OUTSIDE = 'outside-the-data-folder-4f1c';
beforeAll(async () => {
  sim = await startComfySimulator();
  svc = await startService({ COMFYUI_URL: sim.url, AINFLUENCER_PRESETS_DIR: tinyPresetsDir() });
  const res = await call(svc.url, 'POST', '/api/pipeline/generate/image', {
    json: { preset_id: 'photoreal_portrait_v1', prompt: 'traversal', quality_level: 'low' },
  });
  jobId = res.json.job_id;
  // A file outside the data folder, and a symlink planted in the job's artifact folder pointing at it.
  const outside = path.join(tempDir('outside'), 'secret.png');
  writeFileSync(outside, SECRET_OUTSIDE);
  symlinkSync(outside, path.join(svc.dataDir, 'artifacts', jobId, 'image', 'image_002.png'));
  symlinkSync('/etc', path.join(svc.dataDir, 'artifacts', jobId, 'etc'));
});
afterAll(async () => {
  await svc?.close();
  await sim?.close();
});

/** ≥ 200 traversal payloads: dot segments in every encoding, NUL, absolute and Windows paths, full-width dots. */
function payloads(): string[] {
  const dots = [
    '..',
    '%2e%2e',
    '%2E%2E',
    '%252e%252e',
    '.%2e',
    '%2e.',
    '．．',
    '%EF%BC%8E%EF%BC%8E',
    '..%00',
    '..%c0%af',
    '....',
  ];
  const seps = ['/', '%2f', '%2F', '%252f', '\\', '%5c', '%255c', '／', '%EF%BC%8F'];
  const targets = ['etc/passwd', 'jobs/' + 'x.json', 'index.jsonl', 'windows/win.ini', 'proc/self/environ'];
  const out = new Set<string>();
  for (const d of dots) for (const s of seps) for (const t of targets.slice(0, 3)) out.add(`${d}${s}${d}${s}${t}`);
  for (const t of targets) {
    out.add(`/${t}`);
    out.add(`%2f${t}`);
    out.add(`C:\\${t.replace(/\//g, '\\')}`);
    out.add(`C:%5c${t}`);
    out.add(`\\\\server\\share\\${t}`);
    out.add(`${t}%00.png`);
    out.add(`image_001.png%00/../../${t}`);
    out.add(`file:///${t}`);
  }
  out.add('etc');
  out.add('etc/passwd');
  out.add('image_002.png');
  out.add('metadata.json');
  out.add('.');
  out.add('%2e');
  return [...out];
}

describe('path traversal', () => {
  const list = payloads();
  it(`has at least 200 payloads (${list.length})`, () => {
    expect(list.length).toBeGreaterThanOrEqual(200);
  });

  it('every route taking a job id, file name or upload id answers only 400/404 and leaks nothing', async () => {
    const statuses = new Map<number, number>();
    const check = (res: { status: number; text: string }) => {
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect([400, 404], res.text).toContain(res.status);
      expect(res.text).not.toContain(SECRET_OUTSIDE);
      expect(res.text).not.toMatch(/root:x:0:0|\[fonts\]/);
    };
    for (const p of list) {
      for (const route of [
        `/api/pipeline/jobs/${p}`,
        `/api/pipeline/jobs/${p}/artifacts`,
        `/api/pipeline/jobs/${p}/logs`,
        `/api/pipeline/jobs/${p}/events`,
        `/api/pipeline/jobs/${jobId}/artifacts/${p}`,
        `/api/pipeline/jobs/${p}/artifacts/image_001.png`,
        `/content/images/${p}`,
        `/content/images//api/pipeline/jobs/${jobId}/artifacts/${p}`,
        `/content/images/${jobId}/image/${p}`,
        `/content/images/${p}/image/image_001.png`,
      ]) {
        check(await rawRequest(svc.url, 'GET', toRawPath(route)));
      }
      check(await rawRequest(svc.url, 'POST', toRawPath(`/api/pipeline/jobs/${p}/cancel`)));
      const gen = await call(svc.url, 'POST', '/api/pipeline/generate/image', {
        json: {
          preset_id: 'photoreal_portrait_v1',
          prompt: 'x',
          identity_reference: [decodeURIComponent(safeDecode(p))],
          consent_given: true,
        },
      });
      expect([400, 422]).toContain(gen.status);
      expect(gen.text).not.toContain(SECRET_OUTSIDE);
    }
    expect([...statuses.keys()].every((s) => s === 400 || s === 404)).toBe(true);
    console.log(
      `[figures] traversal: ${list.length} payloads × 12 routes, statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
  });

  it('a planted symlink inside an artifact folder is never followed', async () => {
    // Even if the job record named it, the link is refused: only regular files inside the job folder are served.
    expect(await svc.deps.core.active.whenRetired(jobId)).toBe(true); // the finished job is read from disk from now on
    const job = JSON.parse(readFileSync(path.join(svc.dataDir, 'jobs', `${jobId}.json`), 'utf8'));
    const forged = { ...job.outputs[0], filename: 'image_002.png', path: `artifacts/${jobId}/image/image_002.png` };
    job.outputs.push(forged);
    writeFileSync(path.join(svc.dataDir, 'jobs', `${jobId}.json`), JSON.stringify(job));
    const res = await call(svc.url, 'GET', `/api/pipeline/jobs/${jobId}/artifacts/image_002.png`);
    expect(res.status).toBe(404);
    expect(res.text).not.toContain(SECRET_OUTSIDE);
    expect(await svc.deps.core.deps.artifacts.open(jobId, forged)).toBeNull();
    // The genuine artifact is still served.
    expect((await call(svc.url, 'GET', `/api/pipeline/jobs/${jobId}/artifacts/image_001.png`)).status).toBe(200);
  });
});

/** Non-ASCII characters must be percent-encoded on the wire; everything else goes as written. */
function toRawPath(p: string): string {
  return p.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));
}

function safeDecode(s: string): string {
  try {
    return encodeURIComponent(decodeURIComponent(s));
  } catch {
    return encodeURIComponent(s);
  }
}
