/**
 * Time for the simulated devices, injected so that models never read Date.now().
 *
 * Two kinds of timing, because a device does two kinds of things:
 * - `at(ms)`: events of the patient's day at a simulated instant (a CGM record every
 *   5 minutes, a glucose test before breakfast). Their values are functions of that instant.
 * - `every`/`after`: the device's own radio pace (a heart-rate strap notifies once a second,
 *   a meter stays awake two minutes). They run on wall-clock time, and their values come from
 *   the physiology at `now()`.
 *
 * `wallClock()` is the demo's clock: simulated time is real time. With a fast-forward it
 * starts at `fromMs` (in the past) at the moment `sinceMs`, runs `speed` times faster than
 * real time, and once it has caught up with real time it simply follows it. It is a pure
 * function of the real time, so a gateway restarted with the same settings continues the
 * same simulated timeline, and simulated time is never ahead of real time (the server refuses
 * readings from the future).
 *
 * `ManualClock` (manual-clock.ts) is the tests' clock: time moves only when told to.
 */

export type Cancel = () => void;

export interface SimulationClock {
  /** Simulated time, ms since the epoch. */
  now(): number;
  /** Runs `task` once simulated time reaches `atMs` (soon, when it already has). */
  at(atMs: number, task: () => void): Cancel;
  /** Runs `task` every `intervalMs` at the radio's pace. */
  every(intervalMs: number, task: () => void): Cancel;
  /** Runs `task` once, `delayMs` from now at the radio's pace. */
  after(delayMs: number, task: () => void): Cancel;
}

export interface FastForward {
  /** Simulated time at `sinceMs`. */
  fromMs: number;
  /** Real time at which the simulation was at `fromMs`. */
  sinceMs: number;
  /** Simulated ms per real ms until the simulation catches up with real time (at least 1). */
  speed: number;
}

export class FastForwardError extends Error {
  constructor(
    readonly setting: string,
    readonly value: number,
    readonly expected: string,
  ) {
    super(`simulation fast-forward ${setting} = ${value}: expected ${expected}`);
    this.name = 'FastForwardError';
  }
}

/** setTimeout's longest delay is 2^31 - 1 ms; longer waits are made of several. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export function wallClock(fastForward?: FastForward, realNow: () => number = Date.now): SimulationClock {
  if (fastForward && !(fastForward.speed >= 1)) {
    throw new FastForwardError('speed', fastForward.speed, 'a number of at least 1');
  }
  if (fastForward && fastForward.fromMs > fastForward.sinceMs) {
    throw new FastForwardError('fromMs', fastForward.fromMs, 'a time no later than sinceMs');
  }
  const now = (): number => {
    const real = realNow();
    if (!fastForward) return real;
    const { fromMs, sinceMs, speed } = fastForward;
    return Math.min(fromMs + Math.max(0, real - sinceMs) * speed, real);
  };
  /** The real time at which the simulation reaches `simulatedMs`. */
  const realTimeOf = (simulatedMs: number): number => {
    if (!fastForward) return simulatedMs;
    const { fromMs, sinceMs, speed } = fastForward;
    return Math.max(sinceMs + (simulatedMs - fromMs) / speed, simulatedMs);
  };
  const at = (atMs: number, task: () => void): Cancel => {
    let timer: NodeJS.Timeout | undefined;
    const wait = () => {
      const delay = realTimeOf(atMs) - realNow();
      if (delay <= 0 && now() >= atMs) {
        task();
        return;
      }
      timer = setTimeout(wait, Math.min(Math.max(delay, 1), LONGEST_TIMER_MS));
    };
    timer = setTimeout(wait, 0);
    return () => clearTimeout(timer);
  };
  return {
    now,
    at,
    every: (intervalMs, task) => {
      const timer = setInterval(task, intervalMs);
      return () => clearInterval(timer);
    },
    after: (delayMs, task) => {
      const timer = setTimeout(task, delayMs);
      return () => clearTimeout(timer);
    },
  };
}

/** The timers a device model started, cancelled together when it stops. */
export class ScheduledTasks {
  readonly #cancels = new Set<Cancel>();

  /** Keeps `cancel` until `cancelAll`; returns a cancel that also forgets it. */
  add(cancel: Cancel): Cancel {
    this.#cancels.add(cancel);
    return () => {
      this.#cancels.delete(cancel);
      cancel();
    };
  }

  /** Schedules a one-off task (`schedule` is e.g. `(run) => clock.at(ms, run)`) that is forgotten once it ran. */
  once(schedule: (run: () => void) => Cancel, task: () => void): void {
    let cancel: Cancel | undefined;
    cancel = schedule(() => {
      if (cancel) this.#cancels.delete(cancel);
      task();
    });
    this.#cancels.add(cancel);
  }

  cancelAll(): void {
    for (const cancel of this.#cancels) cancel();
    this.#cancels.clear();
  }
}
