import { describe, expect, it } from 'vitest';
import { offsetInUse } from './device-clock.ts';

const MINUTE = 60_000;

describe('the clock offset a device is corrected by', () => {
  it.each([
    // measured, kept, in use
    [30_000, undefined, undefined, 'a clock within a minute is right: no correction'],
    [10 * MINUTE + 4_000, undefined, 10 * MINUTE, 'a clock 10 min fast, rounded to the minute'],
    [-(3 * MINUTE + 31_000), undefined, -4 * MINUTE, 'a slow clock, rounded to the nearest minute'],
    // 2:29.6 and 2:30.4 round to 2 and 3 min: kept, a re-sent record keeps its time.
    [2 * MINUTE + 30_400, 2 * MINUTE, 2 * MINUTE, 'the kept offset while the clock is within a minute of it'],
    [
      MINUTE + 10_000,
      2 * MINUTE,
      2 * MINUTE,
      'the kept offset, though the measurement alone would round to 1 min',
    ],
    [
      3 * MINUTE + 1_000,
      2 * MINUTE,
      3 * MINUTE,
      'a new offset once the clock has drifted more than a minute',
    ],
    [2_000, 10 * MINUTE, undefined, 'none once the clock was set right'],
    [65_000, undefined, MINUTE, 'a clock just past the tolerance: corrected by a minute'],
  ] satisfies [number, number | undefined, number | undefined, string][])(
    '%s ms, %s kept: %s (%s)',
    (measured, kept, expected, _why) => {
      expect(offsetInUse(measured, kept)).toBe(expected);
    },
  );
});
