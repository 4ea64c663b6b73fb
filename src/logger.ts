import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';
import { REDACTED, isSecretKey, redact } from './util/redact.js';

/** Header names whose values never reach a log line. */
const SECRET_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
];

/** Query parameters whose values are credentials even though their names are short. */
const SECRET_QUERY_NAMES = /^(?:key|sig|signature|auth|jwt|code|session|sid)$/i;

/** A request URL with the values of credential-named query parameters replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        /* keep it raw */
      }
      return isSecretKey(name) || SECRET_QUERY_NAMES.test(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  hostname?: string;
  ip?: string;
  socket?: { remotePort?: number };
  id?: unknown;
}

/**
 * pino with the same redaction as the stores: headers by name (pino's fast path) plus every logged
 * object through redact(), so a secret inside an error body or a prompt never reaches the log.
 */
export function createLogger(level: string, destination?: DestinationStream, format = 'json'): Logger {
  return pino(
    {
      level,
      redact: {
        paths: SECRET_HEADERS.flatMap((h) => [`req.headers["${h}"]`, `res.headers["${h}"]`, `headers["${h}"]`]),
        censor: '[REDACTED]',
      },
      formatters: {
        log: (object) => redact(object),
      },
      serializers: {
        err: (err: unknown) => redact(pino.stdSerializers.err(err as Error)),
        // Fastify's request log: the URL without credential-named query values (?token=…).
        req: (req: LoggedRequest) => ({
          method: req.method,
          url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
          host: req.hostname,
          remoteAddress: req.ip,
          remotePort: req.socket?.remotePort,
        }),
      },
    },
    destination ?? (format === 'pretty' ? prettyStream() : undefined),
  );
}

/**
 * One readable line per log entry for a person at a terminal (time, level, message, fields), in
 * this process (no worker thread). pino-pretty is loaded only then.
 */
function prettyStream(): DestinationStream {
  const pretty = createRequire(import.meta.url)('pino-pretty') as (
    options: Record<string, unknown>,
  ) => DestinationStream;
  return pretty({
    colorize: Boolean(process.stdout.isTTY),
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    sync: true,
  });
}
