import { describe, expect, it } from 'vitest';
import { decodeBloodPressureFeature } from '../../gatt/blood-pressure-feature.ts';
import { decodeBloodPressureMeasurement } from '../../gatt/blood-pressure-measurement.ts';
import { decodedValue } from '../../gatt/decoder-expectations.ts';
import { medicalNumber } from '../../gatt/ieee11073.ts';
import { DAY_MS, MINUTE_MS } from '../../simulator/local-time.ts';
import { BENCH_TIME, measuringDeviceBench } from '../../simulator/measuring-device-test-fixtures.ts';
import { SeededNoise } from '../../simulator/seeded-noise.ts';
import { BloodPressureTrace, HYPERTENSIVE_PRESSURE, TREATED_HEART_FAILURE_PRESSURE } from './physiology.ts';
import {
  type BloodPressureCuffOptions,
  CUFF_FEATURES,
  CUFF_PLAN,
  createBloodPressureCuff,
  cuffMeasurement,
} from './simulated-cuff.ts';

const { local, day: DAY, midnight: MIDNIGHT } = BENCH_TIME;
const SEED = 'cuff-test';
const bench = measuringDeviceBench({
  address: 'c6:00:00:00:00:01',
  seed: SEED,
  serviceUuid: '1810',
  measurementUuid: '2a35',
  create: (base, extra: Partial<BloodPressureCuffOptions>) => createBloodPressureCuff({ ...base, ...extra }),
});

/** What the cuff sends for each planned reading between local days `from` and `to`. */
function expectedBetween(from: number, to: number) {
  const trace = new BloodPressureTrace(new SeededNoise(SEED), local);
  return bench.plannedTimes(CUFF_PLAN, from, to).map((at) => cuffMeasurement(trace.readingAt(at), at, local));
}

const decoded = (values: readonly Buffer[]) =>
  values.map((v) => decodedValue(decodeBloodPressureMeasurement(v)));

