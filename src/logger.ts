import pino, { type DestinationStream, type Logger } from 'pino';
import { redact } from './store/redact.js';

/** Header names whose values never reach a log line. */
const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'x-auth-token'];

/**
 * pino with the same redaction as the stores: headers by name (pino's fast path) plus every logged
 * object through redact(), so a secret inside an error body or a prompt never reaches the log.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    redact: { paths: SECRET_HEADERS.flatMap((h) => [`req.headers["${h}"]`, `res.headers["${h}"]`, `headers["${h}"]`]), censor: '[REDACTED]' },
    formatters: {
      log: (object) => redact(object),
    },
    serializers: {
      err: (err: unknown) => redact(pino.stdSerializers.err(err as Error)),
    },
  }, destination);
}
