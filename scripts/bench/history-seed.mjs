// A data folder with many stored jobs, as a long-running install has it: the history benchmark's
// and the cold-start test's fixture.
import { mkdirSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';

const STATUSES = ['completed', 'completed', 'completed', 'failed', 'cancelled'];

/**
 * Write `count` job files plus the index journal the service keeps, as a long-running install would
 * have them; without the journal (`journal: false`) it is a folder whose index was lost.
 */
export function seed(dataDir, count, { journal: withJournal = true } = {}) {
  const jobsDir = path.join(dataDir, 'jobs');
  mkdirSync(jobsDir, { recursive: true });
  const journal = openSync(path.join(jobsDir, 'index.jsonl'), 'w');
  const start = Date.now() - count * 60_000;
  let lines = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const created = new Date(start + i * 60_000).toISOString();
    const status = STATUSES[i % STATUSES.length];
    const preset = i % 3 === 0 ? 'cinematic_portrait_v1' : 'photoreal_portrait_v1';
    const failed = status !== 'completed';
    const job = {
      schema_version: 1,
      job_id: id,
      preset_id: preset,
      user_id: null,
      status,
      created_at: created,
      started_at: created,
      finished_at: created,
      inputs: {
        preset_id: preset,
        prompt: `portrait number ${i}`,
        quality_level: 'low',
        consent_given: false,
        seed: i,
      },
      outputs: failed
        ? []
        : [
            {
              type: 'image',
              filename: 'image_001.png',
              path: `artifacts/${id}/image/image_001.png`,
              url: `/api/pipeline/jobs/${id}/artifacts/image_001.png`,
              content_type: 'image/png',
              size_bytes: 2200000,
              sha256: '0'.repeat(64),
              width: 1024,
              height: 1024,
              node_id: '7',
              comfy_filename: 'x_00001_.png',
              comfy_subfolder: 'ainfluencer',
              created_at: created,
            },
          ],
      engine_used: 'local_comfy',
      quality_level: 'low',
      credit_cost: 1,
      error: failed ? 'simulated' : null,
      error_code: failed ? (status === 'cancelled' ? 'JOB_CANCELLED' : 'ENGINE_TIMEOUT') : null,
      remediation: [],
      logs: `jobs/${id}/logs.jsonl`,
      progress: failed ? 0.5 : 1,
      seed: i,
      consent: { given: false, required: false, recorded_at: created },
      engine_prompt_id: randomUUID(),
      error_detail: null,
      provenance: null,
      idempotency_key: null,
      submit_attempts: 1,
    };
    writeFileSync(path.join(jobsDir, `${id}.json`), JSON.stringify(job));
    const ms = Date.parse(created);
    lines.push(
      JSON.stringify({
        job_id: id,
        preset_id: preset,
        status,
        quality_level: 'low',
        created_ms: ms,
        started_ms: ms,
        finished_ms: ms,
        progress: job.progress,
        output: failed ? null : 'image_001.png',
        error: job.error,
        error_code: job.error_code,
        bytes: failed ? 0 : 2200000,
        idempotency_key: null,
      }),
    );
    if (lines.length === 5000) {
      writeSync(journal, `${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length) writeSync(journal, `${lines.join('\n')}\n`);
  closeSync(journal);
  if (!withJournal) rmSync(path.join(jobsDir, 'index.jsonl'));
}
