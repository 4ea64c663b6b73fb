import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { SERVICE_NAME, SERVICE_VERSION } from '../util/version.js';
import type { EngineRegistry } from '../engines/registry.js';
import type { DependencyHealth } from '../distributed/dependency-probes.js';
import type { StartupState } from '../startup-gate.js';

export const EngineHealthSchema = z.object({
  engine_id: z.string().describe('Engine id, e.g. local_comfy'),
  engine_type: z.enum(['local', 'remote']).describe('local (ComfyUI on a machine you run) or remote'),
  status: z.enum(['healthy', 'unhealthy', 'unknown']).describe('Result of the last probe'),
  latency_ms: z.number().nullable().describe('Round trip of the health probe'),
  checked_at: z.string().describe('When the probe ran (ISO 8601)'),
  error_code: z.string().nullable().describe('Taxonomy code when unhealthy'),
  message: z.string().nullable().describe('Why it is unhealthy'),
  detail: z.record(z.string(), z.unknown()).describe('Engine facts: ComfyUI version, devices, URL'),
});

const HealthResponse = z.object({
  ok: z.literal(true).describe('Always true: the process is up'),
  status: z
    .enum(['ok', 'degraded', 'starting'])
    .describe(
      '"degraded" when an engine is not healthy; "starting" while the job history is read (job routes answer 503 with Retry-After meanwhile)',
    ),
  startup: z
    .object({
      indexed: z.number().int().describe('Job files read so far'),
      total: z.number().int().describe('Job files the index did not know (0 when it knew them all)'),
    })
    .optional()
    .describe('Present while starting'),
  service: z.string().describe('Service name'),
  version: z.string().describe('Service version'),
  uptime_seconds: z.number().describe('Seconds since start'),
  engines: z.array(EngineHealthSchema).describe('Each configured engine with its live health'),
  dependencies: z
    .array(
      z.object({
        name: z.string().describe('redis (when REDIS_URL is set)'),
        status: z.enum(['healthy', 'unhealthy']).describe('Result of the probe'),
        latency_ms: z.number().nullable().describe('Round trip of the probe'),
        error_code: z.string().nullable().describe('Taxonomy code when unhealthy'),
        message: z.string().nullable().describe('Why it is unhealthy'),
      }),
    )
    .describe('Shared services this instance uses, with live health (empty when it uses none)'),
});

const ApiIndex = z.object({
  ok: z.literal(true).describe('Always true'),
  name: z.string().describe('Service name'),
  version: z.string().describe('Service version'),
  links: z.record(z.string(), z.string()).describe('Entry points of the API'),
});

export const healthRoutes =
  (deps: {
    engines: EngineRegistry;
    startedAt: number;
    dependencies?: () => Promise<DependencyHealth[]>;
    startup?: StartupState;
  }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/health',
      {
        schema: { tags: ['service'], summary: 'Liveness and engine health', response: { 200: HealthResponse } },
      },
      async () => {
        const [engines, dependencies] = await Promise.all([deps.engines.health(), deps.dependencies?.() ?? []]);
        const healthy =
          engines.every((e) => e.status === 'healthy') && dependencies.every((d) => d.status === 'healthy');
        const starting = deps.startup !== undefined && !deps.startup.ready;
        return {
          ok: true as const,
          status: starting ? ('starting' as const) : healthy ? ('ok' as const) : ('degraded' as const),
          ...(starting ? { startup: { indexed: deps.startup!.indexed, total: deps.startup!.total } } : {}),
          service: SERVICE_NAME,
          version: SERVICE_VERSION,
          uptime_seconds: Math.round((Date.now() - deps.startedAt) / 1000),
          engines,
          dependencies,
        };
      },
    );

    app.get(
      '/api',
      {
        schema: { tags: ['service'], summary: 'Name, version and links', response: { 200: ApiIndex } },
      },
      async () => ({
        ok: true as const,
        name: SERVICE_NAME,
        version: SERVICE_VERSION,
        links: {
          health: '/api/health',
          presets: '/api/pipeline/presets',
          engines: '/api/pipeline/engines',
          generate: '/api/pipeline/generate/image',
          jobs: '/api/pipeline/jobs/{job_id}',
          uploads: '/api/pipeline/uploads',
          docs: '/docs',
          openapi: '/docs/json',
        },
      }),
    );
  };
