import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { startupRefusal, type StartupState } from './startup-gate.js';
import type { PipelineError } from './errors/pipeline-error.js';

/** Request headers a browser may send cross-origin (Content-Type for JSON, our own headers). */
const ALLOWED_HEADERS = 'content-type, authorization, idempotency-key, prefer, x-request-id, last-event-id';
/** Response headers a browser script may read. */
const EXPOSED_HEADERS = 'x-request-id, location, retry-after';
/** Every method a browser preflight may ask for, so CORS never refuses the frontend over a method. */
const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, DELETE, OPTIONS';
const MAX_AGE_SECONDS = '600';

/**
 * The headers every response carries: the request id (echoed or generated) and, for browsers, CORS.
 *
 * One callback hook instead of a request-id hook plus @fastify/cors: this is the hottest code in the
 * service (it runs before every read), and the plugin's general machinery (origin functions, Vary
 * parsing, headers on requests without an Origin) cost more than the routes themselves in the
 * read-path benchmark. CORS only concerns browsers, which always send Origin; other clients get no
 * CORS headers at all. Preflights (OPTIONS) are answered by one route, for allowed origins only.
 */
export function installResponseHeaders(
  app: FastifyInstance,
  corsOrigins: readonly string[],
  checks: {
    /** Refuses requests browsers must not make (see request-guards.ts). */
    guard?: (request: FastifyRequest) => PipelineError | null;
    /** While starting, requests that need the job history are refused. */
    startup?: StartupState;
  } = {},
): void {
  const { guard, startup } = checks;
  const anyOrigin = corsOrigins.includes('*');
  const origins = new Set(corsOrigins);
  const allowed = (origin: string) => anyOrigin || origins.has(origin);

  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    reply.header('x-request-id', request.id);
    const origin = request.headers.origin;
    if (origin !== undefined) {
      // The answer depends on Origin, so caches must key on it (unless any origin is allowed).
      if (!anyOrigin) reply.header('vary', 'Origin');
      if (allowed(origin)) {
        reply.header('access-control-allow-origin', anyOrigin ? '*' : origin);
        reply.header('access-control-expose-headers', EXPOSED_HEADERS);
      }
    }
    // The guards and the start-up gate live in this same hook: each hook is a step Fastify takes on
    // every request, and the read path is most of what this service serves.
    const refused = guard?.(request);
    if (refused) return done(refused);
    if (startup !== undefined && !startup.ready) {
      const refusal = startupRefusal(startup, request.method, request.url);
      if (refusal) return done(refusal);
    }
    done();
  });

  app.options('*', { schema: { hide: true } }, (request, reply) => {
    const origin = request.headers.origin;
    const method = request.headers['access-control-request-method'];
    if (origin !== undefined && method !== undefined && allowed(origin)) {
      reply.header('access-control-allow-methods', ALLOWED_METHODS);
      reply.header('access-control-allow-headers', ALLOWED_HEADERS);
      reply.header('access-control-max-age', MAX_AGE_SECONDS);
      if (!anyOrigin) reply.header('vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
    }
    reply.code(204).send();
  });
}
