import type { RawData } from 'ws';

/**
 * Any untrusted value as text: objects as JSON (never "[object Object]"), absent as '', the rest as
 * String() writes it. Upstream fields typed `unknown` go through this before they are shown.
 */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value) ?? '';
    } catch {
      return '[unserialisable value]';
    }
  }
  // Objects were handled above: what is left has a meaningful String() form.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return String(value);
}

/** A WebSocket message as UTF-8 text, whichever of ws's shapes it arrived in (Buffer, fragments, ArrayBuffer). */
export function socketText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
