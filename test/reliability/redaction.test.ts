import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { call } from '../helpers/http.js';
import { startService, type TestService } from '../helpers/service.js';
import { ORDINARY_PROMPTS, secretCore, secretCorpus } from '../helpers/secrets.js';
import { tinyPresetsDir } from '../helpers/tiny-presets.js';

let sim: ComfySimulator;
let svc: TestService;
beforeAll(async () => {
  sim = await startComfySimulator();
  svc = await startService({
    COMFYUI_URL: sim.url,
    AINFLUENCER_PRESETS_DIR: tinyPresetsDir(),
    QUEUE_MAX_DEPTH: '100000',
  });
});
afterAll(async () => {
  await svc.close();
  await sim.close();
});

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe('redaction corpus end to end', () => {
  const corpus = secretCorpus(30);

  it('30 secrets of each kind in prompts, headers and upstream error texts reach neither disk nor logs', async () => {
    const jobIds: string[] = [];
    for (const [kind, secrets] of Object.entries(corpus)) {
      // Prompts (1–2000 chars): as many secrets as fit per request.
      for (let i = 0; i < secrets.length; i += 10) {
        const prompt = `portrait (${kind}) ${secrets.slice(i, i + 10).join(' , ')}`.slice(0, 2000);
        const res = await call(svc.url, 'POST', '/api/pipeline/generate/image', {
          json: {
            preset_id: 'photoreal_portrait_v1',
            prompt,
            negative_prompt: secrets[(i + 5) % secrets.length],
            quality_level: 'low',
          },
          headers: {
            authorization: `Bearer ${secretCore(secrets[i]!)}xyz123`,
            'x-api-key': secrets[(i + 1) % secrets.length]!.replace(/\n/g, ' '),
            cookie: `session=${secretCore(secrets[(i + 2) % secrets.length]!)}`,
          },
        });
        expect(res.status, res.text).toBe(200);
        jobIds.push(res.json.job_id);
      }
    }
    // Upstream error bodies: ComfyUI's exception message echoes the prompt, secrets included.
    sim.setFaults({ failNodeClasses: ['CLIPTextEncode'] });
    for (const [kind, secrets] of Object.entries(corpus)) {
      const res = await call(svc.url, 'POST', '/api/pipeline/generate/image', {
        json: {
          preset_id: 'photoreal_portrait_v1',
          prompt: `failing ${kind} ${secrets.slice(0, 10).join(' ')}`.slice(0, 2000),
          quality_level: 'low',
        },
      });
      expect(res.status).toBe(502);
      expect(res.json.message).toContain('Simulated failure');
      for (const s of secrets.slice(0, 10)) expect(res.text).not.toContain(secretCore(s));
      jobIds.push(res.json.job_id);
    }
    sim.resetFaults();

    const onDisk = allFiles(svc.dataDir)
      .filter((f) => !f.endsWith('.png'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const logs = svc.logLines.join('');
    let checked = 0;
    for (const secrets of Object.values(corpus)) {
      for (const s of secrets) {
        expect(onDisk, s).not.toContain(secretCore(s));
        expect(logs, s).not.toContain(secretCore(s));
        checked++;
      }
    }
    expect(checked).toBe(240);
    console.log(
      `[figures] redaction: ${checked} secrets (8 kinds × 30) in prompts, headers and upstream errors, 0 found on disk or in logs`,
    );
    expect(onDisk).toContain('[REDACTED]');
    // The job of a redacted prompt still ran and stored its image.
    expect((await call(svc.url, 'GET', `/api/pipeline/jobs/${jobIds[0]}`)).json.status).toBe('completed');
  });

  it('500 ordinary prompts are stored byte-identical', async () => {
    const subjects = [
      'monkey',
      'turkey',
      'keynote',
      'secret garden',
      'token of love',
      'author',
      'keyholder',
      'passport',
      'skier',
      'ghost',
    ];
    const sent = new Map<string, string>();
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) => {
        const prompt = `${ORDINARY_PROMPTS[i % ORDINARY_PROMPTS.length]} with a ${subjects[i % subjects.length]} #${i}`;
        return call(svc.url, 'POST', '/api/pipeline/generate/image', {
          json: {
            preset_id: 'cinematic_portrait_v1',
            prompt,
            negative_prompt: 'a secret: no keys',
            quality_level: 'low',
          },
          headers: { prefer: 'respond-async' },
        }).then((r) => {
          sent.set(r.json.job_id, prompt);
          return r;
        });
      }),
    );
    expect(results.every((r) => r.status === 202)).toBe(true);
    let identical = 0;
    for (const [jobId, prompt] of sent) {
      const job = JSON.parse(readFileSync(path.join(svc.dataDir, 'jobs', `${jobId}.json`), 'utf8'));
      expect(job.inputs.prompt).toBe(prompt);
      expect(job.inputs.negative_prompt).toBe('a secret: no keys');
      identical++;
    }
    expect(identical).toBe(500);
    console.log(`[figures] redaction: ${identical}/500 ordinary prompts stored byte-identical`);
  });
});
