import { PipelineError } from '../../errors/pipeline-error.js';
import { redact, redactClipped } from '../../util/redact.js';
import type { EngineOutput } from '../engine.js';
import { missingAtRun } from './dependencies.js';
import { textOf } from '../../util/text-of.js';

export interface HistoryEntry {
  outputs?: Record<string, Record<string, unknown>>;
  status?: { status_str?: string; completed?: boolean; messages?: [string, Record<string, unknown>][] };
}

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/**
 * A /history/{id} entry as this service reads it, checked shape by shape: any era's entry passes
 * (older ones lack `status` or `meta`), but an entry whose parts have the wrong type (outputs not an
 * object, messages not a list of [type, data] pairs) is an ENGINE_PROTOCOL_ERROR, not a crash later.
 */
export function parseHistoryEntry(raw: unknown, promptId: string): HistoryEntry {
  const bad = (what: string) =>
    new PipelineError('ENGINE_PROTOCOL_ERROR', `ComfyUI's /history entry for the prompt is malformed: ${what}`, {
      detail: { prompt_id: promptId },
    });
  if (!isObject(raw)) throw bad('it is not an object');
  const entry: HistoryEntry = {};
  if (raw.outputs !== undefined && raw.outputs !== null) {
    if (!isObject(raw.outputs)) throw bad('outputs is not an object');
    entry.outputs = {};
    for (const [node, ui] of Object.entries(raw.outputs)) if (isObject(ui)) entry.outputs[node] = ui;
  }
  if (raw.status !== undefined && raw.status !== null) {
    if (!isObject(raw.status)) throw bad('status is not an object');
    const { status_str, completed, messages } = raw.status;
    if (messages !== undefined && !Array.isArray(messages)) throw bad('status.messages is not a list');
    entry.status = {
      status_str: typeof status_str === 'string' ? status_str : undefined,
      completed: typeof completed === 'boolean' ? completed : undefined,
      messages: (messages ?? []).filter(
        (m): m is [string, Record<string, unknown>] => Array.isArray(m) && typeof m[0] === 'string' && isObject(m[1]),
      ),
    };
  }
  return entry;
}

/** A file ComfyUI names by a path string ("mesh/x.glb", maybe annotated " [output]"), as /view wants it. */
function fileOfPath(value: unknown): { filename: string; subfolder: string; type: string } | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024) return null;
  const annotated = /^(.*) \[(output|input|temp)\]$/.exec(value);
  const rel = (annotated ? annotated[1]! : value).replace(/\\/g, '/');
  // Only a plain relative path names a file: ComfyUI refuses the rest, and so do we.
  if (rel.startsWith('/') || rel.split('/').some((part) => part === '..' || part === '')) return null;
  const cut = rel.lastIndexOf('/');
  return {
    filename: rel.slice(cut + 1),
    subfolder: cut < 0 ? '' : rel.slice(0, cut),
    type: annotated ? annotated[2]! : 'output',
  };
}

/**
 * Every file in a history entry's outputs, under any key: lists of {filename, subfolder, type}
 * (images, gifs, video, audio, 3d…), and the 3D preview's `result`, whose first item is the model's
 * path as a string (the rest are its camera and background, not files of the run).
 */
export function outputsOf(entry: HistoryEntry): EngineOutput[] {
  const files: EngineOutput[] = [];
  for (const [nodeId, ui] of Object.entries(entry.outputs ?? {})) {
    if (!ui || typeof ui !== 'object') continue;
    for (const [kind, list] of Object.entries(ui)) {
      if (!Array.isArray(list)) continue;
      if (kind === 'result') {
        const file = fileOfPath(list[0]);
        if (file) files.push({ node_id: nodeId, kind, ...file });
        continue;
      }
      for (const item of list) {
        if (!item || typeof item !== 'object') continue;
        const { filename, subfolder, type } = item as { filename?: unknown; subfolder?: unknown; type?: unknown };
        // A name no real ComfyUI writes (empty, or absurdly long) is not fetched.
        if (typeof filename !== 'string' || filename.length === 0 || filename.length > 1024) continue;
        if (typeof subfolder === 'string' && subfolder.length > 1024) continue;
        files.push({
          node_id: nodeId,
          kind,
          filename,
          subfolder: typeof subfolder === 'string' ? subfolder : '',
          type: typeof type === 'string' ? type : 'output',
        });
      }
    }
  }
  return files;
}

/** A short upstream field as text, cut before anything else looks at it. */
const clipped = (v: unknown): string | null => (v === undefined || v === null ? null : redactClipped(textOf(v), 200));

/** The outcome a finished entry records; throws the matching taxonomy error for failures. */
export function outcomeOf(entry: HistoryEntry, promptId: string): EngineOutput[] {
  const status = entry.status;
  const messages = status?.messages ?? [];
  const failed = status ? status.status_str === 'error' || status.completed === false : false;
  if (failed) {
    const error = messages.find(([t]) => t === 'execution_error')?.[1];
    if (error) {
      const message = typeof error.exception_message === 'string' ? redactClipped(error.exception_message, 2000) : '';
      const model = missingAtRun(
        String(clipped(error.node_id) ?? ''),
        String(clipped(error.node_type) ?? ''),
        String(clipped(error.exception_type) ?? ''),
        message,
      );
      if (model) {
        throw new PipelineError(
          'DEPENDENCY_MISSING',
          `ComfyUI is missing a model file node ${model.node_id} (${model.class_type}) loads: ${redactClipped(message, 300)}`,
          {
            detail: {
              prompt_id: promptId,
              missing: [model],
              exception_type: clipped(error.exception_type),
              exception_message: message,
            },
          },
        );
      }
      throw new PipelineError(
        'ENGINE_EXECUTION_FAILED',
        `ComfyUI failed in node ${clipped(error.node_id)} (${clipped(error.node_type)}): ${redactClipped(textOf(error.exception_message), 500)}`,
        {
          detail: redact({
            prompt_id: promptId,
            node_id: clipped(error.node_id),
            node_type: clipped(error.node_type),
            exception_type: clipped(error.exception_type),
            exception_message:
              typeof error.exception_message === 'string' ? redactClipped(error.exception_message, 2000) : null,
          }),
        },
      );
    }
    const interrupted = messages.find(([t]) => t === 'execution_interrupted')?.[1];
    throw new PipelineError(
      'ENGINE_EXECUTION_FAILED',
      interrupted
        ? `The run was interrupted in ComfyUI (node ${clipped(interrupted.node_id) ?? '?'}) by another client or the operator`
        : 'ComfyUI recorded the run as failed without an error message',
      {
        detail: { prompt_id: promptId, interrupted: Boolean(interrupted), node_id: clipped(interrupted?.node_id) },
      },
    );
  }
  const files = outputsOf(entry);
  if (files.length === 0) {
    throw new PipelineError('ENGINE_EXECUTION_FAILED', 'ComfyUI reported success but produced no output files', {
      detail: { prompt_id: promptId },
    });
  }
  return files;
}
