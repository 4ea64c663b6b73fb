import type { Logger } from 'pino';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { JobIndex } from '../store/job-index.js';
import type { JobLogger } from '../store/job-logger.js';
import type { JobStore } from '../store/job-store.js';
import { isTerminal } from '../core/job-state.js';
import type { WebhookOutbox } from '../ports/webhook-outbox.js';

/** What retention needs of the core: its stores and which jobs it is running. */
export interface RetentionTarget {
  readonly index: JobIndex;
  readonly active: ReadonlyMap<string, unknown>;
  readonly deps: {
    artifacts: ArtifactStore;
    jobs: JobStore;
    jobLogger: JobLogger;
    logger: Logger;
    webhooks: WebhookOutbox;
  };
  forgetStatus(jobId: string): void;
}

/**
 * Remove finished jobs (record, log and artifacts) older than maxAge, then the oldest finished
 * ones while their artifacts exceed maxBytes. Queued and running jobs are never touched.
 */
export async function sweepRetention(
  core: RetentionTarget,
  policy: { maxAgeMs: number | null; maxBytes: number | null },
): Promise<number> {
  const finished = [...core.index.all()]
    .filter((s) => isTerminal(s.status) && !core.active.has(s.job_id))
    .sort((a, b) => (a.finished_ms ?? a.created_ms) - (b.finished_ms ?? b.created_ms));
  const doomed = new Set<string>();
  if (policy.maxAgeMs) {
    const cutoff = Date.now() - policy.maxAgeMs;
    for (const s of finished) if ((s.finished_ms ?? s.created_ms) < cutoff) doomed.add(s.job_id);
  }
  if (policy.maxBytes) {
    let total = finished.reduce((sum, s) => sum + (doomed.has(s.job_id) ? 0 : s.bytes), 0);
    for (const s of finished) {
      if (total <= policy.maxBytes) break;
      if (doomed.has(s.job_id)) continue;
      doomed.add(s.job_id);
      total -= s.bytes;
    }
  }
  for (const id of doomed) {
    await core.deps.artifacts.delete(id);
    await core.deps.webhooks.deleteForJob(id);
    await core.deps.jobs.delete(id);
    await core.index.remove(id);
    core.forgetStatus(id);
    core.deps.jobLogger.forget(id);
  }
  if (doomed.size) core.deps.logger.info({ removed: doomed.size }, 'retention removed finished jobs');
  return doomed.size;
}
