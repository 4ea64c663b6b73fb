/**
 * Where third-party node classes come from and which models folder a model input reads, so a
 * missing dependency can be reported with what to install and where (protocol §4–§5).
 */
export const NODE_PACKS: Record<string, { repo: string; classes: string[] }> = {
  ComfyUI_IPAdapter_plus: {
    repo: 'https://github.com/cubiq/ComfyUI_IPAdapter_plus',
    classes: [
      'IPAdapterUnifiedLoader',
      'IPAdapterAdvanced',
      'IPAdapter',
      'IPAdapterModelLoader',
      'IPAdapterInsightFaceLoader',
      'IPAdapterFaceID',
      'IPAdapterBatch',
      'IPAdapterUnifiedLoaderFaceID',
    ],
  },
  ComfyUI_InstantID: {
    repo: 'https://github.com/cubiq/ComfyUI_InstantID',
    classes: [
      'InstantIDModelLoader',
      'InstantIDFaceAnalysis',
      'ApplyInstantID',
      'ApplyInstantIDAdvanced',
      'FaceKeypointsPreprocessor',
    ],
  },
  facerestore_cf: {
    repo: 'https://github.com/mav-rik/facerestore_cf',
    classes: ['FaceRestoreModelLoader', 'FaceRestoreCFWithModel'],
  },
  'comfyui-propost': {
    repo: 'https://github.com/digitaljohn/comfyui-propost',
    classes: ['ProPostFilmGrain', 'ProPostApplyLUT', 'ProPostVignette', 'ProPostRadialBlur', 'ProPostDepthMapBlur'],
  },
};

export function packForClass(classType: string): { name: string; repo: string } | null {
  for (const [name, pack] of Object.entries(NODE_PACKS))
    if (pack.classes.includes(classType)) return { name, repo: pack.repo };
  return null;
}

/** (class, input) → ComfyUI models folder. Inputs not listed are ordinary choices (sampler…). */
const MODEL_FOLDERS: Record<string, Record<string, string>> = {
  CheckpointLoaderSimple: { ckpt_name: 'checkpoints' },
  ImageOnlyCheckpointLoader: { ckpt_name: 'checkpoints' },
  LoraLoader: { lora_name: 'loras' },
  LoraLoaderModelOnly: { lora_name: 'loras' },
  VAELoader: { vae_name: 'vae' },
  UpscaleModelLoader: { model_name: 'upscale_models' },
  ControlNetLoader: { control_net_name: 'controlnet' },
  CLIPVisionLoader: { clip_name: 'clip_vision' },
  InstantIDModelLoader: { instantid_file: 'instantid' },
  IPAdapterModelLoader: { ipadapter_file: 'ipadapter' },
  FaceRestoreModelLoader: { model_name: 'facerestore_models' },
  ProPostApplyLUT: { lut_name: 'luts' },
  LoadImage: { image: 'input' },
};

export function modelFolderFor(classType: string, input: string): string | null {
  return MODEL_FOLDERS[classType]?.[input] ?? null;
}
