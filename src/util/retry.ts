import { sleep } from './sleep.js';

/**
 * The one retry policy: a bounded number of attempts with jittered exponential backoff
 * (base × 2^(n−1) × [0.5, 1.5), capped). A signal that fires cuts the wait short; the attempt that
 * follows sees the signal and fails with the caller's own error for a stop (cancelled, deadline),
 * and no more are made. Each layer that retries says what is worth retrying; no layer retries what
 * another already retried.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseMs: number;
  maxDelayMs?: number;
}

/** The wait after the `failures`-th failure (1-based). */
export function backoffMs(failures: number, policy: RetryPolicy): number {
  const raw = policy.baseMs * 2 ** Math.max(0, failures - 1) * (0.5 + Math.random());
  return Math.min(raw, policy.maxDelayMs ?? Infinity);
}

export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  options: {
    policy: RetryPolicy;
    retryable: (err: unknown, attempt: number) => boolean;
    signal?: AbortSignal;
    onRetry?: (err: unknown, attempt: number) => unknown;
  },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= options.policy.attempts || options.signal?.aborted || !options.retryable(err, attempt)) throw err;
      await options.onRetry?.(err, attempt);
      await sleep(backoffMs(attempt, options.policy), options.signal);
    }
  }
}
