import { describe, expect, it } from 'vitest';
import { sparklineCoordinates } from './sparkline.ts';

const box = { fromMs: 0, toMs: 600, width: 120, height: 32, minSpan: 10 };
const point = (time: number, mean: number) => ({ time, mean, min: mean, max: mean });

describe('sparklineCoordinates', () => {
  it('places points left to right by time and higher values higher up', () => {
    expect(sparklineCoordinates([point(0, 60), point(300, 120), point(600, 90)], box)).toEqual([
      [0, 30],
      [60, 2],
      [120, 16],
    ]);
  });

  it('leaves out points outside the time window', () => {
    expect(sparklineCoordinates([point(-100, 50), point(300, 50), point(700, 50)], box)).toEqual([[60, 16]]);
  });

  it('keeps a steady patient a flat line in the middle rather than stretching small changes', () => {
    const coords = sparklineCoordinates([point(0, 97), point(600, 98)], box);
    expect(coords.map(([, y]) => y)).toEqual([17.4, 14.6]);
  });

  it('draws nothing without points', () => {
    expect(sparklineCoordinates([], box)).toEqual([]);
  });
});
