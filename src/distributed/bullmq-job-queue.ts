import { createHash, randomUUID } from 'node:crypto';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { CLAIM_SCRIPT, HOLD_SCRIPT, PLACE_TTL_MS, RELEASE_SCRIPT } from './bullmq-scripts.js';
import { QueueFullError, type JobQueue, type Lease, type QueueEntry, type QueuePlace } from '../ports/job-queue.js';

export interface BullmqQueueOptions {
  redisUrl: string;
  /** The bound on waiting jobs plus places held, for every instance together. */
  bound: number;
  /** Key prefix: instances that share it share the queue. */
  prefix?: string;
  /** How often workers look at the queue even without an event (a missed one costs at most this). */
  wakeEveryMs?: number;
  /** How often BullMQ looks for jobs whose lock ran out (a dead instance's); a job is handed back within two of these after its lease. */
  stalledIntervalMs?: number;
}

interface JobData {
  entry: QueueEntry;
  /** Leases before this BullMQ job was added (a requeue adds it again). */
  priorAttempts: number;
}

/** Priorities are "larger first" here and "smaller first" in BullMQ; the odd half leaves room for a requeue to the front. */
const PRIORITY_BASE = 1_000_000;
const bullPriority = (priority: number, front: boolean) =>
  2 * (PRIORITY_BASE - Math.max(-PRIORITY_BASE + 1, Math.min(PRIORITY_BASE - 1, priority))) + (front ? 0 : 1);

interface ClassQueue {
  name: string;
  needs: Record<string, unknown>;
  queue: Queue<JobData>;
  worker: Worker<JobData>;
  events: QueueEvents;
}

interface Head {
  cls: ClassQueue;
  /** Handed back by BullMQ's stalled check (its wait list runs before every prioritized job). */
  stalled: boolean;
  priority: number;
  timestamp: number;
}

