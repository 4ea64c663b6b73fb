import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../src/util/paths.js';
import { tempDir } from './temp-dirs.js';

/**
 * The shipped presets with their image size cut to 64×64 (same ids, steps and nodes), so tests that
 * run thousands of jobs against the simulator stay fast.
 */
export function tinyPresetsDir(size = 64): string {
  const dir = tempDir('tiny-presets');
  for (const name of readdirSync(path.join(repoRoot, 'presets'))) {
    const preset = JSON.parse(readFileSync(path.join(repoRoot, 'presets', name), 'utf8'));
    preset.defaults.width = size;
    preset.defaults.height = size;
    writeFileSync(path.join(dir, name), JSON.stringify(preset));
  }
  return dir;
}
