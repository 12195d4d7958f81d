import { describe, expect, it } from 'vitest';
import { FailureThrottle } from './failure-throttle.ts';

describe('the failure throttle', () => {
  const MIN = 60_000;
  let now = 0;
  const throttle = () => new FailureThrottle({ max: 3, windowMs: 15 * MIN, now: () => now, maxKeys: 2 });

  it('refuses a pair after its failures, until the oldest leaves the window', () => {
    now = 0;
    const t = throttle();
    for (const at of [0, MIN, 2 * MIN]) {
      now = at;
      expect(t.waitMs('ip|dr.sana')).toBe(0);
      t.failed('ip|dr.sana');
    }
    expect(t.waitMs('ip|dr.sana')).toBe(13 * MIN);
    expect(t.waitMs('ip|nurse.bilal')).toBe(0);
    now = 15 * MIN + 1;
    expect(t.waitMs('ip|dr.sana')).toBe(0);
  });

  it('never counts successful logins, and a success clears the failures', () => {
    now = 0;
    const t = throttle();
    t.failed('ip|dr.sana');
    t.failed('ip|dr.sana');
    t.succeeded('ip|dr.sana');
    t.failed('ip|dr.sana');
    expect(t.waitMs('ip|dr.sana')).toBe(0);
  });

  it('keeps at most maxKeys pairs, forgetting the least recently failed', () => {
    now = 0;
    const t = throttle();
    for (const key of ['a', 'b', 'c']) for (let i = 0; i < 3; i++) t.failed(key);
    expect(['a', 'b', 'c'].map((key) => t.waitMs(key) > 0)).toEqual([false, true, true]);
  });
});
