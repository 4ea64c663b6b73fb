import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { JobHistory } from '../../src/contracts/job.js';
import { FileJobRepository } from '../../src/embedded/file-job-repository.js';
import { createLogger } from '../../src/logger.js';
import { planRecovery, recoveryAction, type RecoveryTarget } from '../../src/lifecycle/recovery.js';
import { loadPresetRegistry } from '../../src/presets/registry.js';
import { ArtifactStore } from '../../src/store/artifact-store.js';
import { summarize } from '../../src/store/job-index.js';
import { repoRoot } from '../../src/util/paths.js';
import { tempDir } from '../helpers/temp-dirs.js';

/**
 * The recovery plan, decided from a data folder built here, before anything runs: one test per
 * case a restart (or a dead worker) meets, including what the backend recorded in a running job
 * says of its prompt (still running, finished while we were down, unknown, unreachable).
 */
const presets = loadPresetRegistry(path.join(repoRoot, 'presets'));
let clock = Date.parse('2026-02-01T00:00:00Z');
function record(fields: Partial<JobHistory> = {}): JobHistory {
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
    inputs: { prompt: 'recovery', quality_level: 'low' },
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
}

async function folderWith(jobs: JobHistory[], write: (dataDir: string) => void = () => undefined) {
  const dataDir = tempDir('recovery-plan');
  const repo = await FileJobRepository.open(dataDir);
  for (const j of jobs) await repo.save(j);
  await repo.close();
  write(dataDir);
  const fresh = FileJobRepository.create(dataDir);
  const logs: string[] = [];
  const target: RecoveryTarget<never> = {
    index: fresh.index,
    deps: {
      jobs: fresh.records,
      jobLogger: fresh.log,
      presets,
      artifacts: new ArtifactStore(path.join(dataDir, 'artifacts'), dataDir),
      logger: createLogger(
        'info',
        new Writable({
          write(c, _e, done) {
            logs.push(String(c));
            done();
          },
        }),
      ),
      config: { limits: { outputMaxBytes: 1 << 30 } as never },
    },
    enqueueRecovered: () => Promise.reject(new Error('planning must not enqueue')),
    track: () => {
      throw new Error('planning must not take a job over');
    },
    reattach: () => {
      throw new Error('planning must not start a job');
    },
  };
  return { dataDir, target, logs };
}

