import type { FastifyReply, FastifyRequest } from 'fastify';
import { PipelineError } from '../errors/pipeline-error.js';
import type { JobStatus } from '../contracts/job.js';
import type { Admission } from '../admission/admission.js';
import type { JobEvent } from '../store/job-logger.js';
import type { JobQueries } from '../queries/job-queries.js';

const TERMINAL_EVENTS = new Set(['completed', 'failed', 'cancelled']);
const TERMINAL_STATUS = new Set(['completed', 'failed', 'cancelled']);

/** Bytes an SSE client may fall behind by before its stream is closed (it resumes with Last-Event-ID). */
const MAX_PENDING_BYTES = 1024 * 1024;

/**
 * How many event streams are open, in all and per job. Each stream holds a socket and listeners
 * for as long as a client keeps it: without a cap, clients could hold them without end.
 */
export class StreamBudget {
  private total = 0;
  private readonly perJob = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly maxPerJob: number,
  ) {}

  /** Take a place for a stream of this job, or throw SERVICE_UNAVAILABLE; returns the release. */
  take(jobId: string): () => void {
    const forJob = this.perJob.get(jobId) ?? 0;
    if (this.total >= this.max || forJob >= this.maxPerJob) {
      const which =
        this.total >= this.max
          ? `${this.max} event streams are open (SSE_MAX_STREAMS)`
          : `${this.maxPerJob} event streams are open for this job (SSE_MAX_STREAMS_PER_JOB)`;
      throw new PipelineError(
        'SERVICE_UNAVAILABLE',
        `Too many event streams: ${which}; poll GET /api/pipeline/jobs/{job_id} or retry later`,
        { headers: { 'retry-after': '5' }, detail: { open: this.total, open_for_job: forJob } },
      );
    }
    this.total++;
    this.perJob.set(jobId, forJob + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.perJob.get(jobId) ?? 1) - 1;
      if (left > 0) this.perJob.set(jobId, left);
      else this.perJob.delete(jobId);
    };
  }
}

/**
 * Server-Sent Events for one job: the current state first, then every log event (with its seq as
 * the SSE id, so a reconnect with Last-Event-ID resumes without gaps), throttled progress, and a
 * final `end` event at the terminal state, after which the stream closes.
 */
export async function streamJobEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  jobId: string,
  since: number,
  deps: { admission: Admission; queries: JobQueries; streams: StreamBudget },
): Promise<void> {
  const initial = await deps.queries.getStatus(jobId); // 404s before the stream starts
  const release = deps.streams.take(jobId); // 503s before the stream starts
  const headers = {
    ...reply.getHeaders(),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': String(request.id),
  };
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, headers as Record<string, string>);
  let closed = false;
  let lastSeq = since;
  // Back-pressure: once the socket's buffer is full, log events wait in a bounded queue and
  // progress and keep-alives (superseded by the next ones) are dropped; a client that falls further
  // behind is disconnected and resumes from its Last-Event-ID.
  let blocked = false;
  const pending: string[] = [];
  let pendingBytes = 0;
  const flush = () => {
    blocked = false;
    pendingBytes = 0;
    while (pending.length > 0 && !closed) {
      if (!res.write(pending.shift()!)) {
        for (const p of pending) pendingBytes += p.length;
        blocked = true;
        res.once('drain', flush);
        return;
      }
    }
  };
  const send = (text: string, droppable: boolean) => {
    if (closed) return;
    if (blocked) {
      if (droppable) return;
      pending.push(text);
      pendingBytes += text.length;
      if (pendingBytes > MAX_PENDING_BYTES) close();
      return;
    }
    if (!res.write(text)) {
      blocked = true;
      res.once('drain', flush);
    }
  };
  const write = (event: string, data: unknown, id?: number) => {
    send(
      `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
      event === 'progress',
    );
  };
  const buffered: JobEvent[] = [];
  let live = false;
  const end = (status: JobStatus) => {
    if (closed) return;
    write('end', status);
    close();
  };
  const onEvent = (event: JobEvent) => {
    if (!live) {
      buffered.push(event);
      return;
    }
    if (event.seq <= lastSeq) return;
    lastSeq = event.seq;
    write('log', event, event.seq);
    // The terminal event may be on disk a moment before the job record: wait for the job's end.
    if (TERMINAL_EVENTS.has(event.event))
      void deps.admission
        .waitForEnd(jobId)
        .then(() => deps.queries.getStatus(jobId))
        .then(end, () => close());
  };
  const unsubscribeLog = deps.queries.onEvent(jobId, onEvent);
  let lastProgressAt = 0;
  let pendingProgress: NodeJS.Timeout | null = null;
  const unsubscribeProgress = deps.queries.onProgress(jobId, (progress) => {
    const wait = 250 - (Date.now() - lastProgressAt);
    if (pendingProgress) return;
    pendingProgress = setTimeout(
      () => {
        pendingProgress = null;
        lastProgressAt = Date.now();
        write('progress', { job_id: jobId, progress });
      },
      Math.max(0, wait),
    );
  });
  const heartbeat = setInterval(() => send(': keep-alive\n\n', true), 15_000);
  heartbeat.unref();
  function close() {
    if (closed) return;
    closed = true;
    unsubscribeLog();
    unsubscribeProgress();
    clearInterval(heartbeat);
    if (pendingProgress) clearTimeout(pendingProgress);
    pending.length = 0;
    release();
    // A client that stopped reading does not get the rest: its socket goes, not just the stream.
    if (blocked) res.destroy();
    else res.end();
  }
  request.raw.on('close', close);
  res.on('close', close);

  send('retry: 2000\n\n', false);
  write('state', initial);
  for (const event of await deps.queries.logs(jobId, since)) {
    lastSeq = Math.max(lastSeq, event.seq);
    write('log', event, event.seq);
  }
  live = true;
  for (const event of buffered.splice(0)) onEvent(event);
  if (TERMINAL_STATUS.has(initial.status)) end(await deps.queries.getStatus(jobId));
}
