/**
 * The simulator's /object_info catalogue: the core nodes it implements plus four third-party packs,
 * in ComfyUI's real entry shape (V1 combo lists and V3 "COMBO" options both appear, as on a real
 * server). Model dropdowns are filled from the simulated models folders at request time.
 * Over 300 lines because it is data: one entry per node class, as ComfyUI lists them.
 */

/** ComfyUI's seed bound, 0xffffffffffffffff, as the double every JSON client reads it as (2^64). */
const MAX_SEED = 2 ** 64;
export type InputSpec = [string | string[], Record<string, unknown>?];
export interface NodeSpec {
  name: string;
  display_name: string;
  category: string;
  python_module: string;
  /** null for core nodes; otherwise the pack id that must be "installed". */
  pack: string | null;
  required: Record<string, InputSpec>;
  optional?: Record<string, InputSpec>;
  output: string[];
  output_name?: string[];
  output_node?: boolean;
  /** Combo inputs whose options are a models folder: input name → folder. */
  modelInputs?: Record<string, string>;
  /** V3-schema node: combos use ["COMBO", {options}]. */
  v3?: boolean;
}

const INT = (def: number, min: number, max: number, step = 1): InputSpec => ['INT', { default: def, min, max, step }];
const FLOAT = (def: number, min: number, max: number, step = 0.01): InputSpec => [
  'FLOAT',
  { default: def, min, max, step },
];
const STRING = (def = '', multiline = false): InputSpec => ['STRING', { default: def, multiline }];
const BOOL = (def: boolean): InputSpec => ['BOOLEAN', { default: def }];
const COMBO = (options: string[], def?: string): InputSpec => [options, def === undefined ? {} : { default: def }];
const LINK = (type: string): InputSpec => [type];
const MODEL_COMBO: InputSpec = [[], {}];

export const SAMPLERS = [
  'euler',
  'euler_cfg_pp',
  'euler_ancestral',
  'euler_ancestral_cfg_pp',
  'heun',
  'heunpp2',
  'dpm_2',
  'dpm_2_ancestral',
  'lms',
  'dpm_fast',
  'dpm_adaptive',
  'dpmpp_2s_ancestral',
  'dpmpp_sde',
  'dpmpp_sde_gpu',
  'dpmpp_2m',
  'dpmpp_2m_sde',
  'dpmpp_2m_sde_gpu',
  'dpmpp_3m_sde',
  'dpmpp_3m_sde_gpu',
  'ddpm',
  'lcm',
  'ipndm',
  'ipndm_v',
  'deis',
  'res_multistep',
  'gradient_estimation',
  'er_sde',
  'seeds_2',
  'seeds_3',
  'sa_solver',
  'ddim',
  'uni_pc',
  'uni_pc_bh2',
];
export const SCHEDULERS = [
  'simple',
  'sgm_uniform',
  'karras',
  'exponential',
  'ddim_uniform',
  'beta',
  'normal',
  'linear_quadratic',
  'kl_optimal',
];
const UPSCALE_METHODS = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos'];

export const PACKS: Record<string, string> = {
  ipadapter_plus: 'cubiq/ComfyUI_IPAdapter_plus',
  instantid: 'cubiq/ComfyUI_InstantID',
  facerestore_cf: 'mav-rik/facerestore_cf',
  propost: 'digitaljohn/comfyui-propost',
  videohelpersuite: 'Kosinkadink/ComfyUI-VideoHelperSuite',
};

/**
 * Model folders a pack registers with ComfyUI when it loads: without the pack, GET /models/{folder}
 * is 404 like any unknown folder. (insightface is never registered: the packs read it directly.)
 */
export const PACK_FOLDERS: Record<string, string> = {
  ipadapter: 'ipadapter_plus',
  instantid: 'instantid',
  facerestore_models: 'facerestore_cf',
  luts: 'propost',
};

