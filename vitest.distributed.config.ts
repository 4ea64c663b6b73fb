import { defineConfig } from 'vitest/config';

/**
 * `npm run test:distributed`: the distributed implementations of the ports against real servers
 * (an S3-compatible server from npm; Redis and PostgreSQL as they land), started by the tests.
 */
export default defineConfig({
  test: {
    include: ['test/distributed/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
