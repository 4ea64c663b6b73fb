import type { Graph } from '../engine.js';
import { missingModelFile, type MissingDependency } from './dependencies.js';
import { modelFolderFor, packForClass } from './known-nodes.js';
import type { ObjectInfo } from './preflight.js';

/**
 * Model files a graph needs that /object_info cannot vouch for: the model inputs of node classes
 * ComfyUI does not have yet (their pack is missing, so no option list exists), and the files some
 * third-party nodes load by themselves (the IP-Adapter unified loader picks an IP-Adapter and a
 * CLIP Vision file from its preset; InstantID's face analysis loads insightface's antelopev2).
 * They are checked against `GET /models/{folder}`, so one answer names everything to install.
 */
export interface ModelNeed {
  node_id: string;
  class_type: string;
  input?: string;
  folder: string;
  /** The file to install (the name the pack looks for, or the graph's value). */
  file: string;
  /** Whether a listed entry of the folder satisfies the need (packs match by pattern). */
  satisfiedBy: (entry: string) => boolean;
}

const basename = (entry: string) => entry.split(/[\\/]/).at(-1) ?? entry;
const exactly = (file: string) => (entry: string) => entry === file || entry.replace(/\\/g, '/') === file;
const matching = (pattern: RegExp) => (entry: string) => pattern.test(basename(entry));
/** insightface models are folders (models/insightface/models/<name>/…): any entry under one counts. */
const insightfaceModel = (name: string) => (entry: string) => entry.replace(/\\/g, '/').split('/').includes(name);

/**
 * IPAdapterUnifiedLoader presets → the files the pack searches for (SDXL names; the pack matches
 * loosely, so any file matching the pattern counts) and the CLIP Vision encoder each needs.
 */
const CLIP_VIT_H = { file: 'CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors', pattern: /ViT.H.14.*s32B.b79K/i };
const CLIP_VIT_G = { file: 'CLIP-ViT-bigG-14-laion2B-39B-b160k.safetensors', pattern: /ViT.bigG.14.*39B.b160k/i };
const UNIFIED_PRESETS: Record<string, { file: string; pattern: RegExp; clip: { file: string; pattern: RegExp } }> = {
  'LIGHT - SD1.5 only (low strength)': {
    file: 'ip-adapter_sd15_light_v11.bin',
    pattern: /sd15.light/i,
    clip: CLIP_VIT_H,
  },
  'STANDARD (medium strength)': {
    file: 'ip-adapter_sdxl_vit-h.safetensors',
    pattern: /^ip.adapter.sdxl.vit.h\.(safetensors|bin)$/i,
    clip: CLIP_VIT_H,
  },
  'VIT-G (medium strength)': {
    file: 'ip-adapter_sdxl.safetensors',
    pattern: /^ip.adapter.sdxl\.(safetensors|bin)$/i,
    clip: CLIP_VIT_G,
  },
  'PLUS (high strength)': {
    file: 'ip-adapter-plus_sdxl_vit-h.safetensors',
    pattern: /plus.sdxl.vit.h\.(safetensors|bin)$/i,
    clip: CLIP_VIT_H,
  },
  'PLUS FACE (portraits)': {
    file: 'ip-adapter-plus-face_sdxl_vit-h.safetensors',
    pattern: /plus.face.sdxl.vit.h\.(safetensors|bin)$/i,
    clip: CLIP_VIT_H,
  },
  'FULL FACE - SD1.5 only (portraits stronger)': {
    file: 'ip-adapter-full-face_sd15.safetensors',
    pattern: /full.face.sd15\.(safetensors|bin)$/i,
    clip: CLIP_VIT_H,
  },
};

/** What one node loads by itself, beyond its inputs. */
function implicitNeeds(nodeId: string, classType: string, inputs: Record<string, unknown>): ModelNeed[] {
  const need = (folder: string, file: string, satisfiedBy: (e: string) => boolean, input?: string): ModelNeed => ({
    node_id: nodeId,
    class_type: classType,
    folder,
    file,
    satisfiedBy,
    ...(input ? { input } : {}),
  });
  switch (classType) {
    case 'IPAdapterUnifiedLoader': {
      const preset = UNIFIED_PRESETS[String(inputs.preset)];
      if (!preset) return [];
      return [
        need('ipadapter', preset.file, matching(preset.pattern), 'preset'),
        need('clip_vision', preset.clip.file, matching(preset.clip.pattern), 'preset'),
      ];
    }
    case 'InstantIDFaceAnalysis':
      return [need('insightface', 'antelopev2', insightfaceModel('antelopev2'))];
    case 'IPAdapterInsightFaceLoader':
      return typeof inputs.model_name === 'string'
        ? [need('insightface', inputs.model_name, insightfaceModel(inputs.model_name), 'model_name')]
        : [];
    default:
      return [];
  }
}

export function modelNeeds(graph: Graph, info: ObjectInfo): ModelNeed[] {
  const needs: ModelNeed[] = [];
  for (const [nodeId, node] of Object.entries(graph)) {
    if (!info[node.class_type]) {
      // No option list exists for a class ComfyUI lacks: its model inputs are checked by folder.
      for (const [input, value] of Object.entries(node.inputs)) {
        const folder = modelFolderFor(node.class_type, input);
        if (folder && folder !== 'input' && typeof value === 'string')
          needs.push({
            node_id: nodeId,
            class_type: node.class_type,
            input,
            folder,
            file: value,
            satisfiedBy: exactly(value),
          });
      }
    }
    needs.push(...implicitNeeds(nodeId, node.class_type, node.inputs));
  }
  return needs;
}

/**
 * The needs no listed file satisfies. A folder ComfyUI cannot list (404: no pack registered it,
 * or ComfyUI never lists it, like insightface) proves nothing: its needs are reported, marked
 * unverified, only when the node's pack is missing too, so an install that works is never refused.
 */
export async function findMissingModels(
  graph: Graph,
  info: ObjectInfo,
  listFolder: (folder: string) => Promise<string[] | null>,
): Promise<MissingDependency[]> {
  const needs = modelNeeds(graph, info);
  const lists = new Map<string, Promise<string[] | null>>();
  const missing: MissingDependency[] = [];
  for (const need of needs) {
    if (!lists.has(need.folder)) lists.set(need.folder, listFolder(need.folder));
    const list = await lists.get(need.folder)!;
    const pack = packForClass(need.class_type);
    if (list === null) {
      if (!info[need.class_type]) missing.push(missingModelFile(need, { verified: false, pack }));
      continue;
    }
    if (!list.some(need.satisfiedBy)) missing.push(missingModelFile(need, { verified: true, pack }));
  }
  return missing;
}
