import type { RawImage } from '../util/png.js';
import * as px from './render.js';
import * as media from './media.js';

/** Runtime values flowing between simulated nodes. */
export type SimValue =
  | {
      kind: 'model';
      ckpt: string;
      identity: { rgb: [number, number, number]; weight: number } | null;
      patches: string[];
    }
  | { kind: 'clip'; ckpt: string }
  | { kind: 'vae'; ckpt: string }
  | { kind: 'cond'; text: string; patches: string[] }
  | {
      kind: 'latent';
      width: number;
      height: number;
      batch: number;
      seed: number;
      identity: { rgb: [number, number, number]; weight: number } | null;
    }
  | { kind: 'image'; images: RawImage[] }
  | { kind: 'mask' }
  | { kind: 'upscale_model'; name: string; scale: number }
  | { kind: 'video'; images: RawImage[]; fps: number }
  | { kind: 'audio_latent'; seconds: number; batch: number }
  | { kind: 'audio'; seconds: number; batch: number }
  | { kind: 'opaque'; type: string; name: string };

export interface FileRef {
  filename: string;
  subfolder: string;
  type: 'output' | 'temp';
}

export interface NodeContext {
  nodeId: string;
  /** Report progress of this node (value of max); checks for interrupt and waits the per-step time. */
  step(value: number, max: number): Promise<void>;
  saveImages(prefix: string, images: RawImage[], type: 'output' | 'temp'): Promise<FileRef[]>;
  /** Any other file a saver writes (video, audio, 3D), named as ComfyUI names it. */
  saveFiles(prefix: string, extension: string, contents: Buffer[], type: 'output' | 'temp'): Promise<FileRef[]>;
  loadInputImage(name: string): Promise<RawImage>;
  hasModel(folder: string, name: string): boolean;
}

export interface NodeResult {
  outputs: SimValue[];
  ui?: Record<string, unknown>;
}

/** An exception raised inside a node: becomes execution_error with this exception_type. */
export class NodeExecutionError extends Error {
  constructor(
    readonly exceptionType: string,
    message: string,
  ) {
    super(message);
  }
}

type Inputs = Record<string, unknown>;
type Impl = (inputs: Inputs, ctx: NodeContext) => Promise<NodeResult> | NodeResult;

const img = (v: unknown): RawImage[] => {
  const value = v as SimValue;
  if (value?.kind !== 'image') throw new NodeExecutionError('TypeError', 'expected IMAGE input');
  return value.images;
};
const num = (v: unknown) => Number(v);
const prefixOf = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
const images = (list: RawImage[]): NodeResult => ({ outputs: [{ kind: 'image', images: list }] });
const opaque = (type: string, name: string): NodeResult => ({ outputs: [{ kind: 'opaque', type, name }] });

const IPADAPTER_PRESET_FILES: Record<string, string> = {
  'STANDARD (medium strength)': 'ip-adapter_sdxl_vit-h.safetensors',
  'VIT-G (medium strength)': 'ip-adapter_sdxl.safetensors',
  'PLUS (high strength)': 'ip-adapter-plus_sdxl_vit-h.safetensors',
  'PLUS FACE (portraits)': 'ip-adapter-plus-face_sdxl_vit-h.safetensors',
  'LIGHT - SD1.5 only (low strength)': 'ip-adapter_sd15_light_v11.bin',
  'FULL FACE - SD1.5 only (portraits stronger)': 'ip-adapter-full-face_sd15.safetensors',
};

function withIdentity(model: SimValue, refs: RawImage[], weight: number, tag: string): SimValue {
  if (model.kind !== 'model') throw new NodeExecutionError('TypeError', 'expected MODEL input');
  const means = refs.map(px.meanColor);
  const rgb = [0, 1, 2].map((c) => means.reduce((s, m) => s + m[c]!, 0) / means.length) as [number, number, number];
  return {
    ...model,
    identity: { rgb, weight: Math.min(0.9, Math.max(0, weight * 0.5)) },
    patches: [...model.patches, `${tag}:${weight}`],
  };
}

