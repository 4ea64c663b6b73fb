import { parseOriginalTimestamp } from './original-record.js';
import { redact } from '../util/redact.js';
import { textOf } from '../util/text-of.js';

export interface JobEvent {
  seq: number;
  at: string;
  event: string;
  [key: string]: unknown;
}

/**
 * One line of a job's event log, in this service's event shape. Lines this service wrote carry
 * `seq`, `at` and `event`. Lines the original service wrote are `{timestamp, level, message,
 * metadata?}` with a naive UTC timestamp: they become `log` events numbered by their position in
 * the file (the original appended in order, and this service continues the numbering after them).
 * Returns null for a line that is not JSON (a torn last line) or not an event.
 */
export function parseEventLine(line: string, position: number): JobEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.seq === 'number' && typeof v.event === 'string') return v as JobEvent;
  if (typeof v.message !== 'string' && typeof v.timestamp !== 'string') return null;
  const event: JobEvent = {
    seq: position,
    at: parseOriginalTimestamp(v.timestamp) ?? textOf(v.timestamp),
    event: 'log',
    level: typeof v.level === 'string' ? v.level.toLowerCase() : 'info',
    message: typeof v.message === 'string' ? v.message : '',
  };
  if (v.metadata !== undefined && v.metadata !== null) event.metadata = v.metadata;
  // The original service did not redact its logs: what it wrote is served through the same filter.
  return redact(event);
}
