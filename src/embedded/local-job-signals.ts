import type { JobSignals } from '../core/job-signals.js';

/** JobSignals within one process (one instance over a shared repository, with the in-process queue). */
export class LocalJobSignals implements JobSignals {
  private readonly listeners = new Set<(jobId: string) => void>();

  cancel(jobId: string): Promise<void> {
    for (const l of [...this.listeners]) l(jobId);
    return Promise.resolve();
  }

  onCancel(listener: (jobId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.listeners.clear();
    return Promise.resolve();
  }
}
