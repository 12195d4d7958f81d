import { describe, expect, it } from 'vitest';
import { chartValueRange } from './chart-scale.ts';

const point = (min: number, max: number) => ({ time: 0, mean: (min + max) / 2, min, max });

describe('chartValueRange', () => {
  it('spans the lowest minimum and highest maximum with some headroom', () => {
    expect(chartValueRange([point(60, 120), point(90, 210)], [], 20)).toEqual([48, 222]);
  });

  it('keeps a care plan threshold in view even when no reading came near it', () => {
    const [low] = chartValueRange([point(95, 99)], [91], 6);
    expect(low).toBeLessThanOrEqual(91);
  });

  it("keeps a blood pressure's diastolic in view below its systolic", () => {
    const bp = { ...point(138, 152), components: { diastolic: { mean: 85, min: 78, max: 92 } } };
    expect(chartValueRange([bp], [], 60)).toEqual([72, 158]);
  });

  it('widens a flat series to the smallest span, centred on it', () => {
    expect(chartValueRange([point(97, 97)], [], 10)).toEqual([91, 103]);
  });
});
