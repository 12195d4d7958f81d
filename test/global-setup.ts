/**
 * Integration tests share one private influxd per run, on a free loopback port with a
 * temporary directory; each test file uses its own database (see test/helpers.ts). The
 * records database is created and migrated once here as a template, and each test server
 * starts on its own copy (creating a PGlite database takes seconds; copying one does not).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openRecordsDb } from '../records/records-db.ts';
import { startInfluxd } from '../scripts/private-influxd.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    influxUrl: string;
    recordsTemplateDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'rpm-test-'));
  const [influxd, records] = await Promise.all([
    startInfluxd(join(dir, 'influxd')),
    openRecordsDb({ dataDir: join(dir, 'records-template') }),
  ]);
  await records.close();
  project.provide('influxUrl', influxd.url);
  project.provide('recordsTemplateDir', join(dir, 'records-template'));
  return async () => {
    await influxd.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
