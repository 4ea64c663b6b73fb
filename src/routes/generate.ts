import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import rateLimit from '@fastify/rate-limit';
import { ErrorEnvelope } from '../contracts/common.js';
import { GenerateRequest, GenerateResponse } from '../contracts/generate.js';
import { classifyError } from '../errors/classify.js';
import { PipelineError } from '../errors/pipeline-error.js';
import type { Admission } from '../admission/admission.js';
import type { Redis } from 'ioredis';
import { redisRateStore } from '../distributed/redis-rate-store.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export const generateRoutes =
  (deps: { admission: Admission; rateLimitPerMinute: number; redis?: Redis | null }): FastifyPluginAsyncZod =>
  async (app) => {
    // Encapsulated here: only generation is rate limited, and no other route pays for the plugin.
    await app.register(rateLimit, {
      global: false,
      // With Redis the count is shared by every instance; a Redis failure is a 503, not a pass.
      ...(deps.redis ? { store: redisRateStore(deps.redis, 'ainfluencer-rate-'), skipOnError: false } : {}),
      errorResponseBuilder: (_request, context) =>
        new PipelineError('RATE_LIMIT_EXCEEDED', `At most ${context.max} generation requests per minute`, {
          headers: { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
          detail: { limit_per_minute: context.max },
        }),
    });
    app.post(
      '/api/pipeline/generate/image',
      {
        config: deps.rateLimitPerMinute > 0 ? { rateLimit: { max: deps.rateLimitPerMinute, timeWindow: 60_000 } } : {},
        schema: {
          tags: ['generation'],
          summary: 'Generate an image with a preset',
          description: [
            'By default waits until the job ends (200 with the completed job, or the error envelope with job_id).',
            'With header "Prefer: respond-async" answers 202 at once with the queued job and a Location header.',
            'An "Idempotency-Key" header makes retries safe: the same key within 24 h returns the same job.',
          ].join(' '),
          body: GenerateRequest,
          response: {
            200: GenerateResponse,
            202: GenerateResponse,
            400: ErrorEnvelope,
            409: ErrorEnvelope,
            422: ErrorEnvelope,
            424: ErrorEnvelope,
            429: ErrorEnvelope,
            502: ErrorEnvelope,
            503: ErrorEnvelope,
            504: ErrorEnvelope,
          },
        },
      },
      async (request, reply) => {
        const key = request.headers['idempotency-key'];
        if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
          throw new PipelineError('VALIDATION_ERROR', 'Idempotency-Key must be 1–200 visible ASCII characters', {
            detail: { header: 'idempotency-key' },
          });
        }
        const async = /\brespond-async\b/i.test(String(request.headers.prefer ?? ''));
        const { job } = await deps.admission.submit(request.body, { idempotencyKey: key, waitForEngine: async });
        if (async) {
          await deps.admission.durable(job.job_id); // acknowledged only once it survives a power cut
          reply
            .code(202)
            .header('location', `/api/pipeline/jobs/${job.job_id}`)
            .header('preference-applied', 'respond-async');
          return deps.admission.generateResponse(job);
        }
        const { job: finished, error } = await deps.admission.waitForEnd(job.job_id);
        if (finished.status !== 'completed') {
          throw Object.assign(
            classifyError(
              error ??
                new PipelineError(
                  (finished.error_code as never) ?? 'UNKNOWN_ERROR',
                  finished.error ?? 'The job did not complete',
                ),
            ),
            { jobId: finished.job_id },
          );
        }
        return deps.admission.generateResponse(finished);
      },
    );
  };
