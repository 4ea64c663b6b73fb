import type { Graph } from '../../src/engines/engine.js';
import { seededRandom } from './random.js';

/** The weight-free graph of protocol §1.3: EmptyImage → ImageInvert → SaveImage. */
export function invertGraph(prefix: string, color = 0xff0000, size = 64): Graph {
  return {
    '1': { class_type: 'EmptyImage', inputs: { width: size, height: size, batch_size: 1, color } },
    '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
    '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: prefix } },
  };
}

/** Minimal txt2img of protocol §4.2. */
export function txt2imgGraph(
  prefix: string,
  opts: { steps?: number; seed?: number; ckpt?: string; sampler?: string; size?: number } = {},
): Graph {
  const size = opts.size ?? 256;
  return {
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: opts.ckpt ?? 'sd_xl_base_1.0.safetensors' } },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a red fox in snow', clip: ['4', 1] } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry', clip: ['4', 1] } },
    '5': { class_type: 'EmptyLatentImage', inputs: { width: size, height: size, batch_size: 1 } },
    '3': {
      class_type: 'KSampler',
      inputs: {
        model: ['4', 0],
        seed: opts.seed ?? 42,
        steps: opts.steps ?? 10,
        cfg: 7.0,
        sampler_name: opts.sampler ?? 'euler',
        scheduler: 'normal',
        positive: ['6', 0],
        negative: ['7', 0],
        latent_image: ['5', 0],
        denoise: 1.0,
      },
    },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
    '9': { class_type: 'SaveImage', inputs: { images: ['8', 0], filename_prefix: prefix } },
  };
}

const colours = seededRandom('twoOutputGraph colours');

/** Two output branches: SaveImage "2" runs first, then the ImageInvert branch (which can be made to fail). */
export function twoOutputGraph(prefix: string, color = colours.int(0xffffff)): Graph {
  // A fresh colour each time (seeded), so no node comes from the simulator's cache.
  return {
    '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color } },
    '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: `${prefix}/a` } },
    '3': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
    '4': { class_type: 'SaveImage', inputs: { images: ['3', 0], filename_prefix: `${prefix}/b` } },
  };
}
