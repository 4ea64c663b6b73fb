import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import { PipelineError } from '../../errors/pipeline-error.js';
import { redactString } from '../../store/redact.js';

export interface ComfyHttpOptions {
  baseUrl: string;
  /** headers/body timeout for ordinary calls */
  timeoutMs: number;
  connectTimeoutMs?: number;
  /** 5xx retries for safe calls */
  maxRetries?: number;
  retryBaseMs?: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable & Dispatcher.BodyMixin;
}

const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

/**
 * All HTTP to one ComfyUI goes through this client: one undici dispatcher (keep-alive pool with
 * connect/headers/body timeouts), errors classified by type into taxonomy codes, and bounded
 * jittered retries of 5xx for calls that are safe to repeat.
 */
export class ComfyHttpClient {
  readonly baseUrl: string;
  private readonly agent: Agent;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;

  constructor(private readonly options: ComfyHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.agent = new Agent({
      connect: { timeout: options.connectTimeoutMs ?? Math.min(5000, options.timeoutMs) },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 4_000,
      connections: 16,
    });
    this.maxRetries = options.maxRetries ?? 2;
    this.retryBaseMs = options.retryBaseMs ?? 200;
  }

  /** One request, no retry; the caller owns the body. */
  async raw(method: Dispatcher.HttpMethod, path: string, init: { body?: Dispatcher.DispatchOptions['body']; headers?: Record<string, string>; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<RawResponse> {
    try {
      const res = await request(`${this.baseUrl}${path}`, {
        method,
        dispatcher: this.agent,
        body: init.body,
        headers: init.headers,
        signal: init.signal,
        headersTimeout: init.timeoutMs,
        bodyTimeout: init.timeoutMs,
      });
      return { status: res.statusCode, headers: res.headers, body: res.body };
    } catch (err) {
      throw this.classify(err, method, path, init.signal);
    }
  }

  /**
   * JSON call. `safe` calls (GETs and idempotent POSTs) are retried on 5xx and dropped connections
   * with jittered backoff; others fail at once so the caller can decide.
   */
  async json<T = unknown>(method: Dispatcher.HttpMethod, path: string, init: { json?: unknown; safe?: boolean; signal?: AbortSignal; timeoutMs?: number; expectEmpty?: boolean } = {}): Promise<{ status: number; data: T }> {
    const safe = init.safe ?? method === 'GET';
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.raw(method, path, {
          body: init.json === undefined ? undefined : JSON.stringify(init.json),
          headers: init.json === undefined ? undefined : { 'content-type': 'application/json' },
          signal: init.signal,
          timeoutMs: init.timeoutMs,
        });
        const text = await res.body.text().catch((err: unknown) => { throw this.classify(err, method, path, init.signal); });
        if (RETRYABLE_STATUS.has(res.status)) {
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
      } catch (err) {
        const retryable = err instanceof PipelineError && safe && attempt < this.maxRetries && !init.signal?.aborted
          && (err.detail?.status !== undefined ? RETRYABLE_STATUS.has(err.detail.status as number) : err.code === 'CONNECTION_TIMEOUT' && err.detail?.phase === 'reset');
        if (!retryable) throw err;
        await sleep(this.retryBaseMs * 2 ** attempt * (0.5 + Math.random()), init.signal);
      }
    }
  }

  /** Map undici/system errors to taxonomy codes by class and code (never by message text). */
  classify(err: unknown, method: string, path: string, signal?: AbortSignal): PipelineError {
    if (err instanceof PipelineError) return err;
    const where = { method, path, comfyui_url: this.baseUrl };
    if (signal?.aborted) {
      return new PipelineError('JOB_CANCELLED', 'The operation was cancelled', { detail: where, cause: err });
    }
    if (err instanceof undiciErrors.ConnectTimeoutError) {
      return new PipelineError('CONNECTION_TIMEOUT', `Timed out connecting to ComfyUI at ${this.baseUrl}`, { detail: where, cause: err });
    }
    if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
      return new PipelineError('ENGINE_TIMEOUT', `ComfyUI did not answer ${method} ${path} in time`, { detail: where, cause: err });
    }
    if (err instanceof undiciErrors.SocketError) {
      return new PipelineError('CONNECTION_TIMEOUT', `ComfyUI closed the connection during ${method} ${path}`, { detail: { ...where, phase: 'reset' }, cause: err });
    }
    const code = (err as { code?: string })?.code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EAI_AGAIN') {
      return new PipelineError('ENGINE_OFFLINE', `ComfyUI is not reachable at ${this.baseUrl} (${code})`, { detail: { ...where, code }, cause: err });
    }
    if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_CLOSED') {
      return new PipelineError('CONNECTION_TIMEOUT', `ComfyUI closed the connection during ${method} ${path}`, { detail: { ...where, phase: 'reset', code }, cause: err });
    }
    return new PipelineError('ENGINE_PROTOCOL_ERROR', `Unexpected failure talking to ComfyUI (${method} ${path})`, { detail: where, cause: err });
  }

  async close(): Promise<void> {
    await this.agent.destroy().catch(() => undefined);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref?.();
    function done() {
      signal?.removeEventListener('abort', done);
      clearTimeout(timer);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
