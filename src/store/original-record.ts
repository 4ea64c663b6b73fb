import { z } from 'zod';

/**
 * The job records of the original (Python) service, read tolerantly. That service wrote
 * `jobs/{job_id}.json` with pydantic's `model_dump()` through `json.dump(..., default=str)`: no
 * `schema_version`, timestamps as `str(datetime.utcnow())` (naive UTC, a space for the `T`, no
 * fraction when the microseconds are 0), `outputs` as a map of type → path relative to
 * `artifacts/`, and none of the fields this service added. Its files are told from ours by the
 * missing `schema_version`.
 */

/** Naive or zoned ISO-like timestamps, as Python's str(datetime) and isoformat() write them. */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** An ISO 8601 UTC timestamp from one the original wrote (naive means UTC); null when unreadable. */
export function parseOriginalTimestamp(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = TIMESTAMP.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  const millis = frac.padEnd(3, '0').slice(0, 3);
  const offset = zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${millis}${offset}`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** The statuses the original used, and the spellings a hand-edited file may have. */
const STATUS_ALIASES: Record<string, 'queued' | 'running' | 'completed' | 'failed' | 'cancelled'> = {
  queued: 'queued',
  pending: 'queued',
  running: 'running',
  processing: 'running',
  in_progress: 'running',
  completed: 'completed',
  succeeded: 'completed',
  success: 'completed',
  done: 'completed',
  failed: 'failed',
  error: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
};

const nullableString = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

export const OriginalJobRecord = z
  .object({
    job_id: z.string(),
    preset_id: z.string().min(1),
    user_id: z
      .union([z.string(), z.number()])
      .nullish()
      .transform((v) => (v === null || v === undefined ? null : String(v))),
    status: z.string().transform((v, ctx) => {
      const known = STATUS_ALIASES[v.trim().toLowerCase()];
      if (!known) ctx.addIssue({ code: 'custom', message: `unknown status ${JSON.stringify(v)}` });
      return known ?? 'failed';
    }),
    created_at: z.string(),
    started_at: nullableString,
    finished_at: nullableString,
    inputs: z
      .record(z.string(), z.unknown())
      .nullish()
      .transform((v) => v ?? {}),
    outputs: z
      .record(z.string(), z.unknown())
      .nullish()
      .transform((v) => v ?? {}),
    engine_used: nullableString,
    quality_level: z
      .enum(['low', 'standard', 'pro'])
      .nullish()
      .transform((v) => v ?? 'standard'),
    credit_cost: z
      .number()
      .nonnegative()
      .nullish()
      .transform((v) => v ?? 0),
    error: z
      .unknown()
      .transform((v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v))),
    error_code: nullableString,
    remediation: z
      .array(z.unknown())
      .nullish()
      .transform((v) => (v ?? []).map(String)),
  })
  .passthrough();
export type OriginalJobRecord = z.infer<typeof OriginalJobRecord>;

/** A stored job value without this service's schema_version: the original service wrote it. */
export function isOriginalRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value) && !('schema_version' in value);
}

/**
 * The output files an original record names: `<job_id>/<type>/<file>` paths relative to
 * `artifacts/`, deduplicated (`image` and `output_url` name the same file). Paths that leave the
 * job's folder, or name another job, are ignored.
 */
export function originalOutputPaths(
  jobId: string,
  outputs: Record<string, unknown>,
): { type: 'image' | 'video' | 'audio' | 'file'; file: string }[] {
  const seen = new Set<string>();
  const found: { type: 'image' | 'video' | 'audio' | 'file'; file: string }[] = [];
  for (const value of Object.values(outputs)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item !== 'string') continue;
      const parts = item.replace(/^\/+/, '').split('/');
      if (parts.length !== 3 || parts[0] !== jobId) continue;
      const [, type, file] = parts as [string, string, string];
      if (type !== 'image' && type !== 'video' && type !== 'audio' && type !== 'file') continue;
      if (!isStoredFileName(file) || seen.has(`${type}/${file}`)) continue;
      seen.add(`${type}/${file}`);
      found.push({ type, file });
    }
  }
  return found;
}

/**
 * A file name that may be served from a job folder: one path segment, no control characters, not
 * `.`/`..`. The original kept ComfyUI's names ("ComfyUI_00001_.png"); this service's own are
 * stricter (`image_001.png`). Files are still opened only inside their job's folder.
 */
export function isStoredFileName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name.length > 0 && name.length <= 255 && name !== '.' && name !== '..' && !/[/\\\x00-\x1f\x7f]/.test(name);
}

/** The progress an original record kept in `inputs.metadata.progress`, if any (0..1). */
export function originalProgress(inputs: Record<string, unknown>): number | null {
  const meta = inputs.metadata;
  if (!meta || typeof meta !== 'object') return null;
  const p = (meta as Record<string, unknown>).progress;
  if (typeof p !== 'number' || !Number.isFinite(p)) return null;
  return Math.min(1, Math.max(0, p > 1 ? p / 100 : p));
}
