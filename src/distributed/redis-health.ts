import type { Redis } from 'ioredis';

/** A service this one depends on (Redis, PostgreSQL, S3), as /api/health and /metrics report it. */
export interface DependencyHealth {
  name: string;
  status: 'healthy' | 'unhealthy';
  latency_ms: number | null;
  error_code: string | null;
  message: string | null;
}

/** PING, bounded by the client's command timeout (1 s); never throws. */
export async function probeRedis(redis: Redis): Promise<DependencyHealth> {
  const started = performance.now();
  try {
    await redis.ping();
    return {
      name: 'redis',
      status: 'healthy',
      latency_ms: Math.round(performance.now() - started),
      error_code: null,
      message: null,
    };
  } catch (err) {
    return {
      name: 'redis',
      status: 'unhealthy',
      latency_ms: null,
      error_code: 'REDIS_UNAVAILABLE',
      message: `Redis does not answer: ${(err as Error).message.slice(0, 200)}`,
    };
  }
}
