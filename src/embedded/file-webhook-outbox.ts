import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { END_EVENTS, PROGRESS_MILESTONES } from '../contracts/webhook.js';
import type { StoredDelivery, WebhookOutbox } from '../ports/webhook-outbox.js';
import { TEMP_SUFFIX, writeFileAtomic } from '../store/atomic-write.js';

/**
 * A delivery id is "<job id>.<event>" ("<job id>.job.progress.<per cent>" for progress): one per job
 * and event, so the same end staged twice is one delivery, and a job has at most six.
 */
const DELIVERY_ID = /^[0-9a-f-]{36}\.job\.(?:completed|failed|cancelled|progress\.(?:25|50|75))$/;

export function isDeliveryId(value: string): boolean {
  return DELIVERY_ID.test(value);
}

/** Every delivery id a job can have. */
export function deliveryIdsOf(jobId: string): string[] {
  return [...END_EVENTS.map((e) => `${jobId}.${e}`), ...PROGRESS_MILESTONES.map((m) => `${jobId}.job.progress.${m}`)];
}

/**
 * The embedded webhook outbox: one JSON file per delivery under webhooks/ in the data folder,
 * written atomically and fsynced. Pending deliveries live in webhooks/pending/ (read once at start,
 * then kept in memory: a start never reads the history of delivered ones), and move to
 * webhooks/done/ once delivered or given up. A crash between the two writes of a move leaves two
 * copies; the higher revision is the truth, and the start tidies the other away.
 * One process owns the data folder, so claims are kept in memory.
 */
export class FileWebhookOutbox implements WebhookOutbox {
  private readonly pendingDir: string;
  private readonly doneDir: string;
  private pending: Map<string, StoredDelivery> | null = null;
  private loading: Promise<Map<string, StoredDelivery>> | null = null;
  private readonly claimedUntil = new Map<string, number>();
  /** Writes of one delivery apply in call order. */
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(dir: string) {
    this.pendingDir = path.join(dir, 'pending');
    this.doneDir = path.join(dir, 'done');
  }

  private load(): Promise<Map<string, StoredDelivery>> {
    if (this.pending) return Promise.resolve(this.pending);
    this.loading ??= (async () => {
      await fsp.mkdir(this.pendingDir, { recursive: true });
      await fsp.mkdir(this.doneDir, { recursive: true });
      const pending = new Map<string, StoredDelivery>();
      for (const name of await fsp.readdir(this.pendingDir)) {
        const file = path.join(this.pendingDir, name);
        if (name.endsWith(TEMP_SUFFIX)) {
          await fsp.rm(file, { force: true });
          continue;
        }
        const id = name.replace(/\.json$/, '');
        if (!isDeliveryId(id)) continue;
        const stored = await readDelivery(file);
        const done = await readDelivery(path.join(this.doneDir, name));
        // An unreadable file is left where it is (nothing stored is deleted for being unreadable).
        if (!stored) continue;
        if (done && done.revision >= stored.revision) {
          await fsp.rm(file, { force: true });
          continue;
        }
        pending.set(id, stored);
      }
      this.pending = pending;
      return pending;
    })();
    return this.loading;
  }

  private serial<T>(id: string, write: () => Promise<T>): Promise<T> {
    const run = (this.chains.get(id) ?? Promise.resolve()).then(write, write);
    const tail = run.catch(() => undefined);
    this.chains.set(id, tail);
    void tail.then(() => {
      if (this.chains.get(id) === tail) this.chains.delete(id);
    });
    return run;
  }

  async stage(delivery: StoredDelivery): Promise<void> {
    const pending = await this.load();
    await this.serial(delivery.delivery_id, async () => {
      const existing = await this.get(delivery.delivery_id);
      if (existing && existing.attempts.length > 0) return;
      const next = { ...delivery, revision: (existing?.revision ?? 0) + 1 };
      await writeFileAtomic(this.fileOf(this.pendingDir, next.delivery_id), JSON.stringify(next));
      pending.set(next.delivery_id, next);
    });
  }

  async get(deliveryId: string): Promise<StoredDelivery | null> {
    if (!isDeliveryId(deliveryId)) return null;
    // The start resolved any delivery found in both folders, and a move drops the pending copy as
    // soon as the done one is written: a pending delivery is the one in memory.
    const live = (await this.load()).get(deliveryId);
    return live ?? readDelivery(this.fileOf(this.doneDir, deliveryId));
  }

  async list(jobId: string): Promise<StoredDelivery[]> {
    const found = await Promise.all(deliveryIdsOf(jobId).map((id) => this.get(id)));
    return found
      .filter((d): d is StoredDelivery => d !== null)
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async claimDue(nowMs: number, leaseMs: number, limit: number): Promise<StoredDelivery[]> {
    const pending = await this.load();
    const due = [...pending.values()]
      .filter((d) => d.next_attempt_at !== null && Date.parse(d.next_attempt_at) <= nowMs)
      .filter((d) => (this.claimedUntil.get(d.delivery_id) ?? 0) <= nowMs)
      .sort((a, b) => a.next_attempt_at!.localeCompare(b.next_attempt_at!))
      .slice(0, limit);
    for (const d of due) this.claimedUntil.set(d.delivery_id, nowMs + leaseMs);
    return due;
  }

  async update(delivery: StoredDelivery): Promise<void> {
    const pending = await this.load();
    const id = delivery.delivery_id;
    await this.serial(id, async () => {
      const current = await this.get(id);
      const next = { ...delivery, revision: Math.max(current?.revision ?? 0, delivery.revision) + 1 };
      if (next.status === 'pending') {
        await writeFileAtomic(this.fileOf(this.pendingDir, id), JSON.stringify(next));
        pending.set(id, next);
      } else {
        // Done first, then the pending copy goes: a crash between the two leaves the done copy,
        // with the higher revision, as the truth.
        await writeFileAtomic(this.fileOf(this.doneDir, id), JSON.stringify(next));
        pending.delete(id);
        await fsp.rm(this.fileOf(this.pendingDir, id), { force: true });
      }
      this.claimedUntil.delete(id);
    });
  }

  async deleteForJob(jobId: string): Promise<void> {
    const pending = await this.load();
    for (const id of deliveryIdsOf(jobId)) {
      if (!isDeliveryId(id)) continue;
      await this.serial(id, async () => {
        pending.delete(id);
        this.claimedUntil.delete(id);
        await fsp.rm(this.fileOf(this.pendingDir, id), { force: true });
        await fsp.rm(this.fileOf(this.doneDir, id), { force: true });
      });
    }
  }

  async pendingCount(): Promise<number> {
    return (await this.load()).size;
  }

  private fileOf(dir: string, id: string): string {
    return path.join(dir, `${id}.json`);
  }
}

async function readDelivery(file: string): Promise<StoredDelivery | null> {
  try {
    const parsed = JSON.parse(await fsp.readFile(file, 'utf8')) as StoredDelivery;
    return typeof parsed?.delivery_id === 'string' && typeof parsed.payload === 'string' ? parsed : null;
  } catch {
    return null;
  }
}