describe('the recovery plan', () => {
  it('queued → requeue; running (leased) → reattach by prompt id; finished → nothing', async () => {
    const queued = record();
    const running = record({
      status: 'running',
      started_at: new Date(clock).toISOString(),
      engine_used: 'local_comfy',
    });
    const done = record({ status: 'completed', finished_at: new Date(clock).toISOString(), progress: 1 });
    const { target } = await folderWith([queued, running, done]);
    const plan = await planRecovery(target);
    expect(plan.jobs.map((p) => [p.job.job_id, p.action])).toEqual([
      [queued.job_id, 'requeue'],
      [running.job_id, 'reattach'],
    ]);
    expect(plan.jobs[1]!.job.engine_prompt_id).toBe(running.engine_prompt_id);
    expect(plan.corrupt).toEqual([]);
  });

  it('running jobs are looked up on the backend their record names: still running → reattach, finished → collect, unknown → resubmit (a second loss fails), unreachable → reattach', async () => {
    const started = () => new Date(clock).toISOString();
    const still = record({ status: 'running', started_at: started(), engine_used: 'gpu_a', submit_attempts: 1 });
    const waiting = record({ status: 'running', started_at: started(), engine_used: 'gpu_b', submit_attempts: 1 });
    const finished = record({ status: 'running', started_at: started(), engine_used: 'gpu_b', submit_attempts: 1 });
    const lost = record({ status: 'running', started_at: started(), engine_used: 'gpu_a', submit_attempts: 1 });
    const lostTwice = record({ status: 'running', started_at: started(), engine_used: 'gpu_a', submit_attempts: 2 });
    const away = record({ status: 'running', started_at: started(), engine_used: 'gpu_gone', submit_attempts: 1 });
    const queued = record();
    const upstream = new Map<string, 'running' | 'queued' | 'finished' | 'unknown'>([
      [still.engine_prompt_id!, 'running'],
      [waiting.engine_prompt_id!, 'queued'],
      [finished.engine_prompt_id!, 'finished'],
      [lost.engine_prompt_id!, 'unknown'],
      [lostTwice.engine_prompt_id!, 'unknown'],
    ]);
    const asked: string[] = [];
    const { target } = await folderWith([still, waiting, finished, lost, lostTwice, away, queued]);
    const plan = await planRecovery(target, {
      upstream: async (job) => {
        asked.push(`${job.engine_used}:${job.job_id}`);
        if (job.engine_used === 'gpu_gone') throw new Error('no such backend');
        return upstream.get(job.engine_prompt_id!)!;
      },
    });
    expect(plan.jobs.map((p) => [p.job.job_id, p.action, p.upstream ?? null])).toEqual([
      [still.job_id, 'reattach', 'running'],
      [waiting.job_id, 'reattach', 'queued'],
      [finished.job_id, 'collect', 'finished'],
      [lost.job_id, 'resubmit', 'unknown'],
      [lostTwice.job_id, 'fail_lost', 'unknown'],
      [away.job_id, 'reattach', 'unreachable'],
      [queued.job_id, 'requeue', null],
    ]);
    // Each asked on its own backend; a queued job is not asked (its worker asks when it takes it).
    expect(asked.sort()).toEqual(
      [still, waiting, finished, lost, lostTwice, away].map((j) => `${j.engine_used}:${j.job_id}`).sort(),
    );
  });

  it('a job whose preset is gone is planned to fail', async () => {
    const orphan = record({ preset_id: 'retired_preset_v0' });
    const { target } = await folderWith([orphan]);
    expect((await planRecovery(target)).jobs).toEqual([expect.objectContaining({ action: 'fail_preset_gone' })]);
    expect(recoveryAction(orphan, false)).toBe('fail_preset_gone');
  });

  it('a torn journal line is skipped and its job read from its file; the file is the truth over a stale line', async () => {
    const queued = record();
    const ranOn = record();
    const { target, logs } = await folderWith([queued, ranOn], (dataDir) => {
      // The journal says queued, the file says running (a crash between the two writes), and a torn line follows.
      writeFileSync(
        path.join(dataDir, 'jobs', `${ranOn.job_id}.json`),
        JSON.stringify({ ...ranOn, status: 'running', started_at: new Date(clock).toISOString() }),
      );
      appendFileSync(path.join(dataDir, 'jobs', 'index.jsonl'), `${JSON.stringify(summarize(queued)).slice(0, 40)}`);
    });
    const plan = await planRecovery(target);
    expect(plan.jobs.map((p) => p.action)).toEqual(['requeue', 'reattach']);
    expect(logs.join('')).toContain('skipped unreadable lines of the job index');
  });

  it('an unreadable file is moved aside and reported; a journal entry without a file is dropped; temp files are swept', async () => {
    const fine = record();
    const vanished = record();
    const torn = randomUUID();
    const { dataDir, target } = await folderWith([fine, vanished], (dir) => {
      writeFileSync(path.join(dir, 'jobs', `${torn}.json`), '{"schema_version": 1, "job_id": "');
      rmSync(path.join(dir, 'jobs', `${vanished.job_id}.json`));
      mkdirSync(path.join(dir, 'artifacts', fine.job_id, 'image'), { recursive: true });
      writeFileSync(path.join(dir, 'artifacts', fine.job_id, 'image', '.incoming.123.tmp'), 'half');
      writeFileSync(path.join(dir, 'jobs', `.${fine.job_id}.json.456.tmp`), 'half');
    });
    const plan = await planRecovery(target);
    expect(plan.corrupt).toEqual([torn]);
    expect(readdirSync(path.join(dataDir, 'jobs', 'corrupt')).some((n) => n.startsWith(torn))).toBe(true);
    expect(plan.jobs.map((p) => p.job.job_id)).toEqual([fine.job_id]);
    expect(target.index.has(vanished.job_id)).toBe(false);
    expect(plan.swept).toBe(2);
    expect(existsSync(path.join(dataDir, 'artifacts', fine.job_id, 'image', '.incoming.123.tmp'))).toBe(false);
  });
});
