import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { redact } from '../util/redact.js';
import { parseEventLine, type JobEvent } from './event-line.js';

export type { JobEvent };

/**
 * The per-job event log: jobs/{job_id}/logs.jsonl, one redacted JSON line per event, appended in
 * order. `seq` numbers events so readers can follow with ?since= and never miss or repeat one.
 */
export class JobLogger {
  private readonly seqs = new Map<string, number>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly listeners = new Map<string, Set<(event: JobEvent) => void>>();

  constructor(private readonly jobsDir: string) {}

  pathFor(jobId: string): string {
    return path.join(this.jobsDir, jobId, 'logs.jsonl');
  }

  /** A job that has no events yet (just created): its numbering starts at 1 without reading the disk. */
  begin(jobId: string): void {
    if (!this.seqs.has(jobId)) this.seqs.set(jobId, 0);
  }

  /**
   * Append one event; appends for a job are serialised so lines never interleave. A job this process
   * has not written to yet continues the numbering found on disk (a restart never repeats a seq).
   */
  log(jobId: string, event: string, fields: Record<string, unknown> = {}): Promise<JobEvent> {
    const at = new Date().toISOString();
    const previous = this.chains.get(jobId) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (!this.seqs.has(jobId)) await this.resume(jobId);
      const seq = (this.seqs.get(jobId) ?? 0) + 1;
      this.seqs.set(jobId, seq);
      const entry = redact({ ...fields, seq, at, event }) as JobEvent;
      const handle = await this.handleFor(jobId);
      await handle.write(`${JSON.stringify(entry)}\n`);
      return entry;
    });
    this.chains.set(
      jobId,
      next.then(
        () => undefined,
        () => undefined,
      ),
    );
    // Listeners hear an event only once it is on disk, so a reader never sees what a crash could lose.
    return next.then((entry) => {
      for (const l of this.listeners.get(jobId) ?? []) l(entry);
      return entry;
    });
  }

  /** Follow a job's events as they are appended. Returns the unsubscribe function. */
  subscribe(jobId: string, listener: (event: JobEvent) => void): () => void {
    let set = this.listeners.get(jobId);
    if (!set) this.listeners.set(jobId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(jobId);
    };
  }

  /** Resume numbering after a restart from what is already on disk. */
  async resume(jobId: string): Promise<void> {
    const events = await this.read(jobId);
    this.seqs.set(jobId, events.at(-1)?.seq ?? 0);
  }

  async read(jobId: string, since = 0): Promise<JobEvent[]> {
    let text: string;
    try {
      text = await fsp.readFile(this.pathFor(jobId), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const events: JobEvent[] = [];
    let position = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      position++;
      // A torn last line from a crash is skipped, never fatal; the original's lines are converted.
      const e = parseEventLine(line, position);
      if (e && e.seq > since) events.push(e);
    }
    return events;
  }

  /** Append handles of active jobs stay open: one write per event instead of open/write/close. */
  private readonly handles = new Map<string, Promise<fsp.FileHandle>>();

  private handleFor(jobId: string): Promise<fsp.FileHandle> {
    let handle = this.handles.get(jobId);
    if (!handle) {
      handle = fsp
        .mkdir(path.dirname(this.pathFor(jobId)), { recursive: true })
        .then(() => fsp.open(this.pathFor(jobId), 'a', 0o600));
      handle.catch(() => this.handles.delete(jobId));
      this.handles.set(jobId, handle);
    }
    return handle;
  }

  /** Close a job's append handle once nothing more is expected (after its last event). */
  async release(jobId: string): Promise<void> {
    const handle = this.handles.get(jobId);
    if (!handle) return;
    this.handles.delete(jobId);
    await (this.chains.get(jobId) ?? Promise.resolve());
    await (await handle.catch(() => null))?.close().catch(() => undefined);
  }

  forget(jobId: string): void {
    void this.release(jobId);
    this.seqs.delete(jobId);
    this.chains.delete(jobId);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.handles.keys()].map((id) => this.release(id)));
  }
}
