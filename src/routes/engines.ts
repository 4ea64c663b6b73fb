import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Workers } from '../workers/workers.js';
import { EngineHealthSchema } from './health.js';

const BackendStateSchema = z
  .object({
    state: z
      .enum(['accepting', 'paused', 'stopped'])
      .describe('accepting: takes jobs; paused: unreachable or faulted, probed with backoff; stopped: shutting down'),
    paused_reason: z.string().nullable().describe('Why it is paused'),
    slots: z.number().int().describe('Jobs it takes at once (concurrency + prefetch)'),
    running_jobs: z.array(z.string()).describe('Ids of the jobs handed to it now'),
    loaded_checkpoint: z
      .string()
      .nullable()
      .describe(
        'The checkpoint of the last job it completed (still loaded in its VRAM); jobs using it are sent here first',
      ),
    catalogue_classes: z
      .number()
      .int()
      .nullable()
      .describe('Node classes in its catalogue (null until read): jobs are dispatched by it'),
    jobs_completed: z.number().int().describe('Jobs it completed since start'),
    jobs_failed: z.number().int().describe('Jobs that failed on it since start'),
    jobs_moved: z.number().int().describe('Jobs taken off it (it died or faulted mid-job) to run on another backend'),
  })
  .describe("The backend's worker");

export const engineRoutes =
  (deps: { workers: Workers }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/pipeline/engines',
      {
        schema: {
          tags: ['engines'],
          summary: "Every ComfyUI backend with its live health and its worker's state",
          response: {
            200: z.object({
              ok: z.literal(true).describe('Always true'),
              engines: z
                .array(EngineHealthSchema.extend({ worker: BackendStateSchema }))
                .describe('Configured backends, in configuration order'),
            }),
          },
        },
      },
      async () => ({ ok: true as const, engines: await deps.workers.health() }),
    );
  };
