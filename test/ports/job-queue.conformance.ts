import { afterEach, describe, expect, it } from 'vitest';
import { QueueFullError, type JobQueue, type QueueEntry } from '../../src/ports/job-queue.js';

/**
 * The JobQueue contract (src/ports/job-queue.ts), for every implementation: the embedded one here,
 * the distributed one (BullMQ) next. `make(bound)` gives a fresh, empty queue.
 */
export function jobQueueConformance(name: string, make: (bound: number) => Promise<JobQueue>): void {
  describe(`JobQueue conformance: ${name}`, () => {
    const open: JobQueue[] = [];
    const fresh = async (bound = 100) => {
      const q = await make(bound);
      open.push(q);
      return q;
    };
    afterEach(async () => {
      for (const q of open.splice(0)) await q.close();
    });
    const entry = (jobId: string, extra: Partial<QueueEntry> = {}): QueueEntry => ({ jobId, ...extra });
    const any = () => true;
    const available = (q: JobQueue) =>
      new Promise<void>((resolve) => {
        const off = q.onAvailable(() => {
          off();
          resolve();
        });
      });

    it('hands jobs out by priority, then in the order they came', async () => {
      const q = await fresh();
      for (const [id, priority] of [
        ['a', 0],
        ['b', 0],
        ['c', 5],
        ['d', 0],
        ['e', 5],
      ] as const)
        await q.enqueue(entry(id, { priority }));
      expect(await q.waiting()).toEqual(['c', 'e', 'a', 'b', 'd']);
      const order: string[] = [];
      for (let lease = await q.reserve('w', any, 10_000); lease; lease = await q.reserve('w', any, 10_000)) {
        order.push(lease.jobId);
        await q.finish(lease);
      }
      expect(order).toEqual(['c', 'e', 'a', 'b', 'd']);
    });

    it('is bounded: places are taken atomically, refused with the depth, and given back', async () => {
      const q = await fresh(10);
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => q.hold()));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
      const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason;
      expect(refused).toBeInstanceOf(QueueFullError);
      expect(refused).toMatchObject({ depth: 10, bound: 10 });
      expect(await q.depth()).toBe(10);
      const places = results
        .filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<JobQueue['hold']>>> => r.status === 'fulfilled')
        .map((r) => r.value);
      places[0]!.release();
      places[0]!.release(); // twice is once
      expect(await q.depth()).toBe(9);
      await q.enqueue(entry('spent'), places[1]);
      expect(await q.depth()).toBe(9); // the place became the waiting job
      await expect(q.enqueue(entry('x'))).resolves.toMatchObject({ duplicate: false });
      await expect(q.enqueue(entry('y'))).rejects.toBeInstanceOf(QueueFullError);
    });

    it('enqueues a job once: the same id or idempotency key returns the job that holds it', async () => {
      const q = await fresh();
      expect(await q.enqueue(entry('a', { idempotencyKey: 'k1' }))).toEqual({ jobId: 'a', duplicate: false });
      expect(await q.enqueue(entry('a'))).toEqual({ jobId: 'a', duplicate: true });
      expect(await q.enqueue(entry('b', { idempotencyKey: 'k1' }))).toEqual({ jobId: 'a', duplicate: true });
      const lease = (await q.reserve('w', any, 10_000))!;
      expect(await q.enqueue(entry('c', { idempotencyKey: 'k1' }))).toEqual({ jobId: 'a', duplicate: true }); // leased still counts
      await q.finish(lease);
      expect(await q.enqueue(entry('c', { idempotencyKey: 'k1' }))).toEqual({ jobId: 'c', duplicate: false });
      expect(await q.waiting()).toEqual(['c']);
    });

    it('reserves only what the worker can run; the rest keep their place', async () => {
      const q = await fresh();
      await q.enqueue(entry('needs-pack', { needs: { pack: 'instantid' } }));
      await q.enqueue(entry('plain', { needs: {} }));
      const canRun = (e: QueueEntry) => !e.needs?.pack;
      const lease = await q.reserve('core-only', canRun, 10_000);
      expect(lease).toMatchObject({ jobId: 'plain', workerId: 'core-only', attempt: 1 });
      expect(await q.reserve('core-only', canRun, 10_000)).toBeNull();
      expect(await q.waiting()).toEqual(['needs-pack']);
      expect(await q.reserve('full', any, 10_000)).toMatchObject({ jobId: 'needs-pack' });
    });

    it("a leased job is nobody else's until it ends; cancel leaves it to its worker", async () => {
      const q = await fresh();
      await q.enqueue(entry('a'));
      await q.enqueue(entry('b'));
      const a = (await q.reserve('w1', any, 10_000))!;
      expect((await q.reserve('w2', any, 10_000))!.jobId).toBe('b');
      expect(await q.reserve('w3', any, 10_000)).toBeNull();
      expect(await q.cancel('a')).toBe(false);
      await q.finish(a);
      expect(await q.waiting()).toEqual([]);
    });

    it('cancels a waiting job', async () => {
      const q = await fresh();
      await q.enqueue(entry('a'));
      await q.enqueue(entry('b'));
      expect(await q.cancel('a')).toBe(true);
      expect(await q.cancel('a')).toBe(false);
      expect(await q.waiting()).toEqual(['b']);
      expect(await q.depth()).toBe(1);
    });

    it('requeues to the front (the turn is kept) or to the back, and wakes waiting workers', async () => {
      const q = await fresh();
      for (const id of ['a', 'b', 'c']) await q.enqueue(entry(id));
      const a = (await q.reserve('w', any, 10_000))!;
      const woken = available(q);
      await q.requeue(a, 'front');
      await woken;
      expect(await q.waiting()).toEqual(['a', 'b', 'c']);
      const again = (await q.reserve('w', any, 10_000))!;
      expect(again).toMatchObject({ jobId: 'a', attempt: 2 });
      await q.requeue(again, 'back');
      expect(await q.waiting()).toEqual(['b', 'c', 'a']);
    });

    it('an abandoned lease expires: the job goes back to the head, its attempt counted; a heartbeat keeps it', async () => {
      const q = await fresh();
      await q.enqueue(entry('kept'));
      await q.enqueue(entry('dropped'));
      await q.enqueue(entry('next'));
      const kept = (await q.reserve('alive', any, 150))!;
      const dropped = (await q.reserve('dead', any, 150))!;
      const beat = setInterval(() => {
        void q.heartbeat(kept, 150);
      }, 40);
      try {
        await available(q); // the dead worker's lease ran out
        expect(await q.waiting()).toEqual(['dropped', 'next']);
        expect(await q.heartbeat(dropped, 150)).toBe(false); // no longer its lease
        await q.finish(dropped); // a late finish from the dead worker changes nothing
        expect(await q.waiting()).toEqual(['dropped', 'next']);
        expect(await q.reserve('other', any, 10_000)).toMatchObject({
          jobId: 'dropped',
          attempt: 2,
          workerId: 'other',
        });
        expect(await q.heartbeat(kept, 150)).toBe(true);
      } finally {
        clearInterval(beat);
      }
    });
  });
}
