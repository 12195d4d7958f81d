import { defineConfig } from 'vitest/config';

// Three projects: `unit` (pure logic, plain data, no servers), `integration`
// (real InfluxDB, brokers, browser, SMTP; a private influxd is started once per run
// by test/global-setup.ts), and `alone` (`*.alone.test.ts`: a load test that measures the
// server, run after the others so no other test shares the machine with it).
// `npx vitest run --project unit` is the quick loop.
// Every project first points os.tmpdir() at one directory of the run's own, removed when
// the run ends (test/private-tmpdir.ts).
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{common,gateway,ingest,alerts,dashboard,server,records,scripts,bench}/**/*.test.ts'],
          globalSetup: ['test/private-tmpdir.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.alone.test.ts'],
          globalSetup: ['test/private-tmpdir.ts', 'test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'alone',
          include: ['test/**/*.alone.test.ts'],
          globalSetup: ['test/private-tmpdir.ts', 'test/global-setup.ts'],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
