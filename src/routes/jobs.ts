import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorEnvelope, JobIdParams } from '../contracts/common.js';
import { JobStatusValue } from '../contracts/generate.js';
import { ArtifactsResponse, JobStatus } from '../contracts/job.js';
import { PipelineError } from '../errors/pipeline-error.js';
import type { Admission } from '../admission/admission.js';
import { notFound, type JobQueries } from '../queries/job-queries.js';
import { isJobId } from '../store/job-store.js';
import { StreamBudget, streamJobEvents } from './job-events.js';
import { resolveContentImage, sendArtifact } from './artifact-download.js';

const ListQuery = z
  .object({
    status: JobStatusValue.optional(),
    preset_id: z.string().min(1).max(200).optional().describe('Only jobs of this preset'),
    limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size (1–200, default 50)'),
    cursor: z.string().max(200).optional().describe('next_cursor of the previous page'),
  })
  .strict();

const encodeCursor = (c: { created_ms: number; job_id: string }) =>
  Buffer.from(JSON.stringify([c.created_ms, c.job_id])).toString('base64url');
function decodeCursor(raw: string): { created_ms: number; job_id: string } {
  try {
    const [created_ms, job_id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof created_ms === 'number' && typeof job_id === 'string' && isJobId(job_id)) return { created_ms, job_id };
  } catch {
    /* fall through */
  }
  throw new PipelineError('CONTRACT_MISMATCH', 'The cursor is not one this service issued', {
    errors: [{ field: 'cursor', message: 'Use next_cursor from the previous page' }],
  });
}

const LogEvent = z
  .object({
    seq: z.number().int().describe('Sequence number of the event within the job'),
    at: z.string().describe('When it happened (ISO 8601)'),
    event: z
      .string()
      .describe('queued, started, graph_built, submitted, progress, artifact, completed, failed, cancelled…'),
  })
  .catchall(z.unknown())
  .describe('One redacted log event');

