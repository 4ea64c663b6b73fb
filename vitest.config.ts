import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The distributed suite needs Redis, PostgreSQL and an S3 server: `npm run test:distributed`.
    exclude: ['test/distributed/**', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // 2-core CI machines: keep parallelism modest so socket-timing tests stay honest.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
