import { describe, expect, it } from 'vitest';
import { checkMetricValue, componentsOf, METRICS, Metric, metricRange } from './metrics.ts';
import { convertUnit } from './units.ts';

const EVERY_PART = Metric.options.flatMap((metric) => [
  ...METRICS[metric].units.map((unit) => ({ metric, unit, component: undefined })),
  ...componentsOf(metric).flatMap(([component]) =>
    METRICS[metric].units.map((unit) => ({ metric, unit, component })),
  ),
]);

describe('the metric catalogue', () => {
  it('lists each metric with its stored unit first', () => {
    for (const metric of Metric.options) expect(METRICS[metric].units[0]).toBe(METRICS[metric].storedUnit);
  });

  it.each(EVERY_PART)(
    '$metric $component in $unit: its limits are acceptable values, converted within the stored ones',
    ({ metric, unit, component }) => {
      const range = metricRange(metric, unit, component);
      if (!range) throw new Error('no range');
      expect(checkMetricValue(metric, unit, range.min, component)).toBeUndefined();
      expect(checkMetricValue(metric, unit, range.max, component)).toBeUndefined();
      const row = METRICS[metric];
      const stored = component === undefined ? row.limits : row.components?.[component]?.limits;
      if (!stored) throw new Error('no limits');
      expect(convertUnit(range.min, unit, row.storedUnit)).toBeGreaterThanOrEqual(stored.min);
      expect(convertUnit(range.max, unit, row.storedUnit)).toBeLessThanOrEqual(stored.max);
    },
  );

  it('compares a value in the stored unit, where the limits are stated', () => {
    // 0.55 mmol/L is 9.9 mg/dL: below the 10 mg/dL limit, though it rounds to 0.6.
    expect(checkMetricValue('glucose', 'mmol/L', 0.55)).toEqual({ kind: 'range', min: 0.56, max: 55.5 });
    expect(checkMetricValue('glucose', 'mmol/L', 0.556)).toBeUndefined();
    expect(checkMetricValue('blood_pressure', 'kPa', 5.3)).toEqual({ kind: 'range', min: 5.34, max: 39.99 });
    expect(checkMetricValue('body_weight', '[lb_av]', 1.1)).toEqual({
      kind: 'range',
      min: 1.11,
      max: 1102.31,
    });
    expect(checkMetricValue('body_temperature', '[degF]', 113)).toBeUndefined();
    expect(checkMetricValue('body_temperature', '[degF]', 113.1)).toMatchObject({ kind: 'range' });
    expect(checkMetricValue('glucose', 'mg/dL', Number.NaN)).toMatchObject({ kind: 'range' });
  });

  it('names the units a metric takes when the unit does not fit', () => {
    expect(checkMetricValue('blood_pressure', 'mg/dL', 120)).toEqual({
      kind: 'unit',
      allowed: ['mm[Hg]', 'kPa'],
    });
    expect(metricRange('spo2', 'kPa')).toBeUndefined();
  });
});
