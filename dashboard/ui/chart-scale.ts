/**
 * The vertical range of a patient chart: every mean, minimum and maximum (of each part: a
 * blood pressure's diastolic line is drawn below its systolic), and every care
 * plan threshold drawn on it (a threshold outside the view would silently vanish), with
 * at least `minSpan` and a little headroom.
 */
import type { ChartPoint } from './api-types.ts';

export function chartValueRange(
  points: readonly ChartPoint[],
  levels: readonly number[],
  minSpan: number,
): [number, number] {
  const parts = (p: ChartPoint) => [p, ...Object.values(p.components ?? {})];
  const values = [...points.flatMap((p) => parts(p).flatMap((part) => [part.min, part.max])), ...levels];
  if (!values.length) return [0, minSpan];
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (high - low < minSpan) {
    const middle = (low + high) / 2;
    low = middle - minSpan / 2;
    high = middle + minSpan / 2;
  }
  const pad = (high - low) * 0.08;
  return [Math.floor(low - pad), Math.ceil(high + pad)];
}
