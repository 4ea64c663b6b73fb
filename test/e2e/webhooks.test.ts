import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { WebhookTransport } from '../../src/webhooks/attempt.js';
import { call, expectEnvelope } from '../helpers/http.js';
import { jobEnded } from '../helpers/job-end.js';
import { startService, type TestService } from '../helpers/service.js';
import { startChildService } from '../helpers/child-service.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { waitUntil } from '../helpers/wait.js';
import { testWebhookSecret, WebhookReceiver } from '../helpers/webhook-receiver.js';

const SECRET = testWebhookSecret(7);
const body = (extra: Record<string, unknown> = {}) => ({
  preset_id: 'photoreal_portrait_v1',
  prompt: 'a portrait, webhook test',
  quality_level: 'low',
  ...extra,
});
const submit = (base: string, b: Record<string, unknown>) =>
  call(base, 'POST', '/api/pipeline/generate/image', { json: b, headers: { prefer: 'respond-async' } });
const deliveries = async (base: string, jobId: string) =>
  (await call(base, 'GET', `/api/pipeline/jobs/${jobId}/webhooks`)).json.deliveries as any[];

let sim: ComfySimulator;
let svc: TestService;
let receiver: WebhookReceiver;

beforeAll(async () => {
  sim = await startComfySimulator();
  receiver = new WebhookReceiver(SECRET);
  await receiver.start();
  svc = await startService({
    COMFYUI_URL: sim.url,
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_RETRY_SCHEDULE: '100ms,100ms,100ms',
    WEBHOOK_TIMEOUT_MS: '2000',
  });
});
afterAll(async () => {
  await svc.close();
  await receiver.stop();
  await sim.close();
});

