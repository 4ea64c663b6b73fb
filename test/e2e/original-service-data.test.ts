import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobHistory } from '../../src/contracts/job.js';
import { solid } from '../../src/sim/render.js';
import { encodePng } from '../../src/util/png.js';
import { call, expectEnvelope } from '../helpers/http.js';
import { startService, type TestService } from '../helpers/service.js';
import { readSse } from '../helpers/sse.js';
import { tempDir } from '../helpers/temp-dirs.js';

/**
 * A data folder as the original Python service left it: pydantic model_dump() records with naive
 * UTC timestamps and outputs keyed by type, metadata.json keyed by type, {timestamp, level, message}
 * log lines. Nothing of it may be lost or hidden when this service starts on it.
 */
let svc: TestService | null = null;
afterEach(async () => {
  await svc?.close();
  svc = null;
});

/** A data folder (removed with the file's other temp folders). */
function dataFolder(): string {
  const dir = tempDir('ainf-original');
  mkdirSync(path.join(dir, 'jobs'), { recursive: true });
  mkdirSync(path.join(dir, 'artifacts'), { recursive: true });
  return dir;
}

/** What the original's JobHistory.model_dump() wrote, through json.dump(indent=2, default=str). */
function originalRecord(jobId: string, fields: Record<string, unknown> = {}) {
  return {
    job_id: jobId,
    preset_id: 'photoreal_portrait_v1',
    user_id: null,
    status: 'completed',
    created_at: '2025-01-27 10:00:00.123456',
    started_at: '2025-01-27 10:00:01',
    finished_at: '2025-01-27 10:00:41.5',
    inputs: { prompt: 'a lighthouse at dusk, 35mm film', quality_level: 'standard' },
    outputs: {},
    engine_used: 'local_comfy',
    quality_level: 'standard',
    credit_cost: 2,
    error: null,
    remediation: null,
    ...fields,
  };
}

function writeOriginal(dir: string, jobId: string, record: unknown, image?: { file: string; bytes: Buffer }) {
  writeFileSync(path.join(dir, 'jobs', `${jobId}.json`), JSON.stringify(record, null, 2));
  if (image) {
    mkdirSync(path.join(dir, 'artifacts', jobId, 'image'), { recursive: true });
    writeFileSync(path.join(dir, 'artifacts', jobId, 'image', image.file), image.bytes);
    writeFileSync(
      path.join(dir, 'artifacts', jobId, 'metadata.json'),
      JSON.stringify(
        {
          artifacts: {
            image: {
              path: `${jobId}/image/${image.file}`,
              filename: image.file,
              preset_id: 'photoreal_portrait_v1',
              quality_level: 'standard',
              engine_id: 'local_comfy',
            },
          },
        },
        null,
        2,
      ),
    );
  }
}

