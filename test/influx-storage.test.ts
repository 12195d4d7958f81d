import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reading, ReadingFlag, type ReadingInput } from '../common/contract.ts';
import { createLogger } from '../common/log.ts';
import { METRICS, Metric } from '../common/metrics.ts';
import { CONTEXT_KEYS } from '../common/reading-context.ts';
import type { InfluxConnection } from '../ingest/influx-connection.ts';
import { asStored, readingToLine, storedReadings } from '../ingest/readings-storage.ts';
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

  it('reads back every metric, unit, component, flag and context field exactly as it was stored', async () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 24, 6, minute)).toISOString();
    const base = { patientId: 'P-RT', deviceId: 'dev-rt' };
    const flags = ReadingFlag.options;
    const inputs: ReadingInput[] = [
      {
        ...base,
        id: 'rt-hr',
        metric: 'heart_rate',
        value: 71,
        unit: '/min',
        time: at(0),
        flags: flags.slice(0, 12),
        context: { rrIntervalsMs: [833.984375, 812.5], energyExpendedKj: 12, bodySensorLocation: 'chest' },
      },
      {
        ...base,
        id: 'rt-pulse',
        metric: 'pulse_rate',
        value: 70,
        unit: '/min',
        time: at(1),
        flags: flags.slice(12),
        context: { deviceStatusHex: '0020000040' },
      },
      {
        ...base,
        id: 'rt-spo2',
        metric: 'spo2',
        value: 91,
        unit: '%',
        time: at(1),
        context: { pulseAmplitudeIndex: 4.2, spo2Averaging: 'spot_check' },
      },
      {
        ...base,
        id: 'rt-meter',
        metric: 'glucose',
        value: 3.9,
        unit: 'mmol/L',
        time: at(2),
        context: {
          sampleType: 'capillary_plasma',
          sampleLocation: 'finger',
          mealContext: 'fasting',
          sequenceNumber: 412,
        },
      },
      {
        ...base,
        id: 'rt-cgm',
        metric: 'glucose',
        value: 64,
        unit: 'mg/dL',
        time: at(3),
        context: { source: 'cgm', trendMgdlPerMin: -1.5, qualityPercent: 92 },
      },
      {
        ...base,
        id: 'rt-bp',
        metric: 'blood_pressure',
        value: 17.6,
        components: { diastolic: 11.2, mean: 13.3 },
        unit: 'kPa',
        time: at(4),
        flags: ['irregular_pulse', 'body_movement'],
        context: { pulseRatePerMin: 88, deviceUserId: 1 },
      },
      {
        ...base,
        id: 'rt-weight',
        metric: 'body_weight',
        value: 180.4,
        unit: '[lb_av]',
        time: at(5),
        context: { bmi: 27.4, heightM: 1.727, deviceUserId: 2 },
      },
      {
        ...base,
        id: 'rt-temp',
        metric: 'body_temperature',
        value: 102.4,
        unit: '[degF]',
        time: at(6),
        context: { temperatureSite: 'mouth' },
      },
      { ...base, id: 'rt-battery', metric: 'battery', value: 64, unit: '%', time: at(7) },
    ];
    const readings = inputs.map((r) => Reading.parse(r));
    // The fixture covers the whole schema: every metric, flag and context key.
    expect(new Set(readings.map((r) => r.metric))).toEqual(new Set(Metric.options));
    expect(new Set(readings.flatMap((r) => r.flags))).toEqual(new Set(flags));
    expect(new Set(readings.flatMap((r) => Object.keys(r.context)))).toEqual(
      new Set(Object.keys(CONTEXT_KEYS)),
    );

    const outcomes = await batcher.submit(readings.map((r) => readingToLine(r, 'GW-RT')));
    expect(outcomes.every((o) => o.stored)).toBe(true);
    const from = Date.UTC(2026, 10, 24, 6, 0);
    for (const metric of Metric.options) {
      const back = await storedReadings(influx, metric, ['P-RT'], from, from + 3_600_000, (row) => {
        throw new Error(`unreadable: ${row.reason}`);
      });
      expect(back).toEqual(readings.filter((r) => r.metric === metric).map(asStored));
    }
  });

  it('hands on a reading in the one form it is read back in, and tells of a stored row that is no reading', async () => {
    const base = { patientId: 'P-CANON', deviceId: 'dev-canon', flags: [] };
    const live = [
      // Sub-millisecond and whole-second times, an empty RR list, empty components.
      {
        ...base,
        id: 'c-1',
        metric: 'heart_rate',
        value: 70,
        unit: '/min',
        time: '2026-11-24T06:00:00.000987Z',
        context: { rrIntervalsMs: [] },
      },
      {
        ...base,
        id: 'c-2',
        metric: 'body_weight',
        value: 70.2,
        unit: 'kg',
        time: '2026-11-24T06:01:00Z',
        components: {},
      },
    ].map((r) => Reading.parse(r));
    expect(live.map((r) => [r.time, r.context, r.components])).toEqual([
      ['2026-11-24T06:00:00.000Z', {}, undefined],
      ['2026-11-24T06:01:00.000Z', {}, undefined],
    ]);
    // A row no reading could have written: a heart rate of 900.
    const hand =
      'heart_rate,patient=P-CANON,device=dev-canon,unit=/min value=900,reliable=true,reading_id="c-bad",gateway="GW" 1795500300000';
    const outcomes = await batcher.submit([...live.map((r) => readingToLine(r, 'GW-RT')), hand]);
    expect(outcomes.every((o) => o.stored)).toBe(true);
    const unreadable: unknown[] = [];
    const from = Date.UTC(2026, 10, 24, 5, 0);
    for (const metric of ['heart_rate', 'body_weight'] as const) {
      const back = await storedReadings(influx, metric, ['P-CANON'], from, from + 7_200_000, (row) =>
        unreadable.push(row),
      );
      expect(back).toEqual(live.filter((r) => r.metric === metric).map(asStored));
    }
    expect(unreadable).toEqual([
      {
        metric: 'heart_rate',
        readingId: 'c-bad',
        time: 1795500300000,
        reason: expect.stringContaining('900 /min is outside the physiological limits for heart_rate'),
      },
    ]);
  });

  it("stores every value in its metric's unit, converted exactly", async () => {
    const rows = async (metric: Metric) => influx.query(`SELECT * FROM ${metric} WHERE patient = 'P-RT'`);
    const [bp] = await rows('blood_pressure');
    expect(bp).toMatchObject({ unit: METRICS.blood_pressure.storedUnit, reported_unit: 'kPa' });
    expect(bp?.value).toBe(132.01122095378108); // 17.6 kPa x 1000 / 133.322 Pa per mm[Hg]
    expect(bp?.diastolic).toBe(84.0071406069516); // 11.2 kPa
    const [temperature] = await rows('body_temperature');
    expect(temperature?.value).toBe(39.111111111111114); // (102.4 - 32) x 5 / 9
    const [weight] = await rows('body_weight');
    expect(weight?.value).toBe(81.828063548); // 180.4 [lb_av] x 0.45359237 kg, exact
    const [meter] = await rows('glucose');
    expect(meter?.value).toBe(70.26084); // 3.9 mmol/L x 18.0156
  });
});
