/** Latency percentiles by the nearest-rank method (every reported value is one that was measured). */
import type { LatencySummary } from './benchmark-report.ts';

/** The p-th percentile (0 < p <= 100) of values sorted ascending; undefined for no values. */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

/** p50, p95, p99 and max of latencies in ms (rounded to 0.01 ms); null when there are none. */
export function summarizeLatencies(values: readonly number[]): LatencySummary | null {
  if (values.length === 0) return null;
  // A typed array sorts numerically, and fast for the hundreds of thousands of a load step.
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => Math.round((nearestRank(sorted, p) ?? 0) * 100) / 100;
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: at(100) };
}
