import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './reconnect-backoff.ts';

const policy = { initialMs: 1_000, maxMs: 60_000 };

describe('reconnectDelayMs', () => {
  it.each([
    // attempt, random, delay: between half the ceiling and the ceiling, the ceiling doubling up to maxMs
    [1, 0, 500],
    [1, 0.999, 1_000],
    [2, 0.5, 1_500],
    [3, 0, 2_000],
    [6, 0, 16_000],
    [7, 0.999, 59_970],
    [20, 0, 30_000],
  ])('attempt %i with random %f waits %i ms', (attempt, random, delay) => {
    expect(reconnectDelayMs(attempt, policy, () => random)).toBe(delay);
  });
});
