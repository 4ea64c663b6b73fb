/**
 * Whether one ComfyUI backend is believed reachable (each backend's worker has its own). When a job finds it unreachable before its prompt was
 * accepted, the gate closes: no job is dispatched (accepted jobs stay queued instead of failing
 * one after another) and ComfyUI is probed with backoff (1 s, doubling to 30 s) until it answers;
 * then the gate opens and dispatching resumes.
 */
export class EngineGate {
  private closedSince: number | null = null;
  private backoffMs = 1_000;
  private timer: NodeJS.Timeout | null = null;
  reason: string | null = null;

  constructor(
    private readonly probe: () => Promise<boolean>,
    private readonly onOpen: () => void,
    private readonly onTick: () => void,
  ) {}

  get isOpen(): boolean {
    return this.closedSince === null;
  }

  /**
   * ComfyUI was found unreachable (or faulted); the next probe comes after the current backoff, or
   * no sooner than `holdMs` when given (a faulted GPU answers health probes while it is broken).
   */
  close(reason: string, holdMs?: number): number {
    if (this.closedSince === null) {
      this.closedSince = Date.now();
      this.backoffMs = 1_000;
    }
    if (holdMs !== undefined && holdMs > this.backoffMs) {
      this.backoffMs = holdMs;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
    }
    this.reason = reason;
    this.schedule();
    return this.backoffMs;
  }

  /** ComfyUI answered (a prompt was accepted). */
  open(): void {
    if (this.closedSince === null) return;
    this.closedSince = null;
    this.reason = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.onOpen();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onTick();
      this.probe().then(
        (up) => {
          if (up) this.open();
          else {
            this.backoffMs = Math.min(Math.max(30_000, this.backoffMs), this.backoffMs * 2);
            this.schedule();
          }
        },
        () => {
          this.backoffMs = Math.min(Math.max(30_000, this.backoffMs), this.backoffMs * 2);
          this.schedule();
        },
      );
    }, this.backoffMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
