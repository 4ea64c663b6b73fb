import path from 'node:path';
import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import { createLogger } from './logger.js';
import { loadPresetRegistry } from './presets/registry.js';
import { createEngineRegistry } from './engines/registry.js';
import { LocalComfyAdapter } from './engines/comfy/adapter.js';
import type { EngineAdapter } from './engines/engine.js';
import { ArtifactStore } from './store/artifact-store.js';
import { UploadStore } from './store/upload-store.js';
import { checkDataDir } from './store/data-dir.js';
import { persistentClientId } from './store/client-id.js';
import { Lifecycle } from './lifecycle/lifecycle.js';
import { InProcessJobQueue } from './embedded/in-process-queue.js';
import { FileJobRepository } from './embedded/file-job-repository.js';
import type { AppDeps } from './app.js';
import type { JobQueue } from './ports/job-queue.js';
import { LocalJobSignals } from './embedded/local-job-signals.js';

export interface ContainerOptions {
  logger?: Logger;
  /** Replace the configured engines (tests plug in extra adapters here). */
  engines?: EngineAdapter[];
  /** Faster polling for tests against the simulator. */
  comfyPollIntervalMs?: number;
  /**
   * Leave `core.init()` (reading the job history, recovery, starting the workers) to the caller, so
   * the server can listen first and answer /api/health with "starting" meanwhile.
   */
  deferInit?: boolean;
}

/** The composition root: builds every real part from the configuration. */
export async function createContainer(config: AppConfig, options: ContainerOptions = {}): Promise<AppDeps> {
  const logger = options.logger ?? createLogger(config.logLevel, undefined, config.logFormat);
  const presets = loadPresetRegistry(config.presetsDir);
  checkDataDir(config.dataDir);
  // One adapter per ComfyUI backend, each with its own connections, socket and client id.
  const engines = createEngineRegistry(
    options.engines ??
      (await Promise.all(
        config.backends.map(
          async (backend) =>
            new LocalComfyAdapter({
              engineId: backend.id,
              clientId: await persistentClientId(config.dataDir, backend.id),
              baseUrl: backend.url,
              httpTimeoutMs: config.comfyHttpTimeoutMs,
              healthTimeoutMs: config.comfyHealthTimeoutMs,
              pollIntervalMs: options.comfyPollIntervalMs,
              maxJsonBytes: config.limits.comfyMaxJsonBytes,
              wsMaxPayloadBytes: config.limits.comfyWsMaxPayloadBytes,
              downloadConcurrency: config.limits.comfyDownloadConcurrency,
              healthCacheMs: config.limits.healthCacheMs,
              onLog: (level, msg, extra) => logger[level]({ engine: backend.id, ...extra }, msg),
            }),
        ),
      )),
  );
  // Each port's implementation, by configuration: the embedded default (in-process queue,
  // data-folder files, local folder) or the distributed one (BullMQ, PostgreSQL, S3). Any mix works.
  // The distributed modules (BullMQ, pg, the AWS SDK) are loaded only when configured: together
  // they took 0.5 s and tens of MB of every embedded start.
  const { stores } = config;
  let queue: JobQueue;
  if (stores.queue === 'bullmq') {
    const { BullmqJobQueue } = await import('./distributed/bullmq-job-queue.js');
    queue = new BullmqJobQueue({
      redisUrl: config.redisUrl!,
      bound: config.queueMaxDepth,
      prefix: stores.queuePrefix,
      stalledIntervalMs: stores.stalledIntervalMs,
    });
  } else queue = new InProcessJobQueue(config.queueMaxDepth);
  const files = stores.jobs === 'files' ? FileJobRepository.create(config.dataDir) : null;
  const postgres = files
    ? null
    : await (
        await import('./distributed/postgres-job-repository.js')
      ).PostgresJobRepository.open({ connectionString: stores.databaseUrl! });
  const repository = files ?? postgres!;
  // Downloads are staged (and, in the embedded mode, kept) in the local folder.
  const artifacts = new ArtifactStore(path.join(config.dataDir, 'artifacts'), config.dataDir);
  const s3 =
    stores.artifacts === 's3'
      ? {
          client: (await import('./distributed/s3-client.js')).createS3Client({
            endpoint: stores.s3.endpoint,
            region: stores.s3.region,
          }),
          bucket: stores.s3.bucket!,
        }
      : null;
  const sharedArtifacts = s3
    ? new (await import('./distributed/s3-artifact-store.js')).S3ArtifactStore({ client: s3.client, bucket: s3.bucket })
    : null;
  const uploads = new UploadStore(path.join(config.dataDir, 'uploads'));
  const signals =
    stores.queue === 'bullmq'
      ? new (await import('./distributed/redis-job-signals.js')).RedisJobSignals(
          config.redisUrl!,
          stores.queuePrefix,
          logger,
        )
      : files
        ? null
        : new LocalJobSignals();
  const core = new Lifecycle({
    repository,
    embedded: files ? { jobs: files.records, jobLogger: files.log, index: files.index } : null,
    config,
    logger,
    presets,
    engines,
    queue,
    artifacts,
    sharedArtifacts,
    uploads,
    signals,
  });
  if (!options.deferInit) await core.init();
  // Shared state across instances lives in Redis when it is configured (the rate limit).
  const redis = config.redisUrl
    ? (await import('./distributed/redis-client.js')).createRedisClient(config.redisUrl, logger)
    : null;
  return { config, logger, presets, engines, core, uploads, redis, dependencies: { redis, postgres, s3 } };
}
