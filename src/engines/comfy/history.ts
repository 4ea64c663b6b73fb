import { PipelineError } from '../../errors/pipeline-error.js';
import { redact, redactString } from '../../store/redact.js';
import type { EngineOutput } from '../engine.js';

export interface HistoryEntry {
  outputs?: Record<string, Record<string, unknown>>;
  status?: { status_str?: string; completed?: boolean; messages?: [string, Record<string, unknown>][] };
}

/** Every file in a history entry's outputs, under any key (images, gifs, videos, audio, files…). */
export function outputsOf(entry: HistoryEntry): EngineOutput[] {
  const files: EngineOutput[] = [];
  for (const [nodeId, ui] of Object.entries(entry.outputs ?? {})) {
    if (!ui || typeof ui !== 'object') continue;
    for (const [kind, list] of Object.entries(ui)) {
      if (!Array.isArray(list)) continue;
      for (const item of list) {
        if (!item || typeof item !== 'object') continue;
        const { filename, subfolder, type } = item as { filename?: unknown; subfolder?: unknown; type?: unknown };
        if (typeof filename !== 'string' || filename.length === 0) continue;
        files.push({ node_id: nodeId, kind, filename, subfolder: typeof subfolder === 'string' ? subfolder : '', type: typeof type === 'string' ? type : 'output' });
      }
    }
  }
  return files;
}

/** The outcome a finished entry records; throws the matching taxonomy error for failures. */
export function outcomeOf(entry: HistoryEntry, promptId: string): EngineOutput[] {
  const status = entry.status;
  const messages = status?.messages ?? [];
  const failed = status ? status.status_str === 'error' || status.completed === false : false;
  if (failed) {
    const error = messages.find(([t]) => t === 'execution_error')?.[1];
    if (error) {
      throw new PipelineError('ENGINE_EXECUTION_FAILED', `ComfyUI failed in node ${String(error.node_id)} (${String(error.node_type)}): ${redactString(String(error.exception_message ?? '')).slice(0, 500)}`, {
        detail: redact({
          prompt_id: promptId,
          node_id: error.node_id ?? null,
          node_type: error.node_type ?? null,
          exception_type: error.exception_type ?? null,
          exception_message: typeof error.exception_message === 'string' ? error.exception_message.slice(0, 2000) : null,
        }),
      });
    }
    const interrupted = messages.find(([t]) => t === 'execution_interrupted')?.[1];
    throw new PipelineError('ENGINE_EXECUTION_FAILED', interrupted
      ? `The run was interrupted in ComfyUI (node ${String(interrupted.node_id ?? '?')}) by another client or the operator`
      : 'ComfyUI recorded the run as failed without an error message', {
      detail: { prompt_id: promptId, interrupted: Boolean(interrupted), node_id: interrupted?.node_id ?? null },
    });
  }
  const files = outputsOf(entry);
  if (files.length === 0) {
    throw new PipelineError('ENGINE_EXECUTION_FAILED', 'ComfyUI reported success but produced no output files', { detail: { prompt_id: promptId } });
  }
  return files;
}
