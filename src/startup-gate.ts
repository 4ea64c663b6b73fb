import { PipelineError } from './errors/pipeline-error.js';

/** How far the start is: the HTTP server listens before the job history has been read. */
export interface StartupState {
  ready: boolean;
  /** Job files read so far out of those the index did not know (0 of 0 when it knew them all). */
  indexed: number;
  total: number;
}

/** What answers while the job history is still being read: nothing here depends on it. */
const OPEN_WHILE_STARTING = /^\/(?:api\/health|api\/?$|metrics|docs|api\/pipeline\/presets|api\/pipeline\/engines)/;

/**
 * The refusal for a request that needs the job history (jobs, listings, generate, uploads, which
 * also decide idempotency keys) while it is still being read: 503 with Retry-After, saying how far
 * the start is. Null when the request may go on.
 */
export function startupRefusal(state: StartupState, method: string, url: string): PipelineError | null {
  if (state.ready || method === 'OPTIONS') return null;
  if ((method === 'GET' || method === 'HEAD') && OPEN_WHILE_STARTING.test(url)) return null;
  const progress =
    state.total > 0
      ? `reading its job history (${state.indexed.toLocaleString('en-US')} of ${state.total.toLocaleString('en-US')} job files)`
      : 'reading its job history';
  return new PipelineError('SERVICE_UNAVAILABLE', `The service is starting: ${progress}. Retry shortly.`, {
    headers: { 'retry-after': '2' },
    detail: { starting: true, indexed: state.indexed, total: state.total },
  });
}
