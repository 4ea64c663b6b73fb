import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { JobHistory } from '../contracts/job.js';
import { writeFileAtomic } from './atomic-write.js';

/** What listing, estimates, recovery, idempotency and retention need of a job, and no more. */
export interface JobSummary {
  job_id: string;
  preset_id: string;
  status: JobHistory['status'];
  quality_level: JobHistory['quality_level'];
  created_ms: number;
  started_ms: number | null;
  finished_ms: number | null;
  progress: number;
  /** First output's file name, for output_url. */
  output: string | null;
  error: string | null;
  error_code: string | null;
  bytes: number;
  idempotency_key: string | null;
  /** The backend that ran it (absent from journal lines older than several backends). */
  engine: string | null;
  attempts: number;
}

export function summarize(job: JobHistory): JobSummary {
  const first = job.outputs.find((o) => o.type === 'image') ?? job.outputs[0];
  return {
    job_id: job.job_id,
    preset_id: job.preset_id,
    status: job.status,
    quality_level: job.quality_level,
    created_ms: Date.parse(job.created_at),
    started_ms: job.started_at ? Date.parse(job.started_at) : null,
    finished_ms: job.finished_at ? Date.parse(job.finished_at) : null,
    progress: job.progress,
    output: first?.filename ?? null,
    error: job.error,
    error_code: job.error_code,
    bytes: job.outputs.reduce((s, o) => s + o.size_bytes, 0),
    idempotency_key: job.idempotency_key ?? null,
    engine: job.engine_used,
    attempts: job.attempts ?? 1,
  };
}

export interface ListQuery {
  status?: string;
  preset_id?: string;
  limit: number;
  cursor?: { created_ms: number; job_id: string };
}

/** Values that repeat across jobs (preset ids, statuses, error texts), stored once per index. */
class StringPool {
  private readonly known = new Map<string, string>();

  intern(value: string | null): string | null {
    if (value === null) return null;
    const known = this.known.get(value);
    if (known !== undefined) return known;
    if (this.known.size < 10_000) this.known.set(value, value);
    return value;
  }
}

/** A summary with a fixed property order (one hidden class) and shared strings. */
function compact(s: JobSummary, pool: StringPool): JobSummary {
  const intern = (v: string | null) => pool.intern(v);
  return {
    job_id: s.job_id,
    preset_id: intern(s.preset_id)!,
    status: intern(s.status) as JobSummary['status'],
    quality_level: intern(s.quality_level) as JobSummary['quality_level'],
    created_ms: s.created_ms,
    started_ms: s.started_ms,
    finished_ms: s.finished_ms,
    progress: s.progress,
    output: intern(s.output),
    error: intern(s.error),
    error_code: intern(s.error_code),
    bytes: s.bytes,
    idempotency_key: s.idempotency_key,
    engine: intern(s.engine ?? null),
    attempts: s.attempts ?? 1,
  };
}

const before = (a: JobSummary, c: { created_ms: number; job_id: string }) =>
  a.created_ms < c.created_ms || (a.created_ms === c.created_ms && a.job_id < c.job_id);

/**
 * In-memory index of every stored job, persisted as an append-only journal (jobs/index.jsonl, one
 * summary per state change) so a start reads one file instead of every job file. The journal is
 * compacted when it grows past twice the number of jobs. Job files stay the source of truth: ids
 * missing from the journal are read from their files at start.
 */
export class JobIndex {
  private readonly byId = new Map<string, JobSummary>();
  private readonly pool = new StringPool();
  /** Ascending by (created_ms, job_id); listing walks it backwards. */
  private ordered: JobSummary[] = [];
  private journalLines = 0;
  private chain: Promise<void> = Promise.resolve();
  readonly journalPath: string;

