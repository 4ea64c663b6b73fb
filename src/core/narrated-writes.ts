import type { Logger } from 'pino';
import type { JobWrites } from './job-writes.js';

/** Job events a person watching the service's log wants one line for, at info. */
const TOLD = new Set([
  'queued',
  'started',
  'completed',
  'failed',
  'cancelled',
  'requeued',
  'recovering',
  'waiting_for_engine',
  'backend_lost',
  'backend_fault',
  'backend_lacks',
  'engine_out_of_memory',
]);

/**
 * The job's own event log, told in the service's log too: one line per job event that matters at
 * info (the rest, progress and artifacts among them, at debug), so the terminal reads as what
 * happens to jobs rather than as HTTP requests. Fields go through the logger's redaction.
 */
export function narratedWrites(writes: JobWrites, logger: Logger): JobWrites {
  const debug = logger.isLevelEnabled('debug');
  return {
    ...writes,
    log(jobId, event, fields) {
      if (TOLD.has(event)) logger.info({ job_id: jobId, event, ...fields }, `job ${event}`);
      else if (debug) logger.debug({ job_id: jobId, event, ...fields }, `job ${event}`);
      return writes.log(jobId, event, fields);
    },
  };
}
