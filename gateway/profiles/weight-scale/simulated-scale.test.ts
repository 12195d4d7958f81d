import { describe, expect, it } from 'vitest';
import { decodedValue } from '../../gatt/decoder-expectations.ts';
import { decodeWeightMeasurement, isUnsuccessful } from '../../gatt/weight-measurement.ts';
import { decodeWeightScaleFeature } from '../../gatt/weight-scale-feature.ts';
import { DAY_MS, MINUTE_MS } from '../../simulator/local-time.ts';
import { BENCH_TIME, measuringDeviceBench } from '../../simulator/measuring-device-test-fixtures.ts';
import { SeededNoise } from '../../simulator/seeded-noise.ts';
import { BodyWeight, retainedFluidKg, STABLE_WEIGHT, type WeightProfile } from './physiology.ts';
import {
  createWeighingScale,
  SCALE_PLAN,
  scaleMeasurement,
  type WeighingScaleOptions,
} from './simulated-scale.ts';

const { local, day: DAY, midnight: MIDNIGHT } = BENCH_TIME;
const SEED = 'scale-test';
const RETAINING: WeightProfile = {
  baselineKg: 80,
  scatterKg: 0.3,
  fluidRetention: { fromMs: local.instant(DAY + 10, 0), kgPerDay: 0.8, days: 5, everyDays: 42 },
};
const bench = measuringDeviceBench({
  address: 'c7:00:00:00:00:01',
  seed: SEED,
  serviceUuid: '181d',
  measurementUuid: '2a9d',
  create: (base, extra: Partial<WeighingScaleOptions>) => createWeighingScale({ ...base, ...extra }),
});

const decoded = (values: readonly Buffer[]) => values.map((v) => decodedValue(decodeWeightMeasurement(v)));

/** The weight at each day's 07:00 weighing, kg. */
function mornings(profile: WeightProfile, days: number): number[] {
  const weight = new BodyWeight(new SeededNoise('weight'), profile);
  return Array.from({ length: days }, (_, day) => weight.kgAt(local.instant(DAY + day, 7 * 60)));
}

/** The largest gain from a morning to the morning three days later, kg. */
function largestGainIn3Days(kg: readonly number[]): number {
  return Math.max(...kg.slice(3).map((w, i) => w - (kg[i] ?? w)));
}

describe('body weight model', () => {
  it('scatters about 0.3 kg from one morning to the next around the baseline', () => {
    const kg = mornings(STABLE_WEIGHT, 200);
    const steps = kg.slice(1).map((w, i) => w - (kg[i] ?? w));
    const sd = Math.sqrt(steps.reduce((sum, s) => sum + s * s, 0) / steps.length / 2); // a step holds two scatters
    expect(sd).toBeGreaterThan(0.2);
    expect(sd).toBeLessThan(0.45);
    expect(Math.min(...kg)).toBeGreaterThan(STABLE_WEIGHT.baselineKg - 2);
    expect(Math.max(...kg)).toBeLessThan(STABLE_WEIGHT.baselineKg + 2);
  });

  it('retains fluid at 0.8 kg a day for five days, loses it as fast once treated, and again six weeks on', () => {
    const retention = RETAINING.fluidRetention;
    if (!retention) throw new Error('no fluid retention');
    const fluidOnDay = (day: number) => retainedFluidKg(retention, retention.fromMs + day * DAY_MS);
    expect([-1, 0, 1, 3, 5, 7, 10, 20, 43].map((day) => Math.round(fluidOnDay(day) * 10) / 10)).toEqual([
      0, 0, 0.8, 2.4, 4, 2.4, 0, 0, 0.8,
    ]);
    const kg = mornings(RETAINING, 20);
    expect(largestGainIn3Days(kg)).toBeGreaterThan(2); // the guideline's "more than 2 kg in 3 days" [K20]
    expect(largestGainIn3Days(kg.slice(0, 10))).toBeLessThan(1.5);
  });
});

describe('simulated weighing scale', () => {
  it('keeps a fortnight of morning weighings made unheard, and indicates them in kg with time stamp, BMI and height', async () => {
    const { device: scale, clock } = bench.start(MIDNIGHT, { profile: RETAINING, heightM: 1.72 });
    clock.advance(14 * DAY_MS);
    const { link, allReceived } = await bench.subscribe(scale);
    expect(decodedValue(decodeWeightScaleFeature(await link.read('181d', '2a9e')))).toEqual({
      features: ['time_stamp', 'bmi'],
      weightResolution: { code: 4, kg: 0.05, lb: 0.1 },
      heightResolution: { code: 1, m: 0.01, in: 1 },
    });
    const weight = new BodyWeight(new SeededNoise(SEED), RETAINING);
    const times = bench.plannedTimes(SCALE_PLAN, DAY, DAY + 14);
    const sent = decoded(await allReceived(times.length));
    expect(sent).toEqual(times.map((at) => scaleMeasurement(weight.kgAt(at), at, local, 'SI', 1.72)));
    expect(times.length).toBeGreaterThanOrEqual(11); // one a day, a few skipped
    for (const { timestamp, weight: shown, bmiAndHeight } of sent) {
      const minute = (timestamp?.hours ?? 0) * 60 + (timestamp?.minutes ?? 0);
      expect(minute).toBeGreaterThanOrEqual(6 * 60 + 45);
      expect(minute).toBeLessThan(7 * 60 + 16);
      if (isUnsuccessful(shown)) throw new Error('unsuccessful weighing');
      expect(shown.unit).toBe('kg');
      expect(shown.raw % 10).toBe(0); // the scale's 0.05 kg steps
      expect(bmiAndHeight?.height).toEqual({ raw: 1720, value: 1.72, unit: 'm' });
      expect(Math.abs((bmiAndHeight?.bmi.value ?? 0) - shown.value / 1.72 ** 2)).toBeLessThanOrEqual(0.06);
    }
  });

  it('sends a weighing made now, in lb on an imperial model (height in inches), without BMI when no height is set', async () => {
    const { device: scale } = bench.start(MIDNIGHT + 8 * 60 * MINUTE_MS, { units: 'imperial' });
    const { link, allReceived } = await bench.subscribe(scale);
    const feature = decodedValue(decodeWeightScaleFeature(await link.read('181d', '2a9e')));
    expect(feature.features).toEqual(['time_stamp']);
    scale.weigh(80); // 176.37 lb
    expect(decoded(await allReceived(1))).toEqual([
      {
        units: 'imperial',
        weight: { raw: 17640, value: 176.4, unit: '[lb_av]' },
        timestamp: { year: 2026, month: 11, day: 24, hours: 8, minutes: 0, seconds: 0 },
      },
    ]);
    expect(scaleMeasurement(80, MIDNIGHT, local, 'imperial', 1.72).bmiAndHeight).toEqual({
      bmi: { raw: 270, value: 27, unit: 'kg/m2' },
      height: { raw: 680, value: 68, unit: '[in_i]' }, // 1.72 m is 67.7 in, entered in whole inches
    });
  });
});
