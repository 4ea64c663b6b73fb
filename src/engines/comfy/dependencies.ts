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
  /** false when ComfyUI could not list the folder (its pack is not installed yet): install and check. */
  verified?: boolean;
  /** Every node of the graph that needs it (an item is listed once however many nodes need it). */
  node_ids?: string[];
  fix: string;
}

export function missingNodeClass(nodeId: string, classType: string): MissingDependency {
  const pack = packForClass(classType);
  return {
    kind: 'node_class',
    node_id: nodeId,
    class_type: classType,
    ...(pack ? { pack: pack.name, pack_repo: pack.repo } : {}),
    fix: pack
      ? `Install the custom node pack ${pack.name} (${pack.repo}) into ComfyUI/custom_nodes/ and restart ComfyUI`
      : `Node class ${classType} is not installed in ComfyUI; update ComfyUI or install the pack that provides it`,
  };
}

export function missingChoice(
  nodeId: string,
  classType: string,
  input: string,
  value: unknown,
  allowed: string[] | null,
): MissingDependency {
  const folder = modelFolderFor(classType, input);
  if (folder === 'input') {
    return {
      kind: 'input_image',
      node_id: nodeId,
      class_type: classType,
      input,
      value,
      fix: `Upload the image ${String(value)} again (POST /api/pipeline/uploads); ComfyUI's input folder does not have it`,
    };
  }
  if (folder) {
    return {
      kind: 'model',
      node_id: nodeId,
      class_type: classType,
      input,
      value,
      folder,
      ...(allowed && allowed.length <= 20 ? { allowed } : {}),
      fix: `Put ${String(value)} into ComfyUI/models/${folder}/ (then restart ComfyUI or refresh its model list)`,
    };
  }
  return {
    kind: 'choice',
    node_id: nodeId,
    class_type: classType,
    input,
    value,
    ...(allowed && allowed.length <= 50 ? { allowed } : {}),
    fix: `${classType}.${input} does not accept ${JSON.stringify(value)} on this ComfyUI; update ComfyUI or change the preset`,
  };
}

/** A model file a node needs, found missing by listing its folder (GET /models/{folder}). */
export function missingModelFile(
  need: { node_id: string; class_type: string; input?: string; folder: string; file: string },
  how: { verified: boolean; pack: { name: string; repo: string } | null },
): MissingDependency {
  const where = `ComfyUI/models/${need.folder}/${need.folder === 'insightface' ? `models/${need.file}/` : ''}`;
  return {
    kind: 'model',
    node_id: need.node_id,
    class_type: need.class_type,
    ...(need.input ? { input: need.input } : {}),
    value: need.file,
    folder: need.folder,
    ...(how.pack ? { pack: how.pack.name, pack_repo: how.pack.repo } : {}),
    verified: how.verified,
    fix: how.verified
      ? `Put ${need.file} into ${where} (then restart ComfyUI or refresh its model list)`
      : `Put ${need.file} into ${where} if it is not there yet: ComfyUI cannot list that folder${how.pack ? ` until ${how.pack.name} is installed` : ''}`,
  };
}

/** One item per thing to install: the same class, model or choice needed by several nodes is listed once. */
export function dedupeMissing(missing: MissingDependency[]): MissingDependency[] {
  const byKey = new Map<string, MissingDependency>();
  for (const m of missing) {
    const key =
      m.kind === 'node_class'
        ? `node:${m.class_type}`
        : m.kind === 'model'
          ? `model:${m.folder}:${String(m.value)}`
          : `${m.kind}:${m.class_type}:${m.input}:${String(m.value)}`;
    const known = byKey.get(key);
    if (!known) byKey.set(key, { ...m, node_ids: [...(m.node_ids ?? [m.node_id])] });
    else {
      for (const id of m.node_ids ?? [m.node_id]) if (!known.node_ids!.includes(id)) known.node_ids!.push(id);
      if (m.verified && known.verified === false)
        Object.assign(known, { ...m, node_id: known.node_id, node_ids: known.node_ids });
    }
  }
  return [...byKey.values()];
}

export function dependencyError(all: MissingDependency[]): PipelineError {
  const missing = dedupeMissing(all);
  const names = missing.map((m) =>
    m.kind === 'node_class'
      ? `node ${m.class_type}${m.pack ? ` (pack ${m.pack})` : ''}`
      : m.kind === 'model'
        ? `model ${String(m.value)} in models/${m.folder}${m.pack ? ` (for ${m.pack})` : ''}`
        : `${m.class_type}.${m.input} = ${String(m.value)}`,
  );
  return new PipelineError('DEPENDENCY_MISSING', `ComfyUI is missing what this preset needs: ${names.join('; ')}`, {
    detail: { missing },
  });
}

/**
 * A node that failed at run time because a model file is not there ("IPAdapter model not found.",
 * "ClipVision model not found.", FileNotFoundError, "No such file or directory: …/models/…"): an
 * install problem, not an execution failure to retry with less memory. Null for anything else.
 */
export function missingAtRun(
  nodeId: string,
  classType: string,
  exceptionType: string,
  message: string,
): MissingDependency | null {
  const looksMissing =
    /\bmodels? (file )?not found\b/i.test(message) ||
    /^FileNotFoundError$/.test(exceptionType) ||
    /No such file or directory/i.test(message) ||
    /\bnot found\b.*\.(safetensors|ckpt|pth|pt|bin|onnx|cube|gguf)\b/i.test(message);
  if (!looksMissing) return null;
  const pack = packForClass(classType);
  const folder = /clip.?vision/i.test(message)
    ? 'clip_vision'
    : /insightface|antelopev2|buffalo_l/i.test(message)
      ? 'insightface'
      : /ipadapter/i.test(message) || classType.startsWith('IPAdapter')
        ? 'ipadapter'
        : undefined;
  return {
    kind: 'model',
    node_id: nodeId,
    class_type: classType,
    ...(folder ? { folder } : {}),
    ...(pack ? { pack: pack.name, pack_repo: pack.repo } : {}),
    value: message.slice(0, 300),
    fix: `ComfyUI's ${classType} could not find a model file it loads by itself (${message.slice(0, 200)}): install it${folder ? ` into ComfyUI/models/${folder}/` : ''}${pack ? ` as ${pack.name} documents (${pack.repo})` : ''}, then retry`,
  };
}