export const jobRoutes =
  (deps: {
    admission: Admission;
    queries: JobQueries;
    sseMaxStreams: number;
    sseMaxStreamsPerJob: number;
  }): FastifyPluginAsyncZod =>
  async (app) => {
    const streams = new StreamBudget(deps.sseMaxStreams, deps.sseMaxStreamsPerJob);
    const checkId = (id: string) => {
      if (!isJobId(id)) throw notFound(id);
    };

    app.get(
      '/api/pipeline/jobs',
      {
        schema: {
          tags: ['jobs'],
          summary: 'List jobs, newest first, with a cursor',
          querystring: ListQuery,
          response: {
            200: z.object({
              ok: z.literal(true).describe('Always true on success'),
              jobs: z.array(JobStatus).describe('Jobs, newest first'),
              next_cursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page'),
            }),
            422: ErrorEnvelope,
          },
        },
      },
      async (request) => {
        const { status, preset_id, limit, cursor } = request.query;
        const page = await deps.queries.list({
          status,
          preset_id,
          limit,
          cursor: cursor ? decodeCursor(cursor) : undefined,
        });
        return { ok: true as const, jobs: page.jobs, next_cursor: page.next ? encodeCursor(page.next) : null };
      },
    );

    app.get(
      '/api/pipeline/jobs/:job_id',
      {
        schema: {
          tags: ['jobs'],
          summary: 'Status of a job',
          params: JobIdParams,
          response: { 200: JobStatus, 404: ErrorEnvelope },
        },
      },
      (request, reply) => {
        // Synchronous on purpose when it can be: the hottest read route; a throw here reaches the
        // error handler too. No id syntax check here: the status never comes from a path.
        const body = deps.queries.statusBody(request.params.job_id);
        if (typeof body === 'string') {
          reply.type('application/json; charset=utf-8').send(body as never);
          return;
        }
        return body.then((text) => {
          reply.type('application/json; charset=utf-8').send(text as never);
        });
      },
    );

    app.post(
      '/api/pipeline/jobs/:job_id/cancel',
      {
        schema: {
          tags: ['jobs'],
          summary: 'Cancel a queued or running job',
          params: JobIdParams,
          response: { 200: JobStatus, 404: ErrorEnvelope, 409: ErrorEnvelope },
        },
      },
      async (request) => {
        checkId(request.params.job_id);
        await deps.admission.cancel(request.params.job_id);
        return deps.queries.getStatus(request.params.job_id);
      },
    );

    app.get(
      '/api/pipeline/jobs/:job_id/logs',
      {
        schema: {
          tags: ['jobs'],
          summary: "The job's redacted event log",
          params: JobIdParams,
          querystring: z
            .object({
              since: z.coerce.number().int().min(0).default(0).describe('Only events with seq greater than this'),
            })
            .strict(),
          response: {
            200: z.object({
              ok: z.literal(true).describe('Always true on success'),
              job_id: z.string().describe('Job id'),
              events: z.array(LogEvent).describe('Events after `since`'),
              next_since: z.number().int().describe('Pass as since to follow'),
            }),
            404: ErrorEnvelope,
          },
        },
      },
      async (request) => {
        checkId(request.params.job_id);
        const events = await deps.queries.logs(request.params.job_id, request.query.since);
        return {
          ok: true as const,
          job_id: request.params.job_id,
          events,
          next_since: events.at(-1)?.seq ?? request.query.since,
        };
      },
    );

    app.get(
      '/api/pipeline/jobs/:job_id/events',
      {
        schema: {
          tags: ['jobs'],
          summary: 'Live job events (Server-Sent Events)',
          description:
            'Events: state (current status, first), log (id = seq; resume with Last-Event-ID), progress (throttled), end (terminal status; the stream then closes).',
          params: JobIdParams,
          querystring: z
            .object({ since: z.coerce.number().int().min(0).optional().describe('Like Last-Event-ID') })
            .strict(),
          response: { 200: z.string().describe('text/event-stream'), 404: ErrorEnvelope, 503: ErrorEnvelope },
        },
      },
      async (request, reply) => {
        checkId(request.params.job_id);
        const header = Number(request.headers['last-event-id']);
        const since = Number.isInteger(header) && header >= 0 ? header : (request.query.since ?? 0);
        await streamJobEvents(request, reply, request.params.job_id, since, { ...deps, streams });
      },
    );

    app.get(
      '/api/pipeline/jobs/:job_id/artifacts',
      {
        schema: {
          tags: ['jobs'],
          summary: 'Artifacts of a job with provenance',
          params: JobIdParams,
          response: { 200: ArtifactsResponse, 404: ErrorEnvelope },
        },
      },
      async (request) => {
        checkId(request.params.job_id);
        const { job, artifacts } = await deps.queries.getArtifacts(request.params.job_id);
        return { ok: true as const, job_id: job.job_id, artifacts };
      },
    );

    app.get(
      '/api/pipeline/jobs/:job_id/artifacts/:filename',
      {
        schema: {
          tags: ['jobs'],
          summary: 'Download one artifact',
          params: JobIdParams.extend({
            filename: z.string().describe('Artifact file name from the artifacts listing'),
          }).strict(),
          response: {
            200: z.any().describe('The file bytes'),
            304: z.null().describe('Not modified'),
            404: ErrorEnvelope,
          },
        },
      },
      async (request, reply) =>
        sendArtifact(deps.queries, request, reply, request.params.job_id, request.params.filename),
    );

    app.get(
      '/content/images/*',
      {
        schema: {
          tags: ['jobs'],
          summary: "The original frontend's image URL: an alias of the artifact download",
          description:
            "Resolves `/content/images/` followed by this service's artifact URL (`/api/pipeline/jobs/{job_id}/artifacts/{filename}`) or the original service's relative path (`{job_id}/image/{filename}`), and serves the artifact exactly as the download route does.",
          params: z.object({ '*': z.string().describe('An artifact URL or relative artifact path') }),
          response: {
            200: z.any().describe('The file bytes'),
            304: z.null().describe('Not modified'),
            404: ErrorEnvelope,
          },
        },
      },
      async (request, reply) => {
        const target = resolveContentImage(request.params['*']);
        if (!target)
          throw new PipelineError('FILE_NOT_FOUND', 'No such image', {
            detail: { path: request.params['*'].slice(0, 200) },
          });
        return sendArtifact(deps.queries, request, reply, target.jobId, target.filename);
      },
    );
  };