describe('webhooks: signed, retried, stored', () => {
  it('answered 500 three times, then 200: four signed attempts with one webhook-id, each stored with its status and latency', async () => {
    receiver.received.length = 0;
    receiver.answer([500, 500, 500, 200]);
    const res = await submit(svc.url, body({ webhook_url: receiver.url, seed: 11 }));
    expect(res.status).toBe(202);
    const jobId = res.json.job_id as string;
    const job = await jobEnded(svc.url, jobId);
    expect(job.status).toBe('completed');
    const [d] = await waitUntil('the delivery is delivered', async () => {
      const list = await deliveries(svc.url, jobId);
      return list[0]?.status === 'delivered' ? list : null;
    });
    expect(receiver.received).toHaveLength(4);
    // Every attempt is signed as Standard Webhooks says (the library's verify accepts it), and
    // carries the same webhook-id, so a receiver can deduplicate.
    for (const r of receiver.received) {
      expect(r.verified).not.toBeNull();
      expect(r.headers['webhook-id']).toBe(`${jobId}.job.completed`);
      expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(r.headers['content-type']).toBe('application/json');
    }
    const payload = receiver.received[3]!.verified as any;
    expect(payload).toMatchObject({
      type: 'job.completed',
      timestamp: job.finished_at,
      data: { job_id: jobId, status: 'completed', output_url: job.output_url, error_code: null },
    });
    expect(payload.data.artifacts[0]).toMatchObject({ type: 'image', content_type: 'image/png' });
    // The prompt is not in the message.
    expect(receiver.received[0]!.body).not.toContain('webhook test');
    // The retries waited the schedule (100 ms with ±20 % jitter).
    for (let i = 1; i < 4; i++)
      expect(receiver.received[i]!.at - receiver.received[i - 1]!.at).toBeGreaterThanOrEqual(75);
    expect(d).toMatchObject({ delivery_id: `${jobId}.job.completed`, event: 'job.completed', url: receiver.url });
    expect(d.attempts.map((a: any) => [a.number, a.outcome, a.status_code])).toEqual([
      [1, 'http_error', 500],
      [2, 'http_error', 500],
      [3, 'http_error', 500],
      [4, 'delivered', 200],
    ]);
    for (const a of d.attempts) expect(a.latency_ms).toBeGreaterThanOrEqual(0);
    expect(d.delivered_at).toBe(d.attempts[3].at);
    // Delivered deliveries leave the pending folder.
    expect(readdirSync(path.join(svc.dataDir, 'webhooks', 'pending'))).toEqual([]);
    const metrics = (await call(svc.url, 'GET', '/metrics')).text;
    expect(metrics).toMatch(/ainfluencer_webhook_attempts_total\{outcome="http_error"\} [3-9]/);
    expect(metrics).toMatch(/ainfluencer_webhook_deliveries_total\{outcome="delivered"\} [1-9]/);
    // The secret reaches no log line and no stored file.
    expect(svc.logLines.join('')).not.toContain(SECRET.slice(6));
  });

  it('used-up retries end as failed; POST …/redeliver sends it again (same id, fresh signature)', async () => {
    receiver.received.length = 0;
    receiver.answer([503]);
    const jobId = (await submit(svc.url, body({ webhook_url: receiver.url, seed: 12 }))).json.job_id as string;
    await jobEnded(svc.url, jobId);
    const [failed] = await waitUntil('the delivery fails', async () => {
      const list = await deliveries(svc.url, jobId);
      return list[0]?.status === 'failed' ? list : null;
    });
    expect(failed.attempts).toHaveLength(4); // the first attempt and three retries
    expect(failed.next_attempt_at).toBeNull();
    receiver.answer([200]);
    const re = await call(svc.url, 'POST', `/api/pipeline/jobs/${jobId}/webhooks/${failed.delivery_id}/redeliver`);
    expect(re.status).toBe(202);
    expect(re.json).toMatchObject({ status: 'pending', delivery_id: failed.delivery_id });
    const [done] = await waitUntil('the redelivery arrives', async () => {
      const list = await deliveries(svc.url, jobId);
      return list[0]?.status === 'delivered' ? list : null;
    });
    expect(done.attempts.at(-1)).toMatchObject({ number: 5, outcome: 'delivered', manual: true });
    const last = receiver.received.at(-1)!;
    expect(last.verified).not.toBeNull();
    expect(last.headers['webhook-id']).toBe(failed.delivery_id);
    expectEnvelope(
      await call(svc.url, 'POST', `/api/pipeline/jobs/${jobId}/webhooks/${jobId}.job.failed/redeliver`),
      404,
      'FILE_NOT_FOUND',
    );
    expectEnvelope(
      await call(svc.url, 'GET', `/api/pipeline/jobs/00000000-0000-4000-8000-000000000000/webhooks`),
      404,
      'FILE_NOT_FOUND',
    );
  });

  it('tells failed and cancelled ends, only the events asked for; a job without webhook_url stages nothing', async () => {
    receiver.received.length = 0;
    receiver.answer([204]);
    sim.setFaults({ failNodeClasses: ['KSampler'] });
    const failedId = (await submit(svc.url, body({ webhook_url: receiver.url, seed: 13 }))).json.job_id as string;
    expect((await jobEnded(svc.url, failedId)).status).toBe('failed');
    const onlyFailed = (
      await submit(svc.url, body({ webhook_url: receiver.url, webhook_events: ['job.cancelled'], seed: 14 }))
    ).json.job_id as string;
    await jobEnded(svc.url, onlyFailed);
    sim.resetFaults();
    sim.setFaults({ hangExecution: true });
    const cancelledId = (await submit(svc.url, body({ webhook_url: receiver.url, seed: 15 }))).json.job_id as string;
    await waitUntil(
      'running',
      async () => (await call(svc.url, 'GET', `/api/pipeline/jobs/${cancelledId}`)).json.status === 'running',
    );
    await call(svc.url, 'POST', `/api/pipeline/jobs/${cancelledId}/cancel`);
    await jobEnded(svc.url, cancelledId);
    sim.resetFaults();
    const plain = (await submit(svc.url, body({ seed: 16 }))).json.job_id as string;
    await jobEnded(svc.url, plain);
    await waitUntil('two deliveries arrive', () => receiver.received.length >= 2);
    const failed = (await deliveries(svc.url, failedId))[0];
    expect(failed).toMatchObject({ event: 'job.failed', status: 'delivered' });
    const failedBody = receiver.received.find((r) => r.headers['webhook-id'] === `${failedId}.job.failed`)!;
    expect((failedBody.verified as any).data).toMatchObject({ status: 'failed', error_code: expect.any(String) });
    await waitUntil(
      'the cancel is told',
      async () => (await deliveries(svc.url, cancelledId))[0]?.status === 'delivered',
    );
    expect((await deliveries(svc.url, cancelledId))[0].event).toBe('job.cancelled');
    expect(await deliveries(svc.url, onlyFailed)).toEqual([]);
    expect(await deliveries(svc.url, plain)).toEqual([]);
    expect(receiver.received.map((r) => r.headers['webhook-id']).sort()).toEqual(
      [`${failedId}.job.failed`, `${cancelledId}.job.cancelled`].sort(),
    );
  });
});

