import { createReadStream } from 'node:fs';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorEnvelope, JobIdParams } from '../contracts/common.js';
import { ArtifactsResponse, JobStatus } from '../contracts/job.js';
import { PipelineError } from '../errors/pipeline-error.js';
import type { PipelineManager } from '../pipeline/manager.js';
import { isArtifactName } from '../store/artifact-store.js';
import { isJobId } from '../store/job-store.js';

const notFound = (jobId: string) => new PipelineError('FILE_NOT_FOUND', `No job with id "${jobId.slice(0, 100)}"`, { detail: { job_id: jobId.slice(0, 100) } });

export const jobRoutes = (deps: { manager: PipelineManager }): FastifyPluginAsyncZod => async (app) => {
  app.get('/api/pipeline/jobs/:job_id', {
    schema: { tags: ['jobs'], summary: 'Status of a job', params: JobIdParams, response: { 200: JobStatus, 404: ErrorEnvelope } },
  }, async (request) => {
    if (!isJobId(request.params.job_id)) throw notFound(request.params.job_id);
    return deps.manager.getStatus(request.params.job_id);
  });

  app.get('/api/pipeline/jobs/:job_id/artifacts', {
    schema: { tags: ['jobs'], summary: 'Artifacts of a job with provenance', params: JobIdParams, response: { 200: ArtifactsResponse, 404: ErrorEnvelope } },
  }, async (request) => {
    if (!isJobId(request.params.job_id)) throw notFound(request.params.job_id);
    const { job, artifacts } = await deps.manager.getArtifacts(request.params.job_id);
    return { ok: true as const, job_id: job.job_id, artifacts };
  });

  app.get('/api/pipeline/jobs/:job_id/artifacts/:filename', {
    schema: {
      tags: ['jobs'],
      summary: 'Download one artifact',
      params: JobIdParams.extend({ filename: z.string().describe('Artifact file name from the artifacts listing') }).strict(),
      response: { 200: z.any().describe('The file bytes'), 304: z.null().describe('Not modified'), 404: ErrorEnvelope },
    },
  }, async (request, reply) => {
    const { job_id: jobId, filename } = request.params;
    if (!isJobId(jobId)) throw notFound(jobId);
    if (!isArtifactName(filename)) throw new PipelineError('FILE_NOT_FOUND', 'No such artifact', { detail: { job_id: jobId } });
    const file = await deps.manager.openArtifact(jobId, filename);
    const etag = `"${file.record.sha256}"`;
    reply.header('etag', etag).header('x-content-type-options', 'nosniff').header('cache-control', 'private, max-age=31536000, immutable');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send(null);
    reply.header('content-type', file.record.content_type)
      .header('content-length', String(file.size))
      .header('content-disposition', `inline; filename="${filename}"`);
    return reply.send(createReadStream(file.path));
  });
};
