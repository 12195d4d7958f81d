/**
 * Date Time (0x2A08, 7 bytes, also embedded in glucose, PLX and CGM values): the device's
 * local wall-clock time, no zone. year 0, month 0 and day 0 mean "unknown" and decode to
 * null, so an unknown date can never pass for a real one.
 *
 * deviceTimeToUtc converts that wall-clock time to UTC for an IANA time zone (Pakistan is
 * Asia/Karachi, UTC+5 without DST) using Intl, and corrects a measured device clock offset.
 */
import { type ByteReader, decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import type { Decoded } from './decode-result.ts';

export const DATE_TIME_NAME = 'Date Time';

export interface DateTime {
  /** 1582-9999; null when the device sent 0 (unknown). */
  year: number | null;
  /** 1-12; null when unknown. */
  month: number | null;
  /** 1-31; null when unknown. */
  day: number | null;
  hours: number;
  minutes: number;
  seconds: number;
}

/** Byte offset within the 7 bytes, range, and whether 0 means unknown. */
const FIELDS = [
  { key: 'year', offset: 0, min: 1582, max: 9999, zeroUnknown: true },
  { key: 'month', offset: 2, min: 1, max: 12, zeroUnknown: true },
  { key: 'day', offset: 3, min: 1, max: 31, zeroUnknown: true },
  { key: 'hours', offset: 4, min: 0, max: 23, zeroUnknown: false },
  { key: 'minutes', offset: 5, min: 0, max: 59, zeroUnknown: false },
  { key: 'seconds', offset: 6, min: 0, max: 59, zeroUnknown: false },
] as const;

export function readDateTime(reader: ByteReader, field: string): DateTime {
  const start = reader.offset;
  const raw = {
    year: reader.uint16(`${field} year`),
    month: reader.uint8(`${field} month`),
    day: reader.uint8(`${field} day`),
    hours: reader.uint8(`${field} hours`),
    minutes: reader.uint8(`${field} minutes`),
    seconds: reader.uint8(`${field} seconds`),
  };
  for (const f of FIELDS) {
    const value = raw[f.key];
    if ((value < f.min || value > f.max) && !(f.zeroUnknown && value === 0)) {
      reader.fail(
        'reserved',
        `${field} ${f.key}`,
        start + f.offset,
        `${field} ${f.key} ${value} is outside ${f.min}-${f.max}`,
      );
    }
  }
  const unknownAsNull = (value: number) => (value === 0 ? null : value);
  return {
    year: unknownAsNull(raw.year),
    month: unknownAsNull(raw.month),
    day: unknownAsNull(raw.day),
    hours: raw.hours,
    minutes: raw.minutes,
    seconds: raw.seconds,
  };
}

export function writeDateTime(writer: ByteWriter, dateTime: DateTime, field: string): ByteWriter {
  return writer
    .uint16(dateTime.year ?? 0, `${field} year`)
    .uint8(dateTime.month ?? 0, `${field} month`)
    .uint8(dateTime.day ?? 0, `${field} day`)
    .uint8(dateTime.hours, `${field} hours`)
    .uint8(dateTime.minutes, `${field} minutes`)
    .uint8(dateTime.seconds, `${field} seconds`);
}

export function decodeDateTime(bytes: Uint8Array): Decoded<DateTime> {
  return decodeGatt(DATE_TIME_NAME, bytes, (reader) => readDateTime(reader, 'date time'));
}

export function encodeDateTime(dateTime: DateTime): Uint8Array {
  return writeDateTime(new ByteWriter(), dateTime, 'date time').toBytes();
}

/** A time in ms since the epoch, or why there is none. */
export type TimeResult = { ok: true; ms: number } | { ok: false; reason: string };

export interface DeviceClock {
  /** IANA zone the device clock is set to, e.g. 'Asia/Karachi'. */
  timeZone: string;
  /** Measured device clock minus true time, ms (positive: the device runs ahead). */
  clockOffsetMs?: number;
}

/**
 * The wall-clock reading as if it were UTC, plus `offsetMinutes` (e.g. a glucose time
 * offset), or why it has no date: an unknown field or a day the month does not have.
 */
export function wallClockMs(dateTime: DateTime, offsetMinutes = 0): TimeResult {
  const { year, month, day } = dateTime;
  if (year === null || month === null || day === null) {
    const unknown = (['year', 'month', 'day'] as const).filter((k) => dateTime[k] === null);
    return { ok: false, reason: `device date unknown (${unknown.join(', ')} not set)` };
  }
  const ms = Date.UTC(year, month - 1, day, dateTime.hours, dateTime.minutes, dateTime.seconds);
  if (new Date(ms).getUTCDate() !== day) {
    return { ok: false, reason: `device date ${year}-${month}-${day} does not exist` };
  }
  return { ok: true, ms: ms + offsetMinutes * 60_000 };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at the instant `utcMs`, in ms (Asia/Karachi: +5 h). */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(utcMs));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  const wholeSeconds = utcMs - (((utcMs % 1000) + 1000) % 1000);
  return wall - wholeSeconds;
}

/**
 * The UTC instant at which clocks in `timeZone` show `wallMs`. Around a DST change the
 * zone offset is looked up a second time: a time in the skipped hour moves forward by the
 * gap (02:30 -> 03:30), a time that occurs twice takes the later occurrence.
 */
export function wallClockToUtc(wallMs: number, timeZone: string): number {
  const guess = wallMs - zoneOffsetMs(timeZone, wallMs);
  const offset = zoneOffsetMs(timeZone, guess);
  return wallMs - offset;
}

/** Device wall-clock time (+ offsetMinutes) -> UTC ms, corrected for the device clock offset. */
export function deviceTimeToUtc(dateTime: DateTime, clock: DeviceClock, offsetMinutes = 0): TimeResult {
  const wall = wallClockMs(dateTime, offsetMinutes);
  if (!wall.ok) return wall;
  try {
    return { ok: true, ms: wallClockToUtc(wall.ms, clock.timeZone) - (clock.clockOffsetMs ?? 0) };
  } catch (err) {
    return { ok: false, reason: `time zone '${clock.timeZone}' is not usable: ${(err as Error).message}` };
  }
}

export const DATE_TIME = plain({
  uuid: '2a08',
  name: DATE_TIME_NAME,
  decode: decodeDateTime,
  examples: [
    { hex: 'ea 07 0b 1a 09 00 00', what: '2026-11-26 09:00:00' },
    { hex: 'ea 07 0b 18 08 00 00', what: '2026-11-24 08:00:00' },
    { hex: '00 00 00 00 0a 1e 00', what: 'date unknown, 10:30:00' },
  ],
});
