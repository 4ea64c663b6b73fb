import type { CancelOutcome, Graph } from '../engine.js';
import { PipelineError } from '../../errors/pipeline-error.js';
import { msUntil, withTimeLimit } from '../../util/deadline.js';
import { withRetries } from '../../util/retry.js';
import type { ComfyHttpClient } from './client.js';
import { parseHistoryEntry, type HistoryEntry } from './history.js';
import { submitError } from './submit-errors.js';

/** A submission that failed ambiguously and that ComfyUI does not have: safe to send again. */
class RetryableSubmission extends Error {
  constructor(readonly original: PipelineError) {
    super(original.message);
  }
}

/** One prompt's /history entry: the graph plus outputs and messages. */
export const HISTORY_ENTRY_MAX_BYTES = 16 * 1024 * 1024;

/**
 * ComfyUI's calls about one prompt, by its id: submit it, read its /history entry, find it in the
 * queue, cancel it. Stateless over the HTTP client; the run tracker and the adapter use them.
 */
export class ComfyPrompts {
  constructor(
    private readonly http: ComfyHttpClient,
    private readonly clientId: string,
    private readonly cancelTimeoutMs: number,
    private readonly engineError: (err: unknown, what: string) => PipelineError,
  ) {}

  /** POST /prompt; an ambiguous failure is resolved by looking the id up before any retry. */
  async submit(graph: Graph, promptId: string, signal?: AbortSignal): Promise<string> {
    const body = { prompt: graph, client_id: this.clientId, prompt_id: promptId };
    return withRetries(
      async () => {
        try {
          const res = await this.http.raw('POST', '/prompt', {
            body: JSON.stringify(body),
            headers: { 'content-type': 'application/json' },
            signal,
          });
          const text = await this.http.readText(res, 'POST', '/prompt', HISTORY_ENTRY_MAX_BYTES, signal);
          let data: unknown;
          try {
            data = text ? JSON.parse(text) : null;
          } catch {
            data = undefined;
          }
          if (res.status === 400) {
            // ComfyUI's refusals are {error, node_errors}; any other 400 (a proxy's page, say) is not one.
            const isComfyRefusal =
              Boolean(data) &&
              typeof data === 'object' &&
              ('error' in (data as object) || 'node_errors' in (data as object));
            if (!isComfyRefusal)
              throw new PipelineError(
                'ENGINE_PROTOCOL_ERROR',
                'ComfyUI refused POST /prompt (400) with an answer that is not a ComfyUI error',
                { detail: { status: 400, ambiguous: false } },
              );
            throw this.engineErrorOf(() => submitError(data, graph));
          }
          if (res.status >= 500)
            throw new PipelineError('ENGINE_PROTOCOL_ERROR', `ComfyUI answered ${res.status} to POST /prompt`, {
              detail: { status: res.status },
            });
          if (res.status !== 200) {
            // 403, 404, 405, 413…: ComfyUI (or a proxy in front of it) refused the request; nothing was queued.
            throw new PipelineError('ENGINE_PROTOCOL_ERROR', `ComfyUI refused POST /prompt with status ${res.status}`, {
              detail: { status: res.status, ambiguous: false },
            });
          }
          const accepted = (data as { prompt_id?: unknown } | undefined)?.prompt_id;
          if (typeof accepted !== 'string' || accepted.length === 0 || accepted.length > 200) {
            throw new PipelineError(
              'ENGINE_PROTOCOL_ERROR',
              'ComfyUI answered POST /prompt with status 200 and no prompt_id',
              { detail: { status: res.status, ambiguous: true } },
            );
          }
          return accepted;
        } catch (err) {
          if (
            !(err instanceof PipelineError) ||
            err.code === 'DEPENDENCY_MISSING' ||
            err.code === 'CONTRACT_MISMATCH' ||
            err.code === 'ENGINE_OFFLINE' ||
            err.code === 'JOB_CANCELLED'
          )
            throw err;
          if (signal?.aborted || err.detail?.ambiguous === false) throw err;
          // 5xx, reset or malformed answer: the prompt may or may not be queued. Never submit twice:
          // if ComfyUI has it, it was accepted; only if it does not may the submission be retried.
          const state = await this.lookup(promptId, signal).catch(() => 'unknown' as const);
          if (state !== 'unknown') return promptId;
          throw new RetryableSubmission(err);
        }
      },
      {
        policy: { attempts: 3, baseMs: 200 },
        signal,
        retryable: (err) => err instanceof RetryableSubmission,
      },
    ).catch((err: unknown) => {
      throw err instanceof RetryableSubmission ? err.original : err;
    });
  }

