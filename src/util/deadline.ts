/**
 * Abort signals for calls with a time limit.
 *
 * Not `AbortSignal.any([signal, AbortSignal.timeout(ms)])`: on Node 20 a timeout signal that nothing
 * else references can be garbage-collected before it fires, and the combined signal then never
 * aborts (nodejs/node#57736; a small young generation makes it likely). Here the controller and its
 * timer are held by the returned object, which the caller keeps for the length of the call, and the
 * timer is unref'd so it never keeps the process alive.
 */

/** The abort reason of a signal whose time ran out (as opposed to a cancel). */
export class TimeLimitReached extends Error {
  override name = 'TimeoutError';
  constructor(readonly ms: number) {
    super(`time limit of ${ms} ms reached`);
  }
}

export interface BoundedSignal {
  readonly signal: AbortSignal;
  /** Stop the timer and detach from the parents; call when the call is over. */
  dispose(): void;
}

/** A signal that aborts when any parent aborts (with its reason) or after `ms` (TimeLimitReached). */
export function boundedSignal(parents: readonly (AbortSignal | undefined)[], ms: number): BoundedSignal {
  const controller = new AbortController();
  const limit = Math.max(1, Math.ceil(ms));
  const timer = setTimeout(() => controller.abort(new TimeLimitReached(limit)), limit);
  timer.unref();
  const attached: { parent: AbortSignal; onAbort: () => void }[] = [];
  for (const parent of parents) {
    if (!parent) continue;
    if (parent.aborted) {
      controller.abort(parent.reason);
      break;
    }
    const onAbort = () => controller.abort(parent.reason);
    parent.addEventListener('abort', onAbort, { once: true });
    attached.push({ parent, onAbort });
  }
  const dispose = () => {
    clearTimeout(timer);
    for (const { parent, onAbort } of attached.splice(0)) parent.removeEventListener('abort', onAbort);
  };
  controller.signal.addEventListener('abort', dispose, { once: true });
  return { signal: controller.signal, dispose };
}

/** Milliseconds left until an absolute deadline (epoch ms), at least 1. */
export function msUntil(deadlineAt: number): number {
  return Math.max(1, deadlineAt - Date.now());
}

/** Run `fn` with a bounded signal that is disposed when it settles. */
export async function withTimeLimit<T>(
  parents: readonly (AbortSignal | undefined)[],
  ms: number,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const bounded = boundedSignal(parents, ms);
  try {
    return await fn(bounded.signal);
  } finally {
    bounded.dispose();
  }
}

/** True when the signal was aborted because its time ran out. */
export function timedOut(signal: AbortSignal | undefined): boolean {
  return Boolean(signal?.aborted && signal.reason instanceof TimeLimitReached);
}
