// Outputs are fetched as soon as ComfyUI reports them (the `executed` message), before the run's
// /history entry; a run that fails afterwards leaves nothing behind.
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalComfyAdapter } from '../../src/engines/comfy/adapter.js';
import type { EngineOutput } from '../../src/engines/engine.js';
import { twoOutputGraph } from '../helpers/graphs.js';
import { PipelineError } from '../../src/errors/pipeline-error.js';
import { OutputDownloads } from '../../src/workers/output-downloads.js';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { ArtifactStore } from '../../src/store/artifact-store.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { testProvenance as provenance } from '../helpers/provenance.js';

let sim: ComfySimulator;
let adapter: LocalComfyAdapter;
let dataDir: string;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  try {
    walk(dir);
  } catch {
    /* absent: nothing */
  }
  return out.sort();
}

const noHooks = { update: async () => undefined, log: async () => undefined };

beforeAll(async () => {
  sim = await startComfySimulator();
});
afterAll(async () => {
  await sim.close();
});
afterEach(async () => {
  await adapter?.close();
  sim.resetFaults();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const limits = () => ({ deadlineAt: Date.now() + 60_000, maxBytes: 1 << 30, maxCount: 100 });

describe('early outputs', () => {
  it("reports each output node's files before the run ends, and the final list matches /history", async () => {
    adapter = new LocalComfyAdapter({ baseUrl: sim.url, httpTimeoutMs: 5_000, healthTimeoutMs: 1_000 });
    const early: EngineOutput[] = [];
    let endedAt = 0;
    const reportedAt: number[] = [];
    const result = await adapter.run({
      graph: twoOutputGraph(`early/${randomUUID()}`),
      promptId: randomUUID(),
      deadlineAt: Date.now() + 10_000,
      onOutputs: (files) => {
        early.push(...files);
        reportedAt.push(performance.now());
      },
    });
    endedAt = performance.now();
    expect(early.map((f) => f.filename).sort()).toEqual(result.outputs.map((f) => f.filename).sort());
    expect(early.every((f) => f.type === 'output' && f.kind === 'images')).toBe(true);
    expect(Math.max(...reportedAt)).toBeLessThanOrEqual(endedAt);
  });

  it('a run that fails after an output was reported leaves no file behind', async () => {
    adapter = new LocalComfyAdapter({ baseUrl: sim.url, httpTimeoutMs: 5_000, healthTimeoutMs: 1_000 });
    dataDir = tempDir('early');
    const store = new ArtifactStore(path.join(dataDir, 'artifacts'), dataDir);
    const jobId = randomUUID();
    const controller = new AbortController();
    const downloads = new OutputDownloads(jobId, adapter, store, noHooks, controller.signal, limits());
    sim.setFaults({ failNodeClasses: ['ImageInvert'] });
    const reported: EngineOutput[] = [];
    const err = await adapter
      .run({
        graph: twoOutputGraph(`early/${randomUUID()}`),
        promptId: randomUUID(),
        deadlineAt: Date.now() + 10_000,
        onOutputs: (files) => {
          reported.push(...files);
          for (const f of files) downloads.start(f);
        },
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).code).toBe('ENGINE_EXECUTION_FAILED');
    expect(reported.length).toBe(1); // SaveImage "2" finished before the failing node
    await downloads.abandon();
    expect(filesUnder(path.join(dataDir, 'artifacts'))).toEqual([]);
  });

  it('names fetched files in the final order, commits them byte-exact and discards unlisted early fetches', async () => {
    adapter = new LocalComfyAdapter({ baseUrl: sim.url, httpTimeoutMs: 5_000, healthTimeoutMs: 1_000 });
    dataDir = tempDir('early');
    const store = new ArtifactStore(path.join(dataDir, 'artifacts'), dataDir);
    const jobId = randomUUID();
    const downloads = new OutputDownloads(jobId, adapter, store, noHooks, new AbortController().signal, limits());
    const viewsBefore = sim.requestCounts.get('GET /view') ?? 0;
    const result = await adapter.run({
      graph: twoOutputGraph(`early/${randomUUID()}`),
      promptId: randomUUID(),
      deadlineAt: Date.now() + 10_000,
      onOutputs: (files) => {
        for (const f of files) downloads.start(f);
      },
    });
    // Only the second file is kept (as if /history listed just that one, twice).
    const kept = [result.outputs[1]!, { ...result.outputs[1]! }];
    const { records, committed, settled } = await downloads.finish(kept, provenance);
    await Promise.all([committed, settled]);
    expect(records.map((r) => r.filename)).toEqual(['image_001.png']);
    // Each reported file was fetched once: early, never again after /history.
    expect((sim.requestCounts.get('GET /view') ?? 0) - viewsBefore).toBe(2);
    expect(records[0]!.comfy_filename).toBe(kept[0]!.filename);
    const bytes = readFileSync(path.join(dataDir, records[0]!.path));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(records[0]!.sha256);
    expect(bytes.length).toBe(records[0]!.size_bytes);
    await downloads.abandon();
    // The unlisted early fetch is gone, no temp file is left: just the artifact and its metadata.
    expect(filesUnder(path.join(dataDir, 'artifacts', jobId))).toEqual(['image/image_001.png', 'metadata.json']);
  });
});
