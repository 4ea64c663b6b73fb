/**
 * The job queue port: where accepted jobs wait until a worker (one per ComfyUI backend) takes
 * them. The embedded implementation is in-process (src/embedded/in-process-queue.ts); a
 * distributed one (BullMQ on Redis) must pass the same conformance suite (test/ports/).
 *
 * Contract, for every implementation:
 * - **Bounded**: `enqueue` refuses with `QueueFullError` (which carries the depth, for Retry-After)
 *   once `waiting + held places` reaches the bound. `hold()` takes a place atomically (in process:
 *   before any await; on Redis: in one script), so concurrent submissions never overshoot it.
 * - **Order**: higher `priority` first; equal priority in enqueue order (FIFO). `requeue(…, 'front')`
 *   puts a job back at the head of its priority (a job that found its backend down keeps its turn).
 * - **Idempotent**: enqueueing a job id that is already waiting or leased is a no-op; an
 *   idempotency key already waiting or leased returns the job id that holds it.
 * - **Capability-aware reserve**: `reserve(canRun)` hands out the first waiting job the caller can
 *   run (jobs it cannot run keep their place for others) and leases it to that worker.
 * - **Leases**: a leased job is invisible to other workers until it is completed, failed, released
 *   or its lease expires without a `heartbeat`; an expired lease puts the job back at the head of
 *   the queue (a dead worker and a restart are the same event) and counts an attempt.
 * - **Cancel**: removes a waiting job (true); a leased one is left to its worker (false).
 */
export interface QueueEntry {
  jobId: string;
  /** Larger runs first; default 0. */
  priority?: number;
  /** SHA-256 of the client's Idempotency-Key, if any. */
  idempotencyKey?: string | null;
  /** What a worker needs to know to decide whether it can run the job (preset id, say). */
  needs?: Record<string, unknown>;
  /** Accepted earlier (put back after a restart or a lost backend): never refused by the bound. */
  admitted?: boolean;
}

export interface Lease {
  jobId: string;
  workerId: string;
  /** How many times this job has been leased (1 on the first run). */
  attempt: number;
  entry: QueueEntry;
}

export class QueueFullError extends Error {
  override name = 'QueueFullError';
  constructor(
    readonly depth: number,
    readonly bound: number,
  ) {
    super(`the job queue is full (${depth} waiting, bound ${bound})`);
  }
}

/** A place taken in the queue before the job exists; give it back or spend it on enqueue. */
export interface QueuePlace {
  release(): void;
}

export interface JobQueue {
  /** Take a place for a job about to be created; throws QueueFullError when there is none. */
  hold(): Promise<QueuePlace>;
  /** Put a job in line, spending `place` if given. Returns the job id holding the idempotency key. */
  enqueue(entry: QueueEntry, place?: QueuePlace): Promise<{ jobId: string; duplicate: boolean }>;
  /** The first waiting job `canRun` accepts, leased to `workerId` for `leaseMs`; null when none. */
  reserve(workerId: string, canRun: (entry: QueueEntry) => boolean, leaseMs: number): Promise<Lease | null>;
  /** Extend a lease; false when it is no longer this worker's (expired and handed back). */
  heartbeat(lease: Lease, leaseMs: number): Promise<boolean>;
  /** The job ended (completed, failed or cancelled): it leaves the queue for good. */
  finish(lease: Lease): Promise<void>;
  /** Give a leased job back: to the head of the line (its turn kept) or the tail. */
  requeue(lease: Lease, where: 'front' | 'back'): Promise<void>;
  /** Remove a waiting job; false when it is not waiting (leased, finished or unknown). */
  cancel(jobId: string): Promise<boolean>;
  /** Waiting job ids in the order they will be handed out. */
  waiting(): Promise<string[]>;
  /** Where a waiting job stands (0 = next), -1 when it is not waiting; optional (a remote queue may not say cheaply). */
  positionOf?(jobId: string): number;
  /** Waiting jobs plus places held: what the bound is checked against. */
  depth(): Promise<number>;
  /** Wake when a job is enqueued or handed back (workers wait on this instead of polling). */
  onAvailable(listener: () => void): () => void;
  close(): Promise<void>;
}
