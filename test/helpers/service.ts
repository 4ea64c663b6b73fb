import { afterAll, afterEach, beforeAll } from 'vitest';
import { startComfySimulator, type ComfySimulator } from '../../src/sim/server.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildApp, type AppDeps } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createContainer, type ContainerOptions } from '../../src/container.js';
import { createLogger } from '../../src/logger.js';

export interface TestService {
  app: FastifyInstance;
  deps: AppDeps;
  /** Base URL of the real listening socket. */
  url: string;
  dataDir: string;
  /** Every log line the service wrote. */
  logLines: string[];
  close(): Promise<void>;
}

/**
 * The real app, built by the same factory as production, on port 0 with a fresh data folder.
 * Logs are captured at debug level so tests can check what would reach a log file.
 */
export async function startService(
  env: Record<string, string> = {},
  options: ContainerOptions & { dataDir?: string } = {},
): Promise<TestService> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'ainfluencer-test-'));
  const config = loadConfig({
    AINFLUENCER_DATA_DIR: dataDir,
    LOG_LEVEL: 'debug',
    COMFYUI_URL: 'http://127.0.0.1:9',
    RATE_LIMIT_PER_MINUTE: '0',
    SHUTDOWN_GRACE_SECONDS: '2',
    ...env,
  });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _e, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const deps = await createContainer(config, {
    logger: createLogger(config.logLevel, sink),
    comfyPollIntervalMs: 200,
    ...options,
  });
  const app = await buildApp(deps);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  return {
    app,
    deps,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    logLines,
    async close() {
      await app.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The usual suite setup: one simulator and one service pointed at it for the whole file, faults reset
 * after each test. Read `ctx.sim` / `ctx.svc` inside tests.
 */
export function useSimulatedService(env: Record<string, string> = {}): { sim: ComfySimulator; svc: TestService } {
  const ctx = {} as { sim: ComfySimulator; svc: TestService };
  beforeAll(async () => {
    ctx.sim = await startComfySimulator();
    ctx.svc = await startService({ COMFYUI_URL: ctx.sim.url, ...env });
  });
  afterAll(async () => {
    await ctx.svc.close();
    await ctx.sim.close();
  });
  afterEach(() => ctx.sim.resetFaults());
  return ctx;
}
