import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build for every dependency (graphql has no exports map); our
    // sources must get the same one, or schemas and errors cross between two copies of graphql.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['shared/**/*.test.ts', 'server/**/*.test.ts', 'client/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Real PostgreSQL/Redis suites and PGlite instances are heavy: two cores, two workers.
    maxWorkers: 2,
    globalSetup: ['server/test/global-setup.ts'],
  },
});
