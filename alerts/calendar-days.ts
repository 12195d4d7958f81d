/**
 * Calendar days for the rules that count days (a 7-day mean, a gain within 3 days): the
 * day a reading was taken on, as the clinic's clock shows it. The engine knows one time
 * zone, the alert policy's (the clinic's, default UTC); patients of a clinic live in its
 * zone. A day is written `YYYY-MM-DD`, so days sort as strings and step as dates.
 */
import { z } from 'zod';

export const CalendarDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a day such as 2026-11-24');
export type CalendarDay = z.infer<typeof CalendarDay>;

const DAY_MS = 86_400_000;
/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

const DAY_PARTS = { year: 'numeric', month: '2-digit', day: '2-digit' } as const;

function newFormatter(timeZone: string): Intl.DateTimeFormat {
  const made = new Intl.DateTimeFormat('en-CA', { timeZone, ...DAY_PARTS });
  formatters.set(timeZone, made);
  return made;
}

/** The day `time` (ms since the epoch) falls on in `timeZone`. */
export function calendarDay(time: number, timeZone: string): CalendarDay {
  const formatter = formatters.get(timeZone) ?? newFormatter(timeZone);
  const { year, month, day } = Object.fromEntries(
    formatter.formatToParts(time).map((p) => [p.type, p.value]),
  );
  return `${year}-${month}-${day}`;
}

/** The day `days` days after `day` (before it when negative). */
export function shiftDay(day: CalendarDay, days: number): CalendarDay {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Minutes after local midnight of `time` in `timeZone` (0-1439). */
function minuteOfDay(time: number, timeZone: string): number {
  const formatter =
    clockFormatters.get(timeZone) ??
    new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  clockFormatters.set(timeZone, formatter);
  const { hour, minute } = Object.fromEntries(formatter.formatToParts(time).map((p) => [p.type, p.value]));
  return Number(hour) * 60 + Number(minute);
}
const clockFormatters = new Map<string, Intl.DateTimeFormat>();

/** The clinic's clock at `time`, to the minute, written as if it were UTC. */
function wallClock(time: number, timeZone: string): number {
  return Date.parse(`${calendarDay(time, timeZone)}T00:00:00Z`) + minuteOfDay(time, timeZone) * 60_000;
}

const HALF_DAY_MS = DAY_MS / 2;

/**
 * The instant the clinic's clock shows `minutes` after midnight on `day` (a prescribed
 * "07:00"), from the zone's offsets half a day either side. In an hour that repeats (clocks
 * going back) the first of the two; in one that is skipped (clocks going forward) the time
 * the clocks show after the jump, the same minutes on: 01:30 in London on the day of the
 * change is 02:30 BST.
 */
export function localInstant(day: CalendarDay, minutes: number, timeZone: string): number {
  const wall = Date.parse(`${day}T00:00:00Z`) + minutes * 60_000;
  const offsetAt = (time: number) => wallClock(time, timeZone) - time;
  const before = wall - offsetAt(wall - HALF_DAY_MS);
  const after = wall - offsetAt(wall + HALF_DAY_MS);
  const shown = [before, after].filter((t) => wallClock(t, timeZone) === wall).sort((a, b) => a - b);
  return shown[0] ?? before;
}
