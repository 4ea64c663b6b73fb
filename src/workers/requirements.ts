import type { ModelDefaults } from '../config.js';
import type { EngineCapabilities, Graph } from '../engines/engine.js';
import { buildGraph } from '../presets/graph.js';
import type { LoadedPreset } from '../presets/registry.js';

/** What a job needs of a backend, read from the graph its preset builds (prompt and seed do not matter). */
export interface JobRequirements {
  graph: Graph;
  /** The checkpoint it loads: a backend that ran it last has it in VRAM already. */
  checkpoint: string | null;
}

/** Stand-in names for identity images: they are uploaded per job, so no catalogue lists them. */
const PLACEHOLDER = 'ainfluencer_requirements_probe.png';

/**
 * Requirements by preset, quality and whether identity images are given (the graph's shape depends
 * on nothing else), computed once each. The cache is per owner (a Workers pool), not module state.
 */
export class RequirementsCache {
  private readonly byKey = new Map<string, JobRequirements>();

  constructor(private readonly models: ModelDefaults) {}

  of(loaded: LoadedPreset, quality: 'low' | 'standard' | 'pro', identityImages: number): JobRequirements {
    const key = `${loaded.preset.id}\u0000${loaded.sha256}\u0000${quality}\u0000${Math.min(identityImages, 8)}`;
    let found = this.byKey.get(key);
    if (!found) {
      const built = buildGraph({
        preset: loaded.preset,
        quality,
        prompt: 'requirements',
        seed: 0,
        models: this.models,
        outputPrefix: 'requirements',
        identityImages: Array.from({ length: identityImages }, () => PLACEHOLDER),
        initImage: PLACEHOLDER,
      });
      found = { graph: built.graph, checkpoint: built.models.checkpoint ?? null };
      this.byKey.set(key, found);
    }
    return found;
  }
}

/**
 * What the graph needs that the catalogue does not offer: node classes, and combo values (models,
 * samplers…) outside the listed choices. A quick, synchronous screen for dispatch; the engine's
 * preflight stays the authority (it also lists model folders for files packs load by themselves).
 */
export function lacking(capabilities: EngineCapabilities, graph: Graph): string[] {
  const classes = new Set(capabilities.node_classes);
  const out: string[] = [];
  for (const node of Object.values(graph)) {
    if (!classes.has(node.class_type)) {
      out.push(`node ${node.class_type}`);
      continue;
    }
    const choices = capabilities.choices[node.class_type] ?? {};
    for (const [input, value] of Object.entries(node.inputs)) {
      if (typeof value !== 'string' || value === PLACEHOLDER) continue;
      const allowed = choices[input];
      if (allowed && !allowed.includes(value)) out.push(`${node.class_type}.${input} = ${value}`);
    }
  }
  return [...new Set(out)];
}
