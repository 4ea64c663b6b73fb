import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import { SYSTEM_CODES } from '../../errors/classify.js';
import { PipelineError } from '../../errors/pipeline-error.js';
import { redactString } from '../../util/redact.js';
import { boundedSignal, timedOut } from '../../util/deadline.js';
import { withRetries } from '../../util/retry.js';

export interface ComfyHttpOptions {
  baseUrl: string;
  /** headers/body timeout for ordinary calls */
  timeoutMs: number;
  connectTimeoutMs?: number;
  /** 5xx retries for safe calls */
  maxRetries?: number;
  retryBaseMs?: number;
  /** Connections for bulk transfers (output downloads, uploads): the download concurrency. */
  transferConnections?: number;
  /** The most bytes any JSON answer may have; larger ones are refused, never buffered. */
  maxJsonBytes?: number;
}

/**
 * Which connection pool a call uses. Health probes have their own, so they never queue behind
 * downloads or a burst of polls; bulk transfers have theirs, so a slow output cannot starve the
 * calls that follow and cancel jobs.
 */
export type Pool = 'control' | 'transfer' | 'probe';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable & Dispatcher.BodyMixin;
}

export interface CallInit {
  signal?: AbortSignal;
  /** Overall time limit of this call (on top of the pool's headers/body inactivity timeouts). */
  timeoutMs?: number;
  pool?: Pool;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
export const DEFAULT_MAX_JSON_BYTES = 64 * 1024 * 1024;

/** Let go of a response body without reading it. An undici body destroyed with no 'error' listener would throw. */
export function discardBody(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/**
 * All HTTP to one ComfyUI goes through this client: undici keep-alive pools with connect/headers/
 * body timeouts, an overall time limit and the caller's signal on every call, bounded answer sizes,
 * errors classified by type into taxonomy codes, and bounded jittered retries of 5xx for calls that
 * are safe to repeat.
 */
export class ComfyHttpClient {
  readonly baseUrl: string;
  readonly maxJsonBytes: number;
  private readonly agents: Record<Pool, Agent>;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;

  constructor(private readonly options: ComfyHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.maxJsonBytes = options.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES;
    const agent = (connections: number) =>
      new Agent({
        connect: { timeout: options.connectTimeoutMs ?? Math.min(5000, options.timeoutMs) },
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        keepAliveTimeout: 4_000,
        connections,
      });
    this.agents = { control: agent(16), transfer: agent(options.transferConnections ?? 4), probe: agent(2) };
    this.maxRetries = options.maxRetries ?? 2;
    this.retryBaseMs = options.retryBaseMs ?? 200;
  }

  /**
   * One request, no retry; the caller owns the body (read it, or discardBody() it). The caller's
   * signal bounds waiting for a pooled connection, the headers and the body (pass the same signal
   * to whatever reads it).
   */
  async raw(
    method: Dispatcher.HttpMethod,
    path: string,
    init: Omit<CallInit, 'timeoutMs'> & {
      body?: Dispatcher.DispatchOptions['body'];
      headers?: Record<string, string>;
    } = {},
  ): Promise<RawResponse> {
    const signal = init.signal;
    try {
      const res = await request(`${this.baseUrl}${path}`, {
        method,
        dispatcher: this.agents[init.pool ?? 'control'],
        body: init.body,
        headers: init.headers,
        signal,
      });
      res.body.on('error', () => undefined); // read errors surface through whoever reads it
      return { status: res.statusCode, headers: res.headers, body: res.body };
    } catch (err) {
      throw this.classify(err, method, path, signal);
    }
  }

  /**
   * A whole body as text, refused past `maxBytes` (by Content-Length before reading, or as soon as
   * the bytes pass it) with ENGINE_PROTOCOL_ERROR.
   */
  async readText(
    res: RawResponse,
    method: string,
    path: string,
    maxBytes = this.maxJsonBytes,
    signal?: AbortSignal,
  ): Promise<string> {
    const declared = Number(res.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      discardBody(res.body);
      throw tooLarge(method, path, maxBytes, declared);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) {
          discardBody(res.body);
          throw tooLarge(method, path, maxBytes, null);
        }
        chunks.push(chunk);
      }
    } catch (err) {
      throw this.classify(err, method, path, signal);
    }
    return Buffer.concat(chunks, size).toString('utf8');
  }

