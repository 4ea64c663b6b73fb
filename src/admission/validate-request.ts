import type { GenerateRequest } from '../contracts/generate.js';
import { PipelineError } from '../errors/pipeline-error.js';
import type { LoadedPreset, PresetRegistry } from '../presets/registry.js';
import type { UploadStore } from '../store/upload-store.js';

/**
 * Checks that need the preset or the stores, run before a job exists, in the order clients see:
 * unknown preset → missing required input → consent → references are known uploads.
 */
export async function validateGenerateRequest(
  request: GenerateRequest,
  presets: PresetRegistry,
  uploads: UploadStore,
): Promise<LoadedPreset> {
  const loaded = presets.get(request.preset_id);
  if (!loaded) {
    throw new PipelineError('CONTRACT_MISMATCH', `Unknown preset_id "${request.preset_id}"`, {
      errors: [{ field: 'preset_id', message: `Unknown preset; available: ${presets.ids().join(', ')}` }],
      missingFields: [],
      detail: { field: 'preset_id', available: presets.ids() },
    });
  }
  const preset = loaded.preset;
  const refs = request.identity_reference ?? [];
  const missing = preset.required_inputs
    .filter((input) => {
      const value = (request as Record<string, unknown>)[input.name];
      return value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
    })
    .map((input) => input.name);
  if (missing.length > 0) {
    throw new PipelineError('MISSING_REQUIRED_FIELD', `Preset ${preset.id} needs ${missing.join(', ')}`, {
      missingFields: missing,
      errors: missing.map((field) => ({ field, message: 'Required by this preset' })),
      detail: { preset_id: preset.id },
    });
  }
  const consentNeeded =
    preset.requires_consent ||
    preset.consent_required_with.some((name) => {
      const value = (request as Record<string, unknown>)[name];
      return Array.isArray(value) ? value.length > 0 : value !== undefined;
    });
  if (consentNeeded && !request.consent_given) {
    throw new PipelineError(
      'CONSENT_MISSING',
      preset.requires_consent
        ? `Preset ${preset.id} always requires consent_given: true`
        : 'identity_reference requires consent_given: true',
      { detail: { preset_id: preset.id, field: 'consent_given' } },
    );
  }
  if (refs.length > 0) {
    const spec = [...preset.required_inputs, ...preset.optional_inputs].find((i) => i.name === 'identity_reference');
    if (!spec) {
      throw new PipelineError('INVALID_FIELD_VALUE', `Preset ${preset.id} does not take identity_reference`, {
        errors: [{ field: 'identity_reference', message: 'Not an input of this preset' }],
      });
    }
    const min = spec.min_items ?? 1,
      max = spec.max_items ?? 3;
    if (refs.length < min || refs.length > max) {
      throw new PipelineError('INVALID_FIELD_VALUE', `identity_reference needs ${min} to ${max} upload ids`, {
        errors: [{ field: 'identity_reference', message: `Give ${min}–${max} upload ids (got ${refs.length})` }],
      });
    }
    const unknown: string[] = [];
    for (const id of refs) if (!(await uploads.get(id))) unknown.push(id);
    if (unknown.length > 0) {
      throw new PipelineError('INVALID_FIELD_VALUE', 'identity_reference names uploads that do not exist', {
        errors: unknown.map((id) => ({
          field: `identity_reference.${refs.indexOf(id)}`,
          message: `No upload with id "${id}"; upload with POST /api/pipeline/uploads`,
        })),
        detail: { unknown_uploads: unknown },
      });
    }
  }
  if (request.init_image !== undefined) {
    if (![...preset.required_inputs, ...preset.optional_inputs].some((i) => i.name === 'init_image'))
      throw new PipelineError('INVALID_FIELD_VALUE', `Preset ${preset.id} does not take init_image`, {
        errors: [{ field: 'init_image', message: 'Not an input of this preset' }],
      });
    if (!(await uploads.get(request.init_image)))
      throw new PipelineError('INVALID_FIELD_VALUE', 'init_image names an upload that does not exist', {
        errors: [
          {
            field: 'init_image',
            message: `No upload with id "${request.init_image}"; upload with POST /api/pipeline/uploads`,
          },
        ],
        detail: { unknown_uploads: [request.init_image] },
      });
  }
  return loaded;
}