/** Morning and evening readings of a profile over `days` days. */
function sessions(profile: typeof HYPERTENSIVE_PRESSURE, days: number) {
  const trace = new BloodPressureTrace(new SeededNoise('pressure'), local, profile);
  const at = (day: number, minute: number) => trace.readingAt(local.instant(DAY + day, minute));
  const mornings = Array.from({ length: days }, (_, day) => at(day, 7 * 60 + 30));
  const evenings = Array.from({ length: days }, (_, day) => at(day, 21 * 60));
  return { mornings, evenings, all: [...mornings, ...evenings] };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('blood pressure model', () => {
  it('keeps a hypertensive patient around 150/95 mmHg, higher in the morning than in the evening', () => {
    const { mornings, evenings, all } = sessions(HYPERTENSIVE_PRESSURE, 90);
    expect(Math.abs(mean(all.map((r) => r.systolic)) - 150)).toBeLessThan(4);
    expect(Math.abs(mean(all.map((r) => r.diastolic)) - 95)).toBeLessThan(3);
    const surge = mean(mornings.map((r) => r.systolic)) - mean(evenings.map((r) => r.systolic));
    expect(surge).toBeGreaterThan(6);
    expect(surge).toBeLessThan(18);
    const hypertensive = all.filter((r) => r.systolic >= 135 || r.diastolic >= 85);
    expect(hypertensive.length).toBeGreaterThan(0.9 * all.length); // home threshold 135/85 [K8]
    expect(all.every((r) => r.diastolic < r.systolic - 15 && r.pulseRate >= 40)).toBe(true);
  });

  it('keeps a treated heart-failure patient near 118/72 with a slower, more often irregular pulse', () => {
    const failure = sessions(TREATED_HEART_FAILURE_PRESSURE, 90).all;
    const hypertensive = sessions(HYPERTENSIVE_PRESSURE, 90).all;
    expect(Math.abs(mean(failure.map((r) => r.systolic)) - 118)).toBeLessThan(4);
    expect(mean(failure.map((r) => r.pulseRate))).toBeLessThan(mean(hypertensive.map((r) => r.pulseRate)));
    const irregular = (readings: typeof failure) => readings.filter((r) => r.irregularPulse).length;
    expect(irregular(failure)).toBeGreaterThan(irregular(hypertensive));
  });

  it('flags body movement and an irregular pulse in a few readings', () => {
    const { all } = sessions(HYPERTENSIVE_PRESSURE, 200);
    for (const finding of ['bodyMovement', 'irregularPulse'] as const) {
      const flagged = all.filter((r) => r[finding]).length;
      expect(flagged).toBeGreaterThan(0.01 * all.length);
      expect(flagged).toBeLessThan(0.1 * all.length);
    }
  });
});

describe('simulated blood pressure cuff', () => {
  it('indicates byte-exact measurements morning and evening, time-stamped on the local clock', async () => {
    const { device: cuff, clock } = bench.start(MIDNIGHT, {});
    const { link, allReceived } = await bench.subscribe(cuff);
    expect(decodeBloodPressureFeature(await link.read('1810', '2a49'))).toEqual({
      ok: true,
      value: { features: CUFF_FEATURES },
    });
    clock.advance(4 * DAY_MS);
    const expected = expectedBetween(DAY, DAY + 4);
    expect(decoded(await allReceived(expected.length))).toEqual(expected);

    const minutes = expected.map(({ timestamp }) => (timestamp?.hours ?? 0) * 60 + (timestamp?.minutes ?? 0));
    expect(
      minutes.every((m) => (m >= 7 * 60 + 10 && m < 7 * 60 + 56) || (m >= 20 * 60 + 40 && m < 21 * 60 + 26)),
    ).toBe(true);
    const sessionsHeld = new Set(minutes.map((m, i) => `${expected[i]?.timestamp?.day} ${m < 12 * 60}`));
    expect(sessionsHeld.size).toBeGreaterThanOrEqual(6); // at most 8 sessions in 4 days, a few skipped
    expect(expected.length).toBeGreaterThan(sessionsHeld.size); // and some with a second reading
  });

  it('sends a reading taken now with the given values, in mmHg or, on a kPa model, kPa', async () => {
    const at = MIDNIGHT + 10 * 60 * MINUTE_MS;
    const { device: cuff } = bench.start(at, {});
    const { allReceived } = await bench.subscribe(cuff);
    cuff.measure({ systolic: 185, diastolic: 115, pulseRate: 96, irregularPulse: true });
    expect(decoded(await allReceived(1))).toEqual([
      {
        unit: 'mmHg',
        systolic: medicalNumber(185, 0),
        diastolic: medicalNumber(115, 0),
        meanArterialPressure: medicalNumber(138, 0),
        timestamp: { year: 2026, month: 11, day: 24, hours: 10, minutes: 0, seconds: 0 },
        pulseRate: medicalNumber(96, 0),
        measurementStatus: ['irregular_pulse_detected'],
        pulseRateRange: 'within',
      },
    ]);

    const kpa = bench.start(at, { unit: 'kPa' });
    const inKpa = await bench.subscribe(kpa.device);
    kpa.device.measure({ systolic: 185, diastolic: 115 });
    const [reading] = decoded(await inKpa.allReceived(1));
    expect(reading).toMatchObject({
      unit: 'kPa',
      systolic: medicalNumber(247, -1), // 185 mmHg = 24.66 kPa
      diastolic: medicalNumber(153, -1),
      meanArterialPressure: medicalNumber(184, -1),
      measurementStatus: [],
    });
  });

  it('keeps what it measured while nobody listened and indicates it oldest first, once, across a reconnect', async () => {
    const { device: cuff, clock } = bench.start(MIDNIGHT, {});
    clock.advance(2 * DAY_MS);
    const first = await bench.subscribe(cuff);
    const stored = expectedBetween(DAY, DAY + 2);
    expect(decoded(await first.allReceived(stored.length))).toEqual(stored);

    await first.stop();
    expect(cuff.peripheral.connected).toBe(false);
    clock.advance(DAY_MS);
    const second = await bench.subscribe(cuff);
    const since = expectedBetween(DAY + 2, DAY + 3);
    expect(decoded(await second.allReceived(since.length))).toEqual(since);
  });

  it('keeps only the newest measurements its memory holds', async () => {
    const { device: cuff, clock } = bench.start(MIDNIGHT, { memorySize: 4 });
    clock.advance(3 * DAY_MS);
    const { allReceived } = await bench.subscribe(cuff);
    expect(decoded(await allReceived(4))).toEqual(expectedBetween(DAY, DAY + 3).slice(-4));
  });
});
