import type { FastifyReply, FastifyRequest } from 'fastify';
import { PipelineError } from '../errors/pipeline-error.js';
import { notFound, type JobQueries } from '../queries/job-queries.js';
import { isStoredFileName } from '../store/original-record.js';
import { isJobId } from '../store/job-store.js';
import { servedAs } from '../util/media-type.js';
import { parseByteRange } from '../util/byte-range.js';

const ARTIFACT_CSP = "default-src 'none'; sandbox";

/**
 * Stream one stored artifact, by job id and server-chosen file name (both checked before any path
 * is built). An artifact is whatever ComfyUI wrote: it never runs as a page of this origin. Only
 * media types from the allow-list are served inline; anything else (HTML, SVG, scripts, unknown)
 * is an opaque attachment, and the sandbox CSP holds even if a browser renders it anyway.
 */
export async function sendArtifact(
  queries: JobQueries,
  request: FastifyRequest,
  reply: FastifyReply,
  jobId: string,
  filename: string,
): Promise<FastifyReply> {
  if (!isJobId(jobId)) throw notFound(jobId);
  if (!isStoredFileName(filename))
    throw new PipelineError('FILE_NOT_FOUND', 'No such artifact', { detail: { job_id: jobId } });
  const file = await queries.openArtifact(jobId, filename);
  const etag = `"${file.record.sha256}"`;
  reply
    .header('etag', etag)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, max-age=31536000, immutable')
    .header('content-security-policy', ARTIFACT_CSP)
    .header('accept-ranges', 'bytes');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send(null);
  const served = servedAs(file.record.content_type);
  reply
    .header('content-type', served.contentType)
    .header('content-disposition', contentDisposition(served.disposition, filename));
  // A range is honoured only for this exact file (If-Range names its ETag, or is absent).
  const ifRange = request.headers['if-range'];
  const range = ifRange === undefined || ifRange === etag ? parseByteRange(request.headers.range, file.size) : null;
  if (range === 'unsatisfiable') {
    throw new PipelineError(
      'RANGE_NOT_SATISFIABLE',
      `The range ${String(request.headers.range).slice(0, 100)} lies outside the artifact (${file.size} bytes)`,
      {
        detail: { job_id: jobId, filename, size_bytes: file.size },
        headers: { 'content-range': `bytes */${file.size}` },
      },
    );
  }
  const { stream, start, end } = await file.read(range ?? undefined);
  if (range) reply.code(206).header('content-range', `bytes ${start}-${end}/${file.size}`);
  reply.header('content-length', String(file.size === 0 ? 0 : end - start + 1));
  return reply.send(stream);
}

/** Content-Disposition with an ASCII fallback name and the exact one (RFC 6266), never breaking the header. */
function contentDisposition(disposition: string, filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** This service's artifact URL, as the original frontend glues it after /content/images/. */
const PORT_URL = new RegExp(`^/*api/pipeline/jobs/(${UUID})/artifacts/([^/]+)$`);
/** The original service's relative artifact path: <job_id>/<type>/<file>. */
const ORIGINAL_PATH = new RegExp(`^/*(${UUID})/(image|video|audio|model|file)/([^/]+)$`);

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