describe('progress webhooks, when asked for', () => {
  it('job.progress, when asked for, is told once per quarter passed, before the end', async () => {
    receiver.received.length = 0;
    receiver.answer([200]);
    sim.setFaults({ stepMs: 100 }); // 25 steps: a quarter is 0.6 s, time for each message to go out
    try {
      const res = await submit(
        svc.url,
        body({ webhook_url: receiver.url, webhook_events: ['job.progress', 'job.completed'], seed: 31 }),
      );
      const jobId = res.json.job_id as string;
      await jobEnded(svc.url, jobId);
      const list = await waitUntil('four deliveries are delivered', async () => {
        const all = await deliveries(svc.url, jobId);
        return all.length === 4 && all.every((d) => d.status === 'delivered') ? all : null;
      });
      expect(list.map((d: any) => d.delivery_id).sort()).toEqual(
        [`${jobId}.job.completed`, ...[25, 50, 75].map((m) => `${jobId}.job.progress.${m}`)].sort(),
      );
      const told = receiver.received.map((r) => r.verified as any);
      expect(told.every((t) => t !== null)).toBe(true);
      const progress = told.filter((t) => t.type === 'job.progress');
      expect(progress.map((p) => p.data.milestone).sort()).toEqual([25, 50, 75]);
      for (const p of progress) {
        expect(p.data).toMatchObject({ job_id: jobId, status: 'running' });
        expect(p.data.progress).toBeGreaterThanOrEqual(p.data.milestone / 100);
      }
      expect(told.at(-1).type).toBe('job.completed');
    } finally {
      sim.resetFaults();
    }
  });
});

