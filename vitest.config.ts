// Three projects. `unit` runs in parallel (domain logic, routes on PGlite, telemetry, reports).
// `api-postgres` runs the target-api suite again on the machine's PostgreSQL.
// `timing` holds the timing-sensitive tests (runner fidelity, scenario verdicts): one file at a time,
// in a separate vitest invocation, so nothing else competes for the two cores while they measure.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const timing = ['**/*.timing.test.ts'];
// The PostgreSQL server the api-postgres pass uses. The other projects run on PGlite whatever the shell
// exported: an empty DATABASE_URL means "not set" to the API, startStack and the test helpers.
const postgresUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const ignored = ['**/node_modules/**', 'runs/**'];

export default defineConfig({
  test: {
    // Vitest's default is one worker per core less one: a single worker on a 2-core machine. Most suite
    // files wait on child processes, PostgreSQL or Chromium, so at least two share the cores well: the suite took
    // 246 s instead of 367 s here (3 Dec, idle). The timing project still runs one file at a time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...ignored, ...timing],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          env: { PASPOR_TEST_DB: 'pglite', DATABASE_URL: '' },
        },
      },
      {
        test: {
          name: 'api-postgres',
          include: ['target-api/**/*.test.ts'],
          exclude: [...ignored, ...timing, 'target-api/**/domain/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          env: { PASPOR_TEST_DB: 'postgres', DATABASE_URL: postgresUrl },
        },
      },
      {
        test: {
          name: 'timing',
          include: timing,
          exclude: ignored,
          fileParallelism: false,
          env: { DATABASE_URL: '' },
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
