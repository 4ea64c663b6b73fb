import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { JobHistory } from '../contracts/job.js';
import { writeFileAtomic } from './atomic-write.js';
import { redact } from './redact.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isJobId(value: string): boolean {
  return UUID.test(value);
}

/**
 * jobs/{job_id}.json, one JobHistory per file (the original service's layout). Writes are atomic
 * and redacted; reads go back through the schema, so a file written by anything else is checked.
 */
export class JobStore {
  /** Writes per job are serialised: a later state can never be overwritten by an earlier one. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(readonly jobsDir: string) {}

  async init(): Promise<void> {
    await fsp.mkdir(this.jobsDir, { recursive: true });
  }

  pathFor(jobId: string): string {
    if (!isJobId(jobId)) throw new Error('invalid job id');
    return path.join(this.jobsDir, `${jobId}.json`);
  }

  save(job: JobHistory): Promise<void> {
    const record = JobHistory.parse(redact(job));
    const text = `${JSON.stringify(record, null, 2)}\n`;
    const previous = this.chains.get(job.job_id) ?? Promise.resolve();
    const next = previous.then(() => writeFileAtomic(this.pathFor(job.job_id), text));
    this.chains.set(job.job_id, next.catch(() => undefined));
    return next;
  }

  /** The stored job, or null when absent. A malformed id never touches the disk. */
  async get(jobId: string): Promise<JobHistory | null> {
    if (!isJobId(jobId)) return null;
    let text: string;
    try {
      text = await fsp.readFile(this.pathFor(jobId), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return JobHistory.parse(JSON.parse(text));
  }

  /** Ids of every stored job (file names only; nothing is parsed). */
  async ids(): Promise<string[]> {
    const names = await fsp.readdir(this.jobsDir);
    return names.filter((n) => n.endsWith('.json') && isJobId(n.slice(0, -5))).map((n) => n.slice(0, -5));
  }
}
