/**
 * InfluxDB goes away for a minute in the middle of a stream: the server stops
 * acknowledging (backpressure, bounded backlog) instead of buffering without limit or
 * dropping, says so on /health, and once InfluxDB is back every acknowledged reading is
 * stored exactly once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReadingInput, topics } from '../common/contract.ts';
import { connectInflux } from '../ingest/influx-connection.ts';
import { freePort, type PrivateInfluxd, startInfluxd } from '../scripts/private-influxd.ts';
import type { RunningServer } from '../server/start-server.ts';
import { connectGateway, registerGateway, startTestServer, uniqueDatabase } from './helpers.ts';

const OUTAGE_MS = Number(process.env.RPM_TEST_OUTAGE_SECONDS ?? 60) * 1000;
const BATCHES = 400;
const PER_BATCH = 50;
const IN_FLIGHT = 8;

const reading = (n: number): ReadingInput => ({
  id: `hr-1:heart_rate:${n}`,
  patientId: 'P-OUT',
  deviceId: 'hr-1',
  metric: 'heart_rate',
  value: 60 + (n % 40),
  unit: '/min',
  time: new Date(Date.UTC(2026, 10, 20) + n * 1000).toISOString(),
});

describe('an InfluxDB outage during a stream', () => {
  let influxd: PrivateInfluxd;
  let dir: string;
  let port: number;
  let server: RunningServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rpm-outage-'));
    port = await freePort();
    influxd = await startInfluxd(dir, { port });
    server = await startTestServer(uniqueDatabase('outage'), {
      influx: { url: influxd.url, database: 'outage', flushMs: 20, batchSize: 500 },
    });
  });
  afterAll(async () => {
    await server?.close();
    await influxd?.stop();
  });

  it(
    'withholds acknowledgements while InfluxDB is down and stores every acknowledged reading once it is back',
    async () => {
      const secret = await registerGateway(server.records, 'GW-OUT', ['P-OUT']);
      const gateway = await connectGateway(server.mqttPort, 'GW-OUT', secret);
      let acked = 0;
      let next = 0;
      const publishNext = async (): Promise<void> => {
        while (next < BATCHES) {
          const b = next++;
          const readings = Array.from({ length: PER_BATCH }, (_, k) => reading(b * PER_BATCH + k));
          await gateway.publishAsync(
            topics.readings('GW-OUT'),
            JSON.stringify({ gatewayId: 'GW-OUT', sentAt: new Date().toISOString(), readings }),
            { qos: 1 },
          );
          acked += 1;
          if (b % 20 === 0) await sleep(10); // a steady stream, not a burst
        }
      };
      const stream = Promise.all(Array.from({ length: IN_FLIGHT }, publishNext));

      await expect.poll(() => acked, { timeout: 20_000 }).toBeGreaterThan(50);
      await influxd.stop();
      // Whatever was already on its way may still be acknowledged as InfluxDB's last
      // answers come back; after that, nothing is.
      await sleep(2000);
      const ackedAtOutage = acked;
      const health = await fetch(`${server.httpUrl}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({
        influx: 'unreachable',
        influxWrites: expect.stringMatching(/^InfluxDB unreachable: /),
      });
      await sleep(OUTAGE_MS - 2000);
      expect(acked).toBe(ackedAtOutage);
      expect(ackedAtOutage).toBeLessThan(BATCHES);
      // The backlog held in memory stays under its bound (20 batches of 500 lines).
      const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
      const backlog = Number(/^rpm_ingest_backlog_lines (\d+)/m.exec(metrics)?.[1] ?? Number.NaN);
      expect(backlog).toBeLessThanOrEqual(500 * 20);

      influxd = await startInfluxd(dir, { port });
      await stream;
      await gateway.endAsync();
      expect(acked).toBe(BATCHES);
      const influx = await connectInflux({ url: influxd.url, database: 'outage' }, { createDatabase: false });
      const [row] = await influx.query("SELECT count(value) FROM heart_rate WHERE patient = 'P-OUT'");
      expect(row?.count).toBe(BATCHES * PER_BATCH);
      expect((await fetch(`${server.httpUrl}/health`)).status).toBe(200);
    },
    OUTAGE_MS + 90_000,
  );
});
