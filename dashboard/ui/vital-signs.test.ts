import { describe, expect, it } from 'vitest';
import { vitalText } from './vital-signs.ts';

describe('a vital sign as a tile shows it', () => {
  it.each([
    [{ value: 97.4 }, 'spo2', { value: '97', unit: '%' }],
    [{ value: 20, bound: 'below' as const }, 'glucose', { value: 'LO', unit: '< 20 mg/dL' }],
    [{ value: 600, bound: 'above' as const }, 'glucose', { value: 'HI', unit: '> 600 mg/dL' }],
    [
      { value: 132.4, components: { diastolic: 84.6, mean: 100 } },
      'blood_pressure',
      { value: '132/85', unit: 'mmHg' },
    ],
    [{ value: 81.25 }, 'body_weight', { value: '81.3', unit: 'kg' }],
    [{ value: 37 }, 'body_temperature', { value: '37.0', unit: '°C' }],
  ] as const)('%o as %s reads %o', (latest, vital, shown) => {
    expect(vitalText(latest, vital)).toEqual(shown);
  });
});