  constructor(jobsDir: string) {
    this.journalPath = path.join(jobsDir, 'index.jsonl');
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * Load the journal in chunks (never the whole file as one string); returns how many lines were
   * unreadable (a torn last line after a crash).
   */
  async load(): Promise<number> {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(this.journalPath, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    let bad = 0;
    const take = (line: string) => {
      if (!line) return;
      this.journalLines++;
      try {
        const s = JSON.parse(line) as JobSummary | { deleted: string };
        if ('deleted' in s) this.byId.delete(s.deleted);
        else this.byId.set(s.job_id, compact(s, this.pool));
      } catch {
        bad++;
      }
    };
    try {
      const chunk = Buffer.allocUnsafe(1 << 20);
      let rest = '';
      for (;;) {
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
        if (bytesRead === 0) break;
        const text = rest + chunk.toString('utf8', 0, bytesRead);
        let start = 0;
        for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
          take(text.slice(start, nl));
          start = nl + 1;
        }
        rest = text.slice(start);
      }
      take(rest);
    } finally {
      await handle.close();
    }
    this.resort();
    return bad;
  }

  has(jobId: string): boolean {
    return this.byId.has(jobId);
  }

  get(jobId: string): JobSummary | undefined {
    return this.byId.get(jobId);
  }

  all(): Iterable<JobSummary> {
    return this.byId.values();
  }

  /** Record a job's current state (in memory at once; journalled in order). */
  put(input: JobSummary): Promise<void> {
    const summary = compact(input, this.pool);
    const existing = this.byId.get(summary.job_id);
    this.byId.set(summary.job_id, summary);
    if (existing) {
      const i = this.indexOf(existing);
      if (i >= 0) this.ordered[i] = summary;
    } else {
      this.insertOrdered(summary);
    }
    return this.journal(JSON.stringify(summary));
  }

  /**
   * Record a job read from its file while the index is rebuilt (many thousands at once): in memory
   * only, unordered; commitAdopted() then sorts once and writes the journal once, instead of one
   * sorted insert and one append per job.
   */
  adopt(input: JobSummary): void {
    this.byId.set(input.job_id, compact(input, this.pool));
  }

  /** Order and journal everything adopted (one atomic rewrite of the journal). */
  async commitAdopted(): Promise<void> {
    this.resort();
    const run = this.chain.then(() => this.compact());
    this.chain = run.catch(() => undefined);
    await run;
  }

  remove(jobId: string): Promise<void> {
    const existing = this.byId.get(jobId);
    if (!existing) return Promise.resolve();
    this.byId.delete(jobId);
    const i = this.indexOf(existing);
    if (i >= 0) this.ordered.splice(i, 1);
    return this.journal(JSON.stringify({ deleted: jobId }));
  }

  /** Newest first, filtered, after the cursor. */
  list(query: ListQuery): { jobs: JobSummary[]; next: JobSummary | null } {
    const out: JobSummary[] = [];
    let start = this.ordered.length - 1;
    if (query.cursor) {
      // Binary search for the first entry strictly before the cursor.
      let lo = 0,
        hi = this.ordered.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (before(this.ordered[mid]!, query.cursor)) lo = mid + 1;
        else hi = mid;
      }
      start = lo - 1;
    }
    for (let i = start; i >= 0; i--) {
      const s = this.ordered[i]!;
      if (query.status && s.status !== query.status) continue;
      if (query.preset_id && s.preset_id !== query.preset_id) continue;
      if (out.length === query.limit) return { jobs: out, next: out.at(-1)! };
      out.push(s);
    }
    return { jobs: out, next: null };
  }

  private journal(line: string): Promise<void> {
    this.journalLines++;
    const next = this.chain.then(async () => {
      await fsp.appendFile(this.journalPath, `${line}\n`);
      if (this.journalLines > Math.max(1000, this.byId.size * 2)) await this.compact();
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Rewrite the journal with one line per job (atomic). */
  private async compact(): Promise<void> {
    const text = this.ordered.map((s) => JSON.stringify(s)).join('\n');
    await writeFileAtomic(this.journalPath, text ? `${text}\n` : '');
    this.journalLines = this.ordered.length;
  }

  async flush(): Promise<void> {
    await this.chain;
  }

  private resort(): void {
    this.ordered = [...this.byId.values()].sort(
      (a, b) => a.created_ms - b.created_ms || (a.job_id < b.job_id ? -1 : a.job_id > b.job_id ? 1 : 0),
    );
  }

  private indexOf(s: JobSummary): number {
    let lo = 0,
      hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(this.ordered[mid]!, s)) lo = mid + 1;
      else hi = mid;
    }
    return this.ordered[lo]?.job_id === s.job_id ? lo : this.ordered.findIndex((x) => x.job_id === s.job_id);
  }

  private insertOrdered(s: JobSummary): void {
    const last = this.ordered.at(-1);
    if (!last || before(last, s)) {
      this.ordered.push(s);
      return;
    }
    let lo = 0,
      hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(this.ordered[mid]!, s)) lo = mid + 1;
      else hi = mid;
    }
    this.ordered.splice(lo, 0, s);
  }
}
