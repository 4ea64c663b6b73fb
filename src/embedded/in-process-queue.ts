import { QueueFullError, type JobQueue, type Lease, type QueueEntry, type QueuePlace } from '../ports/job-queue.js';

interface Waiting {
  entry: QueueEntry;
  priority: number;
  /** Enqueue order within a priority; a job put back at the front gets a smaller one. */
  order: number;
  attempts: number;
}

interface Held {
  waiting: Waiting;
  workerId: string;
  lease: Lease;
  timer: NodeJS.Timeout;
}

/**
 * The embedded JobQueue: one process, nothing to install. Waiting jobs are kept sorted by
 * (priority desc, order asc); leases are timers that put an abandoned job back at the head.
 * Everything is synchronous inside each call, so no two callers can interleave within one.
 */
export class InProcessJobQueue implements JobQueue {
  private readonly line: Waiting[] = [];
  private readonly leased = new Map<string, Held>();
  private readonly listeners = new Set<() => void>();
  private held = 0;
  private nextOrder = 0;
  private frontOrder = 0;
  private closed = false;

  constructor(private readonly bound: number) {}

  hold(): Promise<QueuePlace> {
    const depth = this.line.length + this.held;
    if (depth >= this.bound) return Promise.reject(new QueueFullError(depth, this.bound));
    this.held++;
    let spent = false;
    return Promise.resolve({
      release: () => {
        if (spent) return;
        spent = true;
        this.held--;
      },
    });
  }

  enqueue(entry: QueueEntry, place?: QueuePlace): Promise<{ jobId: string; duplicate: boolean }> {
    const known = this.find(entry);
    if (known) {
      place?.release();
      return Promise.resolve({ jobId: known, duplicate: true });
    }
    if (!place && !entry.admitted && this.line.length + this.held >= this.bound)
      return Promise.reject(new QueueFullError(this.line.length + this.held, this.bound));
    place?.release();
    this.insert({ entry, priority: entry.priority ?? 0, order: this.nextOrder++, attempts: 0 });
    this.notify();
    return Promise.resolve({ jobId: entry.jobId, duplicate: false });
  }

  reserve(workerId: string, canRun: (entry: QueueEntry) => boolean, leaseMs: number): Promise<Lease | null> {
    if (this.closed) return Promise.resolve(null);
    const i = this.line.findIndex((w) => canRun(w.entry));
    if (i < 0) return Promise.resolve(null);
    const [waiting] = this.line.splice(i, 1) as [Waiting];
    waiting.attempts++;
    const lease: Lease = { jobId: waiting.entry.jobId, workerId, attempt: waiting.attempts, entry: waiting.entry };
    this.leased.set(lease.jobId, { waiting, workerId, lease, timer: this.expiry(lease.jobId, leaseMs) });
    return Promise.resolve(lease);
  }

  heartbeat(lease: Lease, leaseMs: number): Promise<boolean> {
    const held = this.ownLease(lease);
    if (!held) return Promise.resolve(false);
    clearTimeout(held.timer);
    held.timer = this.expiry(lease.jobId, leaseMs);
    return Promise.resolve(true);
  }

  finish(lease: Lease): Promise<void> {
    const held = this.ownLease(lease);
    if (held) {
      clearTimeout(held.timer);
      this.leased.delete(lease.jobId);
    }
    return Promise.resolve();
  }

  requeue(lease: Lease, where: 'front' | 'back'): Promise<void> {
    const held = this.ownLease(lease);
    if (!held) return Promise.resolve();
    clearTimeout(held.timer);
    this.leased.delete(lease.jobId);
    this.putBack(held.waiting, where);
    return Promise.resolve();
  }

  cancel(jobId: string): Promise<boolean> {
    const i = this.line.findIndex((w) => w.entry.jobId === jobId);
    if (i < 0) return Promise.resolve(false);
    this.line.splice(i, 1);
    return Promise.resolve(true);
  }

  waiting(): Promise<string[]> {
    return Promise.resolve(this.line.map((w) => w.entry.jobId));
  }

  /** Synchronous view for in-process callers (status positions): the same order as waiting(). */
  positionOf(jobId: string): number {
    return this.line.findIndex((w) => w.entry.jobId === jobId);
  }

  depth(): Promise<number> {
    return Promise.resolve(this.line.length + this.held);
  }

  onAvailable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.closed = true;
    for (const held of this.leased.values()) clearTimeout(held.timer);
    this.listeners.clear();
    return Promise.resolve();
  }

  private find(entry: QueueEntry): string | null {
    const same = (e: QueueEntry) =>
      e.jobId === entry.jobId || (!!entry.idempotencyKey && e.idempotencyKey === entry.idempotencyKey);
    const waiting = this.line.find((w) => same(w.entry));
    if (waiting) return waiting.entry.jobId;
    for (const held of this.leased.values()) if (same(held.lease.entry)) return held.lease.jobId;
    return null;
  }

  private ownLease(lease: Lease): Held | null {
    const held = this.leased.get(lease.jobId);
    return held && held.workerId === lease.workerId && held.lease === lease ? held : null;
  }

  /** An abandoned lease: the job goes back to the head of its priority, its attempt counted. */
  private expiry(jobId: string, leaseMs: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const held = this.leased.get(jobId);
      if (!held || held.timer !== timer) return;
      this.leased.delete(jobId);
      this.putBack(held.waiting, 'front');
    }, leaseMs);
    timer.unref();
    return timer;
  }

  private putBack(waiting: Waiting, where: 'front' | 'back'): void {
    waiting.order = where === 'front' ? --this.frontOrder : this.nextOrder++;
    this.insert(waiting);
    this.notify();
  }

  /** Keep the line sorted: priority desc, then order asc (binary search for the place). */
  private insert(w: Waiting): void {
    let lo = 0,
      hi = this.line.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.line[mid]!;
      if (m.priority > w.priority || (m.priority === w.priority && m.order < w.order)) lo = mid + 1;
      else hi = mid;
    }
    this.line.splice(lo, 0, w);
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }
}
