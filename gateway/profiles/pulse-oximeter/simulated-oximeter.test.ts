import { afterEach, describe, expect, it } from 'vitest';
import { valueRecorder } from '../../ble/test-fixtures.ts';
import { decodePlxContinuousMeasurement } from '../../gatt/plx-continuous-measurement.ts';
import { decodePlxFeatures } from '../../gatt/plx-features.ts';
import { decodePlxSpotCheckMeasurement } from '../../gatt/plx-spot-check-measurement.ts';
import { connectTo, testModelOptions } from '../../simulator/device-test-fixtures.ts';
import { DAY_MS, LocalTime, MINUTE_MS } from '../../simulator/local-time.ts';
import { ManualClock } from '../../simulator/manual-clock.ts';
import { SeededNoise } from '../../simulator/seeded-noise.ts';
import { COPD_OXYGEN, GENERAL_OXYGEN, OxygenTrace } from './physiology.ts';
import { createPulseOximeter, OXIMETER_FEATURES, oximeterReadingAt } from './simulated-oximeter.ts';

const local = new LocalTime('Asia/Karachi');
const MIDNIGHT = local.instant(local.day(Date.UTC(2026, 10, 24, 12)), 0);
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** Whole-percent SpO2 each minute of `days` days, as the oximeter shows it. */
function shownEachMinute(trace: OxygenTrace, days: number): { atMs: number; spo2: number }[] {
  return Array.from({ length: days * 24 * 60 }, (_, i) => {
    const atMs = MIDNIGHT + i * MINUTE_MS;
    return { atMs, spo2: Math.round(trace.spo2At(atMs)) };
  });
}

describe('pulse oximeter model', () => {
  it('keeps a general patient around 96-98 %', () => {
    const values = shownEachMinute(new OxygenTrace(new SeededNoise('ox'), local, GENERAL_OXYGEN), 2).map(
      (v) => v.spo2,
    );
    expect(Math.min(...values)).toBeGreaterThanOrEqual(95);
    expect(Math.max(...values)).toBeLessThanOrEqual(99);
  });

  it('keeps a COPD patient at 88-92 % by day, with night-time desaturations to 84-86 % lasting minutes', () => {
    const shown = shownEachMinute(new OxygenTrace(new SeededNoise('ox'), local, COPD_OXYGEN), 7);
    const daytime = shown.filter((v) => {
      const minute = local.minuteOfDay(v.atMs);
      return minute >= 8 * 60 && minute < 22 * 60;
    });
    expect(daytime.every((v) => v.spo2 >= 88 && v.spo2 <= 92)).toBe(true);
    const nights = new Map<number, number>();
    for (const v of shown.filter((v) => v.spo2 <= 86)) {
      const day = local.day(v.atMs);
      nights.set(day, (nights.get(day) ?? 0) + 1);
      expect(local.minuteOfDay(v.atMs)).toBeLessThan(6 * 60);
      expect(v.spo2).toBeGreaterThanOrEqual(84);
    }
    expect(nights.size).toBeGreaterThanOrEqual(3); // most nights
    expect(Math.min(...nights.values())).toBeGreaterThanOrEqual(2); // minutes, not a blip
  });

  it('marks some measurements questionable and some with low perfusion, with a lower pulse amplitude', () => {
    const trace = new OxygenTrace(new SeededNoise('ox'), local, GENERAL_OXYGEN);
    const readings = Array.from({ length: 3 * 3600 }, (_, i) =>
      oximeterReadingAt(trace, MIDNIGHT + i * 1000),
    );
    const questionable = readings.filter((r) =>
      r.measurementStatus?.includes('questionable_measurement_detected'),
    );
    const lowPerfusion = readings.filter((r) => r.deviceAndSensorStatus?.includes('low_perfusion_detected'));
    expect(questionable.length).toBeGreaterThan(0);
    expect(questionable.length).toBeLessThan(readings.length * 0.03);
    expect(lowPerfusion.length).toBeGreaterThan(0);
    expect(
      lowPerfusion.every((r) => r.pulseAmplitudeIndex?.kind === 'number' && r.pulseAmplitudeIndex.value < 1),
    ).toBe(true);
  });

  it('notifies continuous measurements and indicates timestamped spot checks, byte-exact over the radio', async () => {
    const start = local.instant(local.day(MIDNIGHT + DAY_MS), 7 * 60 + 45); // 07:45, before the 08:00 check
    const clock = new ManualClock(start);
    const noise = new SeededNoise('ox');
    const oximeter = createPulseOximeter({
      ...testModelOptions('c4:00:00:00:00:01', clock, 'ox'),
      profile: COPD_OXYGEN,
    });
    oximeter.start();
    stops.push(async () => oximeter.stop());
    const { link, stop } = await connectTo(oximeter);
    stops.push(stop);
    expect(decodePlxFeatures(await link.read('1822', '2a60'))).toEqual({
      ok: true,
      value: OXIMETER_FEATURES,
    });
    const continuous = valueRecorder();
    const spotChecks = valueRecorder();
    await link.subscribe('1822', '2a5f', continuous.onValue);
    await link.subscribe('1822', '2a5e', spotChecks.onValue);
    clock.advance(3_000);
    await continuous.until(3);
    const trace = new OxygenTrace(noise, local, COPD_OXYGEN);
    const first = decodePlxContinuousMeasurement(continuous.values[0] ?? Buffer.alloc(0));
    const { spo2, pulseRate, ...status } = oximeterReadingAt(trace, start + 1000);
    expect(first).toEqual({ ok: true, value: { normal: { spo2, pulseRate }, ...status } });

    clock.advance(30 * MINUTE_MS);
    await spotChecks.until(1);
    const spot = decodePlxSpotCheckMeasurement(spotChecks.values[0] ?? Buffer.alloc(0));
    if (!spot.ok || !spot.value.timestamp) throw new Error('no timestamped spot check');
    const { hours, minutes } = spot.value.timestamp;
    expect(hours * 60 + minutes).toBeGreaterThanOrEqual(7 * 60 + 50);
    expect(hours * 60 + minutes).toBeLessThanOrEqual(8 * 60 + 10);
  });
});
