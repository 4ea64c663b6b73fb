import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../src/distributed/bullmq-job-queue.js';
import { jobQueueConformance } from '../ports/job-queue.conformance.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitUntil } from '../helpers/wait.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});

// Each queue gets its own prefix: a fresh, empty queue per test on one real redis-server.
const make = (bound: number, prefix = `t${randomUUID().slice(0, 8)}`) =>
  new BullmqJobQueue({ redisUrl: redis.url, bound, prefix, stalledIntervalMs: 50 });

jobQueueConformance('BullMQ on Redis', async (bound) => make(bound));

describe('BullMQ queue shared by several instances', () => {
  it('two instances on one prefix share the bound, the ids, the keys and the line', async () => {
    const prefix = `s${randomUUID().slice(0, 8)}`;
    const a = make(3, prefix);
    const b = make(3, prefix);
    try {
      await a.enqueue({ jobId: 'j1', idempotencyKey: 'k', needs: { preset_id: 'p' } });
      expect(await b.enqueue({ jobId: 'j2', idempotencyKey: 'k', needs: { preset_id: 'p' } })).toEqual({
        jobId: 'j1',
        duplicate: true,
      });
      await b.enqueue({ jobId: 'j2', needs: { preset_id: 'q' } });
      const held = await a.hold();
      await expect(b.hold()).rejects.toMatchObject({ depth: 3, bound: 3 });
      held.release();
      await waitUntil('the place is given back', async () => ((await b.depth()) === 2 ? true : null));
      const first = await b.reserve('w-b', () => true, 10_000);
      expect(first).toMatchObject({ jobId: 'j1', attempt: 1 });
      // b made j2's class: a hears of it (announced over Redis) and hands it out.
      const second = await waitUntil('a sees the class b made', () => a.reserve('w-a', () => true, 10_000));
      expect(second).toMatchObject({ jobId: 'j2' });
      expect(await a.reserve('w-a', () => true, 10_000)).toBeNull();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a dead instance’s job is handed to a live one by BullMQ’s stalled check, its attempt counted', async () => {
    const prefix = `d${randomUUID().slice(0, 8)}`;
    const dead = make(10, prefix);
    const alive = make(10, prefix);
    try {
      await dead.enqueue({ jobId: 'held', needs: {} });
      expect(await dead.reserve('w-dead', () => true, 200)).toMatchObject({ jobId: 'held', attempt: 1 });
      await dead.close(); // the instance is gone: nothing extends its lock
      const woken = new Promise<void>((r) => alive.onAvailable(r));
      await alive.waiting(); // opens the class, so the stalled check and events run here
      await woken;
      const lease = await waitUntil('the job is handed back', () => alive.reserve('w-alive', () => true, 10_000));
      expect(lease).toMatchObject({ jobId: 'held', attempt: 2, workerId: 'w-alive' });
    } finally {
      await alive.close();
    }
  });

  it('after Redis restarts empty, a class this instance already knew is registered again, so another instance runs its jobs', async () => {
    const prefix = `r${randomUUID().slice(0, 8)}`;
    const a = make(10, prefix);
    try {
      await a.enqueue({ jobId: 'before', needs: { preset_id: 'p' } });
      await redis.kill();
      await redis.restart(); // empty: BullMQ's keys, the classes and the members are gone
      await waitUntil('a reaches the new Redis', () =>
        a
          .depth()
          .then(() => true)
          .catch(() => null),
      );
      await a.enqueue({ jobId: 'after', needs: { preset_id: 'p' } });
      const b = make(10, prefix); // an instance started after the restart, knowing nothing
      try {
        const lease = await waitUntil('b runs the job', () => b.reserve('w-b', () => true, 10_000));
        expect(lease.jobId).toBe('after');
      } finally {
        await b.close();
      }
    } finally {
      await a.close();
    }
  });

  it('a job claimed by an enqueuer that died before adding it is added when it is put back', async () => {
    const prefix = `g${randomUUID().slice(0, 8)}`;
    const q = make(10, prefix);
    const raw = new Redis(redis.url);
    try {
      // What a SIGKILL between the claim and BullMQ's add leaves behind: the id claimed, no job.
      await raw.hset(`${prefix}:queue:members`, 'ghost', 'jobs-0000000000000000');
      expect(await q.enqueue({ jobId: 'ghost', admitted: true, needs: {} })).toEqual({
        jobId: 'ghost',
        duplicate: false,
      });
      expect(await q.reserve('w', () => true, 10_000)).toMatchObject({ jobId: 'ghost' });
      expect(await q.enqueue({ jobId: 'ghost', admitted: true, needs: {} })).toEqual({
        jobId: 'ghost',
        duplicate: true,
      });
    } finally {
      raw.disconnect();
      await q.close();
    }
  });
});
