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
import { createRedisClient } from './distributed/redis-client.js';

export interface ContainerOptions {
  logger?: Logger;
  /** Replace the configured engines (tests plug in extra adapters here). */
  engines?: EngineAdapter[];
  /** Faster polling for tests against the simulator. */
  comfyPollIntervalMs?: number;
}

/** The composition root: builds every real part from the configuration. */
export async function createContainer(config: AppConfig, options: ContainerOptions = {}): Promise<AppDeps> {
  const logger = options.logger ?? createLogger(config.logLevel);
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
  // The embedded implementations of the ports: in-process queue, data-folder files, local folder.
  const queue = new InProcessJobQueue(config.queueMaxDepth);
  const repository = FileJobRepository.create(config.dataDir);
  const artifacts = new ArtifactStore(path.join(config.dataDir, 'artifacts'), config.dataDir);
  const uploads = new UploadStore(path.join(config.dataDir, 'uploads'));
  const core = new Lifecycle({
    repository,
    config,
    logger,
    presets,
    engines,
    queue,
    jobs: repository.records,
    jobLogger: repository.log,
    index: repository.index,
    artifacts,
    uploads,
  });
  await core.init();
  // Shared state across instances lives in Redis when it is configured (the rate limit, for now).
  const redis = config.redisUrl ? createRedisClient(config.redisUrl, logger) : null;
  return { config, logger, presets, engines, core, uploads, redis };
}
