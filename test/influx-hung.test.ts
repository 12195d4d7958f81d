/**
 * A hung InfluxDB (stopped with SIGSTOP: it keeps its connections open and answers
 * nothing): /health still answers within a second, 503 naming InfluxDB, and recovers when
 * InfluxDB does.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type PrivateInfluxd, startInfluxd } from '../scripts/private-influxd.ts';
import type { RunningServer } from '../server/start-server.ts';
import { startTestServer, uniqueDatabase } from './helpers.ts';

describe('a hung InfluxDB', () => {
  let influxd: PrivateInfluxd;
  let server: RunningServer;
  beforeAll(async () => {
    influxd = await startInfluxd(mkdtempSync(join(tmpdir(), 'rpm-hung-')), { port: await freePort() });
    server = await startTestServer(uniqueDatabase('hung'), {
      influx: { url: influxd.url, database: 'hung', flushMs: 20 },
    });
  }, 60_000);
  afterAll(async () => {
    if (influxd?.pid) process.kill(influxd.pid, 'SIGCONT');
    await server?.close();
    await influxd?.stop();
  });

  it('leaves /health answering within a second, 503 naming InfluxDB, and 200 again once it answers', async () => {
    const health = async () => {
      const started = performance.now();
      const res = await fetch(`${server.httpUrl}/health`);
      return {
        status: res.status,
        body: (await res.json()) as { influx: string },
        ms: performance.now() - started,
      };
    };
    expect((await health()).status).toBe(200);
    if (!influxd.pid) throw new Error('test setup: no influxd pid');
    process.kill(influxd.pid, 'SIGSTOP');
    try {
      const hung = await health();
      expect(hung.status).toBe(503);
      expect(hung.body.influx).toBe('unreachable');
      expect(hung.ms).toBeLessThan(1000);
    } finally {
      process.kill(influxd.pid, 'SIGCONT');
    }
    await expect.poll(async () => (await health()).status, { timeout: 10_000 }).toBe(200);
  });
});
