import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { JobSignals } from '../core/job-signals.js';
import { isJobId } from '../store/job-store.js';

/**
 * JobSignals over Redis pub/sub. A message can be missed (an instance reconnecting), so a cancel
 * is also recorded in the job's event log, where the instance that adopts the job next finds it.
 */
export class RedisJobSignals implements JobSignals {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly listeners = new Set<(jobId: string) => void>();
  private readonly channel: string;

  constructor(url: string, prefix: string, logger: Logger) {
    this.channel = `${prefix}:cancel`;
    const options = { maxRetriesPerRequest: null, enableReadyCheck: false } as const;
    this.publisher = new Redis(url, { ...options, maxRetriesPerRequest: 1, commandTimeout: 1_000 });
    this.subscriber = new Redis(url, options);
    for (const r of [this.publisher, this.subscriber]) r.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, jobId: string) => {
      if (!isJobId(jobId)) return;
      for (const l of [...this.listeners]) l(jobId);
    });
    this.subscriber
      .subscribe(this.channel)
      .catch((err: unknown) => logger.warn({ err }, 'could not subscribe to cancel messages'));
  }

  async cancel(jobId: string): Promise<void> {
    await this.publisher.publish(this.channel, jobId);
  }

  onCancel(listener: (jobId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.listeners.clear();
    this.publisher.disconnect();
    this.subscriber.disconnect();
    return Promise.resolve();
  }
}
