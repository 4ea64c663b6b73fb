import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalComfyAdapter } from '../../src/engines/comfy/adapter.js';
import type { EngineOutput } from '../../src/engines/engine.js';
import { PipelineError } from '../../src/errors/pipeline-error.js';
import { OutputDownloads } from '../../src/workers/output-downloads.js';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { ArtifactStore } from '../../src/store/artifact-store.js';
import { call } from '../helpers/http.js';
import { startService } from '../helpers/service.js';
import { tinyPresetsDir } from '../helpers/tiny-presets.js';
import { twoOutputGraph } from '../helpers/graphs.js';
import { workStartedMs } from '../helpers/job-times.js';
import { tempDir } from '../helpers/temp-dirs.js';

let sim: ComfySimulator;
beforeAll(async () => {
  sim = await startComfySimulator();
});
afterAll(async () => {
  await sim.close();
});

const DEADLINE_S = 3;

describe('deadlines bind every upstream call', () => {
  it('outputs trickling at 1 byte/s end by the deadline; health and cancel never wait behind the downloads', async () => {
    sim.resetFaults();
    const svc = await startService({
      COMFYUI_URL: sim.url,
      AINFLUENCER_PRESETS_DIR: tinyPresetsDir(),
      JOB_DEADLINE_SECONDS: String(DEADLINE_S),
      JOB_CONCURRENCY: '24',
      COMFYUI_HEALTH_TIMEOUT_MS: '1000',
      HEALTH_CACHE_MS: '0',
      LOG_LEVEL: 'warn',
    });
    try {
      sim.setFaults({ hostile: { '/view': { kind: 'trickle' } } });
      const started = Date.now();
      const jobs = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          call(svc.url, 'POST', '/api/pipeline/generate/image', {
            json: { preset_id: 'photoreal_portrait_v1', prompt: 'trickle', quality_level: 'low', seed: i },
            headers: { prefer: 'respond-async' },
          }),
        ),
      );
      const ids = jobs.map((j) => j.json.job_id as string);
      const end = Date.now() + 5_000;
      while ((sim.requestCounts.get('GET /view') ?? 0) < 4 && Date.now() < end)
        await new Promise((r) => setTimeout(r, 20));
      // More downloads are wanted than connections exist: health still answers, from its own pool.
      const probes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = Date.now();
        const health = await call(svc.url, 'GET', '/api/health');
        probes.push(Date.now() - t0);
        expect(health.json.engines[0].status, JSON.stringify(health.json.engines[0])).toBe('healthy');
      }
      expect(Math.max(...probes)).toBeLessThan(1_000);
      const t0 = Date.now();
      const cancelled = await call(svc.url, 'POST', `/api/pipeline/jobs/${ids[0]}/cancel`);
      const cancelMs = Date.now() - t0;
      expect(cancelled.json.status).toBe('cancelled');
      expect(cancelMs).toBeLessThan(1_000);
      // Every other job ends by its deadline (plus the slack the issue allows), none still downloading.
      let statuses: {
        job_id: string;
        status: string;
        error_code: string | null;
        created_at: string;
        started_at: string | null;
        finished_at: string;
      }[] = [];
      const until = started + (DEADLINE_S + 5) * 1000;
      while (Date.now() < until) {
        statuses = await Promise.all(
          ids.slice(1).map(async (id) => (await call(svc.url, 'GET', `/api/pipeline/jobs/${id}`)).json),
        );
        if (statuses.every((s) => ['completed', 'failed', 'cancelled'].includes(s.status))) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const s of statuses) {
        expect(s.status).toBe('failed');
        expect(['DOWNLOAD_TIMEOUT', 'ENGINE_TIMEOUT']).toContain(s.error_code);
        expect(Date.parse(s.finished_at) - (await workStartedMs(svc.url, s))).toBeLessThan(DEADLINE_S * 1000 + 5_000);
      }
      expect(sim.peakInFlight.get('GET /view')).toBeLessThanOrEqual(4); // COMFYUI_DOWNLOAD_CONCURRENCY
      console.log(
        `[figures] trickle: 23 jobs ended DOWNLOAD_TIMEOUT by the ${DEADLINE_S} s deadline; health ${Math.max(...probes)} ms at worst; cancel ${cancelMs} ms; peak /view connections ${sim.peakInFlight.get('GET /view')}`,
      );
    } finally {
      await svc.close();
      sim.resetFaults();
    }
  }, 60_000);
});

