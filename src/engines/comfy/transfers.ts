import type { Writable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FormData } from 'undici';
import { classifyError } from '../../errors/classify.js';
import { PipelineError } from '../../errors/pipeline-error.js';
import { boundedSignal, timedOut } from '../../util/deadline.js';
import type { Semaphore } from '../../util/semaphore.js';
import type { DownloadOptions, DownloadResult, EngineOutput } from '../engine.js';
import { discardBody, type ComfyHttpClient } from './client.js';

/**
 * Bulk transfers with ComfyUI, on the client's transfer pool: an output streamed from /view into a
 * sink, an input image posted to /upload/image. Each is one attempt with its errors classified;
 * retries belong to the caller.
 */

/** Turns anything thrown while reading an answer into a taxonomy error (the adapter's rule). */
export type EngineErrorOf = (err: unknown, what: string) => PipelineError;

const FS_SYSCALLS = new Set(['open', 'write', 'writev', 'fsync', 'fdatasync', 'close', 'mkdir', 'rename']);
const isFileSystemError = (err: unknown) =>
  typeof (err as { syscall?: unknown })?.syscall === 'string' && FS_SYSCALLS.has((err as { syscall: string }).syscall);

/** An upload answer is a name and a subfolder; anything bigger is not ComfyUI's. */
const UPLOAD_ANSWER_MAX_BYTES = 1024 * 1024;

/**
 * Stream one output into `sink`, at most `maxBytes` of it. One attempt, classified; the caller
 * decides on retries: ENGINE_OUTPUT_MISSING (404: ComfyUI no longer has the file) and other 4xx
 * are final, 5xx and broken transfers are DOWNLOAD_FAILED with `transient: true`, an error of the
 * sink (a full disk) keeps its own code (DISK_FULL…) and is never blamed on ComfyUI. Waits for a
 * download slot (downloadConcurrency over all jobs) under the same signal.
 */
export async function downloadOutput(
  http: ComfyHttpClient,
  slots: Semaphore,
  output: EngineOutput,
  sink: Writable,
  options: DownloadOptions,
  engineError: EngineErrorOf,
): Promise<DownloadResult> {
  const { signal } = options;
  const maxBytes = options.maxBytes ?? Infinity;
  const where = { filename: output.filename, subfolder: output.subfolder };
  const stopped = () =>
    timedOut(signal)
      ? new PipelineError(
          'DOWNLOAD_TIMEOUT',
          `ComfyUI did not send output ${output.filename} before the job's deadline`,
          { detail: where },
        )
      : new PipelineError('DOWNLOAD_CANCELLED', 'The download was cancelled', { detail: where });
  let release: () => void;
  try {
    release = await slots.acquire(signal);
  } catch {
    throw stopped();
  }
  try {
    const query = new URLSearchParams({ filename: output.filename, subfolder: output.subfolder, type: output.type });
    let res;
    try {
      res = await http.raw('GET', `/view?${query.toString()}`, { signal, pool: 'transfer' });
    } catch (err) {
      if (signal?.aborted) throw stopped();
      const e = engineError(err, 'fetching an output');
      throw new PipelineError(
        e.code === 'ENGINE_TIMEOUT'
          ? 'DOWNLOAD_TIMEOUT'
          : e.code === 'ENGINE_OFFLINE'
            ? 'ENGINE_OFFLINE'
            : 'DOWNLOAD_FAILED',
        `Fetching ${output.filename} from ComfyUI failed (${e.message})`,
        { detail: { ...where, transient: true, upstream: e.code }, cause: err },
      );
    }
    if (res.status !== 200) {
      discardBody(res.body);
      if (res.status === 404)
        throw new PipelineError('ENGINE_OUTPUT_MISSING', `ComfyUI no longer has output ${output.filename} (404)`, {
          detail: { ...where, status: 404 },
        });
      const transient = res.status >= 500 || res.status === 429;
      throw new PipelineError('DOWNLOAD_FAILED', `ComfyUI answered ${res.status} for output ${output.filename}`, {
        detail: { ...where, status: res.status, transient },
      });
    }
    const contentType = String(res.headers['content-type'] ?? 'application/octet-stream')
      .split(';')[0]!
      .trim()
      .slice(0, 100);
    const expected = Number(res.headers['content-length'] ?? NaN);
    const tooLarge = () =>
      new PipelineError(
        'OUTPUT_TOO_LARGE',
        `Output ${output.filename} is larger than ${maxBytes} bytes (OUTPUT_MAX_BYTES)`,
        { detail: { ...where, max_bytes: maxBytes } },
      );
    if (Number.isFinite(expected) && expected > maxBytes) {
      discardBody(res.body);
      throw tooLarge();
    }
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _e, done) {
        size += chunk.length;
        if (size > maxBytes) return done(tooLarge());
        done(null, chunk);
      },
    });
    try {
      await pipeline(res.body, counter, sink, { signal });
    } catch (err) {
      discardBody(res.body);
      if (signal?.aborted) throw stopped();
      if (err instanceof PipelineError) throw err;
      // A failed file-system call (ENOSPC, EACCES… on open or write) is the disk's fault, not ComfyUI's.
      const sinkError = (sink as Writable & { errored?: unknown }).errored;
      if (isFileSystemError(err)) throw classifyError(err);
      if (isFileSystemError(sinkError)) throw classifyError(sinkError);
      const classified = http.classify(err, 'GET', '/view');
      throw new PipelineError(
        classified.code === 'ENGINE_TIMEOUT' ? 'DOWNLOAD_TIMEOUT' : 'DOWNLOAD_FAILED',
        `Downloading ${output.filename} from ComfyUI failed`,
        { detail: { ...where, transient: true }, cause: err },
      );
    }
    if (Number.isFinite(expected) && expected !== size) {
      throw new PipelineError(
        'DOWNLOAD_FAILED',
        `Output ${output.filename} was truncated (${size} of ${expected} bytes)`,
        { detail: { ...where, expected, received: size, transient: true } },
      );
    }
    return { contentType, sizeBytes: size };
  } finally {
    release();
  }
}

