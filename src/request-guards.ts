import type { FastifyRequest } from 'fastify';
import { PipelineError } from './errors/pipeline-error.js';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Is this bind address loopback-only? */
export function isLoopbackBind(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** The host name of a Host header value ("[::1]:8000" → "[::1]", "Example.com:80" → "example.com"). */
function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

function isLoopbackName(name: string): boolean {
  return LOOPBACK_NAMES.has(name) || name.endsWith('.localhost') || /^127(?:\.\d{1,3}){3}$/.test(name);
}

/**
 * Two checks browsers make necessary, run first on every request (by the one onRequest hook, see
 * response-headers.ts):
 *  - DNS rebinding: a page on evil.example whose name is made to resolve to 127.0.0.1 reaches a
 *    loopback-bound service with `Host: evil.example`. Without a token, only loopback names are
 *    answered (the bind address alone is not a boundary a browser respects).
 *  - Cross-site writes: multipart uploads and body-less POSTs are "simple" requests that CORS does
 *    not stop, so a state-changing request carrying an Origin must come from this service's own
 *    origin or one listed in CORS_ORIGINS.
 */
export function requestGuard(options: {
  loopbackOnly: boolean;
  corsOrigins: readonly string[];
}): (request: FastifyRequest) => PipelineError | null {
  const anyOrigin = options.corsOrigins.includes('*');
  const origins = new Set(options.corsOrigins);
  return (request) => {
    const host = request.headers.host;
    if (options.loopbackOnly && host !== undefined && !isLoopbackName(hostName(host))) {
      return new PipelineError(
        'HOST_NOT_ALLOWED',
        'This service answers only requests addressed to localhost or a loopback address',
        { detail: { host: hostName(host).slice(0, 100) } },
      );
    }
    const origin = request.headers.origin;
    if (
      origin !== undefined &&
      STATE_CHANGING.has(request.method) &&
      !anyOrigin &&
      !origins.has(origin) &&
      !sameOrigin(origin, host)
    ) {
      return new PipelineError(
        'ORIGIN_NOT_ALLOWED',
        'Requests that change state are not accepted from this web origin',
        {
          detail: { origin: origin.slice(0, 200) },
        },
      );
    }
    return null;
  };
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host.toLowerCase() === host.trim().toLowerCase();
  } catch {
    return false;
  }
}
