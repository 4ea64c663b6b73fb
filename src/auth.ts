import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { PipelineError } from './errors/pipeline-error.js';

const OPEN_ROUTES = new Set(['/api/health']);

/**
 * Optional bearer-token access control. The token is compared in constant time (on hashes, so
 * lengths leak nothing) and is never logged: pino redacts the authorization header.
 */
export function installAuth(app: FastifyInstance, token: string | null): void {
  if (!token) return;
  const expected = createHash('sha256').update(token).digest();
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0]!;
    if (OPEN_ROUTES.has(path) || request.method === 'OPTIONS') return;
    const header = request.headers.authorization;
    if (!header) throw new PipelineError('AUTH_MISSING', 'This route needs "Authorization: Bearer <token>"');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const given = createHash('sha256')
      .update(match?.[1] ?? '')
      .digest();
    if (!match || !timingSafeEqual(given, expected))
      throw new PipelineError('AUTH_INVALID', 'The bearer token is not valid');
  });
}
