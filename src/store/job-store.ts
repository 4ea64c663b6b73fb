import { promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import { JobHistory } from '../contracts/job.js';
import { TEMP_SUFFIX, writeFileAtomic, writeFileVisible } from './atomic-write.js';
import { redact } from '../util/redact.js';

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

  /**
   * Write the job durably (atomic, fsynced). With `after`, the new state is prepared at once but
   * replaces the old one only after `after` succeeded (e.g. the files it lists are durable).
   */
  save(job: JobHistory, options: { after?: Promise<unknown> } = {}): Promise<void> {
    // Typed by construction; reads go back through the schema. Compact JSON keeps writes small.
    const text = `${JSON.stringify(redact(job))}\n`;
    const previous = this.chains.get(job.job_id) ?? Promise.resolve();
    const next = writeFileAtomic(this.pathFor(job.job_id), text, Promise.all([previous, options.after]));
    this.chains.set(
      job.job_id,
      next.catch(() => undefined),
    );
    return next;
  }

  /**
   * Write the job so it is on disk (it survives a crash of this process) when this resolves, and
   * durable against power loss when `durable` resolves. Used for a new job's first record, which
   * must exist before its prompt is submitted but need only be durable before it is acknowledged.
   */
  async saveVisible(job: JobHistory): Promise<{ durable: Promise<void> }> {
    const text = `${JSON.stringify(redact(job))}\n`;
    const previous = this.chains.get(job.job_id) ?? Promise.resolve();
    const written = previous.then(() => writeFileVisible(this.pathFor(job.job_id), text));
    this.chains.set(
      job.job_id,
      written.then(
        () => undefined,
        () => undefined,
      ),
    );
    return written;
  }

  /** The stored job, or null when absent. A malformed id never touches the disk. */
  async get(jobId: string): Promise<JobHistory | null> {
    const stored = await this.readValue(jobId);
    return stored ? JobHistory.parse(stored.value) : null;
  }

  /**
   * The parsed JSON of a job file and when it was last written, without the schema check (start-up
   * tells this service's records from the original service's); null when absent, throws when the
   * file is not JSON.
   */
  /**
   * A job file's parsed JSON, read synchronously: a few kilobytes read inline cost a tenth of the
   * four thread-pool hops of an asynchronous read, which is what rebuilding an index over 100,000
   * files spends its time on. Null if it does not exist; throws if it is unreadable.
   */
  readValueSync(jobId: string): unknown {
    if (!isJobId(jobId)) return null;
    let text: string;
    try {
      text = readFileSync(this.pathFor(jobId), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return JSON.parse(text) as unknown;
  }

  async readValue(jobId: string): Promise<{ value: unknown; mtimeMs: number } | null> {
    if (!isJobId(jobId)) return null;
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(this.pathFor(jobId), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      const mtimeMs = (await handle.stat()).mtimeMs;
      return { value: JSON.parse(await handle.readFile('utf8')) as unknown, mtimeMs };
    } finally {
      await handle.close();
    }
  }

  /**
   * Move an unreadable job file out of the way (jobs/corrupt/) so it never blocks a start, and
   * keep it for a human to look at.
   */
  async moveAside(jobId: string): Promise<string> {
    const dir = path.join(this.jobsDir, 'corrupt');
    await fsp.mkdir(dir, { recursive: true });
    const target = path.join(dir, `${jobId}.${Date.now()}.json`);
    await fsp.rename(this.pathFor(jobId), target);
    return target;
  }

  /** Remove a job's record and its log folder. */
  async delete(jobId: string): Promise<void> {
    await fsp.rm(this.pathFor(jobId), { force: true });
    await fsp.rm(path.join(this.jobsDir, jobId), { recursive: true, force: true });
    this.chains.delete(jobId);
  }

  /** Remove temp files left by writes a crash interrupted; returns how many. */
  async sweepTemp(dir = this.jobsDir): Promise<number> {
    let removed = 0;
    for (const name of await fsp.readdir(dir).catch(() => [] as string[])) {
      if (name.startsWith('.') && name.endsWith(TEMP_SUFFIX)) {
        await fsp.rm(path.join(dir, name), { force: true });
        removed++;
      }
    }
    return removed;
  }

  /**
   * The record on disk is redacted; when redaction changed a job's inputs (a credential in its
   * prompt), the exact inputs are kept beside it, mode 0600, until the job ends, so a job resumed
   * after a restart submits exactly what the user asked, not "[REDACTED]".
   */
  private rerunPath(jobId: string): string {
    if (!isJobId(jobId)) throw new Error('invalid job id');
    return path.join(this.jobsDir, jobId, 'rerun-inputs.json');
  }

  async saveRerunInputs(jobId: string, inputs: Record<string, unknown>): Promise<void> {
    await fsp.mkdir(path.dirname(this.rerunPath(jobId)), { recursive: true });
    await writeFileAtomic(this.rerunPath(jobId), JSON.stringify(inputs));
  }

  async readRerunInputs(jobId: string): Promise<Record<string, unknown> | null> {
    try {
      const value: unknown = JSON.parse(await fsp.readFile(this.rerunPath(jobId), 'utf8'));
      return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    } catch {
      return null; // absent (nothing was redacted) or unreadable: the record's inputs are all there is
    }
  }

  async deleteRerunInputs(jobId: string): Promise<void> {
    await fsp.rm(this.rerunPath(jobId), { force: true });
  }

  /** Ids of every stored job (file names only; nothing is parsed). */
  async ids(): Promise<string[]> {
    const names = await fsp.readdir(this.jobsDir);
    return names.filter((n) => n.endsWith('.json') && isJobId(n.slice(0, -5))).map((n) => n.slice(0, -5));
  }
}
