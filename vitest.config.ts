import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'client/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Real PostgreSQL/Redis suites and PGlite instances are heavy: two cores, two workers.
    maxWorkers: 2,
    globalSetup: ['server/test/global-setup.ts'],
  },
});
