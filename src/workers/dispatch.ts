import type { EngineCapabilities, Graph } from '../engines/engine.js';
import { lacking } from './requirements.js';

/** What dispatch reads of a backend. */
export interface BackendView {
  id: string;
  engineKind: string;
  accepting: boolean;
  free: number;
  load: number;
  catalogue: EngineCapabilities | null;
  lastCheckpoint: string | null;
}

/** What dispatch reads of a job. */
export interface JobView {
  /** Engine kinds the preset can run on (engine_requirements). */
  engines: string[];
  graph: Graph;
  checkpoint: string | null;
  /** Backends whose preflight already found something missing. */
  excluded: ReadonlySet<string>;
}

/**
 * How a backend stands to a job: it may run it as far as its catalogue tells ('able', or the
 * catalogue is not known yet), its catalogue lacks something ('lacks'), or its preflight already
 * refused the job ('excluded').
 */
export function fitness(backend: BackendView, job: JobView): 'able' | 'lacks' | 'excluded' {
  if (job.excluded.has(backend.id) || !(job.engines.includes(backend.engineKind) || job.engines.includes(backend.id)))
    return 'excluded';
  if (!backend.catalogue) return 'able';
  return lacking(backend.catalogue, job.graph).length === 0 ? 'able' : 'lacks';
}

/**
 * The backend that should take a job now, or null (it waits). Among backends accepting work with a
 * free slot: those whose catalogue offers everything; if no backend anywhere does (even paused
 * ones), those that lack something, so their preflight names what to install. Preferred: the
 * backend that ran the job's checkpoint last (it is loaded), then the idlest, then the first
 * configured.
 */
export function chooseBackend<B extends BackendView>(backends: readonly B[], job: JobView): B | null {
  const fit = backends.map((b) => fitness(b, job));
  const wanted = fit.includes('able') ? 'able' : 'lacks';
  let best: { backend: B; warm: boolean } | null = null;
  for (const [i, b] of backends.entries()) {
    if (fit[i] !== wanted || !b.accepting || b.free <= 0) continue;
    const warm = job.checkpoint !== null && b.lastCheckpoint === job.checkpoint;
    // The first better one wins: warm over cold, then lower load; ties keep configuration order.
    if (!best || (warm && !best.warm) || (warm === best.warm && b.load < best.backend.load))
      best = { backend: b, warm };
  }
  return best?.backend ?? null;
}
