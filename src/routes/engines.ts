import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { EngineRegistry } from '../engines/registry.js';
import { EngineHealthSchema } from './health.js';

export const engineRoutes = (deps: { engines: EngineRegistry }): FastifyPluginAsyncZod => async (app) => {
  app.get('/api/pipeline/engines', {
    schema: {
      tags: ['engines'],
      summary: 'Configured engines with live health',
      response: { 200: z.object({ ok: z.literal(true).describe('Always true'), engines: z.array(EngineHealthSchema).describe('Configured engines with live health') }) },
    },
  }, async () => ({ ok: true as const, engines: await deps.engines.health() }));
};
