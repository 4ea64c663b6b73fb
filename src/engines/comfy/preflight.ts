import type { Graph } from '../engine.js';
import { missingChoice, missingNodeClass, type MissingDependency } from './dependencies.js';

export type ObjectInfo = Record<string, { input?: Record<string, Record<string, unknown[]> | undefined> }>;

/** The option list of a combo input in either shape: V1 [[...], {...}] or V3 ["COMBO", {options}]. */
export function comboOptions(spec: unknown): string[] | null {
  if (!Array.isArray(spec) || spec.length === 0) return null;
  if (Array.isArray(spec[0])) return spec[0].map(String);
  if (
    spec[0] === 'COMBO' &&
    spec[1] &&
    typeof spec[1] === 'object' &&
    Array.isArray((spec[1] as { options?: unknown }).options)
  ) {
    return (spec[1] as { options: unknown[] }).options.map(String);
  }
  return null;
}

/**
 * Check a graph against /object_info: every class exists and every literal choice is allowed.
 * Returns every problem at once, so a user fixes their install in one go.
 */
export function findMissing(graph: Graph, info: ObjectInfo): MissingDependency[] {
  const missing: MissingDependency[] = [];
  for (const [nodeId, node] of Object.entries(graph)) {
    const entry = info[node.class_type];
    if (!entry) {
      missing.push(missingNodeClass(nodeId, node.class_type));
      continue;
    }
    const groups = [entry.input?.required ?? {}, entry.input?.optional ?? {}];
    for (const [input, value] of Object.entries(node.inputs)) {
      if (Array.isArray(value) || typeof value !== 'string') continue; // links and numbers
      const spec = groups.find((g) => input in g)?.[input];
      const options = comboOptions(spec);
      if (!options) continue;
      // LoadImage lists only top-level files; names with a subfolder are checked by ComfyUI itself.
      if (node.class_type === 'LoadImage' && value.includes('/')) continue;
      if (!options.includes(value)) missing.push(missingChoice(nodeId, node.class_type, input, value, options));
    }
  }
  return missing;
}
