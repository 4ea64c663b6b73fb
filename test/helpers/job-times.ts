import { call } from './http.js';

/**
 * When the service began working on a job, which is where its deadline counts from: ComfyUI's
 * start (started_at), or, for a job ComfyUI never started (a hung /prompt, a deadline passed in
 * ComfyUI's queue), the moment its graph was built (its `graph_built` log event).
 */
export async function workStartedMs(
  base: string,
  job: { job_id: string; started_at: string | null; created_at: string },
): Promise<number> {
  if (job.started_at) return Date.parse(job.started_at);
  const events = (await call(base, 'GET', `/api/pipeline/jobs/${job.job_id}/logs`)).json?.events as
    { event: string; at: string }[] | undefined;
  const built = events?.find((e) => e.event === 'graph_built');
  return built ? Date.parse(built.at) : Date.parse(job.created_at);
}
