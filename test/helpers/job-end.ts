import { call } from './http.js';
import { waitUntil } from './wait.js';

/** The job's public status once it has ended (completed, failed or cancelled), polled every `everyMs`. */
export function jobEnded(baseUrl: string, jobId: string, ms = 30_000, everyMs = 25): Promise<any> {
  return waitUntil(
    `job ${jobId} ends`,
    async () => {
      const st = (await call(baseUrl, 'GET', `/api/pipeline/jobs/${jobId}`)).json;
      return ['completed', 'failed', 'cancelled'].includes(st.status) ? st : null;
    },
    ms,
    everyMs,
  );
}
