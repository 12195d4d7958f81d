import { describe, expect, it } from 'vitest';
import { backoffDelayMs, retryWithBackoff } from './backoff.ts';

describe('retryWithBackoff', () => {
  it('doubles the wait after each failure up to the maximum', () => {
    const o = { initialMs: 500, maxMs: 3_000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, o))).toEqual([500, 1_000, 2_000, 3_000, 3_000]);
  });

  it('retries until the work succeeds, telling of each failure', async () => {
    let calls = 0;
    const waits: number[] = [];
    const result = await retryWithBackoff(
      async () => {
        calls++;
        if (calls < 3) throw new Error(`down ${calls}`);
        return 'stored';
      },
      { initialMs: 1, maxMs: 2, onFailure: (_err, ms) => waits.push(ms) },
    );
    expect(result).toBe('stored');
    expect(waits).toEqual([1, 2]);
  });

  it('throws at once an error that is not worth retrying', async () => {
    let calls = 0;
    const work = async () => {
      calls++;
      throw new Error('invalid input syntax');
    };
    await expect(retryWithBackoff(work, { initialMs: 1, maxMs: 1, retryable: () => false })).rejects.toThrow(
      'invalid input syntax',
    );
    expect(calls).toBe(1);
  });

  it('stops waiting when its signal aborts', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const run = retryWithBackoff(
      async () => {
        throw new Error('down');
      },
      { initialMs: 60_000, maxMs: 60_000, signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('shutting down')), 20);
    await expect(run).rejects.toThrow('shutting down');
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
