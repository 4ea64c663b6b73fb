import type { Provenance } from '../../src/contracts/job.js';

/** A placeholder provenance for tests that store outputs without running a preset. */
export const testProvenance: Provenance = {
  preset_id: 'p',
  preset_sha256: 'x',
  quality_level: 'low',
  engine: 'local_comfy',
  seed: 1,
  prompt_id: 'x',
  graph_sha256: 'x',
  models: {},
};