describe('webhook_url is checked before a job exists', () => {
  it('is refused for private, link-local and metadata addresses, other schemes and credentials; allowed hosts pass', async () => {
    const strict = await startService({ COMFYUI_URL: sim.url, WEBHOOK_SECRET: SECRET });
    try {
      for (const url of [
        'http://127.0.0.1:9/hook',
        'http://169.254.169.254/latest/meta-data/',
        'http://[fd00:ec2::254]/',
        'http://[::ffff:10.0.0.1]/',
        'http://10.1.2.3/',
        'http://192.168.1.10/',
        'http://metadata.google.internal/computeMetadata/v1/',
        'http://localhost:8080/',
        'http://intranet/',
      ]) {
        const r = await submit(strict.url, body({ webhook_url: url }));
        expectEnvelope(r, 422, 'WEBHOOK_URL_NOT_ALLOWED');
        expect(r.json.errors?.[0]?.field ?? r.json.detail?.field).toBe('webhook_url');
      }
      for (const url of [
        'ftp://example.com/x',
        'https://user:pass@example.com/',
        'https://example.com/#x',
        'not a url',
      ])
        expectEnvelope(await submit(strict.url, body({ webhook_url: url })), 422, 'WEBHOOK_URL_NOT_ALLOWED');
      expectEnvelope(await submit(strict.url, body({ webhook_events: ['job.failed'] })), 422, 'INVALID_FIELD_VALUE');
      expect((await submit(strict.url, body({ webhook_url: 'https://hooks.example.com/ainfluencer' }))).status).toBe(
        202,
      );
      // Nothing refused left a job behind.
      const listed = (await call(strict.url, 'GET', '/api/pipeline/jobs')).json.jobs;
      expect(listed).toHaveLength(1);
    } finally {
      await strict.close();
    }
  });

  it('without WEBHOOK_SECRET a webhook_url is refused with WEBHOOKS_NOT_CONFIGURED', async () => {
    const unsigned = await startService({ COMFYUI_URL: sim.url });
    try {
      expectEnvelope(
        await submit(unsigned.url, body({ webhook_url: 'https://hooks.example.com/x' })),
        422,
        'WEBHOOKS_NOT_CONFIGURED',
      );
    } finally {
      await unsigned.close();
    }
  });

  it('a host name that resolves to a private address is refused when the connection is made', async () => {
    const transport = new WebhookTransport({ timeoutMs: 2_000, allowPrivate: false });
    try {
      // localhost resolves (through /etc/hosts) to a loopback address: the name passed no rule,
      // the address does not.
      const r = await transport.post(`http://localhost:${receiver.port}/hook`, '{}', {}, new AbortController().signal);
      expect(r.outcome).toBe('address_refused');
      expect(r.error).toMatch(/not a public address/);
    } finally {
      await transport.close();
    }
  });
});

describe('webhooks survive a restart (real child processes)', () => {
  it('the receiver is down while the service is killed and restarted: the delivery arrives once, its failed attempts kept', async () => {
    const dataDir = tempDir('ainf-webhook-restart');
    const down = new WebhookReceiver(SECRET, [200]);
    await down.start();
    const port = down.port;
    await down.stop(); // the receiver is down from the start
    const env = {
      AINFLUENCER_DATA_DIR: dataDir,
      COMFYUI_URL: sim.url,
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_RETRY_SCHEDULE: '300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms',
    };
    const first = await startChildService(env);
    let second: Awaited<ReturnType<typeof startChildService>> | null = null;
    try {
      const jobId = (await submit(first.url, body({ webhook_url: `http://127.0.0.1:${port}/hook`, seed: 21 }))).json
        .job_id as string;
      await jobEnded(first.url, jobId);
      await waitUntil('two attempts failed', async () => (await deliveries(first.url, jobId))[0]?.attempts.length >= 2);
      first.child.kill('SIGKILL');
      await first.exited;
      const receiverBack = new WebhookReceiver(SECRET, [200]);
      await receiverBack.start(port);
      try {
        second = await startChildService(env);
        const [d] = await waitUntil('delivered after the restart', async () => {
          const list = await deliveries(second!.url, jobId);
          return list[0]?.status === 'delivered' ? list : null;
        });
        expect(receiverBack.received).toHaveLength(1);
        expect(receiverBack.received[0]!.verified).toMatchObject({ type: 'job.completed', data: { job_id: jobId } });
        const outcomes = d.attempts.map((a: any) => a.outcome);
        expect(outcomes.at(-1)).toBe('delivered');
        expect(outcomes.slice(0, -1).every((o: string) => o === 'network_error')).toBe(true);
        expect(outcomes.length).toBeGreaterThanOrEqual(3);
        expect(existsSync(path.join(dataDir, 'webhooks', 'done', `${jobId}.job.completed.json`))).toBe(true);
      } finally {
        await receiverBack.stop();
      }
    } finally {
      first.child.kill('SIGKILL');
      second?.child.kill('SIGKILL');
      await second?.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
