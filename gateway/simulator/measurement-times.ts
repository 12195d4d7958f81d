/**
 * When a patient measures with a home device that they pick up at set times of day (a blood
 * pressure cuff morning and evening, a scale every morning):
 * each usual time strays by a few minutes from day to day, some sessions are skipped, and
 * some have a second reading a few minutes after the first (home blood pressure guidelines
 * ask for two). Every time is drawn from the seed for its day and falls on a whole second,
 * so a restarted simulation measures at the same moments and a device's time stamp names
 * the instant exactly.
 */
import type { LocalTime } from './local-time.ts';
import type { SeededNoise } from './seeded-noise.ts';
import type { ScheduledTasks, SimulationClock } from './simulation-clock.ts';

export interface MeasurementPlan {
  /** Usual times, minutes after local midnight, ascending. */
  minutes: readonly number[];
  /** A day's time strays from the usual one by up to this many minutes either way. */
  spreadMinutes: number;
  /** Share of sessions the patient skips. */
  skipChance: number;
  /** Share of sessions with a second reading, and how many minutes after the first it comes. */
  repeat?: { chance: number; afterMinutes: readonly [min: number, max: number] };
}

/** The instants at which the patient measures on local `day`, ascending. */
export function measurementTimes(
  plan: MeasurementPlan,
  noise: SeededNoise,
  local: LocalTime,
  day: number,
): number[] {
  const { spreadMinutes, repeat } = plan;
  const instant = (minute: number) => local.instant(day, Math.round(minute * 60) / 60); // whole seconds
  return plan.minutes.flatMap((usual, slot) => {
    if (noise.chance(plan.skipChance, 'skip', slot, day)) return [];
    const first = usual + noise.between(-spreadMinutes, spreadMinutes, 'session', slot, day);
    if (!repeat || !noise.chance(repeat.chance, 'repeat', slot, day)) return [instant(first)];
    const [min, max] = repeat.afterMinutes;
    return [instant(first), instant(first + noise.between(min, max, 'repeat-after', slot, day))];
  });
}

/**
 * Runs `measure` at each measurement time from now on: at each local midnight the day's
 * times are scheduled (today's that have not passed yet, when it starts), until `tasks` are
 * cancelled.
 */
export function measureDaily(
  plan: MeasurementPlan,
  o: { clock: SimulationClock; local: LocalTime; noise: SeededNoise },
  tasks: ScheduledTasks,
  measure: (atMs: number) => void,
): void {
  const planDay = (day: number) => {
    const now = o.clock.now();
    for (const at of measurementTimes(plan, o.noise, o.local, day).filter((t) => t > now)) {
      tasks.once(
        (run) => o.clock.at(at, run),
        () => measure(at),
      );
    }
    tasks.once(
      (run) => o.clock.at(o.local.instant(day + 1, 0), run),
      () => planDay(day + 1),
    );
  };
  planDay(o.local.day(o.clock.now()));
}
