import { describe, expect, it } from 'vitest';
import { PacedSchedule, spreadPhases } from './paced-schedule.ts';

describe('the once-a-second schedule of simulated gateways', () => {
  it('hands out each gateway once a second at its own phase, in time order', () => {
    const schedule = new PacedSchedule(
      [
        { phaseMs: 800, item: 'c' },
        { phaseMs: 0, item: 'a' },
        { phaseMs: 400, item: 'b' },
      ],
      10_000,
    );
    const fired: [string, number][] = [];
    const fire = (item: string, dueMs: number) => fired.push([item, dueMs]);
    schedule.runDue(10_500, fire);
    expect(fired).toEqual([
      ['a', 10_000],
      ['b', 10_400],
    ]);
    schedule.runDue(11_000, fire);
    expect(fired.slice(2)).toEqual([
      ['c', 10_800],
      ['a', 11_000],
    ]);
  });

  it('catches up after a stall and reports how late it was', () => {
    const schedule = new PacedSchedule([{ phaseMs: 0, item: 'a' }], 0);
    const fired: number[] = [];
    schedule.runDue(2_300, (_item, dueMs) => fired.push(dueMs));
    expect(fired).toEqual([0, 1000, 2000]);
    expect(schedule.lagMaxMs).toBe(2_300);
    schedule.resetLag();
    schedule.runDue(3_050, () => {});
    expect(schedule.lagMaxMs).toBe(50);
  });

  it('spreads phases over the whole second', () => {
    const phases = spreadPhases(1000);
    expect(Math.min(...phases)).toBe(0);
    expect(Math.max(...phases)).toBeGreaterThan(990);
    const perTenth = Array.from(
      { length: 10 },
      (_, t) => phases.filter((p) => Math.floor(p / 100) === t).length,
    );
    expect(Math.min(...perTenth)).toBeGreaterThanOrEqual(95);
  });
});
