import type { Logger } from 'pino';
import type { EngineAdapter, EngineCapabilities } from '../engines/engine.js';
import type { ActiveJob, ActiveJobs } from '../core/active-jobs.js';
import type { JobQueue, Lease } from '../ports/job-queue.js';
import { isTerminal } from '../core/job-state.js';
import { EngineGate } from './engine-gate.js';
import { SubmitOrder, type DispatchSlot } from './dispatch-slot.js';

/** Abort reason of a job taken off a backend that stopped answering: it runs again elsewhere. */
export const MOVE = 'move';

/** What a worker needs of the pool it belongs to. */
export interface WorkerHost {
  readonly queue: JobQueue;
  readonly jobs: ActiveJobs;
  readonly leaseMs: number;
  readonly logger: Logger;
  /** The worker that should take this job now (capabilities, checkpoint, load), or null. */
  choose(active: ActiveJob): BackendWorker | null;
  /** The same choice for a job known only by its queue entry's needs (its preset). */
  chooseFor(needs: Record<string, unknown> | undefined): BackendWorker | null;
  /** A leased job not held here (created by, or taken over from, another instance): load it; see Adopted. */
  adopt(lease: Lease): Promise<{ active: ActiveJob; on: string | null } | 'gone' | 'elsewhere'>;
  /** The worker of a backend, by id. */
  get(id: string): BackendWorker | undefined;
  /** Run a leased job on this worker, in the slot it was given (see DispatchSlot). */
  run(worker: BackendWorker, active: ActiveJob, slot: DispatchSlot): Promise<void>;
  /** Slots were freed or a backend came back: every worker looks at the queue again. */
  kick(): void;
  /** A closed gate's probe is due: jobs waiting past their deadline fail. */
  onTick(): void;
  /** Is another backend accepting work (a lost job has somewhere to go)? */
  othersOpen(worker: BackendWorker): boolean;
}

export interface WorkerSettings {
  concurrency: number;
  prefetch: number;
  /** With another backend up, how long this one may fail health probes mid-job before its jobs move. */
  failoverAfterMs: number;
}

/**
 * One ComfyUI backend's worker: its slots (concurrency + prefetch), its health latch (a gate that
 * closes on connection failures or a CUDA fault and is probed with backoff), the catalogue it
 * dispatches by, the checkpoint it ran last, and prompts left behind on it when it died (removed
 * once it answers again). The pump reserves only jobs the pool's choice gives to this worker.
 */
export class BackendWorker {
  readonly inFlight = new Set<string>();
  readonly gate: EngineGate;
  catalogue: EngineCapabilities | null = null;
  lastCheckpoint: string | null = null;
  /** Prompt ids of jobs moved away from this backend while it was unreachable. */
  readonly orphans = new Set<string>();
  completed = 0;
  failed = 0;
  moved = 0;
  private dispatching = true;
  private pumping = false;
  private pumpAgain = false;
  private watchdog: NodeJS.Timeout | null = null;
  private unhealthySince = 0;
  private readonly submitOrder = new SubmitOrder();

  constructor(
    readonly engine: EngineAdapter,
    readonly settings: WorkerSettings,
    private readonly host: WorkerHost,
  ) {
    this.gate = new EngineGate(
      async () => (await engine.health()).status === 'healthy',
      () => this.reopened(),
      () => host.onTick(),
    );
  }

  get id(): string {
    return this.engine.engineId;
  }

  get engineKind(): string {
    return this.engine.engineKind;
  }

  get slots(): number {
    return this.settings.concurrency + this.settings.prefetch;
  }

  get free(): number {
    return this.slots - this.inFlight.size;
  }

  /** Share of the slots in use (0 idle, 1 full). */
  get load(): number {
    return this.inFlight.size / this.slots;
  }

  get accepting(): boolean {
    return this.dispatching && this.gate.isOpen;
  }

  start(): void {
    this.pump();
  }

  private catalogueAt = 0;

  /**
   * A preflight has just read the backend's catalogue (the adapter caches it): take it over for
   * dispatch, at most once a minute. It is not read at start on purpose: the first job's preflight
   * reads it under that job's deadline, and until then every job counts as runnable here.
   */
  catalogueSeen(): void {
    if (Date.now() - this.catalogueAt < 60_000) return;
    this.catalogueAt = Date.now();
    void this.refreshCatalogue(false);
  }

  /** Read the catalogue dispatch screens jobs by; unknown (null) means "let preflight decide". */
  async refreshCatalogue(refresh: boolean): Promise<void> {
    try {
      this.catalogue = await this.engine.capabilities({ refresh });
      this.host.kick();
    } catch (err) {
      this.host.logger.debug({ err, engine: this.id }, 'could not read the node catalogue of a backend');
    }
  }

  /** Stop taking jobs here until a probe finds the backend healthy again. */
  pause(reason: string, holdMs?: number): number {
    this.host.logger.warn(
      { engine: this.id, reason },
      'backend paused; its jobs wait in the queue for it or another backend',
    );
    return this.gate.close(reason, holdMs);
  }

  private reopened(): void {
    this.host.logger.info({ engine: this.id }, 'backend answers again; dispatching queued jobs to it');
    void this.removeOrphans();
    // What it offers may have changed while it was down (a restart with packs installed).
    if (this.catalogue) {
      this.catalogueAt = Date.now();
      void this.refreshCatalogue(true);
    }
    this.host.kick();
  }

