import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  distributedBody as body,
  sha256 as sha,
  startCluster,
  type TestCluster,
} from '../helpers/distributed-cluster.js';
import { call } from '../helpers/http.js';
import { readSse } from '../helpers/sse.js';
import { waitUntil } from '../helpers/wait.js';
import { testWebhookSecret, WebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * The distributed mode end to end: service instances as real child processes (dist/server.js),
 * three simulator backends, a real redis-server, PostgreSQL and S3-compatible server.
 */
let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startCluster();
}, 120_000);
afterAll(async () => {
  await cluster?.close();
});

describe('distributed mode: 2 instances × 3 backends over Redis, PostgreSQL and S3', () => {
  it('any instance takes and answers for any job; idempotency keys hold across instances; cancel reaches the holder', async () => {
    const env = await cluster.environment();
    const [a, b] = [await cluster.instance(env), await cluster.instance(env)];
    // Synchronous on a, read on b.
    const done = await call(a.url, 'POST', '/api/pipeline/generate/image', { json: body(1) });
    expect(done.status).toBe(200);
    expect(done.json.status).toBe('completed');
    const seen = await call(b.url, 'GET', `/api/pipeline/jobs/${done.json.job_id}`);
    expect(seen.json).toMatchObject({ status: 'completed', job_id: done.json.job_id });
    const file = (await call(b.url, 'GET', `/api/pipeline/jobs/${done.json.job_id}/artifacts`)).json.artifacts[0];
    const bytes = await fetch(`${b.url}/api/pipeline/jobs/${done.json.job_id}/artifacts/${file.filename}`);
    expect(sha(Buffer.from(await bytes.arrayBuffer()))).toBe(file.sha256);
    // The same key on both instances at once: one job.
    const keyed = await Promise.all(
      [a, b, a, b].map((c) =>
        call(c.url, 'POST', '/api/pipeline/generate/image', {
          json: body(2),
          headers: { prefer: 'respond-async', 'idempotency-key': 'same-on-every-instance' },
        }),
      ),
    );
    expect(new Set(keyed.map((r) => r.json.job_id)).size).toBe(1);
    // Ended before the backends hang (a prompt held by the hang would block its backend for the next test).
    await waitUntil('the keyed job ends', async () => {
      const st = (await call(b.url, 'GET', `/api/pipeline/jobs/${keyed[0]!.json.job_id}`)).json;
      return st.status === 'completed' ? st : null;
    });
    // A job held by a backend through one instance, cancelled through the other.
    for (const s of cluster.sims) s.setFaults({ hangExecution: true, stepMs: 1 });
    const held = await call(a.url, 'POST', '/api/pipeline/generate/image', {
      json: body(3),
      headers: { prefer: 'respond-async' },
    });
    // Its prompt is on a backend (running there, or queued behind the hung one): the holder must reach it.
    await waitUntil('the prompt is on a backend', async () => {
      const { events } = (await call(b.url, 'GET', `/api/pipeline/jobs/${held.json.job_id}/logs`)).json;
      return events.some((e: { event: string }) => e.event === 'submitted') ? true : null;
    });
    const cancelled = await call(b.url, 'POST', `/api/pipeline/jobs/${held.json.job_id}/cancel`);
    expect(cancelled.json, JSON.stringify(cancelled.json)).toMatchObject({ status: 'cancelled' });
    for (const s of cluster.sims) s.setFaults({ hangExecution: false, stepMs: 1 });
    const health = (await call(a.url, 'GET', '/api/health')).json;
    expect(health.dependencies.map((d: { name: string; status: string }) => `${d.name}:${d.status}`).sort()).toEqual([
      'postgres:healthy',
      'redis:healthy',
      's3:healthy',
    ]);
    await Promise.all([cluster.kill(a), cluster.kill(b)]);
  }, 120_000);

  it('event streams: a job submitted on one instance is followed live on the other, and resumes by Last-Event-ID on either', async () => {
    const env = await cluster.environment();
    const [a, b] = [await cluster.instance(env), await cluster.instance(env)];
    const submitted = await call(a.url, 'POST', '/api/pipeline/generate/image', {
      json: body(4),
      headers: { prefer: 'respond-async' },
    });
    const id = submitted.json.job_id as string;
    // Opened at once on b: what is stored reaches it as it is stored (LISTEN/NOTIFY), up to the end.
    const live = await readSse(`${b.url}/api/pipeline/jobs/${id}/events`, {}, 60_000);
    const logs = live.events.filter((e) => e.event === 'log');
    expect(logs.map((e) => e.data.event)).toContain('completed');
    expect(live.events.at(-1)!.event).toBe('end');
    expect(logs.map((e) => Number(e.id))).toEqual(logs.map((_, n) => n + 1)); // numbered in the database: no gaps
    const resumed = await readSse(`${a.url}/api/pipeline/jobs/${id}/events`, { 'last-event-id': '2' });
    expect(resumed.events.filter((e) => e.event === 'log').map((e) => e.id)).toEqual(logs.slice(2).map((e) => e.id));
    await Promise.all([cluster.kill(a), cluster.kill(b)]);
  }, 120_000);

  it('webhooks: the outbox in PostgreSQL is shared, so two instances send each attempt once, retries included', async () => {
    const secret = testWebhookSecret(3);
    const receiver = new WebhookReceiver(secret, [500, 500, 200]);
    await receiver.start();
    const env = {
      ...(await cluster.environment()),
      WEBHOOK_SECRET: secret,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_RETRY_SCHEDULE: '200ms,200ms,200ms',
    };
    const [a, b] = [await cluster.instance(env), await cluster.instance(env)];
    try {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await call(i % 2 ? b.url : a.url, 'POST', '/api/pipeline/generate/image', {
          json: { ...body(40 + i), webhook_url: receiver.url },
          headers: { prefer: 'respond-async' },
        });
        ids.push(r.json.job_id as string);
      }
      for (const id of ids)
        await waitUntil(
          `the webhook of ${id} is delivered`,
          async () =>
            (await call(b.url, 'GET', `/api/pipeline/jobs/${id}/webhooks`)).json.deliveries?.[0]?.status ===
            'delivered',
          60_000,
          50,
        );
      // The receiver answered 500, 500, then 200 to everything after: 4 deliveries, two of them
      // retried twice, and no attempt made twice by two instances.
      const byId = new Map<string, number>();
      for (const r of receiver.received)
        byId.set(r.headers['webhook-id']!, (byId.get(r.headers['webhook-id']!) ?? 0) + 1);
      expect([...byId.keys()].sort()).toEqual(ids.map((id) => `${id}.job.completed`).sort());
      expect(receiver.received.length).toBe(6);
      expect(receiver.received.every((r) => r.verified !== null)).toBe(true);
      const listed = (await call(a.url, 'GET', `/api/pipeline/jobs/${ids[0]}/webhooks`)).json.deliveries[0];
      expect(listed.attempts.at(-1).outcome).toBe('delivered');
    } finally {
      await Promise.all([cluster.kill(a), cluster.kill(b)]);
      await receiver.stop();
    }
  }, 120_000);
});
