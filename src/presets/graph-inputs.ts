import type { ModelDefaults } from '../config.js';
import type { QualityLevel } from '../contracts/common.js';
import type { PipelineStep, QualityLevelParams, WorkflowPreset } from '../contracts/preset.js';
import type { Graph } from '../engines/engine.js';

/** What the graph builders take and give, and when a preset's step applies. */
export interface GraphInputs {
  preset: WorkflowPreset;
  quality: QualityLevel;
  prompt: string;
  negativePrompt?: string;
  seed: number;
  /** ComfyUI input names of the identity references (already uploaded). */
  identityImages: string[];
  /** ComfyUI input name of the picture to animate (already uploaded), for image_to_video presets. */
  initImage?: string | null;
  models: ModelDefaults;
  /** SaveImage prefix, unique per job so outputs of two jobs never mix. */
  outputPrefix: string;
}

export interface BuiltGraph {
  graph: Graph;
  /** Model files the graph names, by role (recorded in provenance). */
  models: Record<string, string>;
  /** Ids of the pipeline steps that were applied at this level. */
  appliedSteps: string[];
}

/** Does a step run for this level and these inputs? */
export function stepApplies(step: PipelineStep, params: QualityLevelParams, hasIdentity: boolean): boolean {
  if (step.when === 'always') return step.kind === 'load_identity_reference' ? hasIdentity : true;
  if (step.when === 'identity_reference') return hasIdentity;
  const flag = params[step.when as keyof QualityLevelParams];
  return flag !== undefined && flag !== false && flag !== 0;
}
