/**
 * A gateway with several messages in flight has them stored at once; the readings must
 * still reach the rules in the order the messages arrived, or an average or change rule
 * would pass over the older ones (a rule skips a reading older than one it has seen). Here
 * the first message's patient check is slow (a busy records database), so the second is
 * stored first: it still waits for the first to hand its readings on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../common/contract.ts';
import { createLogger } from '../common/log.ts';
import type { InfluxConnection } from '../ingest/influx-connection.ts';
import { createIngestMetrics } from '../ingest/ingest-metrics.ts';
import { ReadingsIngest } from '../ingest/readings-ingest.ts';
import { WriteBatcher } from '../ingest/write-batcher.ts';
import { influxFor, uniqueDatabase } from './helpers.ts';

describe('readings handed on in the order their messages arrived', () => {
  let influx: InfluxConnection;
  let batcher: WriteBatcher;

  beforeAll(async () => {
    influx = await influxFor(uniqueDatabase('ingest_order'));
    batcher = new WriteBatcher(
      influx,
      { batchSize: 1000, flushMs: 5, maxBacklogLines: 10_000 },
      createLogger('test', 'silent'),
    );
  });
  afterAll(() => batcher.close());

  it('holds a message stored early until the one before it has handed its readings on', async () => {
    let releaseFirstCheck = (): void => undefined;
    const firstCheck = new Promise<void>((resolve) => {
      releaseFirstCheck = resolve;
    });
    let checks = 0;
    const handedOn: string[] = [];
    const storedBeforeHandOff: number[] = [];
    const ingest = new ReadingsIngest({
      batcher,
      directory: {
        checkPatients: async (_gatewayId, patientIds) => {
          if (checks++ === 0) await firstCheck;
          return new Map([...patientIds].map((id) => [id, 'ok' as const]));
        },
      },
      metrics: createIngestMetrics(),
      log: createLogger('test', 'silent'),
      onStored: (readings: Reading[]) => handedOn.push(...readings.map((r) => r.id)),
    });
    const message = (minute: number) =>
      Buffer.from(
        JSON.stringify({
          gatewayId: 'gw-order',
          sentAt: new Date().toISOString(),
          readings: [
            {
              id: `cuff-1:blood_pressure:${minute}`,
              patientId: 'P-O1',
              deviceId: 'cuff-1',
              metric: 'blood_pressure',
              value: 140 + minute,
              components: { diastolic: 90 },
              unit: 'mm[Hg]',
              time: new Date(Date.UTC(2026, 10, 24, 7, minute)).toISOString(),
            },
          ],
        }),
      );
    const first = ingest.handleReadings('gw-order', message(1), 'm1');
    const second = ingest.handleReadings('gw-order', message(2), 'm2');
    // The second is stored while the first still waits on its check, and is not handed on yet.
    await expect
      .poll(
        async () => (await influx.query("SELECT value FROM blood_pressure WHERE patient = 'P-O1'")).length,
      )
      .toBe(1);
    storedBeforeHandOff.push(handedOn.length);
    releaseFirstCheck();
    await Promise.all([first, second]);
    expect(storedBeforeHandOff).toEqual([0]);
    expect(handedOn).toEqual(['cuff-1:blood_pressure:1', 'cuff-1:blood_pressure:2']);
  });
});
