import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { decodePng } from '../../src/util/png.js';
import { invertGraph, txt2imgGraph } from '../helpers/graphs.js';
import { waitUntil } from '../helpers/wait.js';
import { socketText } from '../../src/util/text-of.js';

let sim: ComfySimulator;
beforeAll(async () => {
  sim = await startComfySimulator();
});
afterAll(async () => {
  await sim.close();
});

const json = async (r: Response | Promise<Response>): Promise<any> => (await r).json();
const post = (p: string, body: unknown) =>
  fetch(`${sim.url}${p}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

interface Msg {
  type: string;
  data: Record<string, unknown>;
}
async function openSocket(clientId: string): Promise<{ ws: WebSocket; messages: Msg[]; binary: Buffer[] }> {
  const ws = new WebSocket(`${sim.url.replace('http', 'ws')}/ws?clientId=${clientId}`);
  const messages: Msg[] = [];
  const binary: Buffer[] = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) binary.push(data as Buffer);
    else messages.push(JSON.parse(socketText(data)));
  });
  await new Promise((r) => ws.once('open', r));
  await waitUntil('the condition', () => messages.length > 0);
  return { ws, messages, binary };
}
describe('simulator protocol fidelity', () => {
  it('sends status with sid first, then the documented order for a run, targeted to the client', async () => {
    const mine = await openSocket('c1');
    const other = await openSocket('c2');
    expect(mine.messages[0]).toEqual({
      type: 'status',
      data: { status: { exec_info: { queue_remaining: 0 } }, sid: 'c1' },
    });
    const id = randomUUID();
    const res = await post('/prompt', { prompt: invertGraph(`order/${id}`, 0x010203), client_id: 'c1', prompt_id: id });
    expect(await res.json()).toEqual({ prompt_id: id, number: expect.any(Number), node_errors: {} });
    await waitUntil('the condition', () => mine.messages.some((m) => m.type === 'executing' && m.data.node === null));
    const seq = mine.messages
      .slice(1)
      .filter((m) => m.type !== 'progress_state')
      .map((m) => (m.type === 'executing' ? `executing:${String(m.data.node)}` : m.type));
    expect(seq).toEqual([
      'status',
      'status',
      'execution_start',
      'execution_cached',
      'executing:1',
      'executing:2',
      'executing:3',
      'executed',
      'execution_success',
      'status',
      'executing:null',
    ]);
    // The other client sees broadcasts only.
    const otherTypes = new Set(other.messages.slice(1).map((m) => m.type));
    expect([...otherTypes].sort()).toEqual(['progress_state', 'status']);
    mine.ws.close();
    other.ws.close();
  });

  it('replays a cached run: all nodes cached, executed replay with the same filenames, no new file', async () => {
    const s = await openSocket('cache-client');
    const graph = invertGraph(`cached/${randomUUID()}`, 0x0a0b0c);
    const a = randomUUID(),
      b = randomUUID();
    await post('/prompt', { prompt: graph, client_id: 'cache-client', prompt_id: a });
    await waitUntil('the condition', () =>
      s.messages.some((m) => m.type === 'executing' && m.data.node === null && m.data.prompt_id === a),
    );
    await post('/prompt', { prompt: graph, client_id: 'cache-client', prompt_id: b });
    await waitUntil('the condition', () =>
      s.messages.some((m) => m.type === 'executing' && m.data.node === null && m.data.prompt_id === b),
    );
    const ofB = s.messages.filter((m) => m.data.prompt_id === b);
    expect(ofB.find((m) => m.type === 'execution_cached')!.data.nodes).toEqual(['1', '2', '3']);
    expect(ofB.filter((m) => m.type === 'executing' && m.data.node !== null)).toEqual([]);
    const hist = (await json(fetch(`${sim.url}/history`))) as Record<string, { outputs: unknown }>;
    expect(hist[b]!.outputs).toEqual(hist[a]!.outputs);
    s.ws.close();
  });

  it('names SaveImage files <prefix>_<counter>_.png with subfolders and renders real pixels', async () => {
    const sub = `naming/${randomUUID()}`;
    for (const color of [0xff0000, 0x00ff00]) {
      const id = randomUUID();
      await post('/prompt', { prompt: invertGraph(`${sub}/pic`, color, 16), prompt_id: id });
      await waitUntil('the condition', () => sim.executor.history.has(id));
    }
    const hist = (await json(fetch(`${sim.url}/history?max_items=2`))) as Record<
      string,
      { outputs: Record<string, { images: { filename: string; subfolder: string }[] }> }
    >;
    const files = Object.values(hist).map((h) => h.outputs['3']!.images[0]!);
    expect(files.map((f) => f.filename)).toEqual(['pic_00001_.png', 'pic_00002_.png']);
    expect(files[0]!.subfolder).toBe(sub);
    const img = decodePng(readFileSync(path.join(sim.dirs.output, sub, 'pic_00001_.png')));
    expect([...img.data.subarray(0, 3)]).toEqual([0, 255, 255]); // red inverted
  });

  it("rejects bad prompts with ComfyUI's shapes", async () => {
    const r1 = await post('/prompt', { nothing: true });
    expect(r1.status).toBe(400);
    expect((await json(r1)).error.type).toBe('no_prompt');
    const r2 = await post('/prompt', { prompt: invertGraph('x'), prompt_id: 'not-a-uuid' });
    expect((await json(r2)).error.type).toBe('invalid_prompt_id');
    const r3 = await post('/prompt', { prompt: { '1': { class_type: 'NoSuchNode', inputs: {} } } });
    expect(await json(r3)).toMatchObject({
      error: { type: 'missing_node_type', extra_info: { node_id: '1', class_type: 'NoSuchNode' } },
      node_errors: {},
    });
    const r4 = await post('/prompt', {
      prompt: { '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } } },
    });
    expect((await json(r4)).error.type).toBe('prompt_no_outputs');
    const r5 = await post('/prompt', { prompt: txt2imgGraph('x', { sampler: 'eulr', ckpt: 'nope.safetensors' }) });
    const body = await json(r5);
    expect(body.error.type).toBe('prompt_outputs_failed_validation');
    const types = Object.values(
      body.node_errors as Record<
        string,
        { errors: { type: string; extra_info: { input_name: string } }[]; dependent_outputs: string[] }
      >,
    ).flatMap((n) => n.errors.map((e) => `${e.type}:${e.extra_info.input_name}`));
    expect(types.sort()).toEqual(['value_not_in_list:ckpt_name', 'value_not_in_list:sampler_name']);
    expect(body.node_errors['3'].dependent_outputs).toEqual(['9']);
    const r6 = await fetch(`${sim.url}/prompt`, { method: 'POST', body: '{bad json' });
    expect(r6.status).toBe(500);
  });

  it('guards /view and follows its rules', async () => {
    const id = randomUUID();
    await post('/prompt', { prompt: invertGraph(`view/${id}`, 0x202020, 8), prompt_id: id });
    await waitUntil('the condition', () => sim.executor.history.has(id));
    // Prefix "view/<id>" → subfolder "view", base name "<id>".
    expect((await fetch(`${sim.url}/view?filename=view_00001_.png&subfolder=view`)).status).toBe(404);
    const right = await fetch(`${sim.url}/view?filename=${id}_00001_.png&subfolder=view`);
    expect(right.status).toBe(200);
    expect(right.headers.get('content-type')).toBe('image/png');
    expect(right.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${sim.url}/view?filename=../x.png`)).status).toBe(400);
    expect((await fetch(`${sim.url}/view?filename=/etc/passwd`)).status).toBe(400);
    expect((await fetch(`${sim.url}/view?filename=a.png&type=secret`)).status).toBe(400);
    expect((await fetch(`${sim.url}/view?filename=passwd&subfolder=../../../../etc`)).status).toBe(403);
    expect((await fetch(`${sim.url}/view`)).status).toBe(404);
    const annotated = await fetch(
      `${sim.url}/api/view?filename=${encodeURIComponent(`${id}_00001_.png [output]`)}&subfolder=view&type=input`,
    );
    expect(annotated.status).toBe(200);
  });

  it('renames uploads unless the bytes are identical', async () => {
    const upload = async (bytes: Buffer, name = 'face.png') => {
      const form = new FormData();
      form.append('image', new Blob([bytes]), name);
      return fetch(`${sim.url}/upload/image`, { method: 'POST', body: form });
    };
    const a = await json(upload(Buffer.from('one')));
    const b = await json(upload(Buffer.from('one')));
    const c = await json(upload(Buffer.from('two')));
    const d = await json(upload(Buffer.from('three')));
    expect([a.name, b.name, c.name, d.name]).toEqual(['face.png', 'face.png', 'face (1).png', 'face (2).png']);
    expect(a).toMatchObject({ subfolder: '', type: 'input' });
    expect((await fetch(`${sim.url}/upload/image`, { method: 'POST', body: new FormData() })).status).toBe(400);
  });

  it('answers unknown things like ComfyUI', async () => {
    expect(await json(fetch(`${sim.url}/object_info/NoSuchNode`))).toEqual({});
    expect(await json(fetch(`${sim.url}/history/${randomUUID()}`))).toEqual({});
    expect((await fetch(`${sim.url}/models/nope`)).status).toBe(404);
    expect(await json(fetch(`${sim.url}/models/checkpoints`))).toContain('sd_xl_base_1.0.safetensors');
    // A pack registers its model folder when it loads: without the pack the folder is unknown (404);
    // insightface is never registered (the packs read it directly).
    expect(await json(fetch(`${sim.url}/models/luts`))).toContain('reinhard_tonemap.cube');
    sim.setFaults({ packs: [] });
    for (const folder of ['luts', 'ipadapter', 'instantid', 'facerestore_models', 'insightface'])
      expect((await fetch(`${sim.url}/models/${folder}`)).status, folder).toBe(404);
    expect(await json(fetch(`${sim.url}/models/clip_vision`))).toContain('CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors');
    sim.resetFaults();
    expect((await fetch(`${sim.url}/nope`)).status).toBe(404);
    expect((await fetch(`${sim.url}/nope`, { method: 'POST' })).status).toBe(405);
    const info = await json(fetch(`${sim.url}/api/object_info/KSampler`));
    expect(info.KSampler.input.required.sampler_name[0]).toContain('euler');
    const v3 = await json(fetch(`${sim.url}/object_info/ImageAddNoise`));
    expect(v3.ImageAddNoise.name).toBe('ImageAddNoise');
    expect((await fetch(`${sim.url}/system_stats`, { headers: { origin: 'http://evil.test' } })).status).toBe(403);
  });

  it('replies to feature flags and sends binary previews in the announced format', async () => {
    sim.setFaults({ previews: true });
    const ws = new WebSocket(`${sim.url.replace('http', 'ws')}/ws?clientId=flags`);
    const msgs: Msg[] = [];
    const bins: Buffer[] = [];
    ws.on('message', (d, isBinary) => {
      if (isBinary) bins.push(d as Buffer);
      else msgs.push(JSON.parse(socketText(d)));
    });
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }));
    await waitUntil('the condition', () => msgs.some((m) => m.type === 'feature_flags'));
    const id = randomUUID();
    await post('/prompt', {
      prompt: txt2imgGraph(`p/${id}`, { steps: 3, seed: 99, size: 64 }),
      client_id: 'flags',
      prompt_id: id,
    });
    await waitUntil('the condition', () => msgs.some((m) => m.type === 'executing' && m.data.node === null));
    expect(bins.length).toBe(3);
    expect(bins[0]!.readUInt32BE(0)).toBe(4);
    const metaLen = bins[0]!.readUInt32BE(4);
    expect(JSON.parse(bins[0]!.subarray(8, 8 + metaLen).toString()).prompt_id).toBe(id);
    sim.setFaults({ previews: false });
    ws.close();
  });

  it('runs one prompt at a time in FIFO order and reports the queue', async () => {
    sim.setFaults({ stepMs: 20 });
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const [i, id] of ids.entries())
      await post('/prompt', { prompt: txt2imgGraph(`q/${id}`, { steps: 5, seed: 1000 + i, size: 32 }), prompt_id: id });
    const queue = await json(fetch(`${sim.url}/queue`));
    expect(queue.queue_running).toHaveLength(1);
    expect(queue.queue_pending.map((q: unknown[]) => q[1])).toEqual(ids.slice(1));
    expect((await json(fetch(`${sim.url}/prompt`))).exec_info.queue_remaining).toBe(3);
    await waitUntil('the condition', () => ids.every((id) => sim.executor.history.has(id)), 10_000);
    const order = sim.executor.executedPromptIds.filter((x) => (ids as string[]).includes(x));
    expect(order).toEqual(ids);
    sim.setFaults({ stepMs: 0 });
  });
});
