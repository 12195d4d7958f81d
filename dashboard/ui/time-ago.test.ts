import { describe, expect, it } from 'vitest';
import { formatAxisTime, formatDuration, isStale, timeAgo } from './time-ago.ts';

const NOW = Date.parse('2026-11-26T10:00:00Z');
const minutesAgo = (m: number) => NOW - m * 60_000;

describe('timeAgo', () => {
  it.each([
    [0, 'just now'],
    [0.9, 'just now'],
    [1, '1 min ago'],
    [2.5, '2 min ago'],
    [59, '59 min ago'],
    [60, '1 h ago'],
    [179, '2 h ago'],
    [24 * 60 - 1, '23 h ago'],
    [24 * 60, '1 d ago'],
    [3 * 24 * 60 + 5, '3 d ago'],
  ])('says a reading %s min old is "%s"', (minutes, words) => {
    expect(timeAgo(minutesAgo(minutes), NOW)).toBe(words);
  });

  it('says "just now" for a time slightly ahead of this clock rather than a negative age', () => {
    expect(timeAgo(NOW + 30_000, NOW)).toBe('just now');
  });
});

describe('formatDuration', () => {
  it('rounds down to the largest unit', () => {
    expect(formatDuration(45 * 60_000)).toBe('45 min');
    expect(formatDuration(3 * 3_600_000 + 59 * 60_000)).toBe('3 h');
    expect(formatDuration(50 * 3_600_000)).toBe('2 d');
  });
});

describe('isStale', () => {
  it('turns a reading old after one hour, not before', () => {
    expect(isStale(minutesAgo(60), NOW)).toBe(false);
    expect(isStale(minutesAgo(61), NOW)).toBe(true);
  });
});

describe('formatAxisTime', () => {
  const local = (h: number, m = 0) => new Date(2026, 10, 26, h, m).getTime();
  it('labels hourly ticks with the time of day, and the midnight tick with the date', () => {
    expect(formatAxisTime(local(14), 3_600_000)).toBe('14:00');
    expect(formatAxisTime(local(0), 3_600_000)).toBe('26 Nov');
  });
  it('labels daily ticks with the date', () => {
    expect(formatAxisTime(local(12), 86_400_000)).toBe('26 Nov');
  });
});