  /** Prompts of jobs that moved elsewhere must not run here too: delete them if queued, interrupt if running. */
  private async removeOrphans(): Promise<void> {
    for (const promptId of [...this.orphans]) {
      try {
        const outcome = await this.engine.cancel(promptId);
        this.orphans.delete(promptId);
        this.host.logger.info(
          { engine: this.id, prompt_id: promptId, outcome },
          'removed the prompt of a job that moved to another backend',
        );
      } catch (err) {
        this.host.logger.warn(
          { err, engine: this.id, prompt_id: promptId },
          'could not remove the prompt of a moved job yet',
        );
      }
    }
  }

  /** Hand waiting jobs to this backend while it has free slots (one pump at a time; a call meanwhile re-runs it). */
  pump(): void {
    if (!this.accepting) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void this.drain()
      .catch((err: unknown) => this.host.logger.error({ err, engine: this.id }, 'dispatching queued jobs failed'))
      .finally(() => {
        this.pumping = false;
      });
  }

  private async drain(): Promise<void> {
    do {
      this.pumpAgain = false;
      while (this.accepting && this.free > 0) {
        const lease = await this.host.queue.reserve(
          this.id,
          (entry) => {
            const active = entry.jobId ? this.host.jobs.get(entry.jobId) : undefined;
            if (active) return isTerminal(active.record.status) || this.host.choose(active) === this;
            // Not held here (another instance's, or a class of jobs being looked at): by its needs.
            return this.host.chooseFor(entry.needs) === this;
          },
          this.host.leaseMs,
        );
        if (!lease) break;
        let active = this.host.jobs.get(lease.jobId);
        if (active?.executing && this.host.jobs.leases.has(lease.jobId) && !isTerminal(active.record.status)) {
          // Already running here under a lease this instance still holds: the shared queue handed it
          // out again (its lock was lost in a Redis restart). One run follows it, under the new lease.
          this.host.jobs.leases.set(lease.jobId, lease);
          continue;
        }
        let elsewhere: BackendWorker | undefined;
        if (!active) {
          const adopted = await this.host.adopt(lease).catch((err: unknown) => {
            this.host.logger.warn({ err, job_id: lease.jobId }, 'could not load a leased job; it goes back in line');
            return 'elsewhere' as const;
          });
          if (adopted === 'elsewhere') {
            await this.host.queue.requeue(lease, 'back');
            continue;
          }
          if (adopted !== 'gone') {
            active = adopted.active;
            // Its prompt is already on a backend: followed there, never submitted twice.
            elsewhere = adopted.on && adopted.on !== this.id ? this.host.get(adopted.on) : undefined;
          }
        }
        if (!active || isTerminal(active.record.status)) {
          await this.host.queue.finish(lease);
          continue;
        }
        (elsewhere ?? this).startJob(active, lease);
      }
    } while (this.pumpAgain);
  }

  /** Run a job here now (a leased one, or one recovered at start that ComfyUI already has). */
  startJob(active: ActiveJob, lease: Lease | null): void {
    const jobId = active.record.job_id;
    if (lease) this.host.jobs.leases.set(jobId, lease);
    const behindUntil = this.busyUntil();
    this.inFlight.add(jobId);
    active.backend = this.id;
    this.watch();
    // The slot is ComfyUI's: it is released as soon as ComfyUI has finished the run, so the next
    // job executes while this one's outputs are still being stored (the GPU never waits for disk).
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.inFlight.delete(jobId);
      if (active.backend === this.id) active.backend = null;
      this.host.kick();
    };
    const turn = this.submitOrder.next();
    active.executing = true;
    void this.host
      .run(this, active, { release, turn, behindUntil })
      .catch((err: unknown) =>
        this.host.logger.error({ err, job_id: jobId }, 'job execution failed outside its error handling'),
      )
      .finally(() => {
        turn.done();
        active.executing = false;
        release();
      });
  }

  /**
   * When every execution slot here holds one of our jobs, a new job waits in ComfyUI's queue behind
   * them: until the latest of their deadlines at most. Null while ComfyUI would start it at once.
   */
  private busyUntil(): number | null {
    if (this.inFlight.size < this.settings.concurrency) return null;
    let until = Date.now();
    for (const id of this.inFlight) until = Math.max(until, this.host.jobs.get(id)?.deadlineAt ?? until);
    return until;
  }

  /**
   * While jobs run here and another backend is up, probe this one every second: once it has failed
   * probes for failoverAfterMs, it is paused and its jobs are taken off it (MOVE) to run elsewhere.
   */
  private watch(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => {
      if (this.inFlight.size === 0) {
        this.stopWatch();
        return;
      }
      void this.engine.health().then((health) => {
        if (health.status === 'healthy') {
          this.unhealthySince = 0;
          return;
        }
        this.unhealthySince ||= Date.now();
        if (Date.now() - this.unhealthySince < this.settings.failoverAfterMs || !this.host.othersOpen(this)) return;
        this.pause(`stopped answering while running jobs (${health.message ?? health.error_code ?? 'unhealthy'})`);
        for (const jobId of this.inFlight) this.host.jobs.get(jobId)?.controller.abort(MOVE);
      });
    }, 1_000);
    this.watchdog.unref();
  }

  private stopWatch(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    this.unhealthySince = 0;
  }

  stop(): void {
    this.dispatching = false;
    this.gate.stop();
    this.stopWatch();
  }
}
