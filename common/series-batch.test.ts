import { Encoder } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { decodeJsonBatch, type Reading, type ReadingInput, topics, validateBatch } from './contract.ts';
import { decodeSeriesBatch, encodeSeriesBatch } from './series-batch.ts';

const START = Date.parse('2026-11-24T08:00:00.000Z');
const NOW = new Date(START + 60_000);
const iso = (ms: number) => new Date(ms).toISOString();

/** 15 s of a strap (with RR intervals, one reading without contact) and an oximeter at 1 Hz. */
const streaming: ReadingInput[] = Array.from({ length: 15 }, (_, n) => [
  {
    id: `hr-1:heart_rate:${START + n * 1000}`,
    patientId: 'P-1002',
    deviceId: 'hr-1',
    metric: 'heart_rate' as const,
    value: 70 + (n % 5),
    unit: '/min' as const,
    time: iso(START + n * 1000),
    ...(n === 7 && { flags: ['no_sensor_contact' as const] }),
    context: { rrIntervalsMs: [850 + n, 840], bodySensorLocation: 'chest' as const },
  },
  {
    id: `ox-1:spo2:${START + n * 1000}`,
    patientId: 'P-1002',
    deviceId: 'ox-1',
    metric: 'spo2' as const,
    value: 95 + (n % 3),
    unit: '%' as const,
    time: iso(START + n * 1000),
  },
]).flat();

/** Two meter records (ids keyed by sequence and the meter's clock) and a cuff reading. */
const spot: ReadingInput[] = [
  {
    id: 'meter-1:glucose:41:20261124073000',
    patientId: 'P-1001',
    deviceId: 'meter-1',
    metric: 'glucose',
    value: 112,
    unit: 'mg/dL',
    time: '2026-11-24T07:30:00.000Z',
    context: { source: 'meter', mealContext: 'fasting', sequenceNumber: 41 },
  },
  {
    id: 'meter-1:glucose:42:20261124075210',
    patientId: 'P-1001',
    deviceId: 'meter-1',
    metric: 'glucose',
    value: 64,
    unit: 'mg/dL',
    time: '2026-11-24T07:52:10.000Z',
    context: { source: 'meter', mealContext: 'preprandial', sequenceNumber: 42 },
  },
  {
    id: `cuff-1:blood_pressure:${START}`,
    patientId: 'P-1003',
    deviceId: 'cuff-1',
    metric: 'blood_pressure',
    value: 142,
    components: { diastolic: 91, mean: 108 },
    unit: 'mm[Hg]',
    time: iso(START),
  },
];

/** What the server checks a batch into: the readings it would store. */
const stored = (decoded: ReturnType<typeof decodeSeriesBatch>) => {
  const checked = validateBatch(decoded, 'gw-1', NOW);
  if (!checked.ok) throw new Error(checked.detail);
  return { readings: checked.valid.map((v) => v.reading), rejected: checked.rejected };
};
const byId = (readings: Reading[]) => [...readings].sort((a, b) => a.id.localeCompare(b.id));
const json = (readings: ReadingInput[]) =>
  decodeJsonBatch(JSON.stringify({ gatewayId: 'gw-1', sentAt: iso(START + 15_000), readings }));

