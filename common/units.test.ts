import { describe, expect, it } from 'vitest';
import { converts, convertUnit } from './units.ts';

describe('unit conversions', () => {
  it.each([
    // value, from, to, exactly
    [3.9, 'mmol/L', 'mg/dL', 70.26084], // 3.9 x 18.0156
    [250, 'mg/dL', 'mmol/L', 2_500_000 / 180_156], // one integer division: correctly rounded,
    [13.9, 'mmol/L', 'mg/dL', 250.41684],
    [98.6, '[degF]', 'Cel', 37],
    [37, 'Cel', '[degF]', 98.6],
    [32, '[degF]', 'Cel', 0],
    [-40, 'Cel', '[degF]', -40],
    [16, 'kPa', 'mm[Hg]', 16_000_000 / 133_322],
    [150, '[lb_av]', 'kg', 68.0388555],
    [70, '[in_i]', 'm', 1.778],
    [120, 'mm[Hg]', 'mm[Hg]', 120],
  ] as const)('%s %s in %s is %s', (value, from, to, expected) => {
    expect(convertUnit(value, from, to)).toBe(expected);
  });

  it('goes there and back to the same decimal', () => {
    for (const [value, a, b] of [
      [5.5, 'mmol/L', 'mg/dL'],
      [38.2, 'Cel', '[degF]'],
      [72.4, 'kg', '[lb_av]'],
      [17.3, 'kPa', 'mm[Hg]'],
    ] as const) {
      expect(Number(convertUnit(convertUnit(value, a, b), b, a).toFixed(9))).toBe(value);
    }
  });

  it('refuses units that do not convert', () => {
    expect(converts('mg/dL', 'kPa')).toBe(false);
    expect(converts('kg', 'kg')).toBe(true);
    expect(() => convertUnit(1, 'mg/dL', 'kPa')).toThrow('no conversion from mg/dL to kPa');
  });
});
