import { afterEach, describe, expect, it } from 'vitest';
import { hex, spaced, valueRecorder } from '../../ble/test-fixtures.ts';
import { decodeCgmFeature } from '../../gatt/cgm-feature.ts';
import { decodeCgmMeasurement } from '../../gatt/cgm-measurement.ts';
import { decodeCgmSessionStartTime, sessionStartToUtc } from '../../gatt/cgm-session-start-time.ts';
import { connectTo, testCgm } from '../../simulator/device-test-fixtures.ts';
import { GlucoseCurve } from '../../simulator/glucose-physiology.ts';
import { DAY_MS, LocalTime, MINUTE_MS } from '../../simulator/local-time.ts';
import { ManualClock } from '../../simulator/manual-clock.ts';
import { SeededNoise } from '../../simulator/seeded-noise.ts';
import { sessionStartTime } from './simulated-sensor.ts';

const SESSION_START = Date.UTC(2026, 10, 23, 6, 0);
const NOW = SESSION_START + 2 * 60 * MINUTE_MS + 2 * MINUTE_MS; // 2 h 2 min into the session: offsets 0..120
const local = new LocalTime('Asia/Karachi');
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function sensor(e2eCrc: boolean) {
  const clock = new ManualClock(NOW);
  const { device, records } = testCgm(clock, SESSION_START, e2eCrc, 'cgm-test');
  stops.push(async () => device.stop());
  return { device, records, clock };
}

function decoded<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe('simulated CGM', () => {
  it.each([
    [true, 'announces E2E-CRC and appends a valid one to every record'],
    [false, 'announces no E2E-CRC and sends records without one'],
  ])('model with e2eCrc=%s %s', async (e2eCrc) => {
    const { device, records, clock } = sensor(e2eCrc);
    const { link, stop } = await connectTo(device);
    stops.push(stop);
    const feature = decoded(decodeCgmFeature(await link.read('181f', '2aa8')));
    expect(feature.features.includes('e2e_crc')).toBe(e2eCrc);
    expect(feature).toMatchObject({ type: 'interstitial_fluid', sampleLocation: 'subcutaneous_tissue' });

    const start = decoded(decodeCgmSessionStartTime(await link.read('181f', '2aaa'), { e2eCrc }));
    expect(start).toEqual(sessionStartTime(local, SESSION_START));
    expect(start.timeZoneQuarterHours).toBe(20); // UTC+5
    expect(sessionStartToUtc(start, { timeZone: 'Asia/Karachi' })).toEqual({ ok: true, ms: SESSION_START });

    const live = valueRecorder();
    await link.subscribe('181f', '2aa7', live.onValue);
    clock.advance(5 * MINUTE_MS);
    await live.until(1);
    const [bytes] = live.values;
    if (!bytes) throw new Error('no record');
    const measurement = decoded(decodeCgmMeasurement(bytes, { e2eCrc }));
    expect(measurement.rejectedRecords).toEqual([]);
    expect(measurement.records).toEqual([records.record(SESSION_START, 125, false)]);
    // Read the other way, the same bytes fail: a CRC where none was announced, or none where one was.
    expect(decodeCgmMeasurement(bytes, { e2eCrc: !e2eCrc }).ok).toBe(false);
  });

  it('reports the stored records of the session from a time offset on, then success', async () => {
    const { device, records, clock } = sensor(false);
    const { link, stop } = await connectTo(device);
    stops.push(stop);
    const values = valueRecorder();
    const responses = valueRecorder();
    await link.subscribe('181f', '2aa7', values.onValue);
    await link.subscribe('181f', '2a52', responses.onValue);
    await link.write('181f', '2a52', hex('01 03 01 5a 00'), true); // time offset >= 90 min
    await responses.until(1);
    expect(spaced(responses.values[0] ?? Buffer.alloc(0))).toBe('06 00 01 01');
    const offsets = values.values.flatMap((v) => decoded(decodeCgmMeasurement(v, { e2eCrc: false })).records);
    expect(offsets.map((r) => r.timeOffsetMinutes)).toEqual([90, 95, 100, 105, 110, 115, 120]);
    expect(offsets.at(-1)).toEqual(records.record(SESSION_START, 120, false));
    expect(records.offsetsAt(clock.now())).toHaveLength(25);
  });

  it('starts a new session after 14 days, with time offsets from zero', () => {
    const { records } = sensor(false);
    const later = SESSION_START + 14 * DAY_MS + 12 * MINUTE_MS;
    expect(records.sessionStartAt(later)).toBe(SESSION_START + 14 * DAY_MS);
    expect(records.offsetsAt(later)).toEqual([0, 5, 10]);
  });

  it('warns below the patient low and hypo levels while a night-time low lasts', () => {
    const { records } = sensor(false);
    const curve = new GlucoseCurve(new SeededNoise('cgm-test').derive('glucose'), local);
    const day = Array.from({ length: 30 }, (_, i) => local.day(SESSION_START) + i).find(
      (d) => curve.nightLowCrossing(d) !== undefined,
    );
    const crossing = day === undefined ? undefined : curve.nightLowCrossing(day);
    if (crossing === undefined) throw new Error('no night with a low in 30 days');
    const start = records.sessionStartAt(crossing);
    const atNadir = Math.round((crossing + 17 * MINUTE_MS + 7 * MINUTE_MS - start) / MINUTE_MS / 5) * 5;
    const record = records.record(start, atNadir, false);
    expect(record.glucose.kind === 'number' && record.glucose.value).toBeLessThan(54);
    expect(record.warning).toEqual(
      expect.arrayContaining(['result_lower_than_patient_low_level', 'result_lower_than_hypo_level']),
    );
  });
});
