/**
 * The once-a-second schedule of a generator process's gateways: each gateway has its own
 * phase within the second (real gateways are not synchronised), and every second it is
 * due at epoch + second + phase. `runDue` hands out everything due by `nowMs`, in time
 * order, and remembers how late it was: a generator that cannot keep up shows here.
 */
export interface Phased<T> {
  phaseMs: number;
  item: T;
}

/** `count` phases spread evenly over a second (golden-ratio steps), in ms. */
export function spreadPhases(count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.floor(((i * 0.6180339887) % 1) * 1000));
}

export class PacedSchedule<T> {
  private readonly entries: Phased<T>[];
  private second = 0;
  private next = 0;
  /** Worst lateness (ms) of a due second since the last `resetLag`. */
  lagMaxMs = 0;

  constructor(
    entries: readonly Phased<T>[],
    private readonly epochMs: number,
  ) {
    this.entries = [...entries].sort((a, b) => a.phaseMs - b.phaseMs);
  }

  /** Calls `fire(item, dueMs)` for every entry due at or before `nowMs`. */
  runDue(nowMs: number, fire: (item: T, dueMs: number) => void): void {
    for (;;) {
      const entry = this.entries[this.next];
      if (!entry) return;
      const dueMs = this.epochMs + this.second * 1000 + entry.phaseMs;
      if (dueMs > nowMs) return;
      fire(entry.item, dueMs);
      this.lagMaxMs = Math.max(this.lagMaxMs, nowMs - dueMs);
      this.next++;
      if (this.next === this.entries.length) {
        this.next = 0;
        this.second++;
      }
    }
  }

  resetLag(): void {
    this.lagMaxMs = 0;
  }
}
