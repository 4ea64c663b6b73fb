import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seed } from '../../scripts/bench/history-seed.mjs';
import { startChildService } from '../helpers/child-service.js';
import { call, expectEnvelope } from '../helpers/http.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { waitUntil } from '../helpers/wait.js';

// A data folder whose index journal was lost (or never existed): the service listens at once,
// answers /api/health with "starting" while it reads every job file, refuses what needs the history
// with 503 + Retry-After, logs its progress, and then serves the whole history.
describe('cold start over job files the index does not know', () => {
  it('listens first, says "starting" with progress, refuses job routes with Retry-After, then serves every job', async () => {
    const dataDir = tempDir('ainf-cold');
    const count = 30_000;
    seed(dataDir, count, { journal: false });
    const svc = await startChildService(
      { AINFLUENCER_DATA_DIR: dataDir, COMFYUI_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'info' },
      [],
      { until: 'LISTENING' },
    );
    try {
      const health = await call(svc.url, 'GET', '/api/health');
      expect(health.status).toBe(200);
      expect(health.json.status).toBe('starting');
      // The number of files is known once the folder is listed, a moment after listening.
      const counted = await waitUntil(
        'the file count in /api/health',
        async () => {
          const h = (await call(svc.url, 'GET', '/api/health')).json;
          return h.status === 'starting' && h.startup.total === count ? h : null;
        },
        10_000,
        10,
      );
      expect(counted.startup.indexed).toBeLessThanOrEqual(count);
      const listing = await call(svc.url, 'GET', '/api/pipeline/jobs?limit=50');
      expectEnvelope(listing, 503, 'SERVICE_UNAVAILABLE');
      expect(Number(listing.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(listing.json.message).toMatch(/starting: reading its job history/);
      const generate = await call(svc.url, 'POST', '/api/pipeline/generate/image', {
        json: { preset_id: 'photoreal_portrait_v1', prompt: 'too early', quality_level: 'low' },
        headers: { prefer: 'respond-async' },
      });
      expectEnvelope(generate, 503, 'SERVICE_UNAVAILABLE');
      // What does not need the history answers meanwhile.
      expect((await call(svc.url, 'GET', '/api/pipeline/presets')).status).toBe(200);

      await waitUntil('READY', () => svc.stdout.some((l) => l.startsWith('READY ')) || null, 60_000, 50);
      const ready = await call(svc.url, 'GET', '/api/health');
      expect(ready.json.status).not.toBe('starting');
      expect(ready.json.startup).toBeUndefined();
      const page = await call(svc.url, 'GET', '/api/pipeline/jobs?limit=50');
      expect(page.status).toBe(200);
      expect(page.json.jobs).toHaveLength(50);
      const failed = await call(svc.url, 'GET', `/api/pipeline/jobs?status=failed&limit=50`);
      expect(failed.json.jobs).toHaveLength(50);
      // Progress was logged while reading, and the journal was written once, one line per job.
      const progress = svc.stdout.filter((l) => l.includes('index does not know') || l.includes('index rebuilt'));
      expect(progress.length).toBeGreaterThanOrEqual(2);
      expect(JSON.parse(progress.at(-1)!)).toMatchObject({ read: count, total: count });
      const journal = path.join(dataDir, 'jobs', 'index.jsonl');
      expect(existsSync(journal)).toBe(true);
      expect(readFileSync(journal, 'utf8').trimEnd().split('\n')).toHaveLength(count);
    } finally {
      svc.child.kill('SIGKILL');
      await svc.exited;
    }
  }, 120_000);
});
