import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError, toEnvelope } from './http.js';
import { PipelineError } from './pipeline-error.js';

/**
 * Errors Fastify meets before a route runs (a URL that does not decode, a parameter past the
 * router's length limit): the same envelope as everything else, never Fastify's own shape.
 */
export function frameworkErrors(error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void {
  const err =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new PipelineError('VALIDATION_ERROR', 'A path parameter is longer than any id this service issues', {
          status: 414,
        })
      : new PipelineError('VALIDATION_ERROR', 'The URL is not valid (malformed percent-encoding)', {
          detail: { code: error.code ?? null },
        });
  request.log.info({ error_code: err.code, status: err.status }, err.message);
  void sendError(reply, err);
}

/**
 * Errors of the HTTP parser or the server's timers, before there is a request to answer (headers
 * too large, a malformed request line, a request that did not arrive within REQUEST_TIMEOUT_MS):
 * the envelope is written on the socket directly, and the connection is closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const err =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new PipelineError('REQUEST_TIMEOUT', 'The request did not arrive completely within REQUEST_TIMEOUT_MS')
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new PipelineError('VALIDATION_ERROR', 'The request headers are too large', { status: 431 })
        : new PipelineError('VALIDATION_ERROR', 'The request could not be parsed as HTTP', {
            detail: { code: error.code ?? null },
          });
  const body = JSON.stringify(toEnvelope(err, randomUUID()));
  socket.end(
    `HTTP/1.1 ${err.status} ${err.status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
