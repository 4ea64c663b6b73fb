import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { openapiTransform } from './openapi-docs.js';
import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import { installErrorHandling, zodValidatorCompiler } from './errors/http.js';
import { clientErrorHandler, frameworkErrors } from './errors/framework.js';
import { installAuth } from './auth.js';
import { requestGuard, isLoopbackBind } from './request-guards.js';
import { installResponseHeaders } from './response-headers.js';
import { healthRoutes } from './routes/health.js';
import { presetRoutes } from './routes/presets.js';
import type { PresetRegistry } from './presets/registry.js';
import type { EngineRegistry } from './engines/registry.js';
import type { Lifecycle } from './lifecycle/lifecycle.js';
import type { UploadStore } from './store/upload-store.js';
import type { Redis } from 'ioredis';
import { probeDependencies, type DependencyClients, type DependencyHealth } from './distributed/dependency-probes.js';
import { generateRoutes } from './routes/generate.js';
import { jobRoutes } from './routes/jobs.js';
import { uploadRoutes } from './routes/uploads.js';
import { engineRoutes } from './routes/engines.js';
import { metricsRoutes } from './routes/metrics.js';
import { webhookRoutes } from './routes/webhooks.js';
import { SERVICE_NAME, SERVICE_VERSION } from './util/version.js';

/** Live health of the shared services this instance uses (Redis when REDIS_URL is set). */
function dependencyHealth(deps: AppDeps): Promise<DependencyHealth[]> {
  return probeDependencies(deps.dependencies ?? { redis: deps.redis });
}

/** An incoming X-Request-Id is echoed only when it is short and plain. */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Fastify gives every request a child logger bound to its id. That costs more than a fast route's
 * own work, and above debug level nothing per-request is logged anyway: then Fastify gets this view
 * of the root logger whose child() is itself (our error envelopes and error logs carry the
 * request id explicitly). At debug and below, Fastify gets pino itself and real children.
 */
function sharedLogger(root: Logger): Logger {
  const view = Object.create(root) as Logger;
  view.child = (() => view) as unknown as Logger['child'];
  return view;
}

export interface AppDeps {
  config: AppConfig;
  logger: Logger;
  presets: PresetRegistry;
  engines: EngineRegistry;
  /** The job core: admission, queries, workers, and its start and shutdown. */
  core: Lifecycle;
  uploads: UploadStore;
  /** Redis shared by every instance (REDIS_URL), or null: then the rate limit is per process. */
  redis?: Redis | null;
  /** The distributed mode's servers, probed by /api/health and /metrics. */
  dependencies?: DependencyClients;
}

/**
 * Build the Fastify app. Never listens: src/server.ts does, and tests call this same function.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // One line per request only at debug: at info the log tells what happens to jobs (narrated-writes.ts).
  const requestLogging = deps.logger.isLevelEnabled('debug');
  const app = Fastify({
    loggerInstance: (requestLogging ? deps.logger : sharedLogger(deps.logger)) as unknown as FastifyBaseLogger,
    bodyLimit: deps.config.bodyLimitBytes,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    // Above debug, Fastify's own per-request log lines are not wanted: skip them entirely.
    logController: new LogController({ disableRequestLogging: !requestLogging }),
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: { ignoreTrailingSlash: true },
    // Requests waiting on jobs are answered in preClose (see below); after that, keep-alive
    // connections are closed rather than holding the shutdown open for their idle timeout.
    forceCloseConnections: true,
    // A request's headers and body must arrive within REQUEST_TIMEOUT_MS. Node checks both on a
    // timer, every second here (its default of 30 s would let a slow body run long past the limit),
    // and only cuts slow bodies when headersTimeout is no longer than requestTimeout.
    requestTimeout: deps.config.limits.requestTimeoutMs,
    http: { headersTimeout: deps.config.limits.requestTimeoutMs, connectionsCheckingInterval: 1_000 },
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.server.maxConnections = deps.config.limits.maxConnections;

  // Bodies are JSON or multipart only; a text/plain body is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(zodValidatorCompiler);
  // Responses are built by our own typed code and checked against the schemas in tests; skipping a
  // zod parse of every response keeps the read path close to bare Fastify (see BENCHMARKS.md).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandling(app);
  installResponseHeaders(app, deps.config.corsOrigins, {
    guard: requestGuard({
      loopbackOnly: !deps.config.apiToken && isLoopbackBind(deps.config.host),
      corsOrigins: deps.config.corsOrigins,
    }),
    startup: deps.core.startup,
  });
  installAuth(app, deps.config.apiToken);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'AInfluencer pipeline service',
        description:
          'Runs curated workflow presets on ComfyUI. Every error is the envelope {ok:false, error, error_code, message, remediation[], detail, request_id}.',
        version: SERVICE_VERSION,
      },
      tags: [
        { name: 'service', description: 'Health and index' },
        { name: 'presets', description: 'Workflow presets' },
        { name: 'engines', description: 'Execution engines' },
        { name: 'generation', description: 'Submit generation jobs' },
        { name: 'jobs', description: 'Job status, artifacts and control' },
      ],
    },
    transform: openapiTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  const startedAt = Date.now();
  await app.register(
    healthRoutes({
      engines: deps.engines,
      startedAt,
      dependencies: () => dependencyHealth(deps),
      startup: deps.core.startup,
    }),
  );
  await app.register(presetRoutes({ presets: deps.presets }));
  await app.register(engineRoutes({ workers: deps.core.workers }));
  await app.register(
    generateRoutes({
      admission: deps.core.admission,
      rateLimitPerMinute: deps.config.rateLimitPerMinute,
      redis: deps.redis ?? null,
    }),
  );
  await app.register(
    jobRoutes({
      admission: deps.core.admission,
      queries: deps.core.queries,
      sseMaxStreams: deps.config.limits.sseMaxStreams,
      sseMaxStreamsPerJob: deps.config.limits.sseMaxStreamsPerJob,
    }),
  );
  await app.register(
    webhookRoutes({
      outbox: deps.core.deps.repository.webhooks,
      queries: deps.core.queries,
      wake: () => deps.core.webhooks.wake(),
    }),
  );
  await app.register(metricsRoutes({ core: deps.core, dependencies: () => dependencyHealth(deps) }));
  await app.register(
    uploadRoutes({
      uploads: deps.uploads,
      uploadLimitBytes: deps.config.uploadLimitBytes,
      uploadMaxPixels: deps.config.limits.uploadMaxPixels,
    }),
  );

  // Jobs end before the server stops taking connections (preClose), so requests waiting on a job are
  // answered instead of holding the close open; engine connections end last.
  app.addHook('preClose', async () => {
    await deps.core.shutdown();
  });
  app.addHook('onClose', async () => {
    await deps.engines.close();
    if (deps.redis) await deps.redis.quit().catch(() => deps.redis?.disconnect());
  });

  app.log.debug({ service: SERVICE_NAME }, 'app built');
  return app;
}
