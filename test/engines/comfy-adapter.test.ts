import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LocalComfyAdapter } from '../../src/engines/comfy/adapter.js';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { PipelineError } from '../../src/errors/pipeline-error.js';
import { readPngInfo } from '../../src/util/png.js';
import { invertGraph, txt2imgGraph } from '../helpers/graphs.js';
import { BufferSink } from '../helpers/sinks.js';
import { waitUntil } from '../helpers/wait.js';

let sim: ComfySimulator;
let adapter: LocalComfyAdapter;

const newAdapter = (extra: Partial<ConstructorParameters<typeof LocalComfyAdapter>[0]> = {}) =>
  new LocalComfyAdapter({
    baseUrl: sim.url,
    httpTimeoutMs: 5_000,
    healthTimeoutMs: 1_000,
    pollIntervalMs: 200,
    heartbeatMs: 500,
    ...extra,
  });

async function expectCode(promise: Promise<unknown>, code: string): Promise<PipelineError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PipelineError);
  expect((err as PipelineError).code).toBe(code);
  return err as PipelineError;
}

beforeAll(async () => {
  sim = await startComfySimulator();
});
afterAll(async () => {
  await sim.close();
});
afterEach(async () => {
  await adapter?.close();
  sim.resetFaults();
});

describe('LocalComfyAdapter against the simulator', () => {
  it('reports health with version, devices and latency', async () => {
    adapter = newAdapter();
    const health = await adapter.health();
    expect(health).toMatchObject({
      engine_id: 'local_comfy',
      engine_type: 'local',
      status: 'healthy',
      error_code: null,
    });
    expect(health.detail.comfyui_version).toBe('0.38.1-sim');
    expect(health.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it('reports an offline engine as unhealthy with ENGINE_OFFLINE', async () => {
    const dead = new LocalComfyAdapter({ baseUrl: 'http://127.0.0.1:9', httpTimeoutMs: 1000, healthTimeoutMs: 500 });
    const health = await dead.health();
    expect(health.status).toBe('unhealthy');
    expect(health.error_code).toBe('ENGINE_OFFLINE');
    await expectCode(
      dead.run({ graph: invertGraph('x'), promptId: randomUUID(), deadlineAt: Date.now() + 2000 }),
      'ENGINE_OFFLINE',
    );
    await dead.close();
  });

  it('runs a graph with monotonic progress and downloads byte-exact outputs', async () => {
    adapter = newAdapter();
    sim.setFaults({ stepMs: 5 });
    const progress: number[] = [];
    const promptId = randomUUID();
    let submitted = '';
    const result = await adapter.run({
      graph: txt2imgGraph(`t/${promptId}`, { steps: 12 }),
      promptId,
      deadlineAt: Date.now() + 20_000,
      onProgress: (p) => progress.push(p.progress),
      onSubmitted: (id) => {
        submitted = id;
      },
    });
    expect(submitted).toBe(promptId);
    expect(result.promptId).toBe(promptId);
    expect(result.outputs).toHaveLength(1);
    expect(progress.length).toBeGreaterThan(5);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThan(progress[i - 1]!);
    expect(progress.at(-1)).toBe(1);
    const out = result.outputs[0]!;
    const sink = new BufferSink();
    const dl = await adapter.download(out, sink);
    const onDisk = readFileSync(path.join(sim.dirs.output, out.subfolder, out.filename));
    expect(sink.buffer.equals(onDisk)).toBe(true);
    expect(dl).toEqual({ contentType: 'image/png', sizeBytes: onDisk.length });
    expect(readPngInfo(sink.buffer)).toMatchObject({ width: 256, height: 256 });
    expect(sim.received.find((r) => r.prompt_id === promptId)?.client_id).toBe(adapter.clientId);
  });

  it('re-running an identical graph is served from ComfyUI cache with the same files', async () => {
    adapter = newAdapter();
    const graph = invertGraph(`cache/${randomUUID()}`);
    const first = await adapter.run({ graph, promptId: randomUUID(), deadlineAt: Date.now() + 10_000 });
    const second = await adapter.run({ graph, promptId: randomUUID(), deadlineAt: Date.now() + 10_000 });
    expect(second.fullyCached).toBe(true);
    expect(second.outputs).toEqual(first.outputs);
  });

  it('maps a missing checkpoint and a missing node pack to DEPENDENCY_MISSING, all at once in preflight', async () => {
    adapter = newAdapter();
    sim.setFaults({ missingModels: ['sd_xl_base_1.0.safetensors'], packs: ['instantid'] });
    const graph = {
      ...txt2imgGraph('dep'),
      '20': { class_type: 'FaceRestoreModelLoader', inputs: { model_name: 'codeformer-v0.1.0.pth' } },
    };
    const err = await expectCode(adapter.preflight(graph), 'DEPENDENCY_MISSING');
    const missing = err.detail!.missing as {
      kind: string;
      class_type: string;
      value?: string;
      folder?: string;
      pack?: string;
    }[];
    expect(missing).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'model',
          class_type: 'CheckpointLoaderSimple',
          value: 'sd_xl_base_1.0.safetensors',
          folder: 'checkpoints',
        }),
        expect.objectContaining({ kind: 'node_class', class_type: 'FaceRestoreModelLoader', pack: 'facerestore_cf' }),
      ]),
    );
    // Without preflight, ComfyUI's own 400 is parsed the same way.
    const viaSubmit = await expectCode(
      adapter.run({ graph: txt2imgGraph('dep2'), promptId: randomUUID(), deadlineAt: Date.now() + 5000 }),
      'DEPENDENCY_MISSING',
    );
    expect(JSON.stringify(viaSubmit.detail)).toContain('sd_xl_base_1.0.safetensors');
    const viaSubmitPack = await expectCode(
      adapter.run({ graph, promptId: randomUUID(), deadlineAt: Date.now() + 5000 }),
      'DEPENDENCY_MISSING',
    );
    expect(JSON.stringify(viaSubmitPack.detail)).toContain('FaceRestoreModelLoader');
  });

  it("reads an older server's missing-node answer (invalid_prompt) as DEPENDENCY_MISSING, and refreshes its catalogue", async () => {
    adapter = newAdapter();
    const graph = {
      ...txt2imgGraph('legacy'),
      '20': { class_type: 'FaceRestoreModelLoader', inputs: { model_name: 'codeformer-v0.1.0.pth' } },
    };
    await adapter.preflight(graph); // the pack is installed: the catalogue is cached with it
    sim.setFaults({ packs: ['instantid'], legacyMissingNode: true }); // then it is removed
    const err = await expectCode(
      adapter.run({ graph, promptId: randomUUID(), deadlineAt: Date.now() + 5000 }),
      'DEPENDENCY_MISSING',
    );
    expect(err.status).toBe(424);
    expect(err.detail!.missing).toEqual([
      expect.objectContaining({ kind: 'node_class', class_type: 'FaceRestoreModelLoader', pack: 'facerestore_cf' }),
      expect.objectContaining({
        kind: 'model',
        class_type: 'FaceRestoreModelLoader',
        value: 'codeformer-v0.1.0.pth',
        folder: 'facerestore_models',
        verified: false,
      }),
    ]);
    // The catalogue was re-read: the next job is refused in preflight, before anything is submitted.
    const before = sim.received.length;
    await expectCode(adapter.preflight(graph), 'DEPENDENCY_MISSING');
    expect(sim.received.length).toBe(before);
  });

  it('turns other validation errors into a contract error with ComfyUI node errors', async () => {
    adapter = newAdapter();
    const graph = txt2imgGraph('bad', { steps: 0 });
    const err = await expectCode(
      adapter.run({ graph, promptId: randomUUID(), deadlineAt: Date.now() + 5000 }),
      'CONTRACT_MISMATCH',
    );
    expect(JSON.stringify(err.detail)).toContain('value_smaller_than_min');
  });

  it('reports an execution error with node, type and exception message', async () => {
    adapter = newAdapter();
    sim.setFaults({ failNodeClasses: ['ImageInvert'] });
    // A unique colour: an unchanged ImageInvert would be served from ComfyUI's cache and never run.
    const err = await expectCode(
      adapter.run({
        graph: invertGraph(`e/${randomUUID()}`, 0x123456),
        promptId: randomUUID(),
        deadlineAt: Date.now() + 5000,
      }),
      'ENGINE_EXECUTION_FAILED',
    );
    expect(err.detail).toMatchObject({ node_id: '2', node_type: 'ImageInvert', exception_type: 'RuntimeError' });
  });

  it('cancels a queued prompt by deleting it and a running one by targeted interrupt', async () => {
    adapter = newAdapter();
    sim.setFaults({ stepMs: 50 });
    const running = new AbortController();
    const queued = new AbortController();
    const idA = randomUUID();
    const idB = randomUUID();
    const a = adapter.run({
      graph: txt2imgGraph(`c/${idA}`, { steps: 100 }),
      promptId: idA,
      deadlineAt: Date.now() + 20_000,
      signal: running.signal,
    });
    const b = adapter.run({
      graph: txt2imgGraph(`c/${idB}`, { steps: 100, seed: 7 }),
      promptId: idB,
      deadlineAt: Date.now() + 20_000,
      signal: queued.signal,
    });
    await waitUntil(
      'the condition',
      async () => (await adapter.lookup(idB)) === 'queued' && (await adapter.lookup(idA)) === 'running',
    );
    queued.abort();
    await expectCode(b, 'JOB_CANCELLED');
    expect(sim.executor.executedPromptIds).not.toContain(idB);
    running.abort();
    await expectCode(a, 'JOB_CANCELLED');
    let hist: Record<string, { status: { messages: [string][] } }> = {};
    await waitUntil('the condition', async () => {
      hist = (await (await fetch(`${sim.url}/history/${idA}`)).json()) as typeof hist;
      return Boolean(hist[idA]);
    });
    expect(hist[idA]!.status.messages.map((m) => m[0])).toContain('execution_interrupted');
  });

  it('a hang past the deadline fails with ENGINE_TIMEOUT and frees ComfyUI', async () => {
    adapter = newAdapter();
    sim.setFaults({ hangExecution: true });
    const id = randomUUID();
    await expectCode(
      adapter.run({ graph: txt2imgGraph(`h/${id}`), promptId: id, deadlineAt: Date.now() + 800 }),
      'ENGINE_TIMEOUT',
    );
    await waitUntil('the condition', async () => sim.executor.running === null);
    expect(sim.executor.queueRemaining()).toBe(0);
  });

  it('finishes a job whose socket drops mid-run, and one whose socket goes silent', async () => {
    adapter = newAdapter();
    sim.setFaults({ stepMs: 5, dropSocketAfterMessages: 6 });
    const r1 = await adapter.run({
      graph: txt2imgGraph(`d/${randomUUID()}`, { steps: 20 }),
      promptId: randomUUID(),
      deadlineAt: Date.now() + 15_000,
    });
    expect(r1.outputs).toHaveLength(1);
    sim.setFaults({ dropSocketAfterMessages: null, silentSocket: true });
    const r2 = await adapter.run({
      graph: txt2imgGraph(`s/${randomUUID()}`, { steps: 20 }),
      promptId: randomUUID(),
      deadlineAt: Date.now() + 15_000,
    });
    expect(r2.outputs).toHaveLength(1);
  });

  it('retries 500s on safe calls and survives malformed history answers until the deadline', async () => {
    adapter = newAdapter();
    sim.setFaults({ http500: { '/object_info': 1 } });
    await adapter.capabilities({ refresh: true });
    sim.setFaults({ http500: { '/prompt': 1 } });
    const id = randomUUID();
    const result = await adapter.run({
      graph: invertGraph(`r/${id}`, 0x00ff00),
      promptId: id,
      deadlineAt: Date.now() + 10_000,
    });
    expect(result.outputs).toHaveLength(1);
    expect(sim.executor.executedPromptIds.filter((x) => x === id)).toHaveLength(1);
  });

  it('ignores foreign prompts, binary frames, unknown types and malformed JSON on the socket', async () => {
    adapter = newAdapter();
    sim.setFaults({ previews: true, stepMs: 2 });
    // Another client's prompts run interleaved with ours.
    const other = new WebSocket(`${sim.url.replace('http', 'ws')}/ws?clientId=other`);
    await new Promise((r) => other.once('open', r));
    const foreign = fetch(`${sim.url}/prompt`, {
      method: 'POST',
      body: JSON.stringify({ prompt: txt2imgGraph(`f/${randomUUID()}`, { steps: 15, seed: 3 }), client_id: 'other' }),
    });
    const id = randomUUID();
    const result = await adapter.run({
      graph: txt2imgGraph(`o/${id}`, { steps: 15, seed: 4 }),
      promptId: id,
      deadlineAt: Date.now() + 15_000,
    });
    expect(result.promptId).toBe(id);
    await foreign;
    other.close();
  });

  it('resubmits once when ComfyUI restarts and loses the queue', async () => {
    adapter = newAdapter();
    sim.setFaults({ stepMs: 30 });
    const id = randomUUID();
    const run = adapter.run({
      graph: txt2imgGraph(`l/${id}`, { steps: 30 }),
      promptId: id,
      deadlineAt: Date.now() + 20_000,
    });
    await waitUntil('the condition', async () => sim.executor.running?.promptId === id);
    sim.restart();
    const result = await run;
    expect(result.promptId).toBe(id);
    expect(sim.executor.executedPromptIds.filter((x) => x === id).length).toBe(2);
  });

  it('uploads an image and returns the name for LoadImage; identical bytes keep the name', async () => {
    adapter = newAdapter();
    const bytes = Buffer.from('89504e470d0a1a0a', 'hex');
    const a = await adapter.uploadImage('ref.png', bytes, 'image/png');
    const b = await adapter.uploadImage('ref.png', bytes, 'image/png');
    const c = await adapter.uploadImage('ref.png', Buffer.concat([bytes, Buffer.from([1])]), 'image/png');
    expect(a).toBe('ref.png');
    expect(b).toBe('ref.png');
    expect(c).toBe('ref (1).png');
  });
});
