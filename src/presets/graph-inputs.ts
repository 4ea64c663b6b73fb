import type { ModelDefaults } from '../config.js';
import type { QualityLevel } from '../contracts/common.js';
import type { PipelineStep, QualityLevelParams, WorkflowPreset } from '../contracts/preset.js';
import type { Graph, GraphInput, GraphNode } from '../engines/engine.js';

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

/** A graph being built: `add` appends a node (ids 1, 2, …, titled for ComfyUI's UI) and returns its id. */
export function graphWriter(): {
  graph: Graph;
  add: (class_type: string, inputs: Record<string, GraphInput>, title: string) => string;
} {
  const graph: Graph = {};
  let nextId = 1;
  return {
    graph,
    add: (class_type, inputs, title) => {
      const id = String(nextId++);
      const node: GraphNode = { class_type, inputs, _meta: { title } };
      graph[id] = node;
      return id;
    },
  };
}
