import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { PipelineError } from '../errors/pipeline-error.js';

/**
 * One fixed window per key: the first hit sets the window's expiry, later hits count within it.
 * In one script, so concurrent hits from several instances never lose a count or an expiry.
 */
const HIT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`;

/**
 * A rate-limit store for @fastify/rate-limit counting in Redis, so the limit holds across every
 * instance of the service. A Redis failure is REDIS_UNAVAILABLE (503, retryable), never a 500.
 */
export function redisRateStore(redis: Redis, namespace: string): FastifyRateLimitStoreCtor {
  const store = (
    prefix: string,
  ): FastifyRateLimitStore & { incr(key: string, cb: Callback, timeWindow?: number): void } => ({
    incr(key: string, cb: Callback, timeWindow = 60_000) {
      redis.eval(HIT, 1, `${prefix}${key}`, String(timeWindow)).then(
        (result) => {
          const [current, ttl] = result as [number, number];
          cb(null, { current, ttl });
        },
        (err: unknown) =>
          cb(
            new PipelineError(
              'REDIS_UNAVAILABLE',
              'Redis, which keeps the rate limit of every instance, is not answering',
              {
                headers: { 'retry-after': '5' },
                cause: err,
              },
            ),
          ),
      );
    },
    child(routeOptions) {
      return store(`${prefix}${[routeOptions.method].flat().join(',')}${routeOptions.url}-`);
    },
  });
  // The plugin constructs its store; this one only needs the client given above.
  return class {
    constructor() {
      return store(namespace);
    }
  } as unknown as FastifyRateLimitStoreCtor;
}

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;
