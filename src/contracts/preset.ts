import { z } from 'zod';
import { ERROR_CODES } from '../errors/taxonomy.js';
import { QUALITY_LEVELS } from './common.js';

export const PRESET_CATEGORIES = [
  'image_generation',
  'video_generation',
  'character_performance',
  'post_processing',
  'hybrid_pipeline',
] as const;
export const PresetCategory = z.enum(PRESET_CATEGORIES).describe('What kind of pipeline the preset is');

export const PresetInput = z
  .object({
    name: z.string().min(1).describe('Request field that carries the input'),
    type: z.enum(['string', 'integer', 'image', 'image_list']).describe('Value type'),
    description: z.string().describe('What the input is for'),
    min_items: z.number().int().positive().optional().describe('For lists: fewest items'),
    max_items: z.number().int().positive().optional().describe('For lists: most items'),
  })
  .strict();

/** Identity methods a preset can use; each maps to real third-party node classes in the graph builder. */
export const IDENTITY_METHODS = ['ip_adapter', 'ip_adapter_plus', 'instantid'] as const;

/**
 * Per-level parameters. steps/cfg always; the flags switch pipeline steps on (a step's `when`
 * names one of them) and carry that step's strength.
 */
export const QualityLevelParams = z
  .object({
    steps: z.number().int().min(1).max(10000).describe('KSampler steps'),
    cfg: z.number().min(0).max(100).describe('KSampler classifier-free guidance'),
    face_restoration: z.boolean().optional().describe('Run face restoration after decoding'),
    upscale: z
      .union([z.literal(false), z.number().min(1).max(8)])
      .optional()
      .describe('false, or the upscale factor'),
    film_grain: z.boolean().optional().describe('Add film grain'),
    tone_mapping: z.boolean().optional().describe('Apply Reinhard tone mapping'),
    color_grading: z.boolean().optional().describe('Apply colour grading'),
    ip_adapter_weight: z.number().min(0).max(3).optional().describe('Strength of the identity lock'),
    identity_method: z.enum(IDENTITY_METHODS).optional().describe('How identity is locked at this level'),
    frames: z.number().int().min(1).max(120).optional().describe('image_to_video: frames to make'),
    fps: z
      .number()
      .int()
      .min(1)
      .max(60)
      .optional()
      .describe('image_to_video: frames per second of the saved animation'),
    motion_bucket_id: z
      .number()
      .int()
      .min(1)
      .max(1023)
      .optional()
      .describe('image_to_video: how much motion (Stable Video Diffusion, default 127)'),
    mp4: z.boolean().optional().describe('Also save the animation as an MP4 (save_mp4 step)'),
  })
  .strict();
export type QualityLevelParams = z.infer<typeof QualityLevelParams>;

export const STEP_KINDS = [
  'generate',
  'load_identity_reference',
  'face_restoration',
  'upscale',
  'film_grain',
  'tone_mapping',
  'color_grading',
  'image_to_video',
  'save_mp4',
] as const;
export const StepCondition = z
  .enum([
    'always',
    'face_restoration',
    'upscale',
    'film_grain',
    'tone_mapping',
    'color_grading',
    'mp4',
    'identity_reference',
  ])
  .describe(
    '"always", a quality-level flag that must be truthy, or "identity_reference" (runs when references are given)',
  );

export const PipelineStep = z
  .object({
    id: z.string().min(1).describe('Step id, e.g. apply_face_restoration'),
    kind: z.enum(STEP_KINDS).describe('Which graph nodes the step adds'),
    when: StepCondition.default('always'),
    description: z.string().describe('What the step does'),
  })
  .strict();
export type PipelineStep = z.infer<typeof PipelineStep>;

export const FailureMode = z
  .object({
    code: z.enum(ERROR_CODES as [string, ...string[]]).describe('Taxonomy code'),
    description: z.string().describe('When it happens'),
  })
  .strict();

export const PresetDefaults = z
  .object({
    width: z.number().int().min(64).max(8192).multipleOf(8).default(1024).describe('Image width in pixels'),
    height: z.number().int().min(64).max(8192).multipleOf(8).default(1024).describe('Image height in pixels'),
    sampler: z.string().min(1).default('euler').describe('KSampler sampler_name'),
    scheduler: z.string().min(1).default('normal').describe('KSampler scheduler'),
    denoise: z.number().min(0).max(1).default(1.0).describe('KSampler denoise'),
    batch_size: z.number().int().min(1).max(16).default(1).describe('Images per job'),
    negative_prompt: z.string().max(2000).default('').describe('Negative prompt used when the request has none'),
  })
  .strict()
  .describe('Engine-call defaults where a request says nothing');

