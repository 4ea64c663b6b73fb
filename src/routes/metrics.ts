import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { EngineRegistry } from '../engines/registry.js';
import type { PipelineManager } from '../pipeline/manager.js';

export const metricsRoutes = (deps: { manager: PipelineManager; engines: EngineRegistry }): FastifyPluginAsyncZod => async (app) => {
  app.get('/metrics', {
    schema: { tags: ['service'], summary: 'Prometheus metrics', response: { 200: z.string().describe('Prometheus text format 0.0.4') } },
  }, async (_request, reply) => {
    const jobs = new Map<string, number>();
    for (const s of deps.manager.index.all()) {
      const key = `${s.status}|${s.preset_id}`;
      jobs.set(key, (jobs.get(key) ?? 0) + 1);
    }
    const health = await deps.engines.health();
    const text = deps.manager.metrics.render({
      jobs, queueDepth: await deps.manager.queueDepth(), running: deps.manager.runningJobs(),
      engines: health.map((h) => ({ id: h.engine_id, healthy: h.status === 'healthy', latencyMs: h.latency_ms })),
    });
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
  });
};
