import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { call } from '../helpers/http.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { startService, type TestService } from '../helpers/service.js';
import { waitUntil } from '../helpers/wait.js';

let redis: TestRedis;
let sim: ComfySimulator;
const services: TestService[] = [];
beforeAll(async () => {
  redis = await startRedis();
  sim = await startComfySimulator();
});
afterAll(async () => {
  for (const s of services.splice(0)) await s.close();
  await sim?.close();
  await redis?.close();
});

const body = (seed: number) => ({
  preset_id: 'photoreal_portrait_v1',
  prompt: 'shared limit',
  quality_level: 'low',
  seed,
});
const generate = (svc: TestService, seed: number) =>
  call(svc.url, 'POST', '/api/pipeline/generate/image', { json: body(seed), headers: { prefer: 'respond-async' } });

describe('REDIS_URL: the generate rate limit is one limit for every instance', () => {
  it('counts requests to two instances together, answers 503 REDIS_UNAVAILABLE while Redis is away, and recovers', async () => {
    const env = { COMFYUI_URL: sim.url, REDIS_URL: redis.url, RATE_LIMIT_PER_MINUTE: '4' };
    const a = await startService(env);
    services.push(a);
    const b = await startService(env);
    services.push(b);
    const health = (await call(a.url, 'GET', '/api/health')).json;
    expect(health.dependencies).toEqual([
      expect.objectContaining({ name: 'redis', status: 'healthy', error_code: null }),
    ]);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await generate(i % 2 === 0 ? a : b, i)).status);
    // 4 accepted in all, whichever instance took them; the rest are 429 on both.
    expect(statuses).toEqual([202, 202, 202, 202, 429, 429]);
    const limited = await generate(a, 99);
    expect(limited.json.error_code).toBe('RATE_LIMIT_EXCEEDED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    await redis.kill();
    const away = await generate(b, 100);
    expect(away.status, away.text).toBe(503);
    expect(away.json.error_code).toBe('REDIS_UNAVAILABLE');
    expect(away.headers.get('retry-after')).toBe('5');
    // Reads do not need Redis; health and metrics say it is away.
    const down = await call(a.url, 'GET', '/api/health');
    expect(down.status).toBe(200);
    expect(down.json.status).toBe('degraded');
    expect(down.json.dependencies).toEqual([
      expect.objectContaining({ name: 'redis', status: 'unhealthy', error_code: 'REDIS_UNAVAILABLE' }),
    ]);
    expect((await call(a.url, 'GET', '/metrics')).text).toContain('ainfluencer_dependency_up{name="redis"} 0');

    await redis.restart(); // empty: the window starts again
    await waitUntil('Redis counted again', async () => (await generate(a, 200)).status === 202 || null, 15_000, 100);
    expect(a.logLines.some((l) => l.includes('Redis is unreachable'))).toBe(true);
    expect((await call(b.url, 'GET', '/metrics')).text).toContain('ainfluencer_dependency_up{name="redis"} 1');
  }, 60_000);
});

describe('without REDIS_URL', () => {
  it('health lists no dependencies and the limit stays per process', async () => {
    const svc = await startService({ COMFYUI_URL: sim.url });
    services.push(svc);
    const health = (await call(svc.url, 'GET', '/api/health')).json;
    expect(health.dependencies).toEqual([]);
    expect((await call(svc.url, 'GET', '/metrics')).text).not.toContain('ainfluencer_dependency_up');
  });
});
