import type { S3Client } from '@aws-sdk/client-s3';
import type { Redis } from 'ioredis';

/** A service this one depends on (Redis, PostgreSQL, S3), as /api/health and /metrics report it. */
export interface DependencyHealth {
  name: string;
  status: 'healthy' | 'unhealthy';
  latency_ms: number | null;
  error_code: string | null;
  message: string | null;
}

/** Time a probe, bounded by `timeoutMs` (Redis's PING is bounded by its client's command timeout too); never throws. */
async function probe(
  name: string,
  errorCode: string,
  timeoutMs: number,
  check: (signal: AbortSignal) => Promise<unknown>,
): Promise<DependencyHealth> {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    await Promise.race([
      check(signal),
      new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error(`no answer in ${timeoutMs} ms`))),
      ),
    ]);
    return {
      name,
      status: 'healthy',
      latency_ms: Math.round(performance.now() - started),
      error_code: null,
      message: null,
    };
  } catch (err) {
    return {
      name,
      status: 'unhealthy',
      latency_ms: null,
      error_code: errorCode,
      message: `${name} does not answer: ${String((err as Error).message).slice(0, 200)}`,
    };
  }
}

export interface DependencyClients {
  redis?: Redis | null;
  postgres?: { ping(): Promise<void> } | null;
  s3?: { client: S3Client; bucket: string } | null;
}

/** Every configured dependency's health, probed side by side (nothing listed in the embedded mode). */
export function probeDependencies(clients: DependencyClients): Promise<DependencyHealth[]> {
  const probes: Promise<DependencyHealth>[] = [];
  const redis = clients.redis;
  if (redis) probes.push(probe('redis', 'REDIS_UNAVAILABLE', 2_000, () => redis.ping()));
  const pg = clients.postgres;
  if (pg) probes.push(probe('postgres', 'DB_UNAVAILABLE', 2_000, () => pg.ping()));
  const s3 = clients.s3;
  if (s3)
    probes.push(
      // The SDK is loaded only where S3 is configured (it is tens of MB and hundreds of ms to load).
      probe('s3', 'STORAGE_UNAVAILABLE', 3_000, async (signal) => {
        const { HeadBucketCommand } = await import('@aws-sdk/client-s3');
        return s3.client.send(new HeadBucketCommand({ Bucket: s3.bucket }), { abortSignal: signal });
      }),
    );
  return Promise.all(probes);
}
