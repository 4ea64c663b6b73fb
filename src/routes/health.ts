import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { SERVICE_NAME, SERVICE_VERSION } from '../util/version.js';
import type { EngineRegistry } from '../engines/registry.js';

export const EngineHealthSchema = z.object({
  engine_id: z.string().describe('Engine id, e.g. local_comfy'),
  engine_type: z.enum(['local', 'remote']),
  status: z.enum(['healthy', 'unhealthy', 'unknown']),
  latency_ms: z.number().nullable().describe('Round trip of the health probe'),
  checked_at: z.string(),
  error_code: z.string().nullable(),
  message: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).describe('Engine facts: ComfyUI version, devices, URL'),
});

const HealthResponse = z.object({
  ok: z.literal(true),
  status: z.enum(['ok', 'degraded']).describe('"degraded" when an engine is not healthy; the service itself is up'),
  service: z.string(),
  version: z.string(),
  uptime_seconds: z.number(),
  engines: z.array(EngineHealthSchema),
});

const ApiIndex = z.object({
  ok: z.literal(true),
  name: z.string(),
  version: z.string(),
  links: z.record(z.string(), z.string()).describe('Entry points of the API'),
});

export const healthRoutes = (deps: { engines: EngineRegistry; startedAt: number }): FastifyPluginAsyncZod => async (app) => {
  app.get('/api/health', {
    schema: { tags: ['service'], summary: 'Liveness and engine health', response: { 200: HealthResponse } },
  }, async () => {
    const engines = await deps.engines.health();
    return {
      ok: true as const,
      status: engines.every((e) => e.status === 'healthy') ? 'ok' as const : 'degraded' as const,
      service: SERVICE_NAME,
      version: SERVICE_VERSION,
      uptime_seconds: Math.round((Date.now() - deps.startedAt) / 1000),
      engines,
    };
  });

  app.get('/api', {
    schema: { tags: ['service'], summary: 'Name, version and links', response: { 200: ApiIndex } },
  }, async () => ({
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
  }));
};
