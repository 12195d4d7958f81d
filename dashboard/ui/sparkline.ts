/**
 * The small trend line on a ward tile: the last hours of one metric as an inline SVG
 * polyline (no chart library for dozens of tiles). The vertical scale spans at least
 * `minSpan`, so the normal wobble of a steady patient stays a nearly flat line instead of
 * being stretched to fill the box.
 */
import type { ChartPoint } from './api-types.ts';
import { svg } from './dom.ts';

export interface SparklineBox {
  fromMs: number;
  toMs: number;
  width: number;
  height: number;
  /** Smallest vertical span drawn, in the metric's unit. */
  minSpan: number;
}

/** SVG coordinates ("x,y x,y ...") of the points inside the time window, oldest first. */
export function sparklineCoordinates(points: readonly ChartPoint[], box: SparklineBox): [number, number][] {
  const inside = points.filter((p) => p.time >= box.fromMs && p.time <= box.toMs);
  if (!inside.length) return [];
  const values = inside.map((p) => p.mean);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const span = Math.max(high - low, box.minSpan);
  const bottom = (low + high) / 2 - span / 2;
  const pad = 2;
  const round = (n: number) => Math.round(n * 10) / 10;
  return inside.map((p) => [
    round(((p.time - box.fromMs) / (box.toMs - box.fromMs)) * box.width),
    round(pad + (1 - (p.mean - bottom) / span) * (box.height - 2 * pad)),
  ]);
}

const WIDTH = 120;
const HEIGHT = 32;

export function renderSparkline(
  points: readonly ChartPoint[],
  window: { fromMs: number; toMs: number },
  minSpan: number,
  label: string,
): SVGSVGElement {
  const coords = sparklineCoordinates(points, { ...window, width: WIDTH, height: HEIGHT, minSpan });
  const last = coords[coords.length - 1];
  return svg(
    'svg',
    {
      class: 'sparkline',
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      preserveAspectRatio: 'none',
      role: 'img',
      'aria-label': label,
    },
    svg('title', {}, label),
    coords.length > 1 && svg('polyline', { points: coords.map((c) => c.join(',')).join(' ') }),
    last && svg('circle', { cx: last[0], cy: last[1], r: 2.5 }),
  );
}
