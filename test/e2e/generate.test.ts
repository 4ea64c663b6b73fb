import { createServer, type AddressInfo } from 'node:net';
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
import { describe, expect, it } from 'vitest';
import { JobHistory } from '../../src/contracts/job.js';
import { GenerateResponse } from '../../src/contracts/generate.js';
import { QUALITY_LEVELS } from '../../src/contracts/common.js';
import { startComfySimulator } from '../../src/sim/server.js';
import { repoRoot } from '../../src/util/paths.js';
import { call, expectEnvelope } from '../helpers/http.js';
import { referenceJpeg, referencePng } from '../helpers/png-fixture.js';
import { probeImage } from '../../src/util/image-probe.js';
import { startService, useSimulatedService } from '../helpers/service.js';

const ctx = useSimulatedService();

const generate = (body: Record<string, unknown>, base = ctx.svc.url) =>
  call(base, 'POST', '/api/pipeline/generate/image', { json: body });

async function upload(bytes: Buffer, name = 'face.png', type = 'image/png', base = ctx.svc.url) {
  const form = new FormData();
  form.append('image', new Blob([bytes], { type }), name);
  return call(base, 'POST', '/api/pipeline/uploads', { body: form });
}

function storedJob(jobId: string): JobHistory {
  return JobHistory.parse(JSON.parse(readFileSync(path.join(ctx.svc.dataDir, 'jobs', `${jobId}.json`), 'utf8')));
}
function storedLog(jobId: string): { event: string; seq: number }[] {
  return readFileSync(path.join(ctx.svc.dataDir, 'jobs', jobId, 'logs.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}
function graphFor(jobId: string) {
  const entry = ctx.sim.received.find((r) => JSON.stringify(r.prompt).includes(jobId));
  expect(entry, `graph of ${jobId}`).toBeDefined();
  return Object.values(entry!.prompt) as { class_type: string; inputs: Record<string, unknown> }[];
}

const EXPECTED: Record<
  string,
  Record<string, { steps: number; cfg: number; classes: string[]; absent: string[]; size: number }>
> = {
  photoreal_portrait_v1: {
    low: { steps: 25, cfg: 6.5, classes: [], absent: ['FaceRestoreCFWithModel', 'ImageUpscaleWithModel'], size: 1024 },
    standard: {
      steps: 40,
      cfg: 7.5,
      classes: ['FaceRestoreCFWithModel'],
      absent: ['ImageUpscaleWithModel'],
      size: 1024,
    },
    pro: { steps: 50, cfg: 8, classes: ['FaceRestoreCFWithModel', 'ImageUpscaleWithModel'], absent: [], size: 2048 },
  },
  cinematic_portrait_v1: {
    low: { steps: 30, cfg: 7, classes: ['ProPostFilmGrain'], absent: ['ProPostApplyLUT'], size: 1024 },
    standard: { steps: 35, cfg: 7.5, classes: ['ProPostFilmGrain', 'ProPostApplyLUT'], absent: [], size: 1024 },
    pro: { steps: 40, cfg: 8, classes: ['ProPostFilmGrain', 'ProPostApplyLUT'], absent: [], size: 1024 },
  },
  identity_lock_portrait_v1: {
    low: { steps: 30, cfg: 7, classes: ['LoadImage', 'IPAdapterAdvanced'], absent: ['ApplyInstantID'], size: 1024 },
    standard: {
      steps: 35,
      cfg: 7.5,
      classes: ['LoadImage', 'IPAdapterAdvanced'],
      absent: ['ApplyInstantID'],
      size: 1024,
    },
    pro: {
      steps: 40,
      cfg: 8,
      classes: ['LoadImage', 'ApplyInstantID', 'FaceRestoreCFWithModel'],
      absent: ['IPAdapterAdvanced'],
      size: 1024,
    },
  },
};

describe('generation end to end against the simulator', () => {
  for (const presetId of Object.keys(EXPECTED)) {
    for (const level of QUALITY_LEVELS) {
      it(`${presetId} at ${level}: graph, artifacts, job record and logs`, async () => {
        const exp = EXPECTED[presetId]![level]!;
        const identity = presetId === 'identity_lock_portrait_v1';
        const refs = identity ? [(await upload(referencePng(0x806040))).json.upload.upload_id] : undefined;
        const viewsBefore = ctx.sim.requestCounts.get('GET /view') ?? 0;
        const res = await generate({
          preset_id: presetId,
          prompt: 'a monkey with a golden key',
          quality_level: level,
          seed: 77,
          ...(identity ? { identity_reference: refs, consent_given: true } : {}),
        });
        expect(res.status, res.text).toBe(200);
        // The output was fetched exactly once (as soon as ComfyUI reported it), and no temp file remains.
        expect((ctx.sim.requestCounts.get('GET /view') ?? 0) - viewsBefore).toBe(1);
        expect(GenerateResponse.parse(res.json)).toMatchObject({
          status: 'completed',
          preset_id: presetId,
          error: null,
        });
        const jobId = res.json.job_id as string;

        const graph = graphFor(jobId);
        const classes = graph.map((n) => n.class_type);
        for (const c of exp.classes) expect(classes, c).toContain(c);
        for (const c of exp.absent) expect(classes, c).not.toContain(c);
        const sampler = graph.find((n) => n.class_type === 'KSampler')!;
        expect(sampler.inputs).toMatchObject({ steps: exp.steps, cfg: exp.cfg, seed: 77 });
        expect(graph.find((n) => n.class_type === 'CLIPTextEncode')!.inputs.text).toBe('a monkey with a golden key');

        const listing = await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${jobId}/artifacts`);
        expect(listing.json.artifacts).toHaveLength(1);
        const art = listing.json.artifacts[0];
        expect(art).toMatchObject({ type: 'image', content_type: 'image/png', width: exp.size, height: exp.size });
        expect(art.provenance).toMatchObject({
          preset_id: presetId,
          quality_level: level,
          engine: 'local_comfy',
          seed: 77,
        });
        expect(res.json.output_url).toBe(art.url);
        const served = Buffer.from(await (await fetch(`${ctx.svc.url}${art.url}`)).arrayBuffer());
        const original = readFileSync(path.join(ctx.sim.dirs.output, art.comfy_subfolder, art.comfy_filename));
        expect(served.equals(original)).toBe(true);
        expect(createHash('sha256').update(original).digest('hex')).toBe(art.sha256);
        const onDisk = readFileSync(path.join(ctx.svc.dataDir, art.path));
        expect(onDisk.equals(original)).toBe(true);
        expect(readdirSync(path.dirname(path.join(ctx.svc.dataDir, art.path)))).toEqual([art.filename]);

        const job = storedJob(jobId);
        expect(job).toMatchObject({
          status: 'completed',
          progress: 1,
          seed: 77,
          quality_level: level,
          engine_used: 'local_comfy',
        });
        expect(job.consent).toMatchObject({ given: identity, required: identity });
        expect(job.inputs.prompt).toBe('a monkey with a golden key');
        const events = storedLog(jobId).map((e) => e.event);
        expect(events[0]).toBe('queued');
        expect(events).toEqual(
          expect.arrayContaining(['started', 'graph_built', 'submitted', 'artifact', 'completed']),
        );
        expect(events.at(-1)).toBe('completed');
      });
    }
  }

  it('reports monotonic progress that reaches 1, and an estimate once there is history', async () => {
    ctx.sim.setFaults({ stepMs: 8 });
    const before = ctx.sim.received.length;
    const pending = generate({
      preset_id: 'photoreal_portrait_v1',
      prompt: 'progress check',
      quality_level: 'low',
      seed: 5,
    });
    const seen: number[] = [];
    let jobId: string | undefined;
    const started = Date.now();
    while (Date.now() - started < 20_000) {
      const recent = ctx.sim.received.length > before ? ctx.sim.received.at(-1) : undefined;
      const match = recent && JSON.stringify(recent.prompt).match(/ainfluencer\/([0-9a-f-]{36})\//);
      if (match) {
        jobId = match[1];
        const st = await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${jobId}`);
        seen.push(st.json.progress);
        if (st.json.status === 'completed') break;
      }
      await new Promise((r) => setTimeout(r, 15));
    }
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.json.job_id).toBe(jobId);
    expect(seen.filter((p) => p > 0 && p < 1).length).toBeGreaterThan(2);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(seen.at(-1)).toBe(1);
    expect(Number.isInteger(res.json.estimated_time_seconds)).toBe(true);
    const status = await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${jobId}`);
    expect(Number.isInteger(status.json.estimated_time_seconds)).toBe(true);
    // …and the OpenAPI document says so wherever the field appears.
    const doc = await call(ctx.svc.url, 'GET', '/docs/json');
    const found: unknown[] = [];
    const walk = (v: unknown) => {
      if (!v || typeof v !== 'object') return;
      for (const [k, child] of Object.entries(v)) {
        if (k === 'estimated_time_seconds') found.push(child);
        walk(child);
      }
    };
    walk(doc.json);
    expect(found.length).toBeGreaterThan(0);
    for (const schema of found) expect((schema as { type?: string }).type).toBe('integer');
  });

  it('missing checkpoint → 424 DEPENDENCY_MISSING naming it; the failed job is queryable', async () => {
    ctx.sim.setFaults({ missingModels: ['sd_xl_base_1.0.safetensors'] });
    const env = expectEnvelope(
      await generate({ preset_id: 'photoreal_portrait_v1', prompt: 'x', quality_level: 'low' }),
      424,
      'DEPENDENCY_MISSING',
    );
    expect(env.detail.missing).toEqual([
      expect.objectContaining({ kind: 'model', value: 'sd_xl_base_1.0.safetensors', folder: 'checkpoints' }),
    ]);
    const job = await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${env.job_id}`);
    expect(job.json).toMatchObject({ status: 'failed', error_code: 'DEPENDENCY_MISSING' });
  });

  it('missing node packs → one 424 naming each class once and the models its nodes need', async () => {
    ctx.sim.setFaults({ packs: [] });
    const env = expectEnvelope(
      await generate({ preset_id: 'cinematic_portrait_v1', prompt: 'x', quality_level: 'pro' }),
      424,
      'DEPENDENCY_MISSING',
    );
    const packs = new Set(env.detail.missing.map((m: { pack?: string }) => m.pack));
    expect([...packs]).toEqual(['comfyui-propost']);
    const items = env.detail.missing.map(
      (m: { kind: string; class_type: string; value?: string; folder?: string }) =>
        `${m.kind} ${m.class_type}${m.value ? ` ${m.folder}/${m.value}` : ''}`,
    );
    // ProPostApplyLUT is used twice (tone mapping, grading): listed once, with both nodes.
    expect(items).toEqual([
      'node_class ProPostFilmGrain',
      'node_class ProPostApplyLUT',
      'model ProPostApplyLUT luts/reinhard_tonemap.cube',
      'model ProPostApplyLUT luts/teal_orange_grade.cube',
    ]);
    expect(env.detail.missing[1].node_ids).toHaveLength(2);
    // ComfyUI cannot list models/luts without the pack: the LUTs are named, marked unverified.
    expect(env.detail.missing[2]).toMatchObject({ verified: false, pack: 'comfyui-propost' });
  });

  it('a fresh ComfyUI: one 424 names every pack and every model file to install, with folder and pack', async () => {
    const face = (await upload(referencePng())).json.upload.upload_id;
    ctx.sim.setFaults({ packs: [], missingModels: ['CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors'] });
    const pro = expectEnvelope(
      await generate({
        preset_id: 'identity_lock_portrait_v1',
        prompt: 'x',
        quality_level: 'pro',
        identity_reference: [face],
        consent_given: true,
      }),
      424,
      'DEPENDENCY_MISSING',
    );
    const summary = (m: { kind: string; class_type: string; value?: string; folder?: string; pack?: string }) =>
      m.kind === 'node_class' ? `${m.pack}: ${m.class_type}` : `${m.pack}: models/${m.folder}/${m.value}`;
    expect(pro.detail.missing.map(summary)).toEqual([
      'ComfyUI_InstantID: InstantIDModelLoader',
      'ComfyUI_InstantID: InstantIDFaceAnalysis',
      'ComfyUI_InstantID: ApplyInstantID',
      'facerestore_cf: FaceRestoreModelLoader',
      'facerestore_cf: FaceRestoreCFWithModel',
      'ComfyUI_InstantID: models/instantid/ip-adapter.bin',
      'ComfyUI_InstantID: models/insightface/antelopev2',
      'facerestore_cf: models/facerestore_models/codeformer-v0.1.0.pth',
    ]);
    // The IP-Adapter levels: the unified loader's own files, which /object_info never shows.
    const low = expectEnvelope(
      await generate({
        preset_id: 'identity_lock_portrait_v1',
        prompt: 'x',
        quality_level: 'low',
        identity_reference: [face],
        consent_given: true,
      }),
      424,
      'DEPENDENCY_MISSING',
    );
    expect(low.detail.missing.map(summary)).toEqual([
      'ComfyUI_IPAdapter_plus: IPAdapterUnifiedLoader',
      'ComfyUI_IPAdapter_plus: IPAdapterAdvanced',
      'ComfyUI_IPAdapter_plus: models/ipadapter/ip-adapter_sdxl_vit-h.safetensors',
      'ComfyUI_IPAdapter_plus: models/clip_vision/CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors',
    ]);
    // clip_vision is a core folder ComfyUI lists: that one is verified missing.
    expect(low.detail.missing[3]).toMatchObject({
      verified: true,
      fix: expect.stringContaining('ComfyUI/models/clip_vision/'),
    });
    // With the pack installed, a missing CLIP Vision file is refused before anything is submitted.
    ctx.sim.resetFaults();
    ctx.sim.setFaults({ missingModels: ['CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors'] });
    const before = ctx.sim.received.length;
    const std = expectEnvelope(
      await generate({
        preset_id: 'identity_lock_portrait_v1',
        prompt: 'x',
        quality_level: 'standard',
        identity_reference: [face],
        consent_given: true,
      }),
      424,
      'DEPENDENCY_MISSING',
    );
    expect(std.detail.missing.map(summary)).toEqual([
      'ComfyUI_IPAdapter_plus: models/clip_vision/CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors',
    ]);
    expect(ctx.sim.received.length).toBe(before);
  });

  it('a model that disappears after preflight: the run-time "model not found" is DEPENDENCY_MISSING, not an execution failure', async () => {
    const face = (await upload(referencePng())).json.upload.upload_id;
    const body = {
      preset_id: 'identity_lock_portrait_v1',
      prompt: 'x',
      identity_reference: [face],
      consent_given: true,
    };
    expect((await generate({ ...body, quality_level: 'low', seed: 4242 })).status).toBe(200); // catalogue and folder lists are cached now
    // Removed behind the service's back: the cached list still shows it, the loader fails at run time.
    ctx.sim.setFaults({ missingModels: ['ip-adapter-plus-face_sdxl_vit-h.safetensors'] });
    const env = expectEnvelope(
      await generate({ ...body, quality_level: 'standard', seed: 4243 }),
      424,
      'DEPENDENCY_MISSING',
    );
    expect(env.detail.missing).toEqual([
      expect.objectContaining({
        kind: 'model',
        class_type: 'IPAdapterUnifiedLoader',
        folder: 'ipadapter',
        pack: 'ComfyUI_IPAdapter_plus',
      }),
    ]);
    expect(env.message).toMatch(/IPAdapter model not found/);
    expect(env.remediation.join(' ')).not.toMatch(/memory|VRAM/i);
    // The lists were dropped: the next job is refused in preflight, naming the file.
    const before = ctx.sim.received.length;
    const next = expectEnvelope(
      await generate({ ...body, quality_level: 'standard', seed: 4244 }),
      424,
      'DEPENDENCY_MISSING',
    );
    expect(next.detail.missing).toEqual([
      expect.objectContaining({
        value: 'ip-adapter-plus-face_sdxl_vit-h.safetensors',
        folder: 'ipadapter',
        verified: true,
      }),
    ]);
    expect(ctx.sim.received.length).toBe(before);
  });

  it('a node failing inside ComfyUI → 502 ENGINE_EXECUTION_FAILED with node and exception', async () => {
    ctx.sim.setFaults({ failNodeClasses: ['VAEDecode'] });
    const env = expectEnvelope(
      await generate({ preset_id: 'photoreal_portrait_v1', prompt: 'x', quality_level: 'low', seed: 91 }),
      502,
      'ENGINE_EXECUTION_FAILED',
    );
    expect(env.detail).toMatchObject({ node_type: 'VAEDecode', exception_type: 'RuntimeError' });
    expect(env.message).toContain('VAEDecode');
    expect((await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${env.job_id}`)).json.error_code).toBe(
      'ENGINE_EXECUTION_FAILED',
    );
  });

  it('a run failing at once stays failed: no earlier-computed state is written over the failure', async () => {
    // The sampler fails as it starts (the loaders before it are cached), so the failure arrives while
    // the job's running state and its submission count may still be being written; both must land
    // before the failure, never after it.
    ctx.sim.setFaults({ failNodeClasses: ['KSampler'] });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const env = expectEnvelope(
        await generate({ preset_id: 'photoreal_portrait_v1', prompt: 'x', quality_level: 'low', seed: 97_000 + i }),
        502,
        'ENGINE_EXECUTION_FAILED',
      );
      ids.push(env.job_id);
    }
    // Anything still being written lands before the job leaves memory for the disk.
    for (const id of ids) expect(await ctx.svc.deps.core.active.whenRetired(id)).toBe(true);
    for (const id of ids) {
      expect((await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${id}`)).json).toMatchObject({
        status: 'failed',
        error_code: 'ENGINE_EXECUTION_FAILED',
      });
      const onDisk = JSON.parse(readFileSync(path.join(ctx.svc.dataDir, 'jobs', `${id}.json`), 'utf8'));
      expect(onDisk).toMatchObject({
        status: 'failed',
        error_code: 'ENGINE_EXECUTION_FAILED',
        submit_attempts: 1,
        engine_used: 'local_comfy',
      });
      expect(onDisk.started_at).not.toBeNull();
    }
    ctx.sim.resetFaults();
  });

  it('validates before a job exists: unknown preset, missing input, consent, references', async () => {
    const before = ctx.sim.received.length;
    const unknown = expectEnvelope(await generate({ preset_id: 'nope', prompt: 'x' }), 422, 'CONTRACT_MISMATCH');
    expect(unknown.errors[0].field).toBe('preset_id');
    expect(unknown.detail.available).toEqual([
      'photoreal_portrait_v1',
      'cinematic_portrait_v1',
      'identity_lock_portrait_v1',
      'image_to_video_v1',
    ]);
    const missing = expectEnvelope(
      await generate({ preset_id: 'identity_lock_portrait_v1', prompt: 'x', consent_given: true }),
      422,
      'MISSING_REQUIRED_FIELD',
    );
    expect(missing.missing_fields).toEqual(['identity_reference']);
    const id = (await upload(referencePng())).json.upload.upload_id;
    expectEnvelope(
      await generate({ preset_id: 'identity_lock_portrait_v1', prompt: 'x', identity_reference: [id] }),
      400,
      'CONSENT_MISSING',
    );
    expectEnvelope(
      await generate({ preset_id: 'photoreal_portrait_v1', prompt: 'x', identity_reference: [id] }),
      400,
      'CONSENT_MISSING',
    );
    const bad = expectEnvelope(
      await generate({
        preset_id: 'photoreal_portrait_v1',
        prompt: 'x',
        identity_reference: [id, '00000000-0000-4000-8000-000000000000'],
        consent_given: true,
      }),
      422,
      'INVALID_FIELD_VALUE',
    );
    expect(bad.errors[0].field).toBe('identity_reference.1');
    expectEnvelope(
      await generate({
        preset_id: 'photoreal_portrait_v1',
        prompt: 'x',
        identity_reference: [id, id, id, id],
        consent_given: true,
      }),
      422,
      'INVALID_FIELD_VALUE',
    );
    expectEnvelope(
      await generate({
        preset_id: 'photoreal_portrait_v1',
        prompt: 'x',
        identity_reference: ['../../etc/passwd'],
        consent_given: true,
      }),
      422,
      'INVALID_FIELD_VALUE',
    );
    // None of these reached ComfyUI.
    expect(ctx.sim.received.length).toBe(before);
  });

  it("the original web page's image URL (/content/images/ + output_url, or the original's relative path) serves the artifact", async () => {
    const res = await generate({
      preset_id: 'photoreal_portrait_v1',
      prompt: 'old frontend',
      quality_level: 'low',
      seed: 5,
    });
    expect(res.status).toBe(200);
    const direct = await fetch(`${ctx.svc.url}${res.json.output_url}`);
    const bytes = Buffer.from(await direct.arrayBuffer());
    // The original frontend renders `${API_BASE}/content/images/${output_url}`: note the double slash.
    for (const url of [
      `/content/images/${res.json.output_url}`,
      `/content/images/${res.json.job_id}/image/image_001.png`,
    ]) {
      const viaAlias = await fetch(`${ctx.svc.url}${url}`);
      expect(viaAlias.status, url).toBe(200);
      expect(Buffer.from(await viaAlias.arrayBuffer()).equals(bytes)).toBe(true);
      for (const h of [
        'content-type',
        'etag',
        'content-security-policy',
        'x-content-type-options',
        'content-disposition',
      ])
        expect(viaAlias.headers.get(h), h).toBe(direct.headers.get(h));
    }
    expectEnvelope(
      await call(ctx.svc.url, 'GET', `/content/images/${res.json.job_id}/image/image_009.png`),
      404,
      'FILE_NOT_FOUND',
    );
    expectEnvelope(await call(ctx.svc.url, 'GET', '/content/images/anything/else'), 404, 'FILE_NOT_FOUND');
  });

  it('the alias needs the token like every other route', async () => {
    const locked = await startService({
      COMFYUI_URL: ctx.sim.url,
      AINFLUENCER_API_TOKEN: 'a-long-enough-test-token-0123456789',
    });
    try {
      expectEnvelope(
        await call(locked.url, 'GET', `/content/images//api/pipeline/jobs/${randomUUID()}/artifacts/image_001.png`),
        401,
        'AUTH_MISSING',
      );
    } finally {
      await locked.close();
    }
  });

  it('a secret in the prompt does not ride out in the PNG: its text chunks are redacted and kept; an ordinary PNG is stored as ComfyUI wrote it', async () => {
    const secret = 'sk-proj-ZyXwVuTsRqPoNmLkJiHgFeDc9876';
    const res = await generate({
      preset_id: 'photoreal_portrait_v1',
      prompt: `a lighthouse at dusk, ${secret}`,
      quality_level: 'low',
      seed: 6,
    });
    expect(res.status).toBe(200);
    const arts = await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${res.json.job_id}/artifacts`);
    const art = arts.json.artifacts[0];
    const bytes = readFileSync(path.join(ctx.svc.dataDir, art.path));
    expect(bytes.includes(secret)).toBe(false);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(art.sha256);
    expect(bytes.length).toBe(art.size_bytes);
    // Still a complete PNG (every CRC right) whose prompt chunk is the graph, loadable into ComfyUI.
    await expect(probeImage(bytes, 1e8)).resolves.toMatchObject({ type: 'image/png' });
    const at = bytes.indexOf('tEXtprompt\0');
    const length = bytes.readUInt32BE(at - 4);
    const graph = JSON.parse(bytes.toString('latin1', at + 11, at + 4 + length));
    const texts = Object.values(graph as Record<string, { inputs: Record<string, unknown> }>)
      .map((n) => n.inputs.text)
      .filter((t) => typeof t === 'string');
    expect(texts.some((t) => t.includes('a lighthouse at dusk, [REDACTED]'))).toBe(true);
    expect(art.provenance.png_text_redacted.chunks_changed).toBe(1);
    // Nothing to redact: the stored file is byte for byte ComfyUI's.
    const plain = await generate({
      preset_id: 'photoreal_portrait_v1',
      prompt: 'a lighthouse at dawn',
      quality_level: 'low',
      seed: 7,
    });
    const plainArt = (await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${plain.json.job_id}/artifacts`)).json
      .artifacts[0];
    const original = readFileSync(path.join(ctx.sim.dirs.output, plainArt.comfy_subfolder, plainArt.comfy_filename));
    expect(readFileSync(path.join(ctx.svc.dataDir, plainArt.path)).equals(original)).toBe(true);
    expect(plainArt.provenance.png_text_redacted.chunks_changed).toBe(0);
  });

  it('keeps secrets out of the job file, the log and the service log; ordinary text stays byte-identical', async () => {
    const secret = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234';
    const res = await generate({
      preset_id: 'photoreal_portrait_v1',
      prompt: `a secret garden, token of love, ${secret}`,
      negative_prompt: 'Bearer abcDEF123456ghiJKL789',
      quality_level: 'low',
      seed: 3,
    });
    expect(res.status).toBe(200);
    const jobId = res.json.job_id;
    const all = [
      readFileSync(path.join(ctx.svc.dataDir, 'jobs', `${jobId}.json`), 'utf8'),
      readFileSync(path.join(ctx.svc.dataDir, 'jobs', jobId, 'logs.jsonl'), 'utf8'),
      readFileSync(path.join(ctx.svc.dataDir, 'artifacts', jobId, 'metadata.json'), 'utf8'),
      ctx.svc.logLines.join(''),
    ].join('\n');
    expect(all).not.toContain(secret);
    expect(all).not.toContain('abcDEF123456ghiJKL789');
    expect(storedJob(jobId).inputs.prompt).toBe('a secret garden, token of love, [REDACTED]');
  });

  it('serves byte ranges of an artifact (206, suffix, open end), 416 outside it, the whole file when If-Range names another version', async () => {
    const res = await generate({ preset_id: 'photoreal_portrait_v1', prompt: 'ranges', quality_level: 'low', seed: 9 });
    const url = `${ctx.svc.url}${res.json.output_url}`;
    const whole = await fetch(url);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await whole.arrayBuffer());
    const etag = whole.headers.get('etag')!;
    const ranged = async (range: string, extra: Record<string, string> = {}) => {
      const r = await fetch(url, { headers: { range, ...extra } });
      return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
    };
    const first = await ranged('bytes=0-99');
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-99/${bytes.length}`);
    expect(first.headers.get('content-length')).toBe('100');
    expect(first.body.equals(bytes.subarray(0, 100))).toBe(true);
    const suffix = await ranged('bytes=-10');
    expect(suffix.headers.get('content-range')).toBe(`bytes ${bytes.length - 10}-${bytes.length - 1}/${bytes.length}`);
    expect(suffix.body.equals(bytes.subarray(bytes.length - 10))).toBe(true);
    const open = await ranged(`bytes=${bytes.length - 3}-`);
    expect(open.body.equals(bytes.subarray(bytes.length - 3))).toBe(true);
    const clamped = await ranged(`bytes=${bytes.length - 2}-${bytes.length + 1000}`);
    expect(clamped.headers.get('content-range')).toBe(`bytes ${bytes.length - 2}-${bytes.length - 1}/${bytes.length}`);
    const outside = await fetch(url, { headers: { range: `bytes=${bytes.length}-` } });
    expect(outside.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    expectEnvelope({ status: outside.status, json: await outside.json(), text: '' }, 416, 'RANGE_NOT_SATISFIABLE');
    expect((await ranged('bytes=0-9', { 'if-range': etag })).status).toBe(206);
    const stale = await ranged('bytes=0-9', { 'if-range': '"another-version"' });
    expect(stale.status).toBe(200);
    expect(stale.body.equals(bytes)).toBe(true);
    for (const ignored of ['bytes=0-1,5-9', 'items=0-9', 'bytes=9-1', 'bytes=x-y'])
      expect((await ranged(ignored)).status, ignored).toBe(200);
  });

  it('serves artifacts with type, length, ETag and nosniff, and refuses anything else', async () => {
    const res = await generate({
      preset_id: 'photoreal_portrait_v1',
      prompt: 'artifact headers',
      quality_level: 'low',
      seed: 8,
    });
    const jobId = res.json.job_id;
    const dl = await fetch(`${ctx.svc.url}${res.json.output_url}`);
    expect(dl.headers.get('content-type')).toBe('image/png');
    expect(dl.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = dl.headers.get('etag')!;
    expect(Number(dl.headers.get('content-length'))).toBe((await dl.arrayBuffer()).byteLength);
    expect((await fetch(`${ctx.svc.url}${res.json.output_url}`, { headers: { 'if-none-match': etag } })).status).toBe(
      304,
    );
    for (const name of [
      '..%2F..%2Fjobs%2F' + jobId + '.json',
      'image_002.png',
      'metadata.json',
      '%2e%2e%2fmetadata.json',
      'image_001.png%00.json',
    ]) {
      expectEnvelope(
        await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${jobId}/artifacts/${name}`),
        404,
        'FILE_NOT_FOUND',
      );
    }
    for (const id of ['not-a-uuid', '..%2F..%2Fetc', '00000000-0000-4000-8000-000000000000']) {
      expectEnvelope(await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${id}`), 404, 'FILE_NOT_FOUND');
      expectEnvelope(await call(ctx.svc.url, 'GET', `/api/pipeline/jobs/${id}/artifacts`), 404, 'FILE_NOT_FOUND');
    }
  });

  it('uploads: images by magic bytes only, size limit, multipart only', async () => {
    const ok = await upload(referencePng(), 'x.txt', 'text/plain');
    expect(ok.status).toBe(201);
    expect(ok.json.upload).toMatchObject({ content_type: 'image/png', width: 32, height: 32 });
    expectEnvelope(await upload(Buffer.from('<svg></svg>'), 'x.png', 'image/png'), 400, 'VALIDATION_ERROR');
    const jpeg = await upload(referenceJpeg(24, 16), 'x.jpg', 'image/jpeg');
    expect(jpeg.json.upload).toMatchObject({ content_type: 'image/jpeg', width: 24, height: 16 });
    expectEnvelope(await upload(Buffer.alloc(11 * 1024 * 1024, 1)), 413, 'PAYLOAD_TOO_LARGE');
    expectEnvelope(
      await call(ctx.svc.url, 'POST', '/api/pipeline/uploads', { json: { path: '/etc/passwd' } }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('the Phase 1 smoke script passes against the running service', async () => {
    // Asynchronous child: the service under test lives in this process and must keep serving.
    const { stdout } = await execFileAsync(
      process.execPath,
      [path.join(repoRoot, 'scripts', 'smoke', 'pipeline_phase1.mjs'), '--backend-url', ctx.svc.url],
      { timeout: 60_000 },
    );
    expect(stdout).toContain('6 passed, 0 failed');
  });

  it('the smoke script names the URL it could not reach, and refuses unknown options with its usage', async () => {
    const script = path.join(repoRoot, 'scripts', 'smoke', 'pipeline_phase1.mjs');
    // A port nothing listens on (taken, then released).
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const nowhere = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((r) => probe.close(r));
    const failed = await execFileAsync(process.execPath, [script, '--backend-url', nowhere], { timeout: 60_000 }).then(
      () => null,
      (err: { code: number; stdout: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toContain(`GET ${nowhere}/api/health failed (ECONNREFUSED)`);
    const unknown = await execFileAsync(process.execPath, [script, '--frobnicate'], { timeout: 60_000 }).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(unknown?.code).toBe(2);
    expect(unknown?.stderr).toMatch(/usage: node scripts\/smoke\/pipeline_phase1\.mjs/);
  });
});

describe('failure paths that need their own service', () => {
  it('engine offline → 503 ENGINE_OFFLINE and a queryable failed job', async () => {
    const offline = await startService({ COMFYUI_URL: 'http://127.0.0.1:9' });
    try {
      const env = expectEnvelope(
        await generate({ preset_id: 'photoreal_portrait_v1', prompt: 'x', quality_level: 'low' }, offline.url),
        503,
        'ENGINE_OFFLINE',
      );
      expect(env.job_id).toEqual(expect.any(String));
      const job = await call(offline.url, 'GET', `/api/pipeline/jobs/${env.job_id}`);
      expect(job.json).toMatchObject({ status: 'failed', error_code: 'ENGINE_OFFLINE' });
    } finally {
      await offline.close();
    }
  });

  it('a hung ComfyUI run past the deadline → 504 ENGINE_TIMEOUT and the prompt is gone from ComfyUI', async () => {
    const hungSim = await startComfySimulator({ faults: { hangExecution: true } });
    const svc2 = await startService({ COMFYUI_URL: hungSim.url, JOB_DEADLINE_SECONDS: '1' });
    try {
      const env = expectEnvelope(
        await generate({ preset_id: 'photoreal_portrait_v1', prompt: 'x', quality_level: 'low' }, svc2.url),
        504,
        'ENGINE_TIMEOUT',
      );
      expect((await call(svc2.url, 'GET', `/api/pipeline/jobs/${env.job_id}`)).json.status).toBe('failed');
      const end = Date.now() + 5000;
      while (hungSim.executor.queueRemaining() > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(hungSim.executor.queueRemaining()).toBe(0);
    } finally {
      await svc2.close();
      await hungSim.close();
    }
  });
});
