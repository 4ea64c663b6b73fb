import pino from 'pino';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { loadPresetRegistry } from './presets/registry.js';
import { PostgresJobRepository } from './distributed/postgres-job-repository.js';
import { S3ArtifactStore } from './distributed/s3-artifact-store.js';
import { createS3Client } from './distributed/s3-client.js';
import { migrateToDistributed } from './tools/migrate-to-distributed.js';

/**
 * `npm run migrate:distributed`: copy the data folder (AINFLUENCER_DATA_DIR) into the PostgreSQL
 * at DATABASE_URL and, when S3_BUCKET is set, the artifacts into that bucket. Run it again at any
 * time: what is already there is skipped. Prints a progress bar on stderr and a summary on stdout;
 * exits 1 when a job could not be copied (each is named with why).
 */
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
  const databaseUrl = config.stores.databaseUrl;
  if (!databaseUrl) {
    process.stderr.write('Set DATABASE_URL (and S3_BUCKET, S3_ENDPOINT for the artifacts) to migrate into\n');
    process.exit(2);
  }
  // Log lines go to stderr beside the bar; stdout carries only the summary.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2));
  const repository = await PostgresJobRepository.open({ connectionString: databaseUrl });
  const bucket = config.stores.s3.bucket;
  const artifacts = bucket
    ? new S3ArtifactStore({
        client: createS3Client({ endpoint: config.stores.s3.endpoint, region: config.stores.s3.region }),
        bucket,
      })
    : null;
  const bar = progressBar();
  const summary = await migrateToDistributed(
    config,
    loadPresetRegistry(config.presetsDir),
    logger,
    { repository, artifacts },
    bar,
  );
  await repository.close();
  process.stderr.write('\n');
  const mb = (summary.artifactBytes / 1_048_576).toFixed(1);
  process.stdout.write(
    `${summary.jobs} jobs in ${config.dataDir}: ${summary.copied} copied, ${summary.unchanged} already there, ` +
      `${summary.failed.length} failed; ${summary.events} events, ${summary.artifacts} artifacts (${mb} MB) sent; ` +
      `${summary.fromOriginalService} original-service records converted first\n`,
  );
  for (const f of summary.failed) process.stdout.write(`  ${f.job_id}: ${f.reason}\n`);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exit(summary.failed.length ? 1 : 0);
}

/** A bar redrawn in place on a terminal; elsewhere (CI, a pipe) a line per tenth. */
function progressBar(): (done: number, total: number) => void {
  let lastTenth = -1;
  return (done, total) => {
    const share = total ? done / total : 1;
    if (process.stderr.isTTY) {
      const filled = Math.round(share * 30);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${done}/${total} jobs`);
      return;
    }
    const tenth = Math.floor(share * 10);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    process.stderr.write(`migrated ${done}/${total} jobs\n`);
  };
}

void main();
