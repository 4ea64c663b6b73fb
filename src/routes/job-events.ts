import type { FastifyReply, FastifyRequest } from 'fastify';
import type { JobStatus } from '../contracts/job.js';
import type { PipelineManager } from '../pipeline/manager.js';
import type { JobEvent, JobLogger } from '../store/job-logger.js';

const TERMINAL_EVENTS = new Set(['completed', 'failed', 'cancelled']);
const TERMINAL_STATUS = new Set(['completed', 'failed', 'cancelled']);

/**
 * Server-Sent Events for one job: the current state first, then every log event (with its seq as
 * the SSE id, so a reconnect with Last-Event-ID resumes without gaps), throttled progress, and a
 * final `end` event at the terminal state, after which the stream closes.
 */
export async function streamJobEvents(request: FastifyRequest, reply: FastifyReply, jobId: string, since: number, deps: { manager: PipelineManager; jobLogger: JobLogger }): Promise<void> {
  const initial = await deps.manager.getStatus(jobId); // 404s before the stream starts
  const headers = { ...reply.getHeaders(), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no', 'x-request-id': String(request.id) };
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, headers as Record<string, string>);
  let closed = false;
  let lastSeq = since;
  const write = (event: string, data: unknown, id?: number) => {
    if (closed) return;
    res.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const buffered: JobEvent[] = [];
  let live = false;
  const end = (status: JobStatus) => {
    if (closed) return;
    write('end', status);
    close();
  };
  const onEvent = (event: JobEvent) => {
    if (!live) { buffered.push(event); return; }
    if (event.seq <= lastSeq) return;
    lastSeq = event.seq;
    write('log', event, event.seq);
    // The terminal event may be on disk a moment before the job record: wait for the job's end.
    if (TERMINAL_EVENTS.has(event.event)) void deps.manager.waitForEnd(jobId).then(() => deps.manager.getStatus(jobId)).then(end, () => close());
  };
  const unsubscribeLog = deps.jobLogger.subscribe(jobId, onEvent);
  let lastProgressAt = 0;
  let pendingProgress: NodeJS.Timeout | null = null;
  const unsubscribeProgress = deps.manager.onProgress(jobId, (progress) => {
    const wait = 250 - (Date.now() - lastProgressAt);
    if (pendingProgress) return;
    pendingProgress = setTimeout(() => {
      pendingProgress = null;
      lastProgressAt = Date.now();
      write('progress', { job_id: jobId, progress });
    }, Math.max(0, wait));
  });
  const heartbeat = setInterval(() => { if (!closed) res.write(': keep-alive\n\n'); }, 15_000);
  heartbeat.unref();
  function close() {
    if (closed) return;
    closed = true;
    unsubscribeLog();
    unsubscribeProgress();
    clearInterval(heartbeat);
    if (pendingProgress) clearTimeout(pendingProgress);
    res.end();
  }
  request.raw.on('close', close);

  res.write('retry: 2000\n\n');
  write('state', initial);
  for (const event of await deps.manager.logs(jobId, since)) {
    lastSeq = Math.max(lastSeq, event.seq);
    write('log', event, event.seq);
  }
  live = true;
  for (const event of buffered.splice(0)) onEvent(event);
  if (TERMINAL_STATUS.has(initial.status)) end(await deps.manager.getStatus(jobId));
}
