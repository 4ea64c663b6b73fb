import type { SubmitTurn } from '../engines/engine.js';

/**
 * What a worker hands a job with its slot on a backend. With prefetch, a backend holds more of our
 * prompts than it executes at once: the extra ones wait in ComfyUI's own queue, so ComfyUI starts
 * the next the moment the current one ends, with no round trip of ours in between.
 */
export interface DispatchSlot {
  /** Frees the slot (as soon as ComfyUI is done with the run; called again later, harmlessly). */
  release(): void;
  /**
   * Prompts reach ComfyUI in the order their jobs were handed to this backend: a job's submission
   * waits for the previous job's, so prefetched prompts keep the queue's FIFO order.
   */
  turn: SubmitTurn;
  /**
   * Set when the job goes to a backend whose execution slots are all taken by our own jobs: it waits
   * in ComfyUI's queue behind them, at the latest until this time (the latest deadline among them).
   * Its own deadline then counts from when ComfyUI starts it, not from the wait.
   */
  behindUntil: number | null;
}

/** A chain of submission turns, one per backend. */
export class SubmitOrder {
  private tail: Promise<void> = Promise.resolve();

  next(): SubmitTurn {
    let done!: () => void;
    const mine = new Promise<void>((resolve) => {
      done = resolve;
    });
    const ready = this.tail;
    this.tail = mine;
    return { ready, done };
  }
}