export const PresetModels = z
  .object({
    checkpoint: z.string().min(1).optional().describe('Checkpoint file (models/checkpoints)'),
    upscale_model: z.string().min(1).optional().describe('Upscale model file (models/upscale_models)'),
    face_restore_model: z.string().min(1).optional().describe('Face restoration model (models/facerestore_models)'),
    instantid_model: z.string().min(1).optional().describe('InstantID model (models/instantid)'),
    instantid_controlnet: z.string().min(1).optional().describe('InstantID ControlNet (models/controlnet)'),
    tonemap_lut: z.string().min(1).optional().describe('Tone-mapping LUT (models/luts)'),
    grading_lut: z.string().min(1).optional().describe('Colour-grading LUT (models/luts)'),
  })
  .strict()
  .describe('Per-preset model overrides of the COMFYUI_* defaults');

const QualityLevels = z
  .object(
    Object.fromEntries(QUALITY_LEVELS.map((l) => [l, QualityLevelParams.describe(`Parameters at ${l}`)])) as Record<
      (typeof QUALITY_LEVELS)[number],
      typeof QualityLevelParams
    >,
  )
  .strict();

export const WorkflowPreset = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_]{0,99}$/, 'lowercase letters, digits and underscores')
      .describe('Stable preset id'),
    name: z.string().min(1).describe('Display name'),
    description: z.string().min(1).describe('What the preset produces'),
    version: z.string().min(1).describe('Preset revision'),
    sort_order: z.number().int().describe('Position in listings (ascending)'),
    category: PresetCategory,
    required_inputs: z.array(PresetInput).describe('Inputs a request must give'),
    optional_inputs: z.array(PresetInput).describe('Inputs a request may give'),
    engine_requirements: z.array(z.string().min(1)).min(1).describe('Engines the preset can run on'),
    engine_preference_order: z.array(z.string().min(1)).min(1).describe('Engines to try, first preferred'),
    quality_levels: QualityLevels.describe('Parameters per quality level: low, standard, pro'),
    pipeline_steps: z
      .array(PipelineStep)
      .min(1)
      .describe('Steps in order; each adds graph nodes when its condition holds'),
    safety_notes: z.array(z.string()).describe('Rules of use shown to creators'),
    content_restrictions: z.array(z.string()).describe('e.g. no_nsfw'),
    requires_consent: z.boolean().describe('Consent is needed for every request'),
    consent_required_with: z.array(z.string()).describe('Inputs whose presence makes consent required'),
    failure_modes: z.array(FailureMode).describe('Errors this preset is known to produce'),
    defaults: PresetDefaults,
    models: PresetModels.default({}),
  })
  .strict()
  .superRefine((preset, ctx) => {
    for (const [i, step] of preset.pipeline_steps.entries()) {
      if (step.when === 'always' || step.when === 'identity_reference') continue;
      const anyLevel = QUALITY_LEVELS.some((l) =>
        Boolean(preset.quality_levels[l][step.when as keyof QualityLevelParams]),
      );
      if (!anyLevel)
        ctx.addIssue({
          code: 'custom',
          path: ['pipeline_steps', i, 'when'],
          message: `no quality level sets "${step.when}", so the step would never run`,
        });
    }
    if (!preset.pipeline_steps.some((s) => s.kind === 'generate' || s.kind === 'image_to_video')) {
      ctx.addIssue({
        code: 'custom',
        path: ['pipeline_steps'],
        message: 'a preset needs a "generate" or an "image_to_video" step',
      });
    }
    if (preset.pipeline_steps.some((s) => s.kind === 'image_to_video')) {
      if (![...preset.required_inputs, ...preset.optional_inputs].some((i) => i.name === 'init_image'))
        ctx.addIssue({
          code: 'custom',
          path: ['required_inputs'],
          message: 'an image_to_video step needs an init_image input',
        });
      for (const l of QUALITY_LEVELS)
        if (!preset.quality_levels[l].frames || !preset.quality_levels[l].fps)
          ctx.addIssue({
            code: 'custom',
            path: ['quality_levels', l],
            message: 'an image_to_video preset sets frames and fps at every level',
          });
    }
    for (const [i, engine] of preset.engine_preference_order.entries()) {
      if (!preset.engine_requirements.includes(engine))
        ctx.addIssue({
          code: 'custom',
          path: ['engine_preference_order', i],
          message: `"${engine}" is not in engine_requirements`,
        });
    }
  })
  .describe('A curated workflow preset');
export type WorkflowPreset = z.output<typeof WorkflowPreset>;

export const PresetListQuery = z
  .object({
    category: PresetCategory.optional(),
    engine: z.string().min(1).max(100).optional().describe('Only presets that can run on this engine id'),
  })
  .strict();

export const PresetIdParams = z.object({ preset_id: z.string().describe('Preset id') }).strict();