  /** Build an error from an upstream body; a body too odd to read becomes ENGINE_PROTOCOL_ERROR. */
  private engineErrorOf(build: () => PipelineError): PipelineError {
    try {
      return build();
    } catch (err) {
      return this.engineError(err, 'reading its refusal of the prompt');
    }
  }

  async historyEntry(promptId: string, signal?: AbortSignal): Promise<HistoryEntry | null> {
    const { data } = await this.http.json<Record<string, unknown>>('GET', `/history/${encodeURIComponent(promptId)}`, {
      signal,
      maxBytes: HISTORY_ENTRY_MAX_BYTES,
    });
    if (data === undefined || data === null) return null;
    if (typeof data !== 'object' || Array.isArray(data))
      throw new PipelineError('ENGINE_PROTOCOL_ERROR', 'ComfyUI /history answer is not an object', {
        detail: { prompt_id: promptId },
      });
    const entry = data[promptId];
    return entry === undefined || entry === null ? null : parseHistoryEntry(entry, promptId);
  }

  /** Where a prompt is: running, or queued with how many prompts ComfyUI runs before it. */
  async queuePlace(
    promptId: string,
    signal: AbortSignal | undefined,
    deadlineAt: number,
  ): Promise<{ state: 'running' | 'finished' | 'unknown' } | { state: 'queued'; ahead: number }> {
    return withTimeLimit([signal], Math.min(5_000, msUntil(deadlineAt)), async (s) => {
      const { data: queue } = await this.http.json<{ queue_running?: unknown; queue_pending?: unknown }>(
        'GET',
        '/queue',
        { signal: s },
      );
      const running = Array.isArray(queue?.queue_running) ? queue.queue_running : [];
      const pending = Array.isArray(queue?.queue_pending) ? queue.queue_pending : [];
      if (running.some((item) => Array.isArray(item) && item[1] === promptId)) return { state: 'running' as const };
      // Pending items are [number, prompt_id, …]; ComfyUI runs the lowest number first.
      const mine = pending.find((item): item is unknown[] => Array.isArray(item) && item[1] === promptId);
      if (!mine) return { state: 'unknown' as const };
      const number = typeof mine[0] === 'number' ? mine[0] : Infinity;
      const ahead =
        running.length +
        pending.filter((item) => Array.isArray(item) && typeof item[0] === 'number' && item[0] < number).length;
      return { state: 'queued' as const, ahead };
    });
  }

  async lookup(promptId: string, signal?: AbortSignal): Promise<'queued' | 'running' | 'finished' | 'unknown'> {
    // Queue first, then history: a prompt leaves the queue only after its history is written.
    const { data: queue } = await this.http.json<{ queue_running?: unknown; queue_pending?: unknown }>(
      'GET',
      '/queue',
      { signal },
    );
    const list = (v: unknown): unknown[] => {
      if (v === undefined) return [];
      if (!Array.isArray(v))
        throw new PipelineError('ENGINE_PROTOCOL_ERROR', 'ComfyUI /queue answer is not a list of items', {
          detail: { prompt_id: promptId },
        });
      return v as unknown[];
    };
    if (!queue || typeof queue !== 'object')
      throw new PipelineError('ENGINE_PROTOCOL_ERROR', 'ComfyUI /queue answer is not an object', {
        detail: { prompt_id: promptId },
      });
    if (list(queue.queue_running).some((item) => Array.isArray(item) && item[1] === promptId)) return 'running';
    if (list(queue.queue_pending).some((item) => Array.isArray(item) && item[1] === promptId)) return 'queued';
    return (await this.historyEntry(promptId, signal)) ? 'finished' : 'unknown';
  }

  /** Remove a queued prompt or interrupt a running one, within cancelTimeoutMs (default 5 s). */
  async cancel(promptId: string, signal?: AbortSignal): Promise<CancelOutcome> {
    return withTimeLimit([signal], this.cancelTimeoutMs, async (limit) => {
      const state = await this.lookup(promptId, limit);
      if (state === 'queued') {
        await this.http.json('POST', '/queue', {
          json: { delete: [promptId] },
          safe: true,
          expectEmpty: true,
          signal: limit,
        });
        // It may have started between the two calls: then interrupt it.
        if ((await this.lookup(promptId, limit)) !== 'running') return 'removed_from_queue';
      } else if (state !== 'running') {
        return 'not_active';
      }
      // Targeted interrupt; on servers that ignore the body this is global, which is why the queue
      // was checked first: our prompt is the one running.
      await this.http.json('POST', '/interrupt', {
        json: { prompt_id: promptId },
        safe: true,
        expectEmpty: true,
        signal: limit,
      });
      return 'interrupted';
    });
  }
}
