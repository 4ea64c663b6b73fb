import type { ModelDefaults } from '../config.js';
import { graphWriter, stepApplies, type BuiltGraph, type GraphInputs } from './graph-inputs.js';

/**
 * Pure: an image_to_video preset → the Stable Video Diffusion graph of ComfyUI's core nodes (the
 * img2vid workflow of ComfyUI's own examples): the picture is encoded as SVD's conditioning, sampled
 * into `frames` frames with guidance rising linearly over them, decoded, and saved as an animated
 * WebP (and, when the level says mp4, as an MP4 too). SVD takes no text: the prompt stays the job's
 * description.
 */
export function buildImageToVideoGraph(input: GraphInputs): BuiltGraph {
  const { preset, quality } = input;
  const params = preset.quality_levels[quality];
  const models: ModelDefaults = { ...input.models, ...preset.models };
  const defaults = preset.defaults;
  const { graph, add } = graphWriter();
  const applied = preset.pipeline_steps.filter((s) => stepApplies(s, params, false) || s.kind === 'image_to_video');
  const fps = params.fps!;
  const ckpt = add('ImageOnlyCheckpointLoader', { ckpt_name: models.checkpoint }, 'Video model');
  const picture = add('LoadImage', { image: input.initImage ?? '' }, 'Picture to animate');
  const conditioning = add(
    'SVD_img2vid_Conditioning',
    {
      clip_vision: [ckpt, 1],
      init_image: [picture, 0],
      vae: [ckpt, 2],
      width: defaults.width,
      height: defaults.height,
      video_frames: params.frames!,
      motion_bucket_id: params.motion_bucket_id ?? 127,
      fps,
      augmentation_level: 0,
    },
    'Image to video conditioning',
  );
  const guided = add('VideoLinearCFGGuidance', { model: [ckpt, 0], min_cfg: 1.0 }, 'Guidance over the frames');
  const sampler = add(
    'KSampler',
    {
      model: [guided, 0],
      seed: input.seed,
      steps: params.steps,
      cfg: params.cfg,
      sampler_name: defaults.sampler,
      scheduler: defaults.scheduler,
      positive: [conditioning, 0],
      negative: [conditioning, 1],
      latent_image: [conditioning, 2],
      denoise: defaults.denoise,
    },
    'Sampler',
  );
  const frames: [string, number] = [add('VAEDecode', { samples: [sampler, 0], vae: [ckpt, 2] }, 'Decode frames'), 0];
  add(
    'SaveAnimatedWEBP',
    { images: frames, filename_prefix: input.outputPrefix, fps, lossless: false, quality: 85, method: 'default' },
    'Save animation',
  );
  if (applied.some((s) => s.kind === 'save_mp4')) {
    const video = add('CreateVideo', { images: frames, fps }, 'Frames to video');
    add(
      'SaveVideo',
      { video: [video, 0], filename_prefix: input.outputPrefix, format: 'mp4', codec: 'h264' },
      'Save MP4',
    );
  }
  return { graph, models: { checkpoint: models.checkpoint }, appliedSteps: applied.map((s) => s.id) };
}
