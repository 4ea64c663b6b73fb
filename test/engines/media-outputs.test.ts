// Outputs other than still images: what ComfyUI's video, audio and 3D savers report (under
// `images` with `animated`, `gifs`, `audio` and the 3D preview's `result`) is fetched, and stored
// as what its bytes are: type, content type, size and, for animations, dimensions.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalComfyAdapter } from '../../src/engines/comfy/adapter.js';
import { outputsOf } from '../../src/engines/comfy/history.js';
import type { Graph } from '../../src/engines/engine.js';
import { glb } from '../../src/sim/media.js';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { ArtifactStore } from '../../src/store/artifact-store.js';
import { sniffMedia } from '../../src/util/media-type.js';
import { OutputDownloads } from '../../src/workers/output-downloads.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { testProvenance as provenance } from '../helpers/provenance.js';

let sim: ComfySimulator;
beforeAll(async () => {
  sim = await startComfySimulator();
});
afterAll(async () => {
  await sim.close();
});

/** Frames from an EmptyImage batch, saved every way ComfyUI saves moving pictures and sound, and a 3D preview. */
function mediaGraph(prefix: string, modelPath: string): Graph {
  return {
    '1': { class_type: 'EmptyImage', inputs: { width: 96, height: 64, batch_size: 4, color: 0x3366aa } },
    '2': {
      class_type: 'SaveAnimatedWEBP',
      inputs: {
        images: ['1', 0],
        filename_prefix: `${prefix}/anim`,
        fps: 8,
        lossless: false,
        quality: 80,
        method: 'default',
      },
    },
    '3': { class_type: 'CreateVideo', inputs: { images: ['1', 0], fps: 24 } },
    '4': {
      class_type: 'SaveVideo',
      inputs: { video: ['3', 0], filename_prefix: `${prefix}/video`, format: 'auto', codec: 'auto' },
    },
    '5': {
      class_type: 'VHS_VideoCombine',
      inputs: {
        images: ['1', 0],
        frame_rate: 8,
        loop_count: 0,
        filename_prefix: `${prefix}/vhs`,
        format: 'video/h264-mp4',
        pingpong: false,
        save_output: true,
      },
    },
    '6': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd_xl_base_1.0.safetensors' } },
    '7': { class_type: 'EmptyLatentAudio', inputs: { seconds: 3, batch_size: 1 } },
    '8': { class_type: 'VAEDecodeAudio', inputs: { samples: ['7', 0], vae: ['6', 2] } },
    '9': { class_type: 'SaveAudio', inputs: { audio: ['8', 0], filename_prefix: `${prefix}/audio` } },
    '10': { class_type: 'Preview3D', inputs: { model_file: modelPath } },
  };
}

describe('video, audio and 3D outputs', () => {
  it("reads every saver's report: images+animated, gifs, audio and the 3D preview's result path", () => {
    const files = outputsOf({
      outputs: {
        '2': { images: [{ filename: 'anim_00001_.webp', subfolder: 'a', type: 'output' }], animated: [true] },
        '5': {
          gifs: [{ filename: 'vhs_00001.mp4', subfolder: '', type: 'output', format: 'video/h264-mp4', frame_rate: 8 }],
        },
        '9': { audio: [{ filename: 'audio_00001_.flac', subfolder: 'audio', type: 'output' }] },
        '10': { result: ['mesh/model_00001_.glb', { position: { x: 1 } }, null] },
        '11': { result: ['preview3d_ab12.glb [temp]', null, null] },
        '12': { result: ['../../etc/passwd', null, null], text: ['not a file'] },
        '13': { result: ['/abs/path.glb'] },
      },
    });
    expect(files.map((f) => [f.node_id, f.kind, f.subfolder, f.filename, f.type])).toEqual([
      ['2', 'images', 'a', 'anim_00001_.webp', 'output'],
      ['5', 'gifs', '', 'vhs_00001.mp4', 'output'],
      ['9', 'audio', 'audio', 'audio_00001_.flac', 'output'],
      ['10', 'result', 'mesh', 'model_00001_.glb', 'output'],
      ['11', 'result', '', 'preview3d_ab12.glb', 'temp'],
    ]);
  });

  it('stores an animated WebP and MP4s as video, FLAC as audio and glTF as model, each with its content type and size', async () => {
    const prefix = `media/${randomUUID()}`;
    const modelPath = `${prefix}/mesh/model_00001_.glb`;
    mkdirSync(path.join(sim.dirs.output, prefix, 'mesh'), { recursive: true });
    writeFileSync(path.join(sim.dirs.output, modelPath), glb('cube'));
    const adapter = new LocalComfyAdapter({ baseUrl: sim.url, httpTimeoutMs: 5_000, healthTimeoutMs: 1_000 });
    const dataDir = tempDir('media');
    try {
      const store = new ArtifactStore(path.join(dataDir, 'artifacts'), dataDir);
      const jobId = randomUUID();
      const downloads = new OutputDownloads(
        jobId,
        adapter,
        store,
        { update: async () => undefined, log: async () => undefined },
        new AbortController().signal,
        { deadlineAt: Date.now() + 60_000, maxBytes: 1 << 30, maxCount: 100 },
      );
      const result = await adapter.run({
        graph: mediaGraph(prefix, modelPath),
        promptId: randomUUID(),
        deadlineAt: Date.now() + 20_000,
        onOutputs: (files) => files.forEach((f) => downloads.start(f)),
      });
      const { records, committed, settled } = await downloads.finish(result.outputs, provenance);
      await Promise.all([committed, settled]);
      const byNode = Object.fromEntries(records.map((r) => [r.node_id, r]));
      expect(byNode['2']).toMatchObject({ type: 'video', content_type: 'image/webp', width: 96, height: 64 });
      expect(byNode['4']).toMatchObject({ type: 'video', content_type: 'video/mp4' });
      expect(byNode['5']).toMatchObject({ type: 'video', content_type: 'video/mp4' });
      expect(byNode['9']).toMatchObject({ type: 'audio', content_type: 'audio/flac', width: null });
      expect(byNode['10']).toMatchObject({
        type: 'model',
        content_type: 'model/gltf-binary',
        comfy_filename: 'model_00001_.glb',
      });
      expect(records.map((r) => r.filename).sort()).toEqual(
        ['audio_001.flac', 'model_001.glb', 'video_001.webp', 'video_002.mp4', 'video_003.mp4'].sort(),
      );
      for (const r of records) {
        const bytes = readFileSync(path.join(dataDir, r.path));
        expect(bytes.length, r.filename).toBe(r.size_bytes);
        expect(r.path).toContain(`/${r.type}/`);
      }
      // The simulator's files are what ComfyUI's savers write: the bytes say what they are.
      const webp = readFileSync(path.join(dataDir, byNode['2']!.path));
      expect(webp.toString('latin1', 12, 16)).toBe('VP8X');
      expect(webp.toString('latin1').match(/ANMF/g)).toHaveLength(4);
      expect(sniffMedia(readFileSync(path.join(dataDir, byNode['9']!.path)))).toMatchObject({ kind: 'audio' });
      expect((await store.list(jobId)).map((f) => f.type).sort()).toEqual([
        'audio',
        'model',
        'video',
        'video',
        'video',
      ]);
      await downloads.abandon();
    } finally {
      await adapter.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
