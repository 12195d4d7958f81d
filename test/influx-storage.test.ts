import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reading } from '../common/contract.ts';
import { createLogger } from '../common/log.ts';
import type { InfluxConnection } from '../ingest/influx-connection.ts';
import { readingToLine } from '../ingest/influx-schema.ts';
import { WriteBatcher } from '../ingest/write-batcher.ts';
import { influxFor, uniqueDatabase } from './helpers.ts';

describe('storage in a real InfluxDB', () => {
  let influx: InfluxConnection;
  let batcher: WriteBatcher;

  beforeAll(async () => {
    influx = await influxFor(uniqueDatabase('storage'));
    batcher = new WriteBatcher(
      influx,
      { batchSize: 1000, flushMs: 10, maxBacklogLines: 10_000 },
      createLogger('test', 'silent'),
    );
  });
  afterAll(() => batcher.close());

  it('talks to Debian InfluxDB 1.x through the /write and /query endpoints', () => {
    expect(influx.version).toMatch(/^v?1\./);
  });

  it('writes readings and reads them back with InfluxQL at the device sample time', async () => {
    const readings = [
      Reading.parse({
        id: 'hr-1',
        patientId: 'P001',
        deviceId: 'hr-strap-1',
        metric: 'heart_rate',
        value: 72,
        unit: '/min',
        time: '2026-11-24T08:00:00.000Z',
        context: { rrIntervalsMs: [833.984375] },
      }),
      Reading.parse({
        id: 'g-1',
        patientId: 'P001',
        deviceId: 'meter-1',
        metric: 'glucose',
        value: 5.5,
        unit: 'mmol/L',
        time: '2026-11-24T08:00:01.250Z',
        context: { source: 'meter', sequenceNumber: 7 },
      }),
    ];
    const outcomes = await batcher.submit(readings.map((r) => readingToLine(r, 'GW1')));
    expect(outcomes).toEqual([{ stored: true }, { stored: true }]);

    const hr = await influx.query(
      "SELECT value, rr_ms, gateway, reliable FROM heart_rate WHERE patient = 'P001'",
    );
    expect(hr).toEqual([
      {
        time: Date.parse('2026-11-24T08:00:00.000Z'),
        value: 72,
        rr_ms: '833.984375',
        gateway: 'GW1',
        reliable: true,
      },
    ]);

    const glucose = await influx.query(
      'SELECT value, reported_value, reported_unit, sequence, "unit" FROM glucose',
    );
    expect(glucose).toHaveLength(1);
    expect(glucose[0]).toMatchObject({
      time: Date.parse('2026-11-24T08:00:01.250Z'),
      reported_value: 5.5,
      reported_unit: 'mmol/L',
      sequence: 7,
      unit: 'mg/dL',
    });
    expect(glucose[0]?.value).toBeCloseTo(99.0858, 10);
  });

  it('stores a reading delivered twice only once', async () => {
    const reading = Reading.parse({
      id: 'sp-1',
      patientId: 'P002',
      deviceId: 'ox-1',
      metric: 'spo2',
      value: 97,
      unit: '%',
      time: '2026-11-24T09:00:00.000Z',
    });
    await batcher.submit([readingToLine(reading, 'GW1')]);
    await batcher.submit([readingToLine(reading, 'GW1')]);
    const rows = await influx.query("SELECT count(value) FROM spo2 WHERE patient = 'P002'");
    expect(rows[0]?.count).toBe(1);
  });

  it('returns the lines InfluxDB refuses for their content, and stores their neighbours', async () => {
    // "value" is a float field; the same field written as a string is a type conflict (400).
    const good = Reading.parse({
      id: 'hr-9',
      patientId: 'P003',
      deviceId: 'hr-2',
      metric: 'heart_rate',
      value: 64,
      unit: '/min',
      time: '2026-11-24T10:00:00.000Z',
    });
    const conflicting = 'heart_rate,device=hr-2,patient=P003,unit=/min value="sixty" 1795600860000';
    const outcomes = await batcher.submit([readingToLine(good, 'GW1'), conflicting]);
    expect(outcomes[0]).toEqual({ stored: true });
    expect(outcomes[1]).toMatchObject({
      stored: false,
      detail: expect.stringContaining('field type conflict'),
    });
    const rows = await influx.query("SELECT value FROM heart_rate WHERE patient = 'P003'");
    expect(rows.map((r) => r.value)).toEqual([64]);
  });
});
