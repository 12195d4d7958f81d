import { describe, expect, it } from 'vitest';
import { classifyGlucoseTrend } from './glucose-trend.ts';

describe('classifyGlucoseTrend (Dexcom bands, mg/dL per minute)', () => {
  it.each([
    [0, '→', 'Steady'],
    [0.99, '→', 'Steady'],
    [-0.99, '→', 'Steady'],
    [1, '↗', 'Rising slowly'],
    [1.99, '↗', 'Rising slowly'],
    [2, '↑', 'Rising'],
    [3, '↑', 'Rising'],
    [3.01, '⇈', 'Rising fast'],
    [-1, '↘', 'Falling slowly'],
    [-2.4, '↓', 'Falling'],
    [-3, '↓', 'Falling'],
    [-4.5, '⇊', 'Falling fast'],
  ])('shows %s mg/dL/min as %s "%s"', (rate, glyph, label) => {
    expect(classifyGlucoseTrend(rate)).toMatchObject({ glyph, label });
  });
});
