import { errors as undiciErrors } from 'undici';
import { ZodError } from 'zod';
import { PipelineError, type FieldError } from './pipeline-error.js';
import type { ErrorCode } from './taxonomy.js';

/**
 * Node system error codes → taxonomy. Matched on err.code, never on message text. The one table:
 * the ComfyUI client refines these codes (refused → ENGINE_OFFLINE), it does not keep its own.
 */
export const SYSTEM_CODES: Readonly<Record<string, ErrorCode>> = {
  ENOENT: 'FILE_NOT_FOUND',
  ENOTDIR: 'FILE_NOT_FOUND',
  EACCES: 'PERMISSION_DENIED',
  EPERM: 'PERMISSION_DENIED',
  EROFS: 'PERMISSION_DENIED',
  ENOSPC: 'DISK_FULL',
  EDQUOT: 'INSUFFICIENT_DISK_SPACE',
  ECONNREFUSED: 'CONNECTION_REFUSED',
  // A connection that was open and then dropped: the call was cut off, not refused.
  ECONNRESET: 'CONNECTION_TIMEOUT',
  EPIPE: 'CONNECTION_TIMEOUT',
  UND_ERR_CLOSED: 'CONNECTION_TIMEOUT',
  UND_ERR_SOCKET: 'CONNECTION_TIMEOUT',
  EHOSTUNREACH: 'CONNECTION_REFUSED',
  ENETUNREACH: 'CONNECTION_REFUSED',
  ENOTFOUND: 'CONNECTION_REFUSED',
  EAI_AGAIN: 'CONNECTION_REFUSED',
  ETIMEDOUT: 'CONNECTION_TIMEOUT',
};

/** Fastify's own error codes that reach the error handler. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_ERROR',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_REQ_FILE_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_PARTS_LIMIT: 'PAYLOAD_TOO_LARGE',
  FST_FILES_LIMIT: 'PAYLOAD_TOO_LARGE',
  FST_FIELDS_LIMIT: 'PAYLOAD_TOO_LARGE',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

type Coded = { code?: unknown; name?: unknown; cause?: unknown; statusCode?: unknown };

/** Walk an error and its causes (undici and fetch wrap the real reason in `cause`). */
function* causeChain(err: unknown): Generator<Coded> {
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    yield current;
    current = (current as Coded).cause;
  }
}

/** Follow a zod issue path into the data; `missing` when an object along the way lacks the key. */
function lookup(data: unknown, path: readonly PropertyKey[]): { missing: boolean } {
  let current: unknown = data;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, key)) {
      return { missing: true };
    }
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return { missing: current === undefined };
}

/**
 * Zod issues → field errors. A required field is "missing" when the data has no such key, found by
 * looking at the data itself rather than at the wording of zod's message.
 */
export function zodIssuesToFieldErrors(
  error: ZodError,
  data?: unknown,
): { errors: FieldError[]; missingFields: string[] } {
  const errors: FieldError[] = [];
  const missingFields: string[] = [];
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        errors.push({ field: field ? `${field}.${key}` : key, key, message: `Unknown field "${key}" is not allowed` });
      }
      continue;
    }
    if (
      issue.code === 'invalid_type' &&
      issue.path.length > 0 &&
      data !== undefined &&
      lookup(data, issue.path).missing
    ) {
      missingFields.push(field);
      errors.push({ field, message: 'Required field is missing' });
      continue;
    }
    errors.push({ field, message: issue.message });
  }
  return { errors, missingFields };
}

/**
 * Turn anything thrown into a PipelineError by its type and code. Unknown errors become
 * UNKNOWN_ERROR with no message leak: the original stays as `cause` for the log only.
 */