export const NODE_IMPLS: Record<string, Impl> = {
  CheckpointLoaderSimple: (i) => ({
    outputs: [
      { kind: 'model', ckpt: String(i.ckpt_name), identity: null, patches: [] },
      { kind: 'clip', ckpt: String(i.ckpt_name) },
      { kind: 'vae', ckpt: String(i.ckpt_name) },
    ],
  }),
  CLIPTextEncode: (i) => ({ outputs: [{ kind: 'cond', text: String(i.text), patches: [] }] }),
  EmptyLatentImage: (i) => ({
    outputs: [
      { kind: 'latent', width: num(i.width), height: num(i.height), batch: num(i.batch_size), seed: 0, identity: null },
    ],
  }),
  KSampler: async (i, ctx) => {
    const model = i.model as Extract<SimValue, { kind: 'model' }>;
    const latent = i.latent_image as Extract<SimValue, { kind: 'latent' }>;
    const positive = i.positive as Extract<SimValue, { kind: 'cond' }>;
    const steps = num(i.steps);
    for (let s = 1; s <= steps; s++) await ctx.step(s, steps);
    const seed = px.seedFrom(
      model.ckpt,
      model.patches,
      positive.text,
      positive.patches,
      (i.negative as { text?: string }).text,
      String(i.seed),
      steps,
      num(i.cfg),
      i.sampler_name,
      i.scheduler,
      num(i.denoise),
    );
    return { outputs: [{ ...latent, seed, identity: model.identity }] };
  },
  VAEDecode: (i) => {
    const latent = i.samples as Extract<SimValue, { kind: 'latent' }>;
    const list = Array.from({ length: latent.batch }, (_, b) =>
      px.renderGenerated(latent.width, latent.height, (latent.seed + b) >>> 0, latent.identity ?? undefined),
    );
    return images(list);
  },
  SaveImage: async (i, ctx) => {
    const list = img(i.images);
    const files = await ctx.saveImages(
      typeof i.filename_prefix === 'string' ? i.filename_prefix : 'ComfyUI',
      list,
      'output',
    );
    return { outputs: [{ kind: 'image', images: list }], ui: { images: files } };
  },
  PreviewImage: async (i, ctx) => {
    const files = await ctx.saveImages(`ComfyUI_temp_${Math.random().toString(36).slice(2, 7)}`, img(i.images), 'temp');
    return { outputs: [], ui: { images: files } };
  },
  LoadImage: async (i, ctx) => ({
    outputs: [{ kind: 'image', images: [await ctx.loadInputImage(String(i.image))] }, { kind: 'mask' }],
  }),
  EmptyImage: (i) =>
    images(Array.from({ length: num(i.batch_size) }, () => px.solid(num(i.width), num(i.height), num(i.color)))),
  ImageInvert: (i) => images(img(i.image).map((m) => px.mapPixels(m, (v) => 255 - v))),
  ImageScale: (i) =>
    images(
      img(i.image).map((m) => {
        let w = num(i.width),
          h = num(i.height);
        if (w === 0 && h === 0) return m;
        if (w === 0) w = Math.max(1, Math.round((m.width * h) / m.height));
        if (h === 0) h = Math.max(1, Math.round((m.height * w) / m.width));
        return px.resize(m, w, h);
      }),
    ),
  ImageScaleBy: (i) =>
    images(
      img(i.image).map((m) =>
        px.resize(
          m,
          Math.max(1, Math.round(m.width * num(i.scale_by))),
          Math.max(1, Math.round(m.height * num(i.scale_by))),
        ),
      ),
    ),
  ImageBatch: (i) => {
    const a = img(i.image1),
      b = img(i.image2);
    return images([...a, ...b.map((m) => px.resize(m, a[0]!.width, a[0]!.height))]);
  },
  ImageBlur: (i) => images(img(i.image).map((m) => px.boxBlur(m, num(i.blur_radius)))),
  ImageSharpen: (i) => images(img(i.image).map((m) => px.sharpen(m, num(i.alpha)))),
  ImageAddNoise: (i) =>
    images(img(i.image).map((m, b) => px.addNoise(m, px.seedFrom(String(i.seed), b), num(i.strength)))),
  SaveAnimatedWEBP: async (i, ctx) => {
    const frames = img(i.images);
    const files = await ctx.saveFiles(
      prefixOf(i.filename_prefix, 'ComfyUI'),
      'webp',
      [media.animatedWebp(frames, num(i.fps))],
      'output',
    );
    return { outputs: [], ui: { images: files, animated: [frames.length > 1] } };
  },
  CreateVideo: (i) => ({ outputs: [{ kind: 'video', images: img(i.images), fps: num(i.fps) }] }),
  SaveVideo: async (i, ctx) => {
    const video = i.video as SimValue;
    if (video?.kind !== 'video') throw new NodeExecutionError('TypeError', 'expected VIDEO input');
    const files = await ctx.saveFiles(
      prefixOf(i.filename_prefix, 'video/ComfyUI'),
      'mp4',
      [media.mp4(video.images, video.fps)],
      'output',
    );
    return { outputs: [], ui: { images: files, animated: [true] } };
  },
  EmptyLatentAudio: (i) => ({ outputs: [{ kind: 'audio_latent', seconds: num(i.seconds), batch: num(i.batch_size) }] }),
  VAEDecodeAudio: (i) => {
    const latent = i.samples as SimValue;
    if (latent?.kind !== 'audio_latent') throw new NodeExecutionError('TypeError', 'expected an audio LATENT');
    return { outputs: [{ kind: 'audio', seconds: latent.seconds, batch: latent.batch }] };
  },
  SaveAudio: async (i, ctx) => {
    const audio = i.audio as SimValue;
    if (audio?.kind !== 'audio') throw new NodeExecutionError('TypeError', 'expected AUDIO input');
    const contents = Array.from({ length: audio.batch }, () => media.flac(audio.seconds));
    const files = await ctx.saveFiles(prefixOf(i.filename_prefix, 'audio/ComfyUI'), 'flac', contents, 'output');
    return { outputs: [], ui: { audio: files } };
  },
  // Given a path string, ComfyUI's Preview3D names it as it is (relative to the output folder),
  // with the camera and background it was given: {"result": [model_file, camera_info, bg_image]}.
  Preview3D: (i) => ({ outputs: [], ui: { result: [String(i.model_file), null, null] } }),
  ImageOnlyCheckpointLoader: (i) => ({
    outputs: [
      { kind: 'model', ckpt: String(i.ckpt_name), identity: null, patches: [] },
      { kind: 'opaque', type: 'CLIP_VISION', name: String(i.ckpt_name) },
      { kind: 'vae', ckpt: String(i.ckpt_name) },
    ],
  }),
  SVD_img2vid_Conditioning: (i) => {
    const init = img(i.init_image)[0]!;
    const mean = px.meanColor(init);
    const text = `svd:${mean.map((c) => Math.round(c)).join(',')}:${num(i.motion_bucket_id)}:${num(i.fps)}`;
    return {
      outputs: [
        { kind: 'cond', text, patches: [] },
        { kind: 'cond', text: '', patches: [] },
        {
          kind: 'latent',
          width: num(i.width),
          height: num(i.height),
          batch: num(i.video_frames),
          seed: 0,
          identity: { rgb: mean, weight: 0.6 },
        },
      ],
    };
  },
  VideoLinearCFGGuidance: (i) => {
    const model = i.model as SimValue;
    if (model?.kind !== 'model') throw new NodeExecutionError('TypeError', 'expected MODEL input');
    return { outputs: [{ ...model, patches: [...model.patches, `video_cfg:${num(i.min_cfg)}`] }] };
  },
  VHS_VideoCombine: async (i, ctx) => {
    const frames = img(i.images);
    const format = String(i.format);
    const fps = num(i.frame_rate);
    const [extension, bytes] =
      format === 'video/h264-mp4'
        ? ['mp4', media.mp4(frames, fps)]
        : format === 'image/webp'
          ? ['webp', media.animatedWebp(frames, fps)]
          : ['gif', media.gif(frames, fps)];
    const type = i.save_output === false ? 'temp' : 'output';
    const [file] = await ctx.saveFiles(prefixOf(i.filename_prefix, 'AnimateDiff'), extension, [bytes], type);
    return {
      outputs: [{ kind: 'opaque', type: 'VHS_FILENAMES', name: file!.filename }],
      // VideoHelperSuite reports its file under "gifs" (whatever the format), with extra keys.
      ui: {
        gifs: [
          {
            ...file,
            format,
            frame_rate: fps,
            workflow: file!.filename.replace(/\.[a-z0-9]+$/, '.png'),
            fullpath: `/comfyui/${type}/${file!.subfolder ? `${file!.subfolder}/` : ''}${file!.filename}`,
          },
        ],
      },
    };
  },
  UpscaleModelLoader: (i) => {
    const name = String(i.model_name);
    const match = /x(\d)/i.exec(name);
    return { outputs: [{ kind: 'upscale_model', name, scale: match ? Number(match[1]) : 4 }] };
  },
  ImageUpscaleWithModel: async (i, ctx) => {
    const model = i.upscale_model as Extract<SimValue, { kind: 'upscale_model' }>;
    const tiles = 4;
    for (let t = 1; t <= tiles; t++) await ctx.step(t, tiles);
    return images(
      img(i.image).map((m) => px.sharpen(px.resize(m, m.width * model.scale, m.height * model.scale), 0.3)),
    );
  },
  ControlNetLoader: (i) => opaque('CONTROL_NET', String(i.control_net_name)),
  CLIPVisionLoader: (i) => opaque('CLIP_VISION', String(i.clip_name)),
  IPAdapterUnifiedLoader: (i, ctx) => {
    const file = IPADAPTER_PRESET_FILES[String(i.preset)];
    if (!file || !ctx.hasModel('ipadapter', file))
      throw new NodeExecutionError('Exception', 'IPAdapter model not found.');
    if (!ctx.hasModel('clip_vision', 'CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors'))
      throw new NodeExecutionError('Exception', 'ClipVision model not found.');
    return { outputs: [i.model as SimValue, { kind: 'opaque', type: 'IPADAPTER', name: file }] };
  },
  IPAdapterAdvanced: (i) => ({
    outputs: [withIdentity(i.model as SimValue, img(i.image), num(i.weight), 'ipadapter')],
  }),
  InstantIDModelLoader: (i) => opaque('INSTANTID', String(i.instantid_file)),
  InstantIDFaceAnalysis: (i) => opaque('FACEANALYSIS', String(i.provider)),
  ApplyInstantID: (i) => {
    const model = withIdentity(i.model as SimValue, img(i.image), num(i.weight), 'instantid');
    const pos = i.positive as Extract<SimValue, { kind: 'cond' }>,
      neg = i.negative as Extract<SimValue, { kind: 'cond' }>;
    return {
      outputs: [
        model,
        { ...pos, patches: [...pos.patches, 'instantid'] },
        { ...neg, patches: [...neg.patches, 'instantid'] },
      ],
    };
  },
  FaceRestoreModelLoader: (i) => opaque('FACERESTORE_MODEL', String(i.model_name)),
  FaceRestoreCFWithModel: (i) =>
    images(
      img(i.image).map((m) =>
        px.sharpen(m, 1 - num(i.codeformer_fidelity) + 0.5, {
          x0: Math.round(m.width * 0.25),
          y0: Math.round(m.height * 0.15),
          x1: Math.round(m.width * 0.75),
          y1: Math.round(m.height * 0.75),
        }),
      ),
    ),
  ProPostFilmGrain: (i) =>
    images(
      img(i.image).map((m, b) =>
        px.addNoise(m, px.seedFrom(String(i.seed), b, i.grain_type), num(i.grain_power) * 0.5, Boolean(i.gray_scale)),
      ),
    ),
  ProPostApplyLUT: (i) => {
    const lut = String(i.lut_name);
    const strength = num(i.strength);
    // The simulator knows its two LUT files by name; real ComfyUI reads the .cube table.
    return images(
      img(i.image).map((m) => (lut.includes('reinhard') ? px.reinhard(m, strength) : px.tealOrange(m, strength))),
    );
  },
};
