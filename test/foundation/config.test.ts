import { readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, configSchema, loadConfig } from '../../src/config.js';
import { repoRoot } from '../../src/util/paths.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.comfyuiUrl).toBe('http://127.0.0.1:8188');
    expect(c.dataDir).toBe(path.join(repoRoot, '.ainfluencer'));
    expect(c.corsOrigins).toEqual(['http://localhost:3000']);
    expect(c.logLevel).toBe('info');
    expect(c.models.checkpoint).toBe('sd_xl_base_1.0.safetensors');
  });

  it('parses and coerces values, empty strings count as unset', () => {
    const c = loadConfig({
      PORT: '0',
      CORS_ORIGINS: 'http://a.test, http://b.test',
      COMFYUI_URL: 'http://gpu.local:8188/',
      LOG_LEVEL: 'warn',
      HOST: '',
    });
    expect(c.port).toBe(0);
    expect(c.corsOrigins).toEqual(['http://a.test', 'http://b.test']);
    expect(c.comfyuiUrl).toBe('http://gpu.local:8188');
    expect(c.host).toBe('127.0.0.1');
  });

  it('COMFYUI_URLS lists several backends: stable ids by position or name, settings in the fragment', () => {
    const c = loadConfig({
      JOB_CONCURRENCY: '2',
      COMFYUI_URLS: 'http://a:8188/, gpu1=https://b.test/comfy#concurrency=1&prefetch=3 ,http://c:8188',
    });
    expect(c.backends).toEqual([
      { id: 'local_comfy', url: 'http://a:8188', concurrency: 2, prefetch: 1 },
      { id: 'gpu1', url: 'https://b.test/comfy', concurrency: 1, prefetch: 3 },
      { id: 'local_comfy_3', url: 'http://c:8188', concurrency: 2, prefetch: 1 },
    ]);
    expect(c.comfyuiUrl).toBe('http://a:8188');
    // One backend, the old way: the id it always had.
    expect(loadConfig({ COMFYUI_URL: 'http://gpu.local:8188/' }).backends).toEqual([
      { id: 'local_comfy', url: 'http://gpu.local:8188', concurrency: 1, prefetch: 1 },
    ]);
    // JOB_PREFETCH sets every backend's default; 0 hands ComfyUI one prompt at a time.
    expect(
      loadConfig({ JOB_PREFETCH: '0', COMFYUI_URLS: 'http://a:8188,http://b:8188#prefetch=2' }).backends.map(
        (b) => b.prefetch,
      ),
    ).toEqual([0, 2]);
    expect(() => loadConfig({ JOB_PREFETCH: '-1' })).toThrow(/JOB_PREFETCH must be an integer from 0 to 64/);
  });

  it.each([
    ['http://a:8188,http://a:8188', /COMFYUI_URLS must be distinct URLs/],
    ['x=http://a:8188,x=http://b:8188', /COMFYUI_URLS must be distinct backend names/],
    ['http://a:8188#concurrency=0', /COMFYUI_URLS must be concurrency as an integer from 1 to 64/],
    ['http://a:8188#speed=2', /COMFYUI_URLS must be settings among concurrency, prefetch/],
    ['gpu=ftp://a', /COMFYUI_URLS must be http\(s\) URLs without credentials/],
    ['http://user:secretpw@a:8188', /COMFYUI_URLS must be http\(s\) URLs without credentials \(entry 1\)/],
    [' , ', /COMFYUI_URLS must be a comma-separated list/],
  ])('rejects COMFYUI_URLS=%s with one line', (value, message) => {
    expect(() => loadConfig({ COMFYUI_URLS: value })).toThrow(message);
    try {
      loadConfig({ COMFYUI_URLS: value });
    } catch (err) {
      expect((err as Error).message).not.toContain('secretpw');
    }
  });

  it.each([
    ['PORT', 'abc', /PORT must be an integer from 0 to 65535 \(got "abc"\)/],
    ['PORT', '70000', /PORT must be an integer from 0 to 65535/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
    ['COMFYUI_URL', 'ftp://x', /COMFYUI_URL must be an http\(s\) URL/],
    ['COMFYUI_URL', 'http://user:pw@host:8188', /COMFYUI_URL must be an http\(s\) URL without credentials/],
    ['JOB_DEADLINE_SECONDS', '-1', /JOB_DEADLINE_SECONDS must be a positive integer/],
    [
      'WEBHOOK_SECRET',
      'hunter2-not-a-whsec',
      /WEBHOOK_SECRET must be one or more whsec_<base64> secrets .*\(got a value of 19 characters\)$/,
    ],
    ['WEBHOOK_SECRET', `whsec_${Buffer.alloc(8).toString('base64')}`, /WEBHOOK_SECRET must be .* of 24 to 64 bytes/],
    ['WEBHOOK_RETRY_SCHEDULE', '5s,soon', /WEBHOOK_RETRY_SCHEDULE must be a comma-separated list/],
    ['WEBHOOK_ALLOW_PRIVATE', 'yes', /WEBHOOK_ALLOW_PRIVATE must be true or false/],
  ])('rejects %s=%s with one line naming the variable', (name, value, message) => {
    const run = () => loadConfig({ [name]: value });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
    try {
      run();
    } catch (err) {
      expect((err as Error).message.split('\n')).toHaveLength(1);
    }
  });

  it('webhook settings: secrets (several for a rotation) and the retry schedule in units', () => {
    const a = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    const b = `whsec_${Buffer.alloc(24, 2).toString('base64')}`;
    const c = loadConfig({ WEBHOOK_SECRET: `${a}, ${b}`, WEBHOOK_RETRY_SCHEDULE: '250ms,5s,2m,1h' });
    expect(c.webhooks).toMatchObject({
      secrets: [a, b],
      allowPrivate: false,
      retryScheduleMs: [250, 5_000, 120_000, 3_600_000],
      timeoutMs: 10_000,
    });
    expect(loadConfig({}).webhooks).toMatchObject({
      secrets: null,
      retryScheduleMs: [5_000, 30_000, 120_000, 600_000, 3_600_000, 21_600_000],
    });
  });

  it('a bad value stops the real start with that one line and a non-zero exit', () => {
    const built = path.join(repoRoot, 'dist', 'server.js');
    const result = spawnSync(process.execPath, [built], {
      env: { ...process.env, PORT: 'nope' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe('Invalid configuration: PORT must be an integer from 0 to 65535 (got "nope")');
  });

  it('every variable is in the README configuration table', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    for (const name of Object.keys(configSchema.shape)) expect(readme).toContain(`\`${name}\``);
  });
});
