import { describe, expect, it } from 'vitest';
import { backoffMs, withRetries } from '../../src/util/retry.js';

describe('the one retry policy', () => {
  it('tries at most `attempts` times, only for what the caller calls retryable', async () => {
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new Error('5xx');
        },
        { policy: { attempts: 3, baseMs: 1 }, retryable: () => true },
      ),
    ).rejects.toThrow('5xx');
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new Error('404');
        },
        { policy: { attempts: 3, baseMs: 1 }, retryable: (e) => (e as Error).message !== '404' },
      ),
    ).rejects.toThrow('404');
    expect(calls).toBe(1);
    const retried: number[] = [];
    expect(
      await withRetries(
        async (n) => {
          if (n < 2) throw new Error('once');
          return n;
        },
        { policy: { attempts: 3, baseMs: 1 }, retryable: () => true, onRetry: (_e, n) => retried.push(n) },
      ),
    ).toBe(2);
    expect(retried).toEqual([1]);
  });

  it('stops waiting at once when the signal fires: one last attempt sees the signal and says why it stopped', async () => {
    const controller = new AbortController();
    let calls = 0;
    const started = Date.now();
    const run = withRetries(
      async () => {
        calls++;
        throw new Error(controller.signal.aborted ? 'cancelled' : 'down');
      },
      { policy: { attempts: 10, baseMs: 10_000 }, retryable: () => true, signal: controller.signal },
    );
    setImmediate(() => controller.abort(new Error('cancelled')));
    await expect(run).rejects.toThrow('cancelled'); // the caller's own error for a stop, not the last failure
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('backs off exponentially with jitter, capped', () => {
    for (let n = 1; n <= 6; n++) {
      const d = backoffMs(n, { attempts: 10, baseMs: 100 });
      expect(d).toBeGreaterThanOrEqual(100 * 2 ** (n - 1) * 0.5);
      expect(d).toBeLessThan(100 * 2 ** (n - 1) * 1.5);
    }
    expect(backoffMs(20, { attempts: 30, baseMs: 100, maxDelayMs: 2_000 })).toBeLessThanOrEqual(2_000);
  });
});
