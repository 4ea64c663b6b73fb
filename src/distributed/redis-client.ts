import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * The Redis connection shared by the parts that keep state across instances (the generate rate
 * limit today; the BullMQ queue next). Commands fail within a second while Redis is away instead
 * of queueing for ever, so a request gets REDIS_UNAVAILABLE at once; the client reconnects on its
 * own, with backoff, and says so in the log once per outage.
 */
export function createRedisClient(url: string, logger: Logger): Redis {
  let down = false;
  const redis = new Redis(url, {
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2_000),
  });
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.warn(
      { err: { message: err.message } },
      'Redis is unreachable; requests that need it answer 503 REDIS_UNAVAILABLE',
    );
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('Redis answers again');
  });
  return redis;
}
