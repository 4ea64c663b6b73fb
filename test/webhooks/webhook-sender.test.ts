// The sender sends what the store says happened: a delivery staged for an end that is not stored
// yet waits for it, and one staged for an end the job did not keep (a crash between the two writes,
// then a re-run that ended otherwise) is never sent.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { JobHistory } from '../../src/contracts/job.js';
import { FileJobRepository } from '../../src/embedded/file-job-repository.js';
import { deliveryFor } from '../../src/webhooks/delivery.js';
import { WebhookSender } from '../../src/webhooks/webhook-sender.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { waitUntil } from '../helpers/wait.js';
import { testWebhookSecret, WebhookReceiver } from '../helpers/webhook-receiver.js';

const SECRET = testWebhookSecret(11);
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = new WebhookReceiver(SECRET, [200]);
  await receiver.start();
});
afterAll(async () => {
  await receiver.stop();
});

function runningJob(url: string): JobHistory {
  const id = randomUUID();
  const at = new Date().toISOString();
  return {
    schema_version: 1,
    job_id: id,
    preset_id: 'photoreal_portrait_v1',
    user_id: null,
    status: 'running',
    created_at: at,
    started_at: at,
    finished_at: null,
    inputs: { prompt: 'a harbour', webhook_url: url },
    outputs: [],
    engine_used: 'local_comfy',
    quality_level: 'low',
    credit_cost: 1,
    error: null,
    error_code: null,
    remediation: [],
    logs: `jobs/${id}/logs.jsonl`,
    progress: 0.5,
    seed: 1,
    consent: { given: false, required: false, recorded_at: at },
    engine_prompt_id: randomUUID(),
    error_detail: null,
    provenance: null,
  };
}

describe('the webhook sender checks each delivery against the stored job', () => {
  it('waits while the end is not stored, sends once it is; never sends an end the job did not keep', async () => {
    const dir = tempDir('webhook-sender');
    const repo = await FileJobRepository.open(dir);
    const sender = new WebhookSender({
      outbox: repo.webhooks,
      summary: (id) => repo.summary(id),
      config: { secrets: [SECRET], allowPrivate: true, retryScheduleMs: [50], timeoutMs: 2_000, concurrency: 4 },
      logger: pino({ level: 'silent' }),
      pollMs: 20,
    });
    try {
      receiver.received.length = 0;
      const kept = runningJob(receiver.url);
      const lost = runningJob(receiver.url);
      await repo.save(kept);
      await repo.save(lost);
      const finished = new Date().toISOString();
      // Both ends staged, neither stored yet (as after a crash between the two writes).
      for (const j of [kept, lost])
        await repo.webhooks.stage(deliveryFor({ ...j, status: 'completed', finished_at: finished, progress: 1 })!);
      sender.start();
      // Looked at and held (its revision moves on), never sent while the job runs.
      await waitUntil('both deliveries held twice', async () =>
        (await Promise.all([kept, lost].map((j) => repo.webhooks.get(`${j.job_id}.job.completed`)))).every(
          (d) => d!.revision >= 3,
        ),
      );
      expect(receiver.received).toEqual([]);
      await repo.save({ ...kept, status: 'completed', finished_at: finished, progress: 1 });
      await repo.save({
        ...lost,
        status: 'failed',
        finished_at: finished,
        error: 'x',
        error_code: 'ENGINE_EXECUTION_FAILED',
      });
      await waitUntil('the kept end is delivered, the other superseded', async () => {
        const [a, b] = await Promise.all([
          repo.webhooks.get(`${kept.job_id}.job.completed`),
          repo.webhooks.get(`${lost.job_id}.job.completed`),
        ]);
        return a!.status === 'delivered' && b!.status === 'superseded';
      });
      expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([`${kept.job_id}.job.completed`]);
      expect((await repo.webhooks.get(`${lost.job_id}.job.completed`))!.attempts).toEqual([]);
      expect(sender.counts.ended.get('superseded')).toBe(1);
    } finally {
      await sender.close();
      await repo.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
