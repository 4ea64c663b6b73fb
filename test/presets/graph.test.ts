import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { QUALITY_LEVELS } from '../../src/contracts/common.js';
import { buildGraph } from '../../src/presets/graph.js';
import { loadPresetRegistry } from '../../src/presets/registry.js';
import { NODE_SPECS } from '../../src/sim/catalogue.js';
import { repoRoot } from '../../src/util/paths.js';

const registry = loadPresetRegistry(path.join(repoRoot, 'presets'));
const models = loadConfig({}).models;
const coreClasses = new Set(NODE_SPECS.filter((s) => s.pack === null).map((s) => s.name));
const build = (id: string, quality: 'low' | 'standard' | 'pro', refs: string[] = []) =>
  buildGraph({
    preset: registry.get(id)!.preset,
    quality,
    prompt: 'a portrait',
    seed: 1234,
    identityImages: refs,
    models,
    outputPrefix: 'ainfluencer/job/x',
  });
const classes = (g: ReturnType<typeof build>) => Object.values(g.graph).map((n) => n.class_type);
const nodeOf = (g: ReturnType<typeof build>, cls: string) => Object.values(g.graph).find((n) => n.class_type === cls)!;

describe('graph builder', () => {
  it('photoreal low is the core text-to-image graph only', () => {
    const g = build('photoreal_portrait_v1', 'low');
    expect(classes(g).sort()).toEqual(
      [
        'CLIPTextEncode',
        'CLIPTextEncode',
        'CheckpointLoaderSimple',
        'EmptyLatentImage',
        'KSampler',
        'SaveImage',
        'VAEDecode',
      ].sort(),
    );
    for (const c of classes(g)) expect(coreClasses.has(c)).toBe(true);
    expect(nodeOf(g, 'KSampler').inputs).toMatchObject({
      steps: 25,
      cfg: 6.5,
      seed: 1234,
      sampler_name: 'euler',
      scheduler: 'normal',
      denoise: 1,
    });
    expect(nodeOf(g, 'EmptyLatentImage').inputs).toMatchObject({ width: 1024, height: 1024, batch_size: 1 });
    expect(nodeOf(g, 'SaveImage').inputs.filename_prefix).toBe('ainfluencer/job/x');
    expect(nodeOf(g, 'CheckpointLoaderSimple').inputs.ckpt_name).toBe('sd_xl_base_1.0.safetensors');
  });

  it('photoreal standard adds face restoration, pro adds it and a ×2 upscale', () => {
    const std = build('photoreal_portrait_v1', 'standard');
    expect(classes(std)).toContain('FaceRestoreCFWithModel');
    expect(classes(std)).not.toContain('ImageUpscaleWithModel');
    expect(nodeOf(std, 'KSampler').inputs).toMatchObject({ steps: 40, cfg: 7.5 });
    const pro = build('photoreal_portrait_v1', 'pro');
    expect(classes(pro)).toEqual(
      expect.arrayContaining(['FaceRestoreCFWithModel', 'UpscaleModelLoader', 'ImageUpscaleWithModel', 'ImageScale']),
    );
    expect(nodeOf(pro, 'ImageScale').inputs).toMatchObject({ width: 2048, height: 2048 });
    expect(nodeOf(pro, 'KSampler').inputs).toMatchObject({ steps: 50, cfg: 8 });
    expect(pro.appliedSteps).toEqual(['generate_image', 'apply_face_restoration', 'upscale']);
  });

  it('cinematic adds grain at every level, tone mapping from standard and grading at pro', () => {
    const lutNames = (g: ReturnType<typeof build>) =>
      Object.values(g.graph)
        .filter((n) => n.class_type === 'ProPostApplyLUT')
        .map((n) => n.inputs.lut_name);
    expect(classes(build('cinematic_portrait_v1', 'low'))).toContain('ProPostFilmGrain');
    expect(lutNames(build('cinematic_portrait_v1', 'low'))).toEqual([]);
    expect(lutNames(build('cinematic_portrait_v1', 'standard'))).toEqual(['reinhard_tonemap.cube']);
    expect(lutNames(build('cinematic_portrait_v1', 'pro'))).toEqual([
      'reinhard_tonemap.cube',
      'teal_orange_grade.cube',
    ]);
  });

  it("identity lock uses one LoadImage per reference and the level's method and weight", () => {
    const low = build('identity_lock_portrait_v1', 'low', ['a.png', 'b.png', 'c.png']);
    expect(classes(low).filter((c) => c === 'LoadImage')).toHaveLength(3);
    expect(nodeOf(low, 'IPAdapterUnifiedLoader').inputs.preset).toBe('STANDARD (medium strength)');
    expect(nodeOf(low, 'IPAdapterAdvanced').inputs.weight).toBe(0.6);
    const std = build('identity_lock_portrait_v1', 'standard', ['a.png']);
    expect(nodeOf(std, 'IPAdapterUnifiedLoader').inputs.preset).toBe('PLUS FACE (portraits)');
    expect(nodeOf(std, 'IPAdapterAdvanced').inputs.weight).toBe(0.75);
    const pro = build('identity_lock_portrait_v1', 'pro', ['a.png']);
    expect(classes(pro)).toEqual(
      expect.arrayContaining([
        'InstantIDModelLoader',
        'InstantIDFaceAnalysis',
        'ControlNetLoader',
        'ApplyInstantID',
        'FaceRestoreCFWithModel',
      ]),
    );
    expect(nodeOf(pro, 'ApplyInstantID').inputs.weight).toBe(0.8);
    // The sampler is fed by InstantID's model and conditioning.
    const apply = Object.entries(pro.graph).find(([, n]) => n.class_type === 'ApplyInstantID')![0];
    expect(nodeOf(pro, 'KSampler').inputs).toMatchObject({
      model: [apply, 0],
      positive: [apply, 1],
      negative: [apply, 2],
    });
  });

  it('optional identity references reach the graph for the other presets too', () => {
    const g = build('photoreal_portrait_v1', 'low', ['ref.png']);
    expect(classes(g)).toEqual(expect.arrayContaining(['LoadImage', 'IPAdapterUnifiedLoader', 'IPAdapterAdvanced']));
  });

  it('every preset at every level uses only classes the simulator catalogue knows, with links to existing nodes', () => {
    const known = new Set(NODE_SPECS.map((s) => s.name));
    for (const p of registry.list()) {
      for (const level of QUALITY_LEVELS) {
        const g = build(p.id, level, ['r.png']);
        for (const [id, node] of Object.entries(g.graph)) {
          expect(known.has(node.class_type), `${p.id}/${level}/${id} ${node.class_type}`).toBe(true);
          for (const v of Object.values(node.inputs)) if (Array.isArray(v)) expect(g.graph[v[0]]).toBeDefined();
        }
      }
    }
  });

  it('is pure: the same inputs give the same graph', () => {
    expect(build('cinematic_portrait_v1', 'pro')).toEqual(build('cinematic_portrait_v1', 'pro'));
  });
});
