import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorEnvelope } from '../contracts/common.js';
import { GenerateRequest, GenerateResponse } from '../contracts/generate.js';
import { classifyError } from '../errors/classify.js';
import type { PipelineManager } from '../pipeline/manager.js';

export const generateRoutes = (deps: { manager: PipelineManager }): FastifyPluginAsyncZod => async (app) => {
  app.post('/api/pipeline/generate/image', {
    schema: {
      tags: ['generation'],
      summary: 'Generate an image with a preset (waits for the job to end)',
      description: 'Creates a job and waits until it completes or fails. A failed job still exists: the error envelope carries its job_id.',
      body: GenerateRequest,
      response: { 200: GenerateResponse, 400: ErrorEnvelope, 422: ErrorEnvelope, 424: ErrorEnvelope, 502: ErrorEnvelope, 503: ErrorEnvelope, 504: ErrorEnvelope },
    },
  }, async (request) => {
    const job = await deps.manager.submit(request.body);
    const { job: finished, error } = await deps.manager.waitForEnd(job.job_id);
    if (finished.status !== 'completed') {
      throw Object.assign(classifyError(error), { jobId: finished.job_id });
    }
    return deps.manager.generateResponse(finished);
  });
};
