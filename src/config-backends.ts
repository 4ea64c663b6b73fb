/**
 * The ComfyUI backends the service drives. `COMFYUI_URLS` lists several, comma-separated; each entry
 * is `url` or `name=url`, with optional settings in the URL's fragment (never sent over HTTP):
 * `gpu1=http://10.0.0.5:8188#concurrency=1&prefetch=1`. Unnamed entries get the ids `local_comfy`,
 * `local_comfy_2`, … by position, so a one-backend setup keeps the id it always had.
 */
export interface BackendConfig {
  /** Stable engine id: job records, logs, metrics and the engines listing name the backend by it. */
  id: string;
  /** Base URL without a trailing slash or fragment. */
  url: string;
  /** Prompts ComfyUI executes at once for this service (ComfyUI itself runs one; default JOB_CONCURRENCY). */
  concurrency: number;
  /**
   * Prompts handed to ComfyUI beyond `concurrency`, waiting in its own queue so the GPU starts the
   * next one the moment it is free (default JOB_PREFETCH, 1). They count as the backend's load.
   */
  prefetch: number;
}

const ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
const SETTINGS = new Set(['concurrency', 'prefetch']);

/** Throws an Error whose message says what is wrong with which entry (config.ts adds the variable's name). */
export function parseBackendList(list: string, defaultConcurrency: number, defaultPrefetch = 0): BackendConfig[] {
  const entries = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('a comma-separated list of ComfyUI URLs (name=url allowed)');
  if (entries.length > 64) throw new Error('at most 64 backends');
  const backends: BackendConfig[] = [];
  entries.forEach((entry, i) => {
    const eq = entry.indexOf('=');
    const named = eq > 0 && !entry.slice(0, eq).includes('/') && !entry.slice(0, eq).includes(':');
    const id = named ? entry.slice(0, eq).trim() : i === 0 ? 'local_comfy' : `local_comfy_${i + 1}`;
    const rawUrl = named ? entry.slice(eq + 1).trim() : entry;
    if (!ID.test(id))
      throw new Error(`backend names of letters, digits, "_", "-" or "." (entry ${i + 1}: "${id.slice(0, 80)}")`);
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      throw new Error(`http(s) URLs (entry ${i + 1} is not a URL)`);
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
      throw new Error(`http(s) URLs without credentials (entry ${i + 1})`);
    }
    const settings = new URLSearchParams(url.hash.slice(1));
    const number = (key: string, fallback: number, min: number): number => {
      const value = settings.get(key);
      if (value === null) return fallback;
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > 64)
        throw new Error(`${key} as an integer from ${min} to 64 (entry ${i + 1}: "${value.slice(0, 20)}")`);
      return n;
    };
    for (const key of settings.keys())
      if (!SETTINGS.has(key))
        throw new Error(`settings among ${[...SETTINGS].join(', ')} (entry ${i + 1}: "${key.slice(0, 40)}")`);
    url.hash = '';
    const backend = {
      id,
      url: url.toString().replace(/\/+$/, ''),
      concurrency: number('concurrency', defaultConcurrency, 1),
      prefetch: number('prefetch', defaultPrefetch, 0),
    };
    if (backends.some((b) => b.id === backend.id)) throw new Error(`distinct backend names ("${id}" is given twice)`);
    if (backends.some((b) => b.url === backend.url)) throw new Error(`distinct URLs (${backend.url} is given twice)`);
    backends.push(backend);
  });
  return backends;
}
