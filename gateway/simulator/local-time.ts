/**
 * The patient's local time, for the simulated day (meals, sleep, tests before breakfast) and
 * for the device clocks, which health devices keep in local wall-clock time (Date Time has
 * no zone). Offsets come from gatt/date-time.ts (Intl), cached per 15 minutes: every zone
 * changes its offset on a quarter hour.
 */
import { type DateTime, wallClockToUtc, zoneOffsetMs } from '../gatt/date-time.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
const QUARTER_HOUR_MS = 15 * MINUTE_MS;

export class LocalTime {
  readonly #offsets = new Map<number, number>();
  readonly #instants = new Map<number, number>();

  constructor(readonly timeZone: string) {}

  /** The zone's offset from UTC at `utcMs`, ms. */
  offsetMs(utcMs: number): number {
    const quarter = Math.floor(utcMs / QUARTER_HOUR_MS);
    let offset = this.#offsets.get(quarter);
    if (offset === undefined) {
      offset = zoneOffsetMs(this.timeZone, quarter * QUARTER_HOUR_MS);
      if (this.#offsets.size > 10_000) this.#offsets.clear();
      this.#offsets.set(quarter, offset);
    }
    return offset;
  }

  /** What a local clock shows at `utcMs`, as ms since 1970-01-01 00:00 local. */
  wallMs(utcMs: number): number {
    return utcMs + this.offsetMs(utcMs);
  }

  /** Local days since 1970-01-01. */
  day(utcMs: number): number {
    return Math.floor(this.wallMs(utcMs) / DAY_MS);
  }

  /** Minutes since local midnight (fractional). */
  minuteOfDay(utcMs: number): number {
    const wall = this.wallMs(utcMs);
    return (wall - Math.floor(wall / DAY_MS) * DAY_MS) / MINUTE_MS;
  }

  /** The instant at which local clocks show `minuteOfDay` minutes after midnight of local `day`. */
  instant(day: number, minuteOfDay: number): number {
    const wall = day * DAY_MS + Math.round(minuteOfDay * MINUTE_MS);
    let utc = this.#instants.get(wall);
    if (utc === undefined) {
      utc = wallClockToUtc(wall, this.timeZone);
      if (this.#instants.size > 10_000) this.#instants.clear();
      this.#instants.set(wall, utc);
    }
    return utc;
  }

  /** A device clock's reading at `utcMs`, to whole seconds. */
  dateTime(utcMs: number): DateTime {
    const wall = new Date(this.wallMs(utcMs));
    return {
      year: wall.getUTCFullYear(),
      month: wall.getUTCMonth() + 1,
      day: wall.getUTCDate(),
      hours: wall.getUTCHours(),
      minutes: wall.getUTCMinutes(),
      seconds: wall.getUTCSeconds(),
    };
  }
}