/** The stable name of a set of needs: jobs with the same needs share one BullMQ queue. */
function classOf(needs: Record<string, unknown> | undefined): string {
  const canonical = JSON.stringify(
    Object.keys(needs ?? {})
      .sort()
      .map((k) => [k, (needs ?? {})[k]]),
  );
  return 'jobs-' + createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/**
 * The distributed JobQueue: BullMQ on Redis, shared by every instance with the same prefix.
 * - One BullMQ queue per class of needs, so a worker reserves only what it can run without taking
 *   (and putting back) what it cannot: it asks for the next job of the best class it accepts.
 * - Jobs are fetched by hand (a BullMQ Worker without a processor): a lease is BullMQ's job lock,
 *   kept by `heartbeat` (extendLock); a dead instance's locks run out and BullMQ's stalled check
 *   hands its jobs back, at the head of the line, to whichever worker asks next.
 * - The bound, the job ids and the idempotency keys live in Redis beside BullMQ's keys, changed
 *   by small scripts (bullmq-scripts.ts) so several instances never overshoot or double-claim.
 * One job, the JobQueue port over BullMQ: about 400 lines because the port has ten operations and
 * each maps onto BullMQ's manual-fetch API with its own edge (a lost lock, a class opened elsewhere).
 */
export class BullmqJobQueue implements JobQueue {
  private readonly prefix: string;
  private readonly connection: Redis;
  private readonly classes = new Map<string, ClassQueue>();
  private readonly listeners = new Set<() => void>();
  private readonly membersKey: string;
  private readonly keysKey: string;
  private readonly placesKey: string;
  private readonly classesKey: string;
  private classesReadAt = 0;
  private closed = false;

  constructor(private readonly options: BullmqQueueOptions) {
    this.prefix = options.prefix ?? 'ainfluencer';
    // BullMQ's workers and event readers block on their connections: they need their own, with
    // no per-request retry limit (BullMQ requires maxRetriesPerRequest null).
    this.connection = this.newConnection();
    this.membersKey = `${this.prefix}:queue:members`;
    this.keysKey = `${this.prefix}:queue:keys`;
    this.placesKey = `${this.prefix}:queue:places`;
    this.classesKey = `${this.prefix}:queue:classes`;
    this.announcements = this.newConnection();
    this.announcements.on('message', () => {
      void this.refreshClasses(true)
        .then(() => this.notify())
        .catch(() => undefined);
    });
    void this.announcements.subscribe(this.classesKey).catch(() => undefined);
    // Events can be missed (BullMQ's event stream starts over when Redis restarts empty, a
    // reconnect skips what came meanwhile): workers are woken every few seconds regardless.
    this.sweep = setInterval(() => this.notify(), options.wakeEveryMs ?? 2_000);
    this.sweep.unref();
  }

  private readonly sweep: NodeJS.Timeout;

  /** Hears of classes other instances create. */
  private readonly announcements: Redis;

  private newConnection(): Redis {
    const redis = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: false });
    redis.on('error', () => undefined); // reconnects on its own; callers see their commands fail
    return redis;
  }

  async hold(): Promise<QueuePlace> {
    const id = randomUUID();
    const now = Date.now();
    const result = Number(
      await this.connection.eval(
        HOLD_SCRIPT,
        1,
        this.placesKey,
        now,
        now + PLACE_TTL_MS,
        await this.waitingCount(),
        this.options.bound,
        id,
      ),
    );
    if (result < 0) throw new QueueFullError(-result - 1, this.options.bound);
    let spent = false;
    return {
      release: () => {
        if (spent) return;
        spent = true;
        void this.connection.zrem(this.placesKey, id).catch(() => undefined);
      },
    };
  }

  async enqueue(entry: QueueEntry, place?: QueuePlace): Promise<{ jobId: string; duplicate: boolean }> {
    const cls = await this.classFor(entry.needs);
    const [holder, duplicate] = (await this.connection.eval(
      CLAIM_SCRIPT,
      2,
      this.membersKey,
      this.keysKey,
      entry.jobId,
      cls.name,
      entry.idempotencyKey ?? '',
    )) as [string, number];
    // Claimed but not in BullMQ: its enqueuer died between the claim and the add (a SIGKILL), and
    // only a put-back can bring it in line. Adding it is safe even if that enqueuer is alive
    // and adds it too: BullMQ keeps one job per id.
    const stale = duplicate === 1 && holder === entry.jobId && !(await this.inBullmq(entry.jobId));
    if (duplicate === 1 && !stale) {
      place?.release();
      return { jobId: holder, duplicate: true };
    }
    if (!place && !entry.admitted) {
      const depth = (await this.waitingCount()) + (await this.connection.zcard(this.placesKey));
      if (depth >= this.options.bound) {
        await this.release(entry);
        throw new QueueFullError(depth, this.options.bound);
      }
    }
    try {
      await this.add(cls, entry, 0, false);
      this.notify(); // this instance's workers look at once, whatever becomes of the event stream
    } catch (err) {
      await this.release(entry);
      throw err;
    }
    place?.release(); // after the job is waiting: the depth never dips below the truth meanwhile
    return { jobId: entry.jobId, duplicate: false };
  }

  private async add(cls: ClassQueue, entry: QueueEntry, priorAttempts: number, front: boolean): Promise<void> {
    await cls.queue.add(
      'job',
      { entry, priorAttempts },
      {
        jobId: entry.jobId,
        priority: bullPriority(entry.priority ?? 0, front),
        removeOnComplete: true,
        removeOnFail: true,
        attempts: 1,
      },
    );
  }

  async reserve(workerId: string, canRun: (entry: QueueEntry) => boolean, leaseMs: number): Promise<Lease | null> {
    if (this.closed) return null;
    await this.refreshClasses();
    const able = [...this.classes.values()].filter((c) => canRun({ jobId: '', needs: c.needs }));
    // Another instance may take a class's head between the look and the fetch: look again.
    for (let round = 0; round < 5; round++) {
      const heads = (await Promise.all(able.map((c) => this.head(c)))).filter((h): h is Head => h !== null);
      if (heads.length === 0) return null;
      heads.sort(
        (a, b) => Number(b.stalled) - Number(a.stalled) || a.priority - b.priority || a.timestamp - b.timestamp,
      );
      for (const head of heads) {
        const token = `${workerId}:${randomUUID()}`;
        const job = await head.cls.worker.getNextJob(token, { block: false });
        if (!job) continue;
        // A job of this class the caller cannot run (its needs say so only once fetched): give it back.
        if (!canRun(job.data.entry)) {
          await job.moveToWait(token);
          continue;
        }
        await job.extendLock(token, leaseMs);
        return {
          jobId: job.data.entry.jobId,
          workerId,
          attempt: job.data.priorAttempts + job.attemptsStarted,
          entry: job.data.entry,
          [LEASE_JOB]: { job, token, cls: head.cls },
        } as Lease;
      }
    }
    return null;
  }

  /** The next job a class would hand out, with what orders it against other classes' heads. */
  private async head(cls: ClassQueue): Promise<Head | null> {
    const [stalled] = await cls.queue.getWaiting(-1, -1);
    if (stalled) return { cls, stalled: true, priority: 0, timestamp: stalled.timestamp };
    const [next] = await cls.queue.getPrioritized(0, 0);
    return next ? { cls, stalled: false, priority: next.priority, timestamp: next.timestamp } : null;
  }

  async heartbeat(lease: Lease, leaseMs: number): Promise<boolean> {
    const held = leased(lease);
    if (!held) return false;
    try {
      return (await held.job.extendLock(held.token, leaseMs)) === 1;
    } catch {
      return false;
    }
  }

  async finish(lease: Lease): Promise<void> {
    const held = leased(lease);
    if (!held) return;
    try {
      await held.job.moveToCompleted(null, held.token, false);
    } catch {
      return; // no longer this lease's (it ran out and another worker has the job): nothing changes
    }
    await this.release(lease.entry);
  }

  async requeue(lease: Lease, where: 'front' | 'back'): Promise<void> {
    const held = leased(lease);
    if (!held) return;
    try {
      await held.job.moveToCompleted(null, held.token, false);
    } catch {
      return;
    }
    // Added again (its id stays claimed meanwhile, so nobody else can enqueue it), its leases counted on.
    await this.add(held.cls, lease.entry, lease.attempt, where === 'front');
    this.notify();
  }

  async cancel(jobId: string): Promise<boolean> {
    const clsName = await this.connection.hget(this.membersKey, jobId);
    if (!clsName) return false;
    if (!this.classes.has(clsName)) await this.refreshClasses(true);
    const cls = this.classes.get(clsName);
    const job = cls ? await cls.queue.getJob(jobId) : undefined;
    if (!job) return false;
    try {
      // Removal fails for a locked (leased) job: that one is left to its worker.
      const state = await job.getState();
      if (state !== 'waiting' && state !== 'prioritized') return false;
      await job.remove();
    } catch {
      return false;
    }
    await this.release(job.data.entry);
    return true;
  }

  async waiting(): Promise<string[]> {
    await this.refreshClasses();
    const all: { id: string; stalled: boolean; priority: number; timestamp: number; at: number }[] = [];
    for (const cls of this.classes.values()) {
      const stalled = (await cls.queue.getWaiting(0, -1)).reverse();
      stalled.forEach((j, at) => all.push({ id: j.id!, stalled: true, priority: 0, timestamp: j.timestamp, at }));
      (await cls.queue.getPrioritized(0, -1)).forEach((j, at) =>
        all.push({ id: j.id!, stalled: false, priority: j.priority, timestamp: j.timestamp, at }),
      );
    }
    all.sort(
      (a, b) =>
        Number(b.stalled) - Number(a.stalled) ||
        (a.stalled ? a.at - b.at : a.priority - b.priority || a.timestamp - b.timestamp || a.at - b.at),
    );
    return all.map((j) => j.id);
  }

  async depth(): Promise<number> {
    await this.connection.zremrangebyscore(this.placesKey, '-inf', Date.now());
    return (await this.waitingCount()) + (await this.connection.zcard(this.placesKey));
  }

  onAvailable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweep);
    this.listeners.clear();
    for (const cls of this.classes.values()) {
      await cls.events.close().catch(() => undefined);
      await cls.worker.close(true).catch(() => undefined);
      await cls.queue.close().catch(() => undefined);
    }
    this.announcements.disconnect();
    this.connection.disconnect();
  }

  /** Is this job in any class's BullMQ queue (waiting, prioritized or leased)? */
  private async inBullmq(jobId: string): Promise<boolean> {
    await this.refreshClasses();
    for (const cls of this.classes.values()) if (await cls.queue.getJob(jobId)) return true;
    return false;
  }

  private async waitingCount(): Promise<number> {
    await this.refreshClasses();
    let n = 0;
    for (const cls of this.classes.values()) n += await cls.queue.getJobCountByTypes('wait', 'prioritized');
    return n;
  }

  private async release(entry: QueueEntry): Promise<void> {
    await this.connection.eval(
      RELEASE_SCRIPT,
      2,
      this.membersKey,
      this.keysKey,
      entry.jobId,
      entry.idempotencyKey ?? '',
    );
  }

  private async classFor(needs: Record<string, unknown> | undefined): Promise<ClassQueue> {
    const name = classOf(needs);
    // Registered on every enqueue, not only the first time this instance sees the class: a Redis
    // that restarted empty has forgotten it, and other instances would never open its queue. The
    // first job of a class tells the other instances, so their workers open it and hear its jobs.
    if ((await this.connection.hsetnx(this.classesKey, name, JSON.stringify(needs ?? {}))) === 1)
      await this.connection.publish(this.classesKey, name);
    return this.open(name, needs ?? {});
  }

  /** Classes another instance created (announced at once; read again every few seconds too, or now, when asked). */
  private async refreshClasses(now = false): Promise<void> {
    if (!now && Date.now() - this.classesReadAt < 5_000) return;
    this.classesReadAt = Date.now();
    const all = await this.connection.hgetall(this.classesKey);
    for (const [name, needs] of Object.entries(all))
      if (!this.classes.has(name)) this.open(name, JSON.parse(needs) as Record<string, unknown>);
  }

  private open(name: string, needs: Record<string, unknown>): ClassQueue {
    const known = this.classes.get(name);
    if (known) return known;
    const common = { connection: this.connection, prefix: this.prefix };
    const queue = new Queue<JobData>(name, common);
    const worker = new Worker<JobData>(name, null, {
      ...common,
      autorun: false,
      stalledInterval: this.options.stalledIntervalMs ?? 5_000,
      // Attempts are the service's business (it fails a job after its own limit); BullMQ must never
      // fail a job for stalling.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
    });
    worker.on('error', () => undefined);
    void worker.startStalledCheckTimer().catch(() => undefined);
    const events = new QueueEvents(name, { connection: this.newConnection(), prefix: this.prefix });
    events.on('error', () => undefined);
    // Added, handed back by a requeue or by the stalled check: workers look again.
    events.on('waiting', () => this.notify());
    const cls: ClassQueue = { name, needs, queue, worker, events };
    this.classes.set(name, cls);
    return cls;
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }
}

const LEASE_JOB = Symbol('lease job');

function leased(lease: Lease): { job: Job<JobData>; token: string; cls: ClassQueue } | null {
  return (lease as Lease & { [LEASE_JOB]?: { job: Job<JobData>; token: string; cls: ClassQueue } })[LEASE_JOB] ?? null;
}
