import { describe, expect, it } from 'vitest';
import { GlucoseCurve } from './glucose-physiology.ts';
import { LocalTime, MINUTE_MS } from './local-time.ts';
import { SeededNoise } from './seeded-noise.ts';

const local = new LocalTime('Asia/Karachi');
const FIRST_DAY = local.day(Date.UTC(2026, 10, 1, 12));
const curve = new GlucoseCurve(new SeededNoise('glucose-test'), local);

/** Minutes (to 10 s) within `minutes` from `fromMs` where the glucose passes `test`. */
function minutesWhere(fromMs: number, minutes: number, test: (mgdl: number) => boolean): number {
  let steps = 0;
  for (let s = 0; s < minutes * 6; s++) if (test(curve.mgdlAt(fromMs + s * 10_000))) steps++;
  return steps / 6;
}

describe('diabetes glucose curve', () => {
  const days = Array.from({ length: 30 }, (_, i) => FIRST_DAY + i);
  const lowNights = days.filter((day) => curve.nightLowCrossing(day) !== undefined);

  it('has a night-time low on some nights, not all', () => {
    expect(lowNights.length).toBeGreaterThanOrEqual(5);
    expect(lowNights.length).toBeLessThanOrEqual(20);
  });

  it('stays below 70 mg/dL for 40 minutes and below 54 mg/dL for 25 minutes in a low, then recovers', () => {
    for (const day of lowNights) {
      const crossing = curve.nightLowCrossing(day) ?? 0;
      const window = crossing - 60 * MINUTE_MS;
      expect(minutesWhere(window, 150, (g) => g < 70)).toBeCloseTo(40, 0);
      expect(minutesWhere(window, 150, (g) => g < 54)).toBeCloseTo(25, 0);
      expect(curve.mgdlAt(crossing + 75 * MINUTE_MS)).toBeGreaterThan(100);
      expect(local.minuteOfDay(crossing)).toBeGreaterThanOrEqual(120);
      expect(local.minuteOfDay(crossing)).toBeLessThanOrEqual(210);
    }
  });

  it('never goes low on the other nights, and rises after dinner', () => {
    for (const day of days.filter((d) => !lowNights.includes(d))) {
      for (let m = 0; m < 24 * 60; m += 5)
        expect(curve.mgdlAt(local.instant(day, m))).toBeGreaterThanOrEqual(70);
      const dinner = curve.mealTime('dinner', day);
      expect(curve.mgdlAt(dinner + 60 * MINUTE_MS) - curve.mgdlAt(dinner)).toBeGreaterThan(30);
    }
  });

  it('gives the same value for the same moment, whoever asks', () => {
    const other = new GlucoseCurve(new SeededNoise('glucose-test'), local);
    const at = local.instant(FIRST_DAY + 3, 13 * 60 + 17);
    expect(other.mgdlAt(at)).toBe(curve.mgdlAt(at));
  });
});