  /**
   * JSON call. `safe` calls (GETs and idempotent POSTs) are retried on 5xx and dropped connections
   * with jittered backoff; others fail at once so the caller can decide. Any status other than 2xx
   * is an ENGINE_PROTOCOL_ERROR carrying the status.
   */
  async json<T = unknown>(
    method: Dispatcher.HttpMethod,
    path: string,
    init: CallInit & { json?: unknown; safe?: boolean; expectEmpty?: boolean; maxBytes?: number } = {},
  ): Promise<{ status: number; data: T }> {
    const safe = init.safe ?? method === 'GET';
    const maxBytes = Math.min(init.maxBytes ?? this.maxJsonBytes, this.maxJsonBytes);
    return withRetries(
      async () => {
        // One time limit for the whole call, body included.
        const bounded = boundedSignal([init.signal], init.timeoutMs ?? this.options.timeoutMs);
        try {
          const res = await this.raw(method, path, {
            body: init.json === undefined ? undefined : JSON.stringify(init.json),
            headers: init.json === undefined ? undefined : { 'content-type': 'application/json' },
            signal: bounded.signal,
            pool: init.pool,
          });
          const text = await this.readText(res, method, path, maxBytes, bounded.signal);
          if (res.status < 200 || res.status > 299) {
            throw new PipelineError('ENGINE_PROTOCOL_ERROR', `ComfyUI answered ${res.status} to ${method} ${path}`, {
              detail: { status: res.status, path, body: redactString(text.slice(0, 500)) },
            });
          }
          if (init.expectEmpty || text.length === 0) return { status: res.status, data: undefined as T };
          try {
            return { status: res.status, data: JSON.parse(text) as T };
          } catch {
            throw new PipelineError('ENGINE_PROTOCOL_ERROR', `ComfyUI sent malformed JSON for ${method} ${path}`, {
              detail: { status: res.status, path, body_start: redactString(text.slice(0, 200)) },
            });
          }
        } finally {
          bounded.dispose();
        }
      },
      {
        policy: { attempts: this.maxRetries + 1, baseMs: this.retryBaseMs },
        signal: init.signal,
        // Only idempotent calls, and only for a 5xx/429 or a dropped connection.
        retryable: (err) =>
          err instanceof PipelineError &&
          safe &&
          (err.detail?.status !== undefined
            ? RETRYABLE_STATUS.has(err.detail.status as number)
            : err.code === 'CONNECTION_TIMEOUT' && err.detail?.phase === 'reset'),
      },
    );
  }

  /** Map undici/system errors to taxonomy codes by class and code (never by message text). */
  classify(err: unknown, method: string, path: string, signal?: AbortSignal): PipelineError {
    if (err instanceof PipelineError) return err;
    const where = { method, path, comfyui_url: this.baseUrl };
    if (timedOut(signal)) {
      return new PipelineError('ENGINE_TIMEOUT', `ComfyUI did not answer ${method} ${path} in time`, {
        detail: where,
        cause: err,
      });
    }
    if (signal?.aborted) {
      return new PipelineError('JOB_CANCELLED', 'The operation was cancelled', { detail: where, cause: err });
    }
    if (err instanceof undiciErrors.ConnectTimeoutError) {
      return new PipelineError('CONNECTION_TIMEOUT', `Timed out connecting to ComfyUI at ${this.baseUrl}`, {
        detail: where,
        cause: err,
      });
    }
    if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
      return new PipelineError('ENGINE_TIMEOUT', `ComfyUI did not answer ${method} ${path} in time`, {
        detail: where,
        cause: err,
      });
    }
    if (
      err instanceof undiciErrors.SocketError ||
      err instanceof undiciErrors.RequestAbortedError ||
      err instanceof undiciErrors.ResponseContentLengthMismatchError
    ) {
      return new PipelineError('CONNECTION_TIMEOUT', `ComfyUI closed the connection during ${method} ${path}`, {
        detail: { ...where, phase: 'reset' },
        cause: err,
      });
    }
    // System codes go through the one shared table; here they only get ComfyUI's words.
    const code = (err as { code?: string })?.code;
    const mapped = typeof code === 'string' ? SYSTEM_CODES[code] : undefined;
    if (mapped === 'CONNECTION_REFUSED') {
      return new PipelineError('ENGINE_OFFLINE', `ComfyUI is not reachable at ${this.baseUrl} (${code})`, {
        detail: { ...where, code },
        cause: err,
      });
    }
    if (mapped === 'CONNECTION_TIMEOUT') {
      const phase = code === 'ETIMEDOUT' ? 'timeout' : 'reset';
      return new PipelineError(
        'CONNECTION_TIMEOUT',
        phase === 'reset'
          ? `ComfyUI closed the connection during ${method} ${path}`
          : `The connection to ComfyUI timed out during ${method} ${path}`,
        { detail: { ...where, phase, code }, cause: err },
      );
    }
    return new PipelineError('ENGINE_PROTOCOL_ERROR', `Unexpected failure talking to ComfyUI (${method} ${path})`, {
      detail: where,
      cause: err,
    });
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.agents).map((a) => a.destroy().catch(() => undefined)));
  }
}

function tooLarge(method: string, path: string, maxBytes: number, declared: number | null): PipelineError {
  return new PipelineError(
    'ENGINE_PROTOCOL_ERROR',
    `ComfyUI's answer to ${method} ${path} is larger than ${maxBytes} bytes (COMFYUI_MAX_JSON_BYTES)`,
    {
      detail: { path, max_bytes: maxBytes, declared_bytes: declared },
    },
  );
}
