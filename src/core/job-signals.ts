/**
 * Messages between service instances that share a queue: a cancel reaches the instance running
 * the job wherever it was asked. The embedded mode has one instance and needs none.
 */
export interface JobSignals {
  /** Tell every instance (this one included) that a job is to be cancelled. */
  cancel(jobId: string): Promise<void>;
  onCancel(listener: (jobId: string) => void): () => void;
  close(): Promise<void>;
}
