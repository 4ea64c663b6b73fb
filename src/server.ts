import { ConfigError, loadConfig } from './config.js';
import { createContainer } from './container.js';
import { buildApp } from './app.js';
import { PresetLoadError } from './presets/registry.js';
import { DataDirError } from './store/data-dir.js';
import { installLastResort } from './process-guard.js';
import { isLoopbackBind } from './request-guards.js';
import { bannerLines } from './banner.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let deps;
  try {
    deps = await createContainer(config, { deferInit: true });
  } catch (err) {
    if (err instanceof PresetLoadError || err instanceof DataDirError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const app = await buildApp(deps);
  // Jobs are detached at once (no grace): they stay running on disk and resume at the next start.
  installLastResort(deps.logger, () => deps.core.shutdown(0));

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err) => {
        app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  if (!isLoopbackBind(config.host) && !config.apiToken) {
    const warning = `WARNING: HOST=${config.host} exposes the service beyond this machine and AINFLUENCER_API_TOKEN is not set: anyone who can reach it can run jobs.`;
    process.stderr.write(`\n${'!'.repeat(warning.length)}\n${warning}\n${'!'.repeat(warning.length)}\n\n`);
    app.log.warn(warning);
  }
  // Listen first: reading a large job history takes seconds, and meanwhile /api/health answers
  // "starting" and the routes that need the history answer 503 with Retry-After.
  let address: string;
  try {
    address = await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(
        `Port ${config.port} on ${config.host} is already in use (another copy of the service?). Stop it, or start this one with another port: PORT=${config.port + 1} node scripts/one.mjs\n`,
      );
      process.exit(2);
    }
    throw err;
  }
  process.stdout.write(`LISTENING ${address}\n`);
  try {
    await deps.core.init();
  } catch (err) {
    app.log.error({ err }, 'the start failed while reading the job history');
    process.stderr.write(`Failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  if (closing) return;
  app.log.info(
    { address, comfyui: config.comfyuiUrl, data_dir: config.dataDir },
    'AInfluencer pipeline service listening',
  );
  // One machine-readable line for scripts and tests; then, under scripts/one.mjs, the banner.
  process.stdout.write(`READY ${address}\n`);
  const banner = process.env.AINFLUENCER_BANNER;
  if (banner) process.stdout.write(`${bannerLines(address, config.comfyuiUrl, banner).join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`Failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
