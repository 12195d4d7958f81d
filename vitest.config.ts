import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure logic, plain data, no servers) and `integration`
// (real InfluxDB, brokers, browser, SMTP; a private influxd is started once per run
// by test/global-setup.ts). `npx vitest run --project unit` is the quick loop.
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
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
