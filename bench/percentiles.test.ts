import { describe, expect, it } from 'vitest';
import { nearestRank, summarizeLatencies } from './percentiles.ts';

describe('latency percentiles', () => {
  it('reports a value that was measured, by nearest rank', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(nearestRank(hundred, 50)).toBe(50);
    expect(nearestRank(hundred, 95)).toBe(95);
    expect(nearestRank(hundred, 99)).toBe(99);
    expect(nearestRank([3, 7, 20], 50)).toBe(7);
  });

  it('summarizes unsorted latencies with the slowest as max', () => {
    expect(summarizeLatencies([12.5, 3, 250, 4, 5])).toEqual({
      count: 5,
      p50: 5,
      p95: 250,
      p99: 250,
      max: 250,
    });
  });

  it('says nothing was measured instead of inventing a number', () => {
    expect(summarizeLatencies([])).toBeNull();
  });
});
