/**
 * Guards for ComfyUI WebSocket messages. Anything that is not a JSON object with a string `type`
 * and an object `data` is dropped; fields are read defensively because every era differs (§2.3).
 */
export interface ComfyMessage {
  type: string;
  data: Record<string, unknown>;
}

export function parseComfyMessage(text: string): ComfyMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const { type, data } = value as { type?: unknown; data?: unknown };
  if (typeof type !== 'string' || !data || typeof data !== 'object' || Array.isArray(data)) return null;
  return { type, data: data as Record<string, unknown> };
}

export function promptIdOf(message: ComfyMessage): string | null {
  const id = message.data.prompt_id;
  return typeof id === 'string' ? id : null;
}

export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
export const strList = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