export async function uploadInputImage(
  http: ComfyHttpClient,
  input: { name: string; bytes: Buffer; contentType: string; signal?: AbortSignal; timeoutMs: number },
  engineError: EngineErrorOf,
): Promise<string> {
  const { name, bytes, contentType, signal } = input;
  try {
    const form = new FormData();
    form.append('image', new Blob([bytes], { type: contentType }), name);
    form.append('type', 'input');
    form.append('overwrite', 'false');
    const limit = boundedSignal([signal], input.timeoutMs);
    try {
      const res = await http.raw('POST', '/upload/image', {
        body: form as never,
        signal: limit.signal,
        pool: 'transfer',
      });
      const text = await http.readText(res, 'POST', '/upload/image', UPLOAD_ANSWER_MAX_BYTES, limit.signal);
      if (res.status !== 200) {
        throw new PipelineError('ENGINE_PROTOCOL_ERROR', `ComfyUI refused the upload of ${name} (${res.status})`, {
          detail: { status: res.status },
        });
      }
      let data: { name?: unknown; subfolder?: unknown };
      try {
        data = JSON.parse(text) as typeof data;
      } catch {
        throw new PipelineError('ENGINE_PROTOCOL_ERROR', 'ComfyUI sent malformed JSON for POST /upload/image');
      }
      if (!data || typeof data.name !== 'string' || !data.name || data.name.length > 1024)
        throw new PipelineError('ENGINE_PROTOCOL_ERROR', 'ComfyUI upload answer has no name');
      return typeof data.subfolder === 'string' && data.subfolder
        ? `${data.subfolder.slice(0, 1024)}/${data.name}`
        : data.name;
    } finally {
      limit.dispose();
    }
  } catch (err) {
    if (signal?.aborted) throw new PipelineError('JOB_CANCELLED', 'The job was cancelled during an upload to ComfyUI');
    throw engineError(err, 'uploading an input image');
  }
}
