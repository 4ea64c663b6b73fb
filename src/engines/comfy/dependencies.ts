import { PipelineError } from '../../errors/pipeline-error.js';
import { modelFolderFor, packForClass } from './known-nodes.js';

/** One thing a graph needs that ComfyUI does not have. */
export interface MissingDependency {
  kind: 'node_class' | 'model' | 'input_image' | 'choice';
  node_id: string;
  class_type: string;
  input?: string;
  value?: unknown;
  /** ComfyUI models folder for a model, e.g. "checkpoints" → models/checkpoints */
  folder?: string;
  pack?: string;
  pack_repo?: string;
  allowed?: string[];
  fix: string;
}

export function missingNodeClass(nodeId: string, classType: string): MissingDependency {
  const pack = packForClass(classType);
  return {
    kind: 'node_class', node_id: nodeId, class_type: classType,
    ...(pack ? { pack: pack.name, pack_repo: pack.repo } : {}),
    fix: pack
      ? `Install the custom node pack ${pack.name} (${pack.repo}) into ComfyUI/custom_nodes/ and restart ComfyUI`
      : `Node class ${classType} is not installed in ComfyUI; update ComfyUI or install the pack that provides it`,
  };
}

export function missingChoice(nodeId: string, classType: string, input: string, value: unknown, allowed: string[] | null): MissingDependency {
  const folder = modelFolderFor(classType, input);
  if (folder === 'input') {
    return { kind: 'input_image', node_id: nodeId, class_type: classType, input, value, fix: `Upload the image ${String(value)} again (POST /api/pipeline/uploads); ComfyUI's input folder does not have it` };
  }
  if (folder) {
    return {
      kind: 'model', node_id: nodeId, class_type: classType, input, value, folder,
      ...(allowed && allowed.length <= 20 ? { allowed } : {}),
      fix: `Put ${String(value)} into ComfyUI/models/${folder}/ (then restart ComfyUI or refresh its model list)`,
    };
  }
  return {
    kind: 'choice', node_id: nodeId, class_type: classType, input, value,
    ...(allowed && allowed.length <= 50 ? { allowed } : {}),
    fix: `${classType}.${input} does not accept ${JSON.stringify(value)} on this ComfyUI; update ComfyUI or change the preset`,
  };
}

export function dependencyError(missing: MissingDependency[]): PipelineError {
  const names = missing.map((m) => (m.kind === 'node_class' ? `node ${m.class_type}${m.pack ? ` (pack ${m.pack})` : ''}` : `${m.class_type}.${m.input} = ${String(m.value)}`));
  return new PipelineError('DEPENDENCY_MISSING', `ComfyUI is missing what this preset needs: ${names.join('; ')}`, { detail: { missing } });
}
