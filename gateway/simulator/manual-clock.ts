/**
 * A simulation clock for tests: time stands still until `advance` moves it, running every
 * task that falls due on the way, in time order (ties in the order they were scheduled).
 * Radio-paced tasks (`every`, `after`) run on simulated time too. Not used by the gateway.
 */
import type { Cancel, SimulationClock } from './simulation-clock.ts';

interface Task {
  dueMs: number;
  order: number;
  run: () => void;
  cancelled: boolean;
}

export class ManualClock implements SimulationClock {
  #nowMs: number;
  #order = 0;
  #tasks: Task[] = [];

  constructor(startMs: number) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  at(atMs: number, task: () => void): Cancel {
    return this.#schedule(Math.max(atMs, this.#nowMs), task);
  }

  after(delayMs: number, task: () => void): Cancel {
    return this.#schedule(this.#nowMs + delayMs, task);
  }

  every(intervalMs: number, task: () => void): Cancel {
    let cancelNext: Cancel = () => {};
    let stopped = false;
    const tick = () => {
      if (stopped) return;
      cancelNext = this.after(intervalMs, tick);
      task();
    };
    cancelNext = this.after(intervalMs, tick);
    return () => {
      stopped = true;
      cancelNext();
    };
  }

  /** Moves time forward by `ms`, running the tasks due on the way. */
  advance(ms: number): void {
    const until = this.#nowMs + ms;
    for (;;) {
      const next = this.#nextDue(until);
      if (!next) break;
      this.#nowMs = next.dueMs;
      next.run();
    }
    this.#nowMs = until;
  }

  #schedule(dueMs: number, run: () => void): Cancel {
    const task: Task = { dueMs, order: this.#order++, run, cancelled: false };
    this.#tasks.push(task);
    return () => {
      task.cancelled = true;
    };
  }

  #nextDue(until: number): Task | undefined {
    this.#tasks = this.#tasks.filter((t) => !t.cancelled);
    let next: Task | undefined;
    for (const task of this.#tasks) {
      if (task.dueMs > until) continue;
      if (!next || task.dueMs < next.dueMs || (task.dueMs === next.dueMs && task.order < next.order)) {
        next = task;
      }
    }
    if (next) next.cancelled = true;
    return next;
  }
}