function writeOriginalLog(dir: string, jobId: string, lines: unknown[]) {
  mkdirSync(path.join(dir, 'jobs', jobId), { recursive: true });
  writeFileSync(path.join(dir, 'jobs', jobId, 'logs.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

const png = (w: number, h: number) => encodePng(solid(w, h, 0x336699));

describe("the original service's data folder", () => {
  it('lists, serves and migrates its jobs: a stale "queued" record with an output is completed, a lost run is failed, junk is quarantined', async () => {
    const dir = dataFolder();
    const done = randomUUID(),
      stale = randomUUID(),
      lost = randomUUID(),
      torn = randomUUID();
    const image = png(24, 16);
    writeOriginal(
      dir,
      done,
      originalRecord(done, {
        outputs: { image: `${done}/image/ComfyUI_00001_.png`, output_url: `${done}/image/ComfyUI_00001_.png` },
      }),
      { file: 'ComfyUI_00001_.png', bytes: image },
    );
    writeOriginalLog(dir, done, [
      { timestamp: '2025-01-27T10:00:00.200000', level: 'INFO', message: 'Job queued' },
      {
        timestamp: '2025-01-27T10:00:01',
        level: 'INFO',
        message: 'Generating image',
        metadata: { step: 'generate_image' },
      },
      { timestamp: '2025-01-27T10:00:41.400000', level: 'INFO', message: 'Job completed' },
    ]);
    // Saved last from a stale copy: "queued", no timestamps, but the output is there.
    writeOriginal(
      dir,
      stale,
      originalRecord(stale, {
        status: 'queued',
        started_at: null,
        finished_at: null,
        created_at: '2025-01-28 09:30:00',
        inputs: { prompt: 'a red bicycle', metadata: { progress: 0.5 } },
        outputs: { image: `${stale}/image/ComfyUI_00002_.png`, output_url: `${stale}/image/ComfyUI_00002_.png` },
      }),
      { file: 'ComfyUI_00002_.png', bytes: png(8, 8) },
    );
    // Left running by a crash of the original, no output: cannot be resumed.
    writeOriginal(
      dir,
      lost,
      originalRecord(lost, { status: 'running', finished_at: null, created_at: '2025-01-29 08:00:00.5' }),
    );
    writeFileSync(path.join(dir, 'jobs', `${torn}.json`), '{"job_id": "torn');
    const before = readFileSync(path.join(dir, 'artifacts', done, 'image', 'ComfyUI_00001_.png'));

    svc = await startService({}, { dataDir: dir });

    const list = await call(svc.url, 'GET', '/api/pipeline/jobs?limit=10');
    expect(list.status, list.text).toBe(200);
    const byId = Object.fromEntries(list.json.jobs.map((j: { job_id: string }) => [j.job_id, j]));
    expect(Object.keys(byId).sort()).toEqual([done, stale, lost].sort());
    // Newest first, by the original's own timestamps (naive UTC).
    expect(list.json.jobs.map((j: { job_id: string }) => j.job_id)).toEqual([lost, stale, done]);

    const status = (await call(svc.url, 'GET', `/api/pipeline/jobs/${done}`)).json;
    expect(status).toMatchObject({
      status: 'completed',
      created_at: '2025-01-27T10:00:00.123Z',
      started_at: '2025-01-27T10:00:01.000Z',
      finished_at: '2025-01-27T10:00:41.500Z',
      progress: 1,
    });
    expect(status.output_url).toBe(`/api/pipeline/jobs/${done}/artifacts/ComfyUI_00001_.png`);

    const staleStatus = (await call(svc.url, 'GET', `/api/pipeline/jobs/${stale}`)).json;
    expect(staleStatus).toMatchObject({ status: 'completed', progress: 1 });
    expect(staleStatus.finished_at).not.toBeNull();
    const staleLog = (await call(svc.url, 'GET', `/api/pipeline/jobs/${stale}/logs`)).json.events;
    expect(staleLog.at(-1)).toMatchObject({ event: 'migrated', original_status: 'queued', status: 'completed' });
    expect(staleLog.at(-1).notes.join(' ')).toMatch(/stale copy/);

    const lostStatus = (await call(svc.url, 'GET', `/api/pipeline/jobs/${lost}`)).json;
    expect(lostStatus).toMatchObject({ status: 'failed', error_code: 'JOB_INTERRUPTED', output_url: null });
    expect(lostStatus.error).toMatch(/cannot be resumed/);

    // Artifacts: sha256, size and dimensions computed from the file the original left.
    const artifacts = (await call(svc.url, 'GET', `/api/pipeline/jobs/${done}/artifacts`)).json.artifacts;
    expect(artifacts).toHaveLength(1);
    expect(artifacts[0]).toMatchObject({
      type: 'image',
      filename: 'ComfyUI_00001_.png',
      content_type: 'image/png',
      size_bytes: image.length,
      sha256: createHash('sha256').update(image).digest('hex'),
      width: 24,
      height: 16,
    });
    const download = await fetch(`${svc.url}${status.output_url}`);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(image)).toBe(true);
    // The original web page's URL, with the original's relative path and with this service's URL.
    for (const url of [`/content/images/${done}/image/ComfyUI_00001_.png`, `/content/images/${status.output_url}`]) {
      const res = await fetch(`${svc.url}${url}`);
      expect(res.status, url).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(image)).toBe(true);
    }

    // Logs and the event stream serve the original's lines in this service's event shape.
    const logs = (await call(svc.url, 'GET', `/api/pipeline/jobs/${done}/logs`)).json;
    expect(logs.events.slice(0, 3)).toEqual([
      { seq: 1, at: '2025-01-27T10:00:00.200Z', event: 'log', level: 'info', message: 'Job queued' },
      {
        seq: 2,
        at: '2025-01-27T10:00:01.000Z',
        event: 'log',
        level: 'info',
        message: 'Generating image',
        metadata: { step: 'generate_image' },
      },
      { seq: 3, at: '2025-01-27T10:00:41.400Z', event: 'log', level: 'info', message: 'Job completed' },
    ]);
    expect(logs.events[3]).toMatchObject({ seq: 4, event: 'migrated' });
    const resumed = await call(svc.url, 'GET', `/api/pipeline/jobs/${done}/logs?since=2`);
    expect(resumed.json.events.map((e: { seq: number }) => e.seq)).toEqual([3, 4]);
    const sse = await readSse(`${svc.url}/api/pipeline/jobs/${done}/events`, { 'last-event-id': '1' });
    expect(sse.events.filter((e) => e.event === 'log').map((e) => e.id)).toEqual(['2', '3', '4']);
    expect(sse.events.at(-1)!.event).toBe('end');

    // The user's output file is untouched; the record is migrated in place, the original kept beside it.
    expect(readFileSync(path.join(dir, 'artifacts', done, 'image', 'ComfyUI_00001_.png')).equals(before)).toBe(true);
    const migrated = JobHistory.parse(JSON.parse(readFileSync(path.join(dir, 'jobs', `${done}.json`), 'utf8')));
    expect(migrated.migrated_from).toMatchObject({ service: 'ainfluencer-python', original_status: 'completed' });
    expect(
      JSON.parse(readFileSync(path.join(dir, 'jobs', done, 'original-service', 'job.json'), 'utf8')).outputs.image,
    ).toBe(`${done}/image/ComfyUI_00001_.png`);
    expect(
      JSON.parse(readFileSync(path.join(dir, 'jobs', done, 'original-service', 'metadata.json'), 'utf8')).artifacts
        .image.engine_id,
    ).toBe('local_comfy');

    // Only the file that truly does not parse is quarantined, and the start log says how many and where.
    expect(existsSync(path.join(dir, 'jobs', `${torn}.json`))).toBe(false);
    expect(readdirSync(path.join(dir, 'jobs', 'corrupt')).filter((n) => n.startsWith(torn))).toHaveLength(1);
    expectEnvelope(await call(svc.url, 'GET', `/api/pipeline/jobs/${torn}`), 404, 'FILE_NOT_FOUND');
    const startLog = svc.logLines
      .map((l) => JSON.parse(l))
      .find((l) => typeof l.msg === 'string' && /unreadable job file\(s\) moved to/.test(l.msg));
    expect(startLog).toMatchObject({ corrupt: 1, moved_to: path.join(dir, 'jobs', 'corrupt') });

    // A second start reads the migrated records as they are: nothing is migrated twice.
    await svc.close();
    const mtime = statSync(path.join(dir, 'jobs', `${done}.json`)).mtimeMs;
    svc = await startService({}, { dataDir: dir });
    expect((await call(svc.url, 'GET', `/api/pipeline/jobs/${done}`)).json.status).toBe('completed');
    expect(statSync(path.join(dir, 'jobs', `${done}.json`)).mtimeMs).toBe(mtime);
    expect(
      (await call(svc.url, 'GET', `/api/pipeline/jobs/${done}/logs`)).json.events.filter(
        (e: { event: string }) => e.event === 'migrated',
      ),
    ).toHaveLength(1);
  });

  it('keeps no secret from an original record: the migrated record, its kept copy and its log are redacted', async () => {
    const dir = dataFolder();
    const id = randomUUID();
    const key = 'sk-' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0';
    writeOriginal(
      dir,
      id,
      originalRecord(id, { inputs: { prompt: `a lighthouse, api key ${key}`, api_key: 'hunter2-secret-value' } }),
    );
    writeOriginalLog(dir, id, [
      { timestamp: '2025-01-27T10:00:00', level: 'INFO', message: `calling ComfyUI with token ${key}` },
    ]);
    svc = await startService({}, { dataDir: dir });
    expect((await call(svc.url, 'GET', `/api/pipeline/jobs/${id}`)).json.status).toBe('completed');
    const logs = await call(svc.url, 'GET', `/api/pipeline/jobs/${id}/logs`);
    expect(logs.text).not.toContain(key);
    for (const file of [
      path.join(dir, 'jobs', `${id}.json`),
      path.join(dir, 'jobs', id, 'original-service', 'job.json'),
    ]) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toContain(key);
      expect(text, file).not.toContain('hunter2-secret-value');
    }
  });

  it('brings back original records an earlier version of this service moved to jobs/corrupt/', async () => {
    const dir = dataFolder();
    const id = randomUUID(),
      junk = randomUUID();
    mkdirSync(path.join(dir, 'jobs', 'corrupt'), { recursive: true });
    writeFileSync(
      path.join(dir, 'jobs', 'corrupt', `${id}.1737972000000.json`),
      JSON.stringify(originalRecord(id), null, 2),
    );
    writeFileSync(path.join(dir, 'jobs', 'corrupt', `${junk}.1737972000000.json`), '{"job_id": "torn');
    svc = await startService({}, { dataDir: dir });
    expect((await call(svc.url, 'GET', `/api/pipeline/jobs/${id}`)).json).toMatchObject({
      status: 'completed',
      created_at: '2025-01-27T10:00:00.123Z',
    });
    expect(readdirSync(path.join(dir, 'jobs', 'corrupt'))).toEqual([`${junk}.1737972000000.json`]);
  });

  it('tolerates what the original may leave out or spell differently, and quarantines what is not a job', async () => {
    const dir = dataFolder();
    const sparse = randomUUID(),
      wrongId = randomUUID(),
      badTime = randomUUID();
    // Only the fields every original record had; optional ones absent instead of null.
    writeOriginal(dir, sparse, {
      job_id: sparse,
      preset_id: 'cinematic_portrait_v1',
      status: 'failed',
      created_at: '2025-02-01 12:00:00',
      inputs: { prompt: 'x' },
      outputs: {},
      error: 'ComfyUI is not running',
    });
    writeOriginal(dir, wrongId, originalRecord(randomUUID()));
    writeOriginal(dir, badTime, originalRecord(badTime, { created_at: 'yesterday' }));
    svc = await startService({}, { dataDir: dir });
    expect((await call(svc.url, 'GET', `/api/pipeline/jobs/${sparse}`)).json).toMatchObject({
      status: 'failed',
      error: 'ComfyUI is not running',
      created_at: '2025-02-01T12:00:00.000Z',
    });
    expect(JobHistory.parse(JSON.parse(readFileSync(path.join(dir, 'jobs', `${sparse}.json`), 'utf8')))).toMatchObject({
      quality_level: 'standard',
      credit_cost: 0,
      seed: -1,
      user_id: null,
      remediation: [],
    });
    expect((await call(svc.url, 'GET', `/api/pipeline/jobs/${sparse}/artifacts`)).json.artifacts).toEqual([]);
    for (const id of [wrongId, badTime])
      expectEnvelope(await call(svc.url, 'GET', `/api/pipeline/jobs/${id}`), 404, 'FILE_NOT_FOUND');
    expect(
      readdirSync(path.join(dir, 'jobs', 'corrupt'))
        .map((n) => n.slice(0, 36))
        .sort(),
    ).toEqual([wrongId, badTime].sort());
  });
});
