import { describe, expect, it } from 'vitest';
import { vitalText } from './vital-signs.ts';

describe('a vital sign as a tile shows it', () => {
  it.each([
    [{ value: 97.4 }, '%', { value: '97', unit: '%' }],
    [{ value: 20, bound: 'below' as const }, 'mg/dL', { value: 'LO', unit: '< 20 mg/dL' }],
    [{ value: 600, bound: 'above' as const }, 'mg/dL', { value: 'HI', unit: '> 600 mg/dL' }],
  ])('%o in %s reads %o', (latest, unit, shown) => {
    expect(vitalText(latest, unit)).toEqual(shown);
  });
});
