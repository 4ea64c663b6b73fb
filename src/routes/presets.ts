import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PresetIdParams, PresetListQuery, WorkflowPreset } from '../contracts/preset.js';
import { ErrorEnvelope } from '../contracts/common.js';
import { PipelineError } from '../errors/pipeline-error.js';
import type { PresetRegistry } from '../presets/registry.js';

export const presetRoutes =
  (deps: { presets: PresetRegistry }): FastifyPluginAsyncZod =>
  async (app) => {
    const cache = new Map<string, string>();
    app.get(
      '/api/pipeline/presets',
      {
        schema: {
          tags: ['presets'],
          summary: 'List workflow presets (photoreal_portrait_v1 first)',
          querystring: PresetListQuery,
          response: {
            200: z.object({
              ok: z.literal(true).describe('Always true on success'),
              presets: z.array(WorkflowPreset).describe('Presets, photoreal_portrait_v1 first'),
            }),
            422: ErrorEnvelope,
          },
        },
      },
      (request, reply) => {
        // Presets never change while the service runs: each listing is serialised once.
        const key = `${request.query.category ?? ''}|${request.query.engine ?? ''}`;
        let body = cache.get(key);
        if (body === undefined) {
          body = JSON.stringify({ ok: true, presets: deps.presets.list(request.query) });
          if (cache.size < 256) cache.set(key, body);
        }
        reply.type('application/json; charset=utf-8').send(body as never);
      },
    );

    app.get(
      '/api/pipeline/presets/:preset_id',
      {
        schema: {
          tags: ['presets'],
          summary: 'One workflow preset',
          params: PresetIdParams,
          response: {
            200: z.object({ ok: z.literal(true).describe('Always true on success'), preset: WorkflowPreset }),
            404: ErrorEnvelope,
          },
        },
      },
      async (request) => {
        const loaded = deps.presets.get(request.params.preset_id);
        if (!loaded) {
          throw new PipelineError('FILE_NOT_FOUND', `No preset with id "${request.params.preset_id}"`, {
            detail: { preset_id: request.params.preset_id, available: deps.presets.ids() },
          });
        }
        return { ok: true as const, preset: loaded.preset };
      },
    );
  };