export const DEFAULT_MODELS: Record<string, string[]> = {
  checkpoints: ['sd_xl_base_1.0.safetensors', 'v1-5-pruned-emaonly.safetensors', 'svd_xt.safetensors'],
  upscale_models: ['RealESRGAN_x2plus.pth', 'RealESRGAN_x4plus.pth'],
  facerestore_models: ['codeformer-v0.1.0.pth', 'GFPGANv1.4.pth'],
  ipadapter: ['ip-adapter_sdxl_vit-h.safetensors', 'ip-adapter-plus-face_sdxl_vit-h.safetensors'],
  instantid: ['ip-adapter.bin'],
  controlnet: ['instantid/diffusion_pytorch_model.safetensors'],
  clip_vision: ['CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors'],
  luts: ['reinhard_tonemap.cube', 'teal_orange_grade.cube'],
  loras: [],
  vae: [],
};

const core = (spec: Omit<NodeSpec, 'pack' | 'python_module'> & { python_module?: string }): NodeSpec => ({
  python_module: 'nodes',
  pack: null,
  ...spec,
});
const pack = (packId: string, spec: Omit<NodeSpec, 'pack' | 'python_module'>): NodeSpec => ({
  ...spec,
  pack: packId,
  python_module: `custom_nodes.${PACKS[packId]!.split('/')[1]}`,
});

