import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowPreset } from '../contracts/preset.js';

export interface LoadedPreset {
  preset: WorkflowPreset;
  /** SHA-256 of the file's bytes, recorded in every job's provenance. */
  sha256: string;
  file: string;
}

export class PresetLoadError extends Error {
  override name = 'PresetLoadError';
}

export interface PresetRegistry {
  list(filter?: { category?: string; engine?: string }): WorkflowPreset[];
  get(id: string): LoadedPreset | undefined;
  ids(): string[];
}

/**
 * Load every presets/*.json once. Any broken file stops the start with a message naming the file
 * and the field, because running with a silently missing preset is worse than not running.
 */
export function loadPresetRegistry(dir: string): PresetRegistry {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch (err) {
    throw new PresetLoadError(
      `Cannot read presets folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  const byId = new Map<string, LoadedPreset>();
  for (const name of names) {
    const file = path.join(dir, name);
    const bytes = readFileSync(file);
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      throw new PresetLoadError(`Preset file ${name}: not valid JSON (${(err as Error).message})`);
    }
    const parsed = WorkflowPreset.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where =
        issue.code === 'unrecognized_keys'
          ? [...issue.path, issue.keys[0]].join('.')
          : issue.path.join('.') || '(root)';
      throw new PresetLoadError(`Preset file ${name}: field "${where}": ${issue.message}`);
    }
    const preset = parsed.data;
    const expectedName = `${preset.id}.json`;
    if (name !== expectedName)
      throw new PresetLoadError(
        `Preset file ${name}: field "id": "${preset.id}" must match the file name (${expectedName})`,
      );
    if (byId.has(preset.id)) throw new PresetLoadError(`Preset file ${name}: field "id": duplicate id "${preset.id}"`);
    byId.set(preset.id, { preset, sha256: createHash('sha256').update(bytes).digest('hex'), file });
  }
  if (byId.size === 0) throw new PresetLoadError(`No presets found in ${dir}`);

  const ordered = [...byId.values()]
    .map((l) => l.preset)
    .sort((a, b) => a.sort_order - b.sort_order || a.id.localeCompare(b.id));

  return {
    list(filter = {}) {
      return ordered.filter(
        (p) =>
          (!filter.category || p.category === filter.category) &&
          (!filter.engine || p.engine_requirements.includes(filter.engine)),
      );
    },
    get: (id) => byId.get(id),
    ids: () => ordered.map((p) => p.id),
  };
}
