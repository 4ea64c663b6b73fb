import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { startChildService } from '../helpers/child-service.js';
import { call } from '../helpers/http.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { waitUntil } from '../helpers/wait.js';

// What a person at a terminal reads: at info, one line per job event, no line per HTTP request;
// readable lines with LOG_FORMAT=pretty (the default on a TTY), JSON otherwise.
let sim: ComfySimulator;
beforeAll(async () => {
  sim = await startComfySimulator();
});
afterAll(async () => {
  await sim.close();
});

async function oneJob(format: string) {
  const svc = await startChildService({
    AINFLUENCER_DATA_DIR: tempDir('ainf-terminal'),
    COMFYUI_URL: sim.url,
    LOG_LEVEL: 'info',
    LOG_FORMAT: format,
  });
  try {
    const res = await call(svc.url, 'POST', '/api/pipeline/generate/image', {
      json: { preset_id: 'photoreal_portrait_v1', prompt: 'terminal', quality_level: 'low' },
    });
    expect(res.status).toBe(200);
    for (let i = 0; i < 5; i++) await call(svc.url, 'GET', '/api/health');
    await waitUntil('the completed line', () => svc.stdout.some((l) => l.includes('job completed')) || null);
    return { lines: svc.stdout, jobId: res.json.job_id as string };
  } finally {
    svc.child.kill('SIGTERM');
    await svc.exited;
  }
}

describe('terminal output', () => {
  it('pretty: one readable line per job event, none per request', async () => {
    const { lines, jobId } = await oneJob('pretty');
    const jobLines = lines.filter((l) => l.includes(jobId));
    for (const event of ['queued', 'started', 'completed'])
      expect(jobLines.some((l) => /INFO/.test(l) && l.includes(`job ${event}`))).toBe(true);
    expect(jobLines.every((l) => !l.trimStart().startsWith('{'))).toBe(true); // not JSON
    expect(lines.some((l) => /incoming request|request completed/.test(l))).toBe(false);
    // The READY line stays machine-readable.
    expect(lines.some((l) => /^READY http:\/\//.test(l))).toBe(true);
  });

  it('json (the default when stdout is not a terminal): the same events as JSON lines', async () => {
    const { lines, jobId } = await oneJob('auto');
    const events = lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { job_id?: string; event?: string; msg: string })
      .filter((e) => e.job_id === jobId)
      .map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(['queued', 'started', 'completed']));
    expect(events).not.toContain('progress');
    expect(lines.some((l) => /incoming request|request completed/.test(l))).toBe(false);
  });
});
