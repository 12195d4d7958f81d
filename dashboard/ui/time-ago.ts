/**
 * How old a reading is, in the words a tired nurse reads at a glance: "just now",
 * "4 min ago", "3 h ago", "2 d ago". Pure: the clock is passed in.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A reading older than this is shown as old on the ward (project rule for the ward view). */
export const STALE_AFTER_MS = HOUR;

/** A length of time, rounded down to its largest unit: "45 min", "3 h", "2 d". */
export function formatDuration(ms: number): string {
  const span = Math.max(0, ms);
  if (span < HOUR) return `${Math.floor(span / MINUTE)} min`;
  if (span < DAY) return `${Math.floor(span / HOUR)} h`;
  return `${Math.floor(span / DAY)} d`;
}

/** "just now" under a minute (and for times slightly ahead of this clock), else "N min ago" etc. */
export function timeAgo(timeMs: number, nowMs: number): string {
  const age = nowMs - timeMs;
  return age < MINUTE ? 'just now' : `${formatDuration(age)} ago`;
}

export function isStale(timeMs: number, nowMs: number): boolean {
  return nowMs - timeMs > STALE_AFTER_MS;
}

const CLOCK = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A point in time in this device's time zone: "26 Nov, 14:05". */
export function formatClock(timeMs: number): string {
  return CLOCK.format(new Date(timeMs));
}

const HOUR_MINUTE = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const DAY_MONTH = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });

/**
 * A chart axis label: the date where the ticks are days apart or a tick falls on midnight
 * ("26 Nov"), else the time of day ("14:00").
 */
export function formatAxisTime(timeMs: number, tickSpacingMs: number): string {
  const date = new Date(timeMs);
  const midnight = date.getHours() === 0 && date.getMinutes() === 0;
  return tickSpacingMs >= DAY || midnight ? DAY_MONTH.format(date) : HOUR_MINUTE.format(date);
}