export function classifyError(err: unknown): PipelineError {
  if (err instanceof PipelineError) return err;
  if (err instanceof ZodError) {
    const { errors } = zodIssuesToFieldErrors(err);
    return new PipelineError('CONTRACT_MISMATCH', 'Data does not match the contract', { errors, cause: err });
  }
  for (const link of causeChain(err)) {
    if (link instanceof undiciErrors.ConnectTimeoutError) {
      return new PipelineError('CONNECTION_TIMEOUT', 'Timed out connecting to an upstream service', { cause: err });
    }
    if (link instanceof undiciErrors.HeadersTimeoutError || link instanceof undiciErrors.BodyTimeoutError) {
      return new PipelineError('CONNECTION_TIMEOUT', 'An upstream service stopped answering', { cause: err });
    }
    if (link instanceof undiciErrors.RequestAbortedError) {
      return new PipelineError('CONNECTION_TIMEOUT', 'The upstream request was aborted', { cause: err });
    }
    if (link.name === 'TimeoutError') {
      return new PipelineError('CONNECTION_TIMEOUT', 'An operation timed out', { cause: err });
    }
    const code = typeof link.code === 'string' ? link.code : undefined;
    if (code && FASTIFY_CODES[code]) {
      const mapped = FASTIFY_CODES[code];
      return new PipelineError(mapped, fastifyMessage(mapped), { cause: err });
    }
    if (code && SYSTEM_CODES[code]) {
      const mapped = SYSTEM_CODES[code];
      return new PipelineError(mapped, systemMessage(mapped, code), { cause: err });
    }
  }
  // Fastify's JSON parser throws a SyntaxError tagged with statusCode 400.
  if (err instanceof SyntaxError && (err as Coded).statusCode === 400) {
    return new PipelineError('INVALID_JSON', 'The request body is not valid JSON', { cause: err });
  }
  // Plugins' client errors in the http-errors convention (a 4xx status, `expose: true`), e.g. the
  // static file server refusing a path outside its folder.
  const status = (err as Coded)?.statusCode ?? (err as { status?: unknown })?.status;
  if ((err as { expose?: unknown })?.expose === true && typeof status === 'number' && status >= 400 && status < 500) {
    return clientStatusError(status, err);
  }
  return new PipelineError('UNKNOWN_ERROR', 'An unexpected error occurred', { cause: err });
}

function clientStatusError(status: number, cause: unknown): PipelineError {
  switch (status) {
    case 401:
      return new PipelineError('AUTH_MISSING', 'This route needs credentials', { cause });
    case 403:
    case 404:
      return new PipelineError('FILE_NOT_FOUND', 'No such file', { status: 404, cause });
    case 408:
      return new PipelineError('REQUEST_TIMEOUT', 'The request did not arrive in time', { cause });
    case 413:
      return new PipelineError('PAYLOAD_TOO_LARGE', 'The request body is larger than the limit', { cause });
    case 415:
      return new PipelineError('UNSUPPORTED_MEDIA_TYPE', 'The request content type is not supported on this route', {
        cause,
      });
    case 429:
      return new PipelineError('RATE_LIMIT_EXCEEDED', 'Too many requests', { cause });
    default:
      return new PipelineError('VALIDATION_ERROR', 'The request could not be served as sent', { status, cause });
  }
}

function fastifyMessage(code: ErrorCode): string {
  switch (code) {
    case 'PAYLOAD_TOO_LARGE':
      return 'The request body is larger than the limit';
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'The request content type is not supported on this route';
    case 'INVALID_JSON':
      return 'The request body is not valid JSON';
    default:
      return 'The request could not be read';
  }
}

function systemMessage(code: ErrorCode, system: string): string {
  if (code === 'CONNECTION_TIMEOUT' && system !== 'ETIMEDOUT')
    return 'An upstream service closed the connection during the call';
  switch (code) {
    case 'FILE_NOT_FOUND':
      return 'A file the service needs was not found';
    case 'PERMISSION_DENIED':
      return 'The service is not allowed to read or write its data';
    case 'DISK_FULL':
      return 'The disk holding the data folder is full';
    case 'INSUFFICIENT_DISK_SPACE':
      return 'The disk quota for the data folder is exhausted';
    case 'CONNECTION_REFUSED':
      return 'An upstream service refused the connection';
    case 'CONNECTION_TIMEOUT':
      return 'Timed out talking to an upstream service';
    default:
      return 'A system error occurred';
  }
}