describe('the compact (series) batch', () => {
  it.each([
    ['a household streaming heart rate and SpO2', streaming],
    ['meter records and a cuff reading', spot],
  ])('gives the same readings as its JSON equivalent: %s', (_, readings) => {
    const payload = encodeSeriesBatch(new Date(START + 15_000), readings);
    if (!payload) throw new Error('not encodable');
    const compact = stored(decodeSeriesBatch(payload, 'gw-1'));
    expect(compact.rejected).toEqual([]);
    expect(byId(compact.readings)).toEqual(byId(stored(json(readings)).readings));
    expect(compact.readings).toHaveLength(readings.length);
  });

  it('costs a few bytes a streamed reading, against hundreds in JSON', () => {
    const payload = encodeSeriesBatch(new Date(START + 15_000), streaming);
    const perReading = (payload?.length ?? Number.NaN) / streaming.length;
    const jsonPerReading =
      JSON.stringify({ gatewayId: 'gw-1', sentAt: iso(START), readings: streaming }).length /
      streaming.length;
    // With the MQTT header and topic (about 30 bytes a message) still under the 16 of issue 16.
    expect(perReading).toBeLessThan(14);
    expect(jsonPerReading / perReading).toBeGreaterThan(15);
  });

  it('costs at most 120 bytes on the wire for a single cuff reading, MQTT framing included', () => {
    const payload = encodeSeriesBatch(new Date(START + 2_000), [spot[2] as ReadingInput]);
    const topic = topics.series('gw-home-0042');
    // PUBLISH at QoS 1: fixed header (2), topic length (2), topic, packet id (2), payload.
    const wire = 2 + 2 + Buffer.byteLength(topic) + 2 + (payload?.length ?? Number.NaN);
    expect(wire).toBeLessThanOrEqual(120);
  });

  it('keeps each reading its own id, so a series sent again is the same readings', () => {
    const once = encodeSeriesBatch(new Date(START + 15_000), spot);
    const again = encodeSeriesBatch(new Date(START + 99_000), spot);
    if (!once || !again) throw new Error('not encodable');
    const ids = (p: Buffer) => stored(decodeSeriesBatch(p, 'gw-1')).readings.map((r) => r.id);
    expect(ids(again)).toEqual(ids(once));
    expect(ids(once)).toEqual(expect.arrayContaining(spot.map((r) => r.id)));
  });

  it('sends as JSON what it cannot carry: an id of another form', () => {
    expect(encodeSeriesBatch(NOW, [{ ...spot[2], id: 'my-own-id-7' } as ReadingInput])).toBeUndefined();
  });

  const encoder = new Encoder({ useRecords: false, mapsAsObjects: true });
  const batch = (s: unknown[]) => encoder.encode({ t: START, s });
  const good = { p: 'P-1002', d: 'ox-1', m: 'spo2', u: '%', t: 0, i: 1000, v: [97, 96] };

  it('refuses a series that does not hold together, naming it, and keeps its neighbours', () => {
    const result = stored(
      decodeSeriesBatch(
        batch([
          { ...good, d: 'ox-2', i: undefined, dt: [0, 1000, 2000] },
          good,
          { ...good, d: 'ox-3', i: 0 },
        ]),
        'gw-1',
      ),
    );
    expect(result.readings.map((r) => r.id)).toEqual([`ox-1:spo2:${START}`, `ox-1:spo2:${START + 1000}`]);
    expect(result.rejected.map((r) => [r.reason, r.detail])).toEqual([
      ['invalid_reading', 'series 0: dt: has 3 entries for 2 values'],
      ['invalid_reading', 'series 2: i: Too small: expected number to be >0'],
    ]);
  });

  it('checks each reading of a series as a JSON reading is checked', () => {
    const result = stored(decodeSeriesBatch(batch([{ ...good, v: [97, 140] }]), 'gw-1'));
    expect(result.readings).toHaveLength(1);
    expect(result.rejected[0]).toMatchObject({
      index: 1,
      readingId: `ox-1:spo2:${START + 1000}`,
      reason: 'out_of_range',
    });
  });

  it.each([
    ['truncated', () => (batch([good]) as Buffer).subarray(0, 20), 'bad_cbor', 'payload is not CBOR'],
    ['not CBOR at all', () => Buffer.from('{"gatewayId":"gw-1"}'), 'bad_cbor', 'payload is not CBOR'],
    [
      'nested 100,000 deep',
      () => Buffer.concat([Buffer.alloc(100_000, 0x81), Buffer.from([1])]),
      'bad_cbor',
      '',
    ],
    [
      'of another format',
      () => encoder.encode({ v: 2, t: START, s: [good] }),
      'bad_envelope',
      'Unrecognized key: "v"',
    ],
    [
      'holding too many readings',
      () => {
        const v = Array.from({ length: 300 }, () => 97);
        return batch([
          { ...good, v },
          { ...good, d: 'ox-2', v },
        ]);
      },
      'bad_envelope',
      '',
    ],
  ])('refuses a batch %s with a reason', (_, payload, reason, detail) => {
    const decoded = decodeSeriesBatch(payload(), 'gw-1');
    expect(decoded).toMatchObject({ ok: false, reason });
    if (!decoded.ok) expect(decoded.detail).toContain(detail);
  });
});
