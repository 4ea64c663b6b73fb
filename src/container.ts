import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import { createLogger } from './logger.js';
import { loadPresetRegistry } from './presets/registry.js';
import { createEngineRegistry } from './engines/registry.js';
import type { AppDeps } from './app.js';

/** The composition root: builds every real part from the configuration. */
export function createContainer(config: AppConfig, options: { logger?: Logger } = {}): AppDeps {
  const logger = options.logger ?? createLogger(config.logLevel);
  const presets = loadPresetRegistry(config.presetsDir);
  const engines = createEngineRegistry([]);
  return { config, logger, presets, engines };
}