export const NODE_SPECS: NodeSpec[] = [
  core({
    name: 'CheckpointLoaderSimple',
    display_name: 'Load Checkpoint',
    category: 'loaders',
    required: { ckpt_name: MODEL_COMBO },
    modelInputs: { ckpt_name: 'checkpoints' },
    output: ['MODEL', 'CLIP', 'VAE'],
  }),
  core({
    name: 'CLIPTextEncode',
    display_name: 'CLIP Text Encode (Prompt)',
    category: 'conditioning',
    required: { text: STRING('', true), clip: LINK('CLIP') },
    output: ['CONDITIONING'],
  }),
  core({
    name: 'EmptyLatentImage',
    display_name: 'Empty Latent Image',
    category: 'latent',
    required: { width: INT(1024, 16, 16384, 8), height: INT(1024, 16, 16384, 8), batch_size: INT(1, 1, 4096) },
    output: ['LATENT'],
  }),
  core({
    name: 'KSampler',
    display_name: 'KSampler',
    category: 'sampling',
    output: ['LATENT'],
    required: {
      model: LINK('MODEL'),
      seed: INT(0, 0, MAX_SEED),
      steps: INT(20, 1, 10000),
      cfg: FLOAT(8.0, 0, 100, 0.1),
      sampler_name: COMBO(SAMPLERS),
      scheduler: COMBO(SCHEDULERS),
      positive: LINK('CONDITIONING'),
      negative: LINK('CONDITIONING'),
      latent_image: LINK('LATENT'),
      denoise: FLOAT(1.0, 0, 1),
    },
  }),
  core({
    name: 'VAEDecode',
    display_name: 'VAE Decode',
    category: 'latent',
    required: { samples: LINK('LATENT'), vae: LINK('VAE') },
    output: ['IMAGE'],
  }),
  core({
    name: 'SaveImage',
    display_name: 'Save Image',
    category: 'image',
    required: { images: LINK('IMAGE'), filename_prefix: STRING('ComfyUI') },
    output: ['IMAGE'],
    output_node: true,
  }),
  core({
    name: 'PreviewImage',
    display_name: 'Preview Image',
    category: 'image',
    required: { images: LINK('IMAGE') },
    output: [],
    output_node: true,
  }),
  core({
    name: 'LoadImage',
    display_name: 'Load Image',
    category: 'image',
    required: { image: [[], { image_upload: true }] },
    modelInputs: { image: 'input' },
    output: ['IMAGE', 'MASK'],
  }),
  core({
    name: 'EmptyImage',
    display_name: 'EmptyImage',
    category: 'image',
    required: {
      width: INT(512, 1, 16384),
      height: INT(512, 1, 16384),
      batch_size: INT(1, 1, 4096),
      color: INT(0, 0, 0xffffff),
    },
    output: ['IMAGE'],
  }),
  core({
    name: 'ImageInvert',
    display_name: 'Invert Image',
    category: 'image',
    required: { image: LINK('IMAGE') },
    output: ['IMAGE'],
  }),
  core({
    name: 'ImageScale',
    display_name: 'Upscale Image',
    category: 'image/upscaling',
    required: {
      image: LINK('IMAGE'),
      upscale_method: COMBO(UPSCALE_METHODS),
      width: INT(512, 0, 16384),
      height: INT(512, 0, 16384),
      crop: COMBO(['disabled', 'center']),
    },
    output: ['IMAGE'],
  }),
  core({
    name: 'ImageScaleBy',
    display_name: 'Upscale Image By',
    category: 'image/upscaling',
    required: { image: LINK('IMAGE'), upscale_method: COMBO(UPSCALE_METHODS), scale_by: FLOAT(1.0, 0.01, 8) },
    output: ['IMAGE'],
  }),
  core({
    name: 'ImageBatch',
    display_name: 'Batch Images',
    category: 'image',
    required: { image1: LINK('IMAGE'), image2: LINK('IMAGE') },
    output: ['IMAGE'],
  }),
  core({
    name: 'ImageBlur',
    display_name: 'Image Blur',
    category: 'image/postprocessing',
    python_module: 'comfy_extras.nodes_post_processing',
    required: { image: LINK('IMAGE'), blur_radius: INT(1, 1, 31), sigma: FLOAT(1.0, 0.1, 10) },
    output: ['IMAGE'],
  }),
  core({
    name: 'ImageSharpen',
    display_name: 'Image Sharpen',
    category: 'image/postprocessing',
    python_module: 'comfy_extras.nodes_post_processing',
    required: {
      image: LINK('IMAGE'),
      sharpen_radius: INT(1, 1, 31),
      sigma: FLOAT(1.0, 0.1, 10),
      alpha: FLOAT(1.0, 0, 5),
    },
    output: ['IMAGE'],
  }),
  core({
    name: 'ImageAddNoise',
    display_name: 'Image Add Noise',
    category: 'image',
    python_module: 'comfy_extras.nodes_images',
    v3: true,
    required: { image: LINK('IMAGE'), seed: INT(0, 0, MAX_SEED), strength: FLOAT(0.5, 0, 1) },
    output: ['IMAGE'],
  }),
  // Video, audio and 3D: the savers that write what is not a still image.
  core({
    name: 'SaveAnimatedWEBP',
    display_name: 'SaveAnimatedWEBP',
    category: 'image/animation',
    python_module: 'comfy_extras.nodes_images',
    required: {
      images: LINK('IMAGE'),
      filename_prefix: STRING('ComfyUI'),
      fps: FLOAT(6.0, 0.01, 1000.0),
      lossless: BOOL(false),
      quality: INT(80, 0, 100),
      method: COMBO(['default', 'fastest', 'slowest'], 'default'),
    },
    output: [],
    output_node: true,
  }),
  core({
    name: 'CreateVideo',
    display_name: 'Create Video',
    category: 'image/video',
    python_module: 'comfy_extras.nodes_video',
    v3: true,
    required: { images: LINK('IMAGE'), fps: FLOAT(30.0, 1.0, 120.0, 1.0) },
    optional: { audio: LINK('AUDIO') },
    output: ['VIDEO'],
  }),
  core({
    name: 'SaveVideo',
    display_name: 'Save Video',
    category: 'image/video',
    python_module: 'comfy_extras.nodes_video',
    v3: true,
    required: {
      video: LINK('VIDEO'),
      filename_prefix: STRING('video/ComfyUI'),
      format: COMBO(['auto', 'mp4'], 'auto'),
      codec: COMBO(['auto', 'h264'], 'auto'),
    },
    output: [],
    output_node: true,
  }),
  core({
    name: 'EmptyLatentAudio',
    display_name: 'Empty Latent Audio',
    category: 'latent/audio',
    python_module: 'comfy_extras.nodes_audio',
    v3: true,
    required: { seconds: FLOAT(47.6, 1.0, 1000.0, 0.1), batch_size: INT(1, 1, 4096) },
    output: ['LATENT'],
  }),
  core({
    name: 'VAEDecodeAudio',
    display_name: 'VAE Decode Audio',
    category: 'latent/audio',
    python_module: 'comfy_extras.nodes_audio',
    v3: true,
    required: { samples: LINK('LATENT'), vae: LINK('VAE') },
    output: ['AUDIO'],
  }),
  core({
    name: 'SaveAudio',
    display_name: 'Save Audio (FLAC)',
    category: 'audio',
    python_module: 'comfy_extras.nodes_audio',
    v3: true,
    required: { audio: LINK('AUDIO'), filename_prefix: STRING('audio/ComfyUI') },
    output: [],
    output_node: true,
  }),
  core({
    name: 'Preview3D',
    display_name: 'Preview 3D & Animation',
    category: '3d',
    python_module: 'comfy_extras.nodes_load_3d',
    v3: true,
    required: { model_file: STRING('') },
    output: [],
    output_node: true,
  }),
  // Stable Video Diffusion (core since 2023): one image in, a batch of frames out.
  core({
    name: 'ImageOnlyCheckpointLoader',
    display_name: 'Image Only Checkpoint Loader (img2vid model)',
    category: 'loaders/video_models',
    python_module: 'comfy_extras.nodes_video_model',
    required: { ckpt_name: MODEL_COMBO },
    modelInputs: { ckpt_name: 'checkpoints' },
    output: ['MODEL', 'CLIP_VISION', 'VAE'],
  }),
  core({
    name: 'SVD_img2vid_Conditioning',
    display_name: 'SVD_img2vid_Conditioning',
    category: 'conditioning/video_models',
    python_module: 'comfy_extras.nodes_video_model',
    required: {
      clip_vision: LINK('CLIP_VISION'),
      init_image: LINK('IMAGE'),
      vae: LINK('VAE'),
      width: INT(1024, 16, 16384, 8),
      height: INT(576, 16, 16384, 8),
      video_frames: INT(14, 1, 4096),
      motion_bucket_id: INT(127, 1, 1023),
      fps: INT(6, 1, 1024),
      augmentation_level: FLOAT(0.0, 0.0, 10.0),
    },
    output: ['CONDITIONING', 'CONDITIONING', 'LATENT'],
    output_name: ['positive', 'negative', 'latent'],
  }),
  core({
    name: 'VideoLinearCFGGuidance',
    display_name: 'VideoLinearCFGGuidance',
    category: 'sampling/video_models',
    python_module: 'comfy_extras.nodes_video_model',
    required: { model: LINK('MODEL'), min_cfg: FLOAT(1.0, 0.0, 100.0, 0.5) },
    output: ['MODEL'],
  }),
  pack('videohelpersuite', {
    name: 'VHS_VideoCombine',
    display_name: 'Video Combine 🎥🅥🅗🅢',
    category: 'Video Helper Suite 🎥🅥🅗🅢',
    required: {
      images: LINK('IMAGE'),
      frame_rate: FLOAT(8, 1, 1000),
      loop_count: INT(0, 0, 100),
      filename_prefix: STRING('AnimateDiff'),
      format: COMBO(['image/gif', 'image/webp', 'video/h264-mp4'], 'image/gif'),
      pingpong: BOOL(false),
      save_output: BOOL(true),
    },
    output: ['VHS_FILENAMES'],
    output_node: true,
  }),
  core({
    name: 'UpscaleModelLoader',
    display_name: 'Load Upscale Model',
    category: 'loaders',
    python_module: 'comfy_extras.nodes_upscale_model',
    required: { model_name: MODEL_COMBO },
    modelInputs: { model_name: 'upscale_models' },
    output: ['UPSCALE_MODEL'],
  }),
  core({
    name: 'ImageUpscaleWithModel',
    display_name: 'Upscale Image (using Model)',
    category: 'image/upscaling',
    python_module: 'comfy_extras.nodes_upscale_model',
    required: { upscale_model: LINK('UPSCALE_MODEL'), image: LINK('IMAGE') },
    output: ['IMAGE'],
  }),
  core({
    name: 'ControlNetLoader',
    display_name: 'Load ControlNet Model',
    category: 'loaders',
    required: { control_net_name: MODEL_COMBO },
    modelInputs: { control_net_name: 'controlnet' },
    output: ['CONTROL_NET'],
  }),
  core({
    name: 'CLIPVisionLoader',
    display_name: 'Load CLIP Vision',
    category: 'loaders',
    required: { clip_name: MODEL_COMBO },
    modelInputs: { clip_name: 'clip_vision' },
    output: ['CLIP_VISION'],
  }),

  pack('ipadapter_plus', {
    name: 'IPAdapterUnifiedLoader',
    display_name: 'IPAdapter Unified Loader',
    category: 'ipadapter',
    output: ['MODEL', 'IPADAPTER'],
    output_name: ['model', 'ipadapter'],
    required: {
      model: LINK('MODEL'),
      preset: COMBO([
        'LIGHT - SD1.5 only (low strength)',
        'STANDARD (medium strength)',
        'VIT-G (medium strength)',
        'PLUS (high strength)',
        'PLUS FACE (portraits)',
        'FULL FACE - SD1.5 only (portraits stronger)',
      ]),
    },
    optional: { ipadapter: LINK('IPADAPTER') },
  }),
  pack('ipadapter_plus', {
    name: 'IPAdapterAdvanced',
    display_name: 'IPAdapter Advanced',
    category: 'ipadapter',
    output: ['MODEL'],
    required: {
      model: LINK('MODEL'),
      ipadapter: LINK('IPADAPTER'),
      image: LINK('IMAGE'),
      weight: FLOAT(1.0, -1, 5, 0.05),
      weight_type: COMBO([
        'linear',
        'ease in',
        'ease out',
        'ease in-out',
        'reverse in-out',
        'weak input',
        'weak output',
        'weak middle',
        'strong middle',
        'style transfer',
        'composition',
        'strong style transfer',
        'style and composition',
        'style transfer precise',
        'composition precise',
      ]),
      combine_embeds: COMBO(['concat', 'add', 'subtract', 'average', 'norm average']),
      start_at: FLOAT(0, 0, 1, 0.001),
      end_at: FLOAT(1, 0, 1, 0.001),
      embeds_scaling: COMBO(['V only', 'K+V', 'K+V w/ C penalty', 'K+mean(V) w/ C penalty']),
    },
    optional: { image_negative: LINK('IMAGE'), attn_mask: LINK('MASK'), clip_vision: LINK('CLIP_VISION') },
  }),
  pack('instantid', {
    name: 'InstantIDModelLoader',
    display_name: 'Load InstantID Model',
    category: 'InstantID',
    required: { instantid_file: MODEL_COMBO },
    modelInputs: { instantid_file: 'instantid' },
    output: ['INSTANTID'],
  }),
  pack('instantid', {
    name: 'InstantIDFaceAnalysis',
    display_name: 'InstantID Face Analysis',
    category: 'InstantID',
    required: { provider: COMBO(['CPU', 'CUDA', 'ROCM', 'CoreML']) },
    output: ['FACEANALYSIS'],
  }),
  pack('instantid', {
    name: 'ApplyInstantID',
    display_name: 'Apply InstantID',
    category: 'InstantID',
    output: ['MODEL', 'CONDITIONING', 'CONDITIONING'],
    output_name: ['MODEL', 'positive', 'negative'],
    required: {
      instantid: LINK('INSTANTID'),
      insightface: LINK('FACEANALYSIS'),
      control_net: LINK('CONTROL_NET'),
      image: LINK('IMAGE'),
      model: LINK('MODEL'),
      positive: LINK('CONDITIONING'),
      negative: LINK('CONDITIONING'),
      weight: FLOAT(0.8, 0, 5),
      start_at: FLOAT(0, 0, 1, 0.001),
      end_at: FLOAT(1, 0, 1, 0.001),
    },
    optional: { image_kps: LINK('IMAGE'), mask: LINK('MASK') },
  }),
  pack('facerestore_cf', {
    name: 'FaceRestoreModelLoader',
    display_name: 'FaceRestoreModelLoader',
    category: 'facerestore_cf',
    required: { model_name: MODEL_COMBO },
    modelInputs: { model_name: 'facerestore_models' },
    output: ['FACERESTORE_MODEL'],
  }),
  pack('facerestore_cf', {
    name: 'FaceRestoreCFWithModel',
    display_name: 'FaceRestoreCFWithModel',
    category: 'facerestore_cf',
    output: ['IMAGE'],
    required: {
      facerestore_model: LINK('FACERESTORE_MODEL'),
      image: LINK('IMAGE'),
      facedetection: COMBO(['retinaface_resnet50', 'retinaface_mobile0.25', 'YOLOv5l', 'YOLOv5n']),
      codeformer_fidelity: FLOAT(0.5, 0, 1, 0.05),
    },
  }),
  pack('propost', {
    name: 'ProPostFilmGrain',
    display_name: 'ProPost Film Grain',
    category: 'Pro Post/Camera Effects',
    output: ['IMAGE'],
    required: {
      image: LINK('IMAGE'),
      gray_scale: BOOL(false),
      grain_type: COMBO(['Fine', 'Fine Simple', 'Coarse', 'Coarser']),
      grain_sat: FLOAT(0.5, 0, 1),
      grain_power: FLOAT(0.7, 0, 1),
      shadows: FLOAT(0.2, 0, 1),
      highs: FLOAT(0.2, 0, 1),
      scale: FLOAT(1.0, 0, 10),
      sharpen: INT(0, 0, 10),
      src_gamma: FLOAT(1.0, 0, 10),
      seed: INT(1, 1, 1000),
    },
  }),
  pack('propost', {
    name: 'ProPostApplyLUT',
    display_name: 'ProPost Apply LUT',
    category: 'Pro Post/Color Grading',
    output: ['IMAGE'],
    required: { image: LINK('IMAGE'), lut_name: MODEL_COMBO, strength: FLOAT(1.0, 0, 1), log: BOOL(false) },
    modelInputs: { lut_name: 'luts' },
  }),
];

