import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import type { ZodType } from 'zod';
import { classifyError, zodIssuesToFieldErrors } from './classify.js';
import { PipelineError } from './pipeline-error.js';
import { ERROR_TAXONOMY } from './taxonomy.js';
import type { ErrorEnvelope } from '../contracts/common.js';

/** Build the envelope for an error. Only PipelineError messages reach clients; never stacks or paths. */
export function toEnvelope(err: PipelineError, requestId: string, extra: { job_id?: string } = {}): ErrorEnvelope {
  const spec = ERROR_TAXONOMY[err.code];
  const envelope: ErrorEnvelope = {
    ok: false,
    error: err.code,
    error_code: err.code,
    message: err.message,
    remediation: [...spec.remediation],
    detail: err.detail,
    request_id: requestId,
    retryable: spec.retryable,
  };
  if (err.missingFields) envelope.missing_fields = err.missingFields;
  if (err.errors) envelope.errors = err.errors;
  if (extra.job_id) envelope.job_id = extra.job_id;
  return envelope;
}

export function sendError(reply: FastifyReply, err: PipelineError, extra: { job_id?: string } = {}): FastifyReply {
  if (err.headers) reply.headers(err.headers);
  return reply
    .code(err.status)
    .type('application/json; charset=utf-8')
    .send(toEnvelope(err, String(reply.request.id), extra));
}

const CONTEXT_NAMES: Record<string, string> = {
  body: 'body',
  querystring: 'query string',
  params: 'path',
  headers: 'headers',
};

/**
 * Validates requests with the route's zod schema and turns failures into CONTRACT_MISMATCH errors
 * that name every offending field, and for unknown keys the key itself.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<ZodType> = ({ schema, httpPart }) => {
  // Path parameters are always strings and every route checks its own (job ids, file names) before
  // use; their schemas exist for the OpenAPI document, so validating them again is skipped.
  if (httpPart === 'params') return (data: unknown) => ({ value: data });
  return validate(schema, httpPart);
};

function isEmptyObject(data: unknown): boolean {
  if (data === null || typeof data !== 'object') return false;
  for (const _ in data) return false;
  return true;
}

const validate = (schema: ZodType, httpPart: string | undefined) => {
  // Most reads carry no query string, and parsing {} always gives the same result (the defaults):
  // it is computed once per route and copied, instead of running zod on every request.
  const parsed = httpPart === 'querystring' ? schema.safeParse({}) : null;
  const emptyQuery =
    parsed?.success && parsed.data && typeof parsed.data === 'object' ? (parsed.data as Record<string, unknown>) : null;
  return (data: unknown) =>
    emptyQuery && isEmptyObject(data) ? { value: { ...emptyQuery } } : check(schema, httpPart, data);
};

const check = (schema: ZodType, httpPart: string | undefined, data: unknown) => {
  const result = schema.safeParse(data);
  if (result.success) return { value: result.data };
  const { errors, missingFields } = zodIssuesToFieldErrors(result.error, data);
  if (data === undefined || data === null) missingFields.push('(body)');
  const where = CONTEXT_NAMES[httpPart ?? 'body'] ?? httpPart;
  const error = new PipelineError('CONTRACT_MISMATCH', `The request ${where} does not match the contract`, {
    missingFields,
    errors,
    detail: { location: httpPart ?? 'body' },
  });
  return { error };
};

/** Codes that mean this service (or its disk) failed: logged at error level with the stack. */
const OUR_FAULT = new Set([
  'UNKNOWN_ERROR',
  'PERMISSION_DENIED',
  'DISK_FULL',
  'INSUFFICIENT_DISK_SPACE',
  'DB_UNAVAILABLE',
  'CHECKSUM_MISMATCH',
]);

/** The request announced a body (length or chunked) that has not been read to its end. */
function bodyStillArriving(request: FastifyRequest): boolean {
  const { headers } = request.raw;
  const announced = headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
  return announced && !request.raw.complete && typeof request.raw.socket?.destroy === 'function';
}

function clientGone(request: FastifyRequest, err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return (
    (code === 'ECONNRESET' || code === 'ECONNABORTED' || code === 'ERR_STREAM_PREMATURE_CLOSE') &&
    (request.raw.destroyed || request.raw.socket?.destroyed === true)
  );
}

/** The one place errors become HTTP. Installed on the root instance, so it covers every route. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((rawError: FastifyError | PipelineError, request: FastifyRequest, reply: FastifyReply) => {
    const err = classifyError(rawError);
    const extra = (rawError as { jobId?: string }).jobId ? { job_id: (rawError as { jobId?: string }).jobId } : {};
    // Answered before the body was read (a 401, a 413 at the limit, a refused origin): the rest of
    // the body is not waited for. Node discards what still arrives; a body still arriving half a
    // second after the answer is out (slow, or endless) has its connection closed, so it cannot hold
    // it. (Closing at once would make the kernel reset a client that is still sending, and it could
    // lose the answer; a short body is discarded in time and its keep-alive connection lives on.)
    if (bodyStillArriving(request)) {
      const raw = request.raw;
      reply.raw.once('finish', () => {
        setTimeout(() => {
          if (!raw.complete) raw.socket.destroy();
        }, 500).unref();
      });
    }
    if (clientGone(request, rawError)) {
      // The client closed its connection mid-request: nobody to answer, and not our failure.
      request.log.info({ reqId: request.id }, 'client closed the connection before the answer');
      return reply;
    }
    if (OUR_FAULT.has(err.code)) {
      request.log.error({ err: rawError, error_code: err.code, reqId: request.id }, 'request failed');
    } else if (err.status >= 500) {
      // Capacity and upstream answers (503, 502, 504) are expected outcomes: no stack trace.
      request.log.warn(
        { error_code: err.code, status: err.status, reqId: request.id, message: err.message },
        'request failed',
      );
    } else {
      request.log.info({ error_code: err.code, status: err.status, reqId: request.id }, err.message);
    }
    return sendError(reply, err, extra);
  });

  app.setNotFoundHandler((request, reply) => {
    const err = new PipelineError('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`, {
      detail: { method: request.method, path: request.url.split('?')[0] },
    });
    return sendError(reply, err);
  });
}
