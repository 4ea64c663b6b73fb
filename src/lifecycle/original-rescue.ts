import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { isJobId, type JobStore } from '../store/job-store.js';
import { OriginalJobRecord, isOriginalRecord } from '../store/original-record.js';

/** Names moveAside() gives: {job_id}.{ms}.json */
const ASIDE_NAME = /^([0-9a-f-]{36})\.\d+\.json$/;

/**
 * Earlier versions of this service quarantined every job file the original service wrote
 * (jobs/corrupt/{id}.{ms}.json). Files there that read as original records, and whose job has no
 * file in jobs/ now, are moved back so the start migrates them; the newest copy of a job wins.
 * Returns the ids brought back. Anything else in jobs/corrupt/ stays where it is.
 */
export async function restoreOriginalFromCorrupt(jobs: JobStore): Promise<string[]> {
  const dir = path.join(jobs.jobsDir, 'corrupt');
  const names = (await fsp.readdir(dir).catch(() => [] as string[])).sort().reverse();
  const restored: string[] = [];
  for (const name of names) {
    const id = ASIDE_NAME.exec(name)?.[1];
    if (!id || !isJobId(id) || restored.includes(id)) continue;
    const target = jobs.pathFor(id);
    if (
      await fsp.stat(target).then(
        () => true,
        () => false,
      )
    )
      continue;
    let value: unknown;
    try {
      value = JSON.parse(await fsp.readFile(path.join(dir, name), 'utf8'));
    } catch {
      continue; // truly unreadable: it stays quarantined
    }
    if (!isOriginalRecord(value) || !OriginalJobRecord.safeParse(value).success || value.job_id !== id) continue;
    await fsp.rename(path.join(dir, name), target);
    restored.push(id);
  }
  return restored;
}
