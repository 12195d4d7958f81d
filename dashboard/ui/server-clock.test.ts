import { describe, expect, it } from 'vitest';
import { createServerClock } from './server-clock.ts';

describe('createServerClock', () => {
  it("follows the server's time when this device's clock is wrong", () => {
    let device = Date.parse('2026-11-26T09:00:00Z');
    const clock = createServerClock(() => device);
    clock.sync('2026-11-26T10:00:00Z');
    device += 60_000;
    expect(new Date(clock.now()).toISOString()).toBe('2026-11-26T10:01:00.000Z');
  });

  it('keeps the last good offset when the server time cannot be read', () => {
    const clock = createServerClock(() => 1000);
    clock.sync('not a time');
    expect(clock.now()).toBe(1000);
  });
});
