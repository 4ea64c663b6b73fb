import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JobHistory } from '../../src/contracts/job.js';
import { JobAlreadyEnded, type JobRepository } from '../../src/ports/job-repository.js';
import type { JobEvent } from '../../src/store/event-line.js';
import type { StoredDelivery } from '../../src/ports/webhook-outbox.js';

/**
 * The JobRepository contract (src/ports/job-repository.ts), for every implementation: the data
 * folder's files here, PostgreSQL next. `make()` gives an empty repository; `reopen(repo)` gives a
 * new one over the same storage once `repo` is closed (what a restart sees).
 */
export function jobRepositoryConformance(
  name: string,
  make: () => Promise<JobRepository>,
  reopen: (closed: JobRepository) => Promise<JobRepository>,
): void {
  const KEY = 'sk-proj-AbCdEfGhIjKlMnOpQrStUv1234';
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const job = (fields: Partial<JobHistory> = {}): JobHistory => {
    const id = randomUUID();
    const at = new Date((clock += 1000)).toISOString();
    return {
      schema_version: 1,
      job_id: id,
      preset_id: 'photoreal_portrait_v1',
      user_id: null,
      status: 'queued',
      created_at: at,
      started_at: null,
      finished_at: null,
      inputs: { prompt: 'a lighthouse at dusk' },
      outputs: [],
      engine_used: null,
      quality_level: 'low',
      credit_cost: 1,
      error: null,
      error_code: null,
      remediation: [],
      logs: `jobs/${id}/logs.jsonl`,
      progress: 0,
      seed: 1,
      consent: { given: false, required: false, recorded_at: at },
      engine_prompt_id: randomUUID(),
      error_detail: null,
      provenance: null,
      idempotency_key: null,
      submit_attempts: 0,
      ...fields,
    };
  };

  const delivery = (jobId: string, fields: Partial<StoredDelivery> = {}): StoredDelivery => ({
    delivery_id: `${jobId}.job.completed`,
    job_id: jobId,
    event: 'job.completed',
    url: 'https://hooks.example.com/x',
    status: 'pending',
    created_at: new Date(clock).toISOString(),
    next_attempt_at: new Date(clock).toISOString(),
    delivered_at: null,
    attempts: [],
    payload: '{"type":"job.completed"}',
    revision: 0,
    ...fields,
  });
  const attempt = (number: number) => ({
    number,
    at: new Date(clock).toISOString(),
    outcome: 'http_error' as const,
    status_code: 500,
    error: 'answered 500',
    latency_ms: 3,
    manual: false,
  });

  /** A fresh repository for one test, closed after it whatever happens. */
  const withRepo = async (test: (repo: JobRepository) => Promise<void>) => {
    const repo = await make();
    try {
      await test(repo);
    } finally {
      await repo.close();
    }
  };

  describe(`JobRepository conformance: ${name}`, () => {
    it('stores a record durably and gives it back, credentials removed, ordinary text untouched', async () => {
      await withRepo(async (repo) => {
        const j = job({ inputs: { prompt: `a basic black-and-white portrait, key ${KEY}` } });
        await repo.save(j);
        const back = (await repo.get(j.job_id))!;
        expect(back.inputs.prompt).toBe('a basic black-and-white portrait, key [REDACTED]');
        expect({ ...back, inputs: j.inputs }).toEqual(j);
        expect(await repo.summary(j.job_id)).toMatchObject({
          job_id: j.job_id,
          status: 'queued',
          preset_id: 'photoreal_portrait_v1',
        });
        expect(await repo.get(randomUUID())).toBeNull();
        expect(await repo.get('../../etc/passwd')).toBeNull();
      });
    });

    it('applies saves of one job in call order: an earlier state never overwrites a later one', async () => {
      await withRepo(async (repo) => {
        const j = job();
        await Promise.all([
          repo.save(j),
          repo.save({ ...j, status: 'running' }),
          repo.save({ ...j, status: 'failed', error_code: 'ENGINE_TIMEOUT' }),
        ]);
        expect((await repo.get(j.job_id))!.status).toBe('failed');
        expect((await repo.summary(j.job_id))!.status).toBe('failed');
      });
    });

    it('an end is final: another end (or state) is refused with JobAlreadyEnded, the same end saved again is not', async () => {
      await withRepo(async (repo) => {
        const j = job();
        await repo.save({ ...j, status: 'running' });
        const done = {
          ...j,
          status: 'completed' as const,
          finished_at: new Date(clock + 500).toISOString(),
          progress: 1,
        };
        await repo.save(done);
        await repo.save(done); // a retried end write
        const late = {
          ...j,
          status: 'completed' as const,
          finished_at: new Date(clock + 900).toISOString(),
          progress: 1,
        };
        await expect(repo.save(late)).rejects.toBeInstanceOf(JobAlreadyEnded);
        await expect(repo.save({ ...j, status: 'running' })).rejects.toBeInstanceOf(JobAlreadyEnded);
        expect(await repo.get(j.job_id)).toMatchObject({ status: 'completed', finished_at: done.finished_at });
        expect((await repo.summary(j.job_id))!.status).toBe('completed');
      });
    });

    it('a save gated on `after` lands only if it succeeds; otherwise the old state stays', async () => {
      await withRepo(async (repo) => {
        const j = job();
        await repo.save(j);
        await expect(
          repo.save({ ...j, status: 'completed' }, { after: Promise.reject(new Error('artifacts not durable')) }),
        ).rejects.toThrow('artifacts not durable');
        expect((await repo.get(j.job_id))!.status).toBe('queued');
        let release!: () => void;
        const gate = new Promise<void>((r) => {
          release = r;
        });
        const saving = repo.save({ ...j, status: 'completed' }, { after: gate });
        expect((await repo.get(j.job_id))!.status).toBe('queued');
        release();
        await saving;
        expect((await repo.get(j.job_id))!.status).toBe('completed');
      });
    });

    it('lists newest first, filtered, paged by cursor', async () => {
      await withRepo(async (repo) => {
        const jobs = [
          job({ status: 'completed' }),
          job({ status: 'failed' }),
          job({ status: 'completed', preset_id: 'cinematic_portrait_v1' }),
          job({ status: 'completed' }),
          job({ status: 'queued' }),
        ];
        for (const j of jobs) await repo.save(j);
        const all = await repo.list({ limit: 10 });
        expect(all.jobs.map((s) => s.job_id)).toEqual([...jobs].reverse().map((j) => j.job_id));
        expect(all.next).toBeNull();
        const completed = (await repo.list({ limit: 10, status: 'completed' })).jobs.map((s) => s.job_id);
        expect(completed).toEqual([jobs[3]!, jobs[2]!, jobs[0]!].map((j) => j.job_id));
        expect((await repo.list({ limit: 10, preset_id: 'cinematic_portrait_v1' })).jobs.map((s) => s.job_id)).toEqual([
          jobs[2]!.job_id,
        ]);
        const page1 = await repo.list({ limit: 2 });
        expect(page1.jobs.map((s) => s.job_id)).toEqual([jobs[4]!, jobs[3]!].map((j) => j.job_id));
        const page2 = await repo.list({
          limit: 2,
          cursor: { created_ms: page1.next!.created_ms, job_id: page1.next!.job_id },
        });
        expect(page2.jobs.map((s) => s.job_id)).toEqual([jobs[2]!, jobs[1]!].map((j) => j.job_id));
      });
    });

    it('numbers events in order, serves them after a point, and tells subscribers once stored', async () => {
      await withRepo(async (repo) => {
        const j = job();
        await repo.save(j);
        const heard: JobEvent[] = [];
        const off = repo.subscribe(j.job_id, (e) => heard.push(e));
        await Promise.all(
          ['queued', 'started', 'progress', 'completed'].map((e, i) =>
            repo.appendEvent(j.job_id, e, { i, note: `token ${KEY}` }),
          ),
        );
        off();
        await repo.appendEvent(j.job_id, 'after-unsubscribe');
        const events = await repo.events(j.job_id);
        expect(events.map((e) => [e.seq, e.event])).toEqual([
          [1, 'queued'],
          [2, 'started'],
          [3, 'progress'],
          [4, 'completed'],
          [5, 'after-unsubscribe'],
        ]);
        expect(JSON.stringify(events)).not.toContain(KEY);
        expect((await repo.events(j.job_id, 3)).map((e) => e.seq)).toEqual([4, 5]);
        expect(heard.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      });
    });

    it('keeps the exact re-run inputs apart until they are deleted', async () => {
      await withRepo(async (repo) => {
        const j = job({ inputs: { prompt: `x ${KEY}` } });
        await repo.save(j);
        expect(await repo.readRerunInputs(j.job_id)).toBeNull();
        await repo.saveRerunInputs(j.job_id, { prompt: `x ${KEY}` });
        expect(await repo.readRerunInputs(j.job_id)).toEqual({ prompt: `x ${KEY}` });
        await repo.deleteRerunInputs(j.job_id);
        expect(await repo.readRerunInputs(j.job_id)).toBeNull();
      });
    });

    it('a restart sees everything that was stored: records, listing order and events', async () => {
      const repo = await make();
      const jobs = [job(), job({ status: 'running' }), job({ status: 'completed', progress: 1 })];
      for (const j of jobs) await repo.save(j);
      await repo.save({ ...jobs[0]!, status: 'failed', error_code: 'ENGINE_OFFLINE' });
      await repo.appendEvent(jobs[1]!.job_id, 'queued');
      await repo.appendEvent(jobs[1]!.job_id, 'started');
      await repo.close();
      const again = await reopen(repo);
      try {
        expect((await again.get(jobs[0]!.job_id))!.status).toBe('failed');
        expect((await again.list({ limit: 10 })).jobs.map((s) => [s.job_id, s.status])).toEqual([
          [jobs[2]!.job_id, 'completed'],
          [jobs[1]!.job_id, 'running'],
          [jobs[0]!.job_id, 'failed'],
        ]);
        expect((await again.events(jobs[1]!.job_id)).map((e) => [e.seq, e.event])).toEqual([
          [1, 'queued'],
          [2, 'started'],
        ]);
        // Numbering goes on where it stopped.
        expect((await again.appendEvent(jobs[1]!.job_id, 'completed')).seq).toBe(3);
      } finally {
        await again.close();
      }
    });

    it('webhook outbox: a staged delivery survives a restart, is claimed by one taker at a time, and moves on with each update', async () => {
      const repo = await make();
      const j = job({ status: 'completed' });
      await repo.save(j);
      await repo.webhooks.stage(delivery(j.job_id));
      await repo.close();
      const again = await reopen(repo);
      try {
        const w = again.webhooks;
        expect(await w.pendingCount()).toBe(1);
        const [claimed] = await w.claimDue(clock + 1, 10_000, 10);
        expect(claimed).toMatchObject({
          delivery_id: `${j.job_id}.job.completed`,
          payload: '{"type":"job.completed"}',
        });
        // Claimed: no one else gets it until the lease runs out or it is updated.
        expect(await w.claimDue(clock + 2, 10_000, 10)).toEqual([]);
        expect((await w.claimDue(clock + 20_000, 10_000, 10)).map((d) => d.delivery_id)).toEqual([
          claimed!.delivery_id,
        ]);
        const later = new Date(clock + 60_000).toISOString();
        await w.update({ ...claimed!, attempts: [attempt(1)], next_attempt_at: later });
        expect(await w.claimDue(clock + 30_000, 10_000, 10)).toEqual([]); // not due yet
        const retried = (await w.get(claimed!.delivery_id))!;
        expect(retried.attempts).toHaveLength(1);
        // Staging the same end again after an attempt changes nothing (no second send).
        await w.stage(delivery(j.job_id, { payload: '{"other":true}' }));
        expect((await w.get(claimed!.delivery_id))!.payload).toBe('{"type":"job.completed"}');
        const [due] = await w.claimDue(clock + 61_000, 10_000, 10);
        await w.update({
          ...due!,
          attempts: [...due!.attempts, { ...attempt(2), outcome: 'delivered', status_code: 200, error: null }],
          status: 'delivered',
          delivered_at: new Date(clock).toISOString(),
          next_attempt_at: null,
        });
        expect(await w.pendingCount()).toBe(0);
        expect(await w.claimDue(clock + 10_000_000, 10_000, 10)).toEqual([]);
        const [listed] = await w.list(j.job_id);
        expect(listed).toMatchObject({ status: 'delivered', attempts: [{ number: 1 }, { number: 2 }] });
        // A redelivery puts it back in line.
        await w.update({ ...listed!, status: 'pending', manual: true, next_attempt_at: new Date(clock).toISOString() });
        expect((await w.claimDue(clock + 1, 10_000, 10)).map((d) => d.manual)).toEqual([true]);
      } finally {
        await again.close();
      }
    });

    it('webhook outbox: staging replaces a delivery that had no attempt; deleting the job deletes its deliveries', async () => {
      await withRepo(async (repo) => {
        const j = job({ status: 'failed' });
        await repo.save(j);
        const w = repo.webhooks;
        await w.stage(delivery(j.job_id, { payload: '{"n":1}' }));
        await w.stage(delivery(j.job_id, { payload: '{"n":2}' }));
        expect((await w.get(`${j.job_id}.job.completed`))!.payload).toBe('{"n":2}');
        await w.stage(delivery(j.job_id, { delivery_id: `${j.job_id}.job.failed`, event: 'job.failed' }));
        expect((await w.list(j.job_id)).map((d) => d.event).sort()).toEqual(['job.completed', 'job.failed']);
        const other = job();
        await repo.save(other);
        await w.stage(delivery(other.job_id));
        await repo.delete(j.job_id);
        expect(await w.list(j.job_id)).toEqual([]);
        expect(await w.get(`${j.job_id}.job.failed`)).toBeNull();
        expect(await w.list(other.job_id)).toHaveLength(1);
        expect(await w.pendingCount()).toBe(1);
      });
    });

    it('deletes a job with its summary, events and re-run inputs (twice is fine)', async () => {
      await withRepo(async (repo) => {
        const j = job();
        await repo.save(j);
        await repo.appendEvent(j.job_id, 'queued');
        await repo.saveRerunInputs(j.job_id, { prompt: 'x' });
        await repo.delete(j.job_id);
        await repo.delete(j.job_id);
        expect(await repo.get(j.job_id)).toBeNull();
        expect(await repo.summary(j.job_id)).toBeNull();
        expect(await repo.events(j.job_id)).toEqual([]);
        expect(await repo.readRerunInputs(j.job_id)).toBeNull();
        expect((await repo.list({ limit: 10 })).jobs.map((s) => s.job_id)).not.toContain(j.job_id);
      });
    });
  });
}
