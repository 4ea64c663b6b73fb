import type pg from 'pg';
import { PipelineError } from '../errors/pipeline-error.js';

/** SQLSTATE classes and socket errors that mean "PostgreSQL is not reachable now", not "the query is wrong". */
const UNAVAILABLE_STATES = /^(08|57P0[1-3]|53)/;
const UNAVAILABLE_SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && (UNAVAILABLE_SOCKET.has(e.code) || UNAVAILABLE_STATES.test(e.code))) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Query read timeout|connection is closed/i.test(
    message,
  );
}

/** The same error, as DB_UNAVAILABLE (503, Retry-After) when it says PostgreSQL cannot be reached. */
export function classifyDatabaseError(err: unknown): unknown {
  if (err instanceof PipelineError || !isDatabaseUnavailable(err)) return err;
  return new PipelineError(
    'DB_UNAVAILABLE',
    `PostgreSQL does not answer: ${String((err as Error).message).slice(0, 200)}`,
    {
      headers: { 'retry-after': '5' },
      cause: err,
    },
  );
}

/** Every query and checkout of the pool fails as DB_UNAVAILABLE while PostgreSQL is away (one place, not each call). */
export function classifyPoolErrors(pool: pg.Pool): void {
  // Only the promise forms are wrapped: the pool calls its own connect with a callback inside query.
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  const classified = (result: unknown) =>
    result instanceof Promise
      ? result.catch((err: unknown) => {
          throw classifyDatabaseError(err);
        })
      : result;
  (pool as unknown as { query: unknown }).query = (...args: unknown[]) => classified(query(...args));
  (pool as unknown as { connect: unknown }).connect = (...args: unknown[]) => classified(connect(...args));
}