export const NODE_SPEC_BY_NAME = new Map(NODE_SPECS.map((s) => [s.name, s]));

/** One /object_info entry, built against the current model lists. */
export function objectInfoEntry(spec: NodeSpec, models: Record<string, string[]>): Record<string, unknown> {
  const fill = (group: Record<string, InputSpec> | undefined) => {
    if (!group) return undefined;
    const out: Record<string, unknown> = {};
    for (const [name, input] of Object.entries(group)) {
      const folder = spec.modelInputs?.[name];
      if (folder) {
        const list = [...(models[folder] ?? [])];
        out[name] = spec.v3 ? ['COMBO', { ...input[1], options: list }] : [list, input[1] ?? {}];
      } else if (Array.isArray(input[0])) {
        out[name] = spec.v3 ? ['COMBO', { ...input[1], options: input[0] }] : input.length > 1 ? input : [input[0]];
      } else {
        out[name] = input.length > 1 ? input : [input[0]];
      }
    }
    return out;
  };
  const input: Record<string, unknown> = { required: fill(spec.required) };
  if (spec.optional) input.optional = fill(spec.optional);
  return {
    input,
    input_order: {
      required: Object.keys(spec.required),
      ...(spec.optional ? { optional: Object.keys(spec.optional) } : {}),
    },
    is_input_list: false,
    output: spec.output,
    output_is_list: spec.output.map(() => false),
    output_name: spec.output_name ?? spec.output,
    name: spec.name,
    display_name: spec.display_name,
    description: '',
    python_module: spec.python_module,
    category: spec.category,
    output_node: Boolean(spec.output_node),
    has_intermediate_output: false,
  };
}
