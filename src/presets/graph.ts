import type { ModelDefaults } from '../config.js';
import { buildImageToVideoGraph } from './video-graph.js';
import { graphWriter, stepApplies, type BuiltGraph, type GraphInputs } from './graph-inputs.js';

export { stepApplies, type BuiltGraph, type GraphInputs } from './graph-inputs.js';

const IP_ADAPTER_PRESETS = {
  ip_adapter: 'STANDARD (medium strength)',
  ip_adapter_plus: 'PLUS FACE (portraits)',
} as const;

/**
 * Pure: (preset, inputs, quality level) → a ComfyUI API-format graph of real node classes. The
 * text-to-image core uses core nodes only; each pipeline step adds its nodes when its condition
 * holds at the level. Third-party classes are those of the packs named in protocol §5.
 */
export function buildGraph(input: GraphInputs): BuiltGraph {
  if (input.preset.pipeline_steps.some((s) => s.kind === 'image_to_video')) return buildImageToVideoGraph(input);
  const { preset, quality } = input;
  const params = preset.quality_levels[quality];
  const models: ModelDefaults = { ...input.models, ...preset.models };
  const defaults = preset.defaults;
  const { graph, add } = graphWriter();
  const usedModels: Record<string, string> = {};
  const hasIdentity = input.identityImages.length > 0;
  const applied = preset.pipeline_steps.filter((s) => stepApplies(s, params, hasIdentity));

  const ckpt = add('CheckpointLoaderSimple', { ckpt_name: models.checkpoint }, 'Checkpoint');
  usedModels.checkpoint = models.checkpoint;
  let model: [string, number] = [ckpt, 0];
  let positive: [string, number] = [
    add('CLIPTextEncode', { text: input.prompt, clip: [ckpt, 1] }, 'Positive prompt'),
    0,
  ];
  let negative: [string, number] = [
    add(
      'CLIPTextEncode',
      { text: input.negativePrompt ?? defaults.negative_prompt, clip: [ckpt, 1] },
      'Negative prompt',
    ),
    0,
  ];
  const latent = add(
    'EmptyLatentImage',
    { width: defaults.width, height: defaults.height, batch_size: defaults.batch_size },
    'Latent',
  );

  if (applied.some((s) => s.kind === 'load_identity_reference')) {
    const loads = input.identityImages.map((name, i) =>
      add('LoadImage', { image: name }, `Identity reference ${i + 1}`),
    );
    let refs: [string, number] = [loads[0]!, 0];
    for (const next of loads.slice(1))
      refs = [add('ImageBatch', { image1: refs, image2: [next, 0] }, 'Identity references'), 0];
    const method = params.identity_method ?? 'ip_adapter';
    const weight = params.ip_adapter_weight ?? 0.6;
    if (method === 'instantid') {
      const loader = add('InstantIDModelLoader', { instantid_file: models.instantid_model }, 'InstantID model');
      const face = add('InstantIDFaceAnalysis', { provider: models.insightface_provider }, 'Face analysis');
      const cn = add('ControlNetLoader', { control_net_name: models.instantid_controlnet }, 'InstantID ControlNet');
      const apply = add(
        'ApplyInstantID',
        {
          instantid: [loader, 0],
          insightface: [face, 0],
          control_net: [cn, 0],
          image: refs,
          model,
          positive,
          negative,
          weight,
          start_at: 0,
          end_at: 1,
        },
        'Apply InstantID',
      );
      usedModels.instantid_model = models.instantid_model;
      usedModels.instantid_controlnet = models.instantid_controlnet;
      model = [apply, 0];
      positive = [apply, 1];
      negative = [apply, 2];
    } else {
      const unified = add('IPAdapterUnifiedLoader', { model, preset: IP_ADAPTER_PRESETS[method] }, 'IPAdapter loader');
      const apply = add(
        'IPAdapterAdvanced',
        {
          model: [unified, 0],
          ipadapter: [unified, 1],
          image: refs,
          weight,
          weight_type: 'linear',
          combine_embeds: 'average',
          start_at: 0,
          end_at: 1,
          embeds_scaling: 'V only',
        },
        'Apply IPAdapter',
      );
      usedModels.ipadapter_preset = IP_ADAPTER_PRESETS[method];
      model = [apply, 0];
    }
  }

  const sampler = add(
    'KSampler',
    {
      model,
      seed: input.seed,
      steps: params.steps,
      cfg: params.cfg,
      sampler_name: defaults.sampler,
      scheduler: defaults.scheduler,
      positive,
      negative,
      latent_image: [latent, 0],
      denoise: defaults.denoise,
    },
    'Sampler',
  );
  let image: [string, number] = [add('VAEDecode', { samples: [sampler, 0], vae: [ckpt, 2] }, 'Decode'), 0];

  for (const step of applied) {
    switch (step.kind) {
      case 'face_restoration': {
        const loader = add('FaceRestoreModelLoader', { model_name: models.face_restore_model }, 'Face restore model');
        image = [
          add(
            'FaceRestoreCFWithModel',
            { facerestore_model: [loader, 0], image, facedetection: 'retinaface_resnet50', codeformer_fidelity: 0.5 },
            'Face restoration',
          ),
          0,
        ];
        usedModels.face_restore_model = models.face_restore_model;
        break;
      }
      case 'upscale': {
        const factor = typeof params.upscale === 'number' ? params.upscale : 2;
        const loader = add('UpscaleModelLoader', { model_name: models.upscale_model }, 'Upscale model');
        const up = add('ImageUpscaleWithModel', { upscale_model: [loader, 0], image }, 'Upscale');
        // The model's own factor may differ (x4 model, ×2 wanted): scale to the exact size.
        image = [
          add(
            'ImageScale',
            {
              image: [up, 0],
              upscale_method: 'lanczos',
              width: defaults.width * factor,
              height: defaults.height * factor,
              crop: 'disabled',
            },
            `Resize to ×${factor}`,
          ),
          0,
        ];
        usedModels.upscale_model = models.upscale_model;
        break;
      }
      case 'film_grain':
        image = [
          add(
            'ProPostFilmGrain',
            {
              image,
              gray_scale: false,
              grain_type: 'Fine',
              grain_sat: 0.5,
              grain_power: 0.7,
              shadows: 0.2,
              highs: 0.2,
              scale: 1.0,
              sharpen: 0,
              src_gamma: 1.0,
              seed: (input.seed % 1000) + 1,
            },
            'Film grain',
          ),
          0,
        ];
        break;
      case 'tone_mapping':
        image = [
          add(
            'ProPostApplyLUT',
            { image, lut_name: models.tonemap_lut, strength: 1.0, log: false },
            'Reinhard tone mapping',
          ),
          0,
        ];
        usedModels.tonemap_lut = models.tonemap_lut;
        break;
      case 'color_grading':
        image = [
          add('ProPostApplyLUT', { image, lut_name: models.grading_lut, strength: 0.7, log: false }, 'Colour grading'),
          0,
        ];
        usedModels.grading_lut = models.grading_lut;
        break;
      default:
        break; // generate and load_identity_reference are built above
    }
  }
  add('SaveImage', { images: image, filename_prefix: input.outputPrefix }, 'Save');
  return { graph, models: usedModels, appliedSteps: applied.map((s) => s.id) };
}