describe('bounded by size and count', () => {
  let dataDir: string;
  let adapter: LocalComfyAdapter;
  beforeAll(() => {
    dataDir = tempDir('bounds');
  });
  afterAll(async () => {
    await adapter?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const noHooks = { update: async () => undefined, log: async () => undefined };

  it('announced outputs download a few at a time, and stop when the final list does not name them', async () => {
    sim.resetFaults();
    sim.peakInFlight.clear();
    adapter = new LocalComfyAdapter({
      baseUrl: sim.url,
      httpTimeoutMs: 5_000,
      healthTimeoutMs: 1_000,
      downloadConcurrency: 3,
    });
    const store = new ArtifactStore(path.join(dataDir, 'artifacts'), dataDir);
    const jobId = randomUUID();
    sim.setFaults({ hangPaths: ['/view'] }); // every transfer stays open until it is stopped
    const downloads = new OutputDownloads(jobId, adapter, store, noHooks, new AbortController().signal, {
      deadlineAt: Date.now() + 60_000,
      maxBytes: 1 << 30,
      maxCount: 100,
    });
    const announced: EngineOutput[] = Array.from({ length: 60 }, (_, i) => ({
      node_id: '9',
      kind: 'images',
      filename: `f_${i}.png`,
      subfolder: '',
      type: 'output',
    }));
    for (const f of announced) downloads.start(f);
    const end = Date.now() + 3_000;
    // Three transfers open, the other 57 waiting for a slot (not in flight): the bound holds by construction.
    const slots = (adapter as unknown as { downloads: { waiting: number } }).downloads;
    while (((sim.peakInFlight.get('GET /view') ?? 0) < 3 || slots.waiting < 57) && Date.now() < end)
      await new Promise((r) => setTimeout(r, 20));
    expect(slots.waiting).toBe(57);
    expect(sim.peakInFlight.get('GET /view')).toBe(3);
    const t0 = Date.now();
    sim.resetFaults();
    // The run's final list names none of them (a failed run, say): every transfer stops now.
    await downloads.abandon();
    expect(Date.now() - t0).toBeLessThan(1_000);
    const left = (() => {
      try {
        return readdirSync(path.join(dataDir, 'artifacts', jobId), { recursive: true });
      } catch {
        return [];
      }
    })();
    expect(left.filter((f) => String(f).includes('.tmp') || String(f).endsWith('.png'))).toEqual([]);
  });

  it('a run listing more outputs than OUTPUT_MAX_COUNT is ENGINE_PROTOCOL_ERROR', async () => {
    sim.resetFaults();
    adapter ??= new LocalComfyAdapter({ baseUrl: sim.url, httpTimeoutMs: 5_000, healthTimeoutMs: 1_000 });
    const err = await adapter
      .run({
        graph: twoOutputGraph(`bounds/${randomUUID()}`),
        promptId: randomUUID(),
        deadlineAt: Date.now() + 10_000,
        maxOutputs: 1,
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).code).toBe('ENGINE_PROTOCOL_ERROR');
    expect((err as PipelineError).message).toContain('OUTPUT_MAX_COUNT');
  });

  it('a WebSocket message larger than the cap closes the socket instead of being buffered; the run still completes', async () => {
    sim.resetFaults();
    const logs: string[] = [];
    const small = new LocalComfyAdapter({
      baseUrl: sim.url,
      httpTimeoutMs: 5_000,
      healthTimeoutMs: 1_000,
      wsMaxPayloadBytes: 1024 * 1024,
      pollIntervalMs: 100,
      onLog: (_l, msg, extra) => logs.push(`${msg} ${JSON.stringify(extra ?? {})}`),
    });
    try {
      sim.setFaults({ hostileSocket: 'oversized' });
      const result = await small.run({
        graph: twoOutputGraph(`ws/${randomUUID()}`),
        promptId: randomUUID(),
        deadlineAt: Date.now() + 10_000,
      });
      expect(result.outputs.length).toBe(2);
      expect(
        logs.some((l) => l.includes('WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')),
        logs.join('\n'),
      ).toBe(true);
    } finally {
      await small.close();
      sim.resetFaults();
    }
  });
});
