import { defineConfig } from 'vitest/config';

/** `npm run test:chaos`: the reliability suite at its documented sizes (see RELIABILITY.md). */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    env: { RELIABILITY_SCALE: 'full' },
    testTimeout: 1_800_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
    reporters: ['default'],
  },
});
