import { describe, expect, it } from 'vitest';
import type { EngineCapabilities } from '../../src/engines/engine.js';
import { chooseBackend, fitness, type BackendView, type JobView } from '../../src/workers/dispatch.js';
import { lacking } from '../../src/workers/requirements.js';

const catalogue = (classes: string[], ckpts = ['base.safetensors', 'other.safetensors']): EngineCapabilities => ({
  node_classes: classes,
  choices: { CheckpointLoaderSimple: { ckpt_name: ckpts } },
});
const core = ['CheckpointLoaderSimple', 'KSampler', 'SaveImage'];
const backend = (id: string, over: Partial<BackendView> = {}): BackendView => ({
  id,
  engineKind: 'local_comfy',
  accepting: true,
  free: 1,
  load: 0,
  catalogue: catalogue(core),
  lastCheckpoint: null,
  ...over,
});
const job = (over: Partial<JobView> = {}): JobView => ({
  engines: ['local_comfy'],
  checkpoint: 'base.safetensors',
  excluded: new Set(),
  graph: {
    1: { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'base.safetensors' } },
    2: { class_type: 'KSampler', inputs: { model: ['1', 0] } },
    3: { class_type: 'SaveImage', inputs: { images: ['2', 0] } },
  },
  ...over,
});

describe('dispatch: which backend takes a job', () => {
  it("prefers the backend whose last checkpoint is the job's, then the idlest, then configuration order", () => {
    const a = backend('a', { load: 0 });
    const b = backend('b', { load: 0.5, lastCheckpoint: 'base.safetensors' });
    const c = backend('c', { load: 0 });
    expect(chooseBackend([a, b, c], job())?.id).toBe('b');
    expect(chooseBackend([a, b, c], job({ checkpoint: 'other.safetensors' }))?.id).toBe('a');
    expect(chooseBackend([backend('a', { load: 0.5 }), backend('b', { load: 0.25 })], job())?.id).toBe('b');
  });

  it('skips backends that are paused, full, of another kind or refused the job', () => {
    const jobView = job({ excluded: new Set(['c']) });
    const list = [
      backend('a', { accepting: false }),
      backend('b', { free: 0 }),
      backend('c'),
      backend('d', { engineKind: 'remote_x' }),
      backend('e', { load: 0.9 }),
    ];
    expect(chooseBackend(list, jobView)?.id).toBe('e');
    expect(chooseBackend(list.slice(0, 4), jobView)).toBeNull();
  });

  it('sends a job only where the catalogue has its nodes and models; unknown catalogues count as able', () => {
    const withPack = backend('pack', { catalogue: catalogue([...core, 'ProPostFilmGrain']), load: 0.5 });
    const plain = backend('plain');
    const grainJob = job({
      graph: { ...job().graph, 4: { class_type: 'ProPostFilmGrain', inputs: { image: ['3', 0] } } },
    });
    expect(fitness(plain, grainJob)).toBe('lacks');
    expect(chooseBackend([plain, withPack], grainJob)?.id).toBe('pack');
    expect(chooseBackend([plain, backend('unknown', { catalogue: null, load: 0.9 })], grainJob)?.id).toBe('unknown');
    // The pack's backend is busy: the job waits for it rather than going where it cannot run.
    expect(chooseBackend([plain, { ...withPack, free: 0 }], grainJob)).toBeNull();
    expect(lacking(catalogue(core, ['other.safetensors']), job().graph)).toEqual([
      'CheckpointLoaderSimple.ckpt_name = base.safetensors',
    ]);
  });

  it('when no backend anywhere offers everything, one that lacks it gets the job (its preflight names what to install)', () => {
    const grainJob = job({ graph: { 1: { class_type: 'ProPostFilmGrain', inputs: {} } } });
    expect(chooseBackend([backend('a'), backend('b', { load: 0.5 })], grainJob)?.id).toBe('a');
    expect(chooseBackend([backend('a')], job({ graph: grainJob.graph, excluded: new Set(['a']) }))).toBeNull();
  });
});
