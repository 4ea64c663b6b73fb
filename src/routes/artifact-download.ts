import { createReadStream } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PipelineError } from '../errors/pipeline-error.js';
import { notFound, type PipelineManager } from '../pipeline/manager.js';
import { isStoredFileName } from '../store/original-record.js';
import { isJobId } from '../store/job-store.js';
import { servedAs } from '../util/media-type.js';

const ARTIFACT_CSP = "default-src 'none'; sandbox";

/**
 * Stream one stored artifact, by job id and server-chosen file name (both checked before any path
 * is built). An artifact is whatever ComfyUI wrote: it never runs as a page of this origin. Only
 * media types from the allow-list are served inline; anything else (HTML, SVG, scripts, unknown)
 * is an opaque attachment, and the sandbox CSP holds even if a browser renders it anyway.
 */
export async function sendArtifact(manager: PipelineManager, request: FastifyRequest, reply: FastifyReply, jobId: string, filename: string): Promise<FastifyReply> {
  if (!isJobId(jobId)) throw notFound(jobId);
  if (!isStoredFileName(filename)) throw new PipelineError('FILE_NOT_FOUND', 'No such artifact', { detail: { job_id: jobId } });
  const file = await manager.openArtifact(jobId, filename);
  const etag = `"${file.record.sha256}"`;
  reply.header('etag', etag).header('x-content-type-options', 'nosniff').header('cache-control', 'private, max-age=31536000, immutable')
    .header('content-security-policy', ARTIFACT_CSP);
  if (request.headers['if-none-match'] === etag) return reply.code(304).send(null);
  const served = servedAs(file.record.content_type);
  reply.header('content-type', served.contentType)
    .header('content-length', String(file.size))
    .header('content-disposition', `${served.disposition}; filename="${filename}"`);
  return reply.send(createReadStream(file.path));
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** This service's artifact URL, as the original frontend glues it after /content/images/. */
const PORT_URL = new RegExp(`^/*api/pipeline/jobs/(${UUID})/artifacts/([^/]+)$`);
/** The original service's relative artifact path: <job_id>/<type>/<file>. */
const ORIGINAL_PATH = new RegExp(`^/*(${UUID})/(image|video|audio|file)/([^/]+)$`);

/**
 * Where a /content/images/* path points: this service's artifact URL (the original frontend renders
 * `${API_BASE}/content/images/${output_url}`, hence a double slash) or the original's relative path.
 * Anything else is not an artifact.
 */
export function resolveContentImage(rest: string): { jobId: string; filename: string } | null {
  const port = PORT_URL.exec(rest);
  if (port) return { jobId: port[1]!, filename: port[2]! };
  const original = ORIGINAL_PATH.exec(rest);
  if (original) return { jobId: original[1]!, filename: original[3]! };
  return null;
}
