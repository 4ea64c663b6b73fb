import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/util/paths.js';
import { distributedBody as body, sha256, startCluster, type TestCluster } from '../helpers/distributed-cluster.js';
import { call } from '../helpers/http.js';
import { referencePng } from '../helpers/png-fixture.js';
import { startService } from '../helpers/service.js';
import { tempDir } from '../helpers/temp-dirs.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startCluster(1);
}, 120_000);
afterAll(async () => {
  await cluster?.close();
});

/** The migration command as a user runs it (node dist/migrate.js), with its output. */
function migrate(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'migrate.js')], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const summaryOf = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

describe('migration command: an embedded data folder into PostgreSQL and S3', () => {
  it('copies records, logs, keys and artifacts (the original service’s too), idempotently, and a distributed instance serves them', async () => {
    // An embedded deployment's folder: three jobs run by the service itself ...
    const dataDir = tempDir('embedded');
    const embedded = await startService({ COMFYUI_URL: cluster.sims[0]!.url }, { dataDir });
    const ids: string[] = [];
    for (const seed of [1, 2, 3]) {
      const r = await call(embedded.url, 'POST', '/api/pipeline/generate/image', {
        json: body(seed),
        headers: seed === 1 ? { 'idempotency-key': 'kept-across-the-move' } : {},
      });
      expect(r.json.status).toBe('completed');
      ids.push(r.json.job_id);
    }
    await embedded.close();
    // ... and one the original Python service left behind (its schema, its file names).
    const original = randomUUID();
    const png = referencePng(0x336699, 48);
    writeFileSync(
      path.join(dataDir, 'jobs', `${original}.json`),
      JSON.stringify({
        job_id: original,
        preset_id: 'photoreal_portrait_v1',
        user_id: null,
        status: 'completed',
        created_at: '2025-01-27 10:00:00.123456',
        started_at: '2025-01-27 10:00:01',
        finished_at: '2025-01-27 10:00:41.5',
        inputs: { prompt: 'a lighthouse at dusk', quality_level: 'standard' },
        outputs: {},
        engine_used: 'local_comfy',
        quality_level: 'standard',
        credit_cost: 2,
        error: null,
        remediation: null,
      }),
    );
    mkdirSync(path.join(dataDir, 'artifacts', original, 'image'), { recursive: true });
    writeFileSync(path.join(dataDir, 'artifacts', original, 'image', 'ComfyUI_00001_.png'), png);
    writeFileSync(
      path.join(dataDir, 'artifacts', original, 'metadata.json'),
      JSON.stringify({
        artifacts: { image: { path: `${original}/image/ComfyUI_00001_.png`, filename: 'ComfyUI_00001_.png' } },
      }),
    );

    const env = { ...(await cluster.environment()), AINFLUENCER_DATA_DIR: dataDir };
    const first = await migrate(env);
    expect(first.code, first.stderr).toBe(0);
    expect(summaryOf(first.stdout)).toMatchObject({ jobs: 4, copied: 4, unchanged: 0, artifacts: 4, failed: [] });
    expect(first.stderr).toContain('migrated 4/4 jobs');
    // Again: nothing to do.
    const second = await migrate(env);
    expect(second.code, second.stderr).toBe(0);
    expect(summaryOf(second.stdout)).toMatchObject({ jobs: 4, copied: 0, unchanged: 4, artifacts: 0, events: 0 });

    // A distributed instance (its own empty data folder) serves all of it.
    const { AINFLUENCER_DATA_DIR: _migrated, ...stores } = env;
    const instance = await cluster.instance(stores);
    for (const id of [...ids, original]) {
      const status = (await call(instance.url, 'GET', `/api/pipeline/jobs/${id}`)).json;
      expect(status.status).toBe('completed');
      const { artifacts } = (await call(instance.url, 'GET', `/api/pipeline/jobs/${id}/artifacts`)).json;
      expect(artifacts.length).toBeGreaterThan(0);
      for (const art of artifacts) {
        const served = Buffer.from(
          await (await fetch(`${instance.url}/api/pipeline/jobs/${id}/artifacts/${art.filename}`)).arrayBuffer(),
        );
        const local = readFileSync(path.join(dataDir, 'artifacts', id, art.type, art.filename));
        expect(sha256(served)).toBe(sha256(local));
      }
    }
    const logs = (await call(instance.url, 'GET', `/api/pipeline/jobs/${ids[0]}/logs`)).json.events;
    const localLog = readFileSync(path.join(dataDir, 'jobs', ids[0]!, 'logs.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(logs.map((e: { event: string }) => e.event)).toEqual(
      localLog.map((l) => (JSON.parse(l) as { event: string }).event),
    );
    expect(logs[0].at).toBe((JSON.parse(localLog[0]!) as { at: string }).at); // the time it happened, kept
    // The idempotency key came along: the same request answers with the migrated job.
    const again = await call(instance.url, 'POST', '/api/pipeline/generate/image', {
      json: body(1),
      headers: { 'idempotency-key': 'kept-across-the-move', prefer: 'respond-async' },
    });
    expect(again.json.job_id).toBe(ids[0]);
    await cluster.kill(instance);
  }, 180_000);
});
