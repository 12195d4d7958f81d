import { describe, expect, it } from 'vitest';
import {
  DATE_TIME_NAME,
  type DateTime,
  decodeDateTime,
  deviceTimeToUtc,
  encodeDateTime,
  wallClockToUtc,
  zoneOffsetMs,
} from './date-time.ts';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';

const at = (
  year: number | null,
  month: number | null,
  day: number | null,
  hours = 8,
  minutes = 0,
  seconds = 0,
) => ({
  year,
  month,
  day,
  hours,
  minutes,
  seconds,
});
const karachi = { timeZone: 'Asia/Karachi' };
const utc = (result: ReturnType<typeof deviceTimeToUtc>) =>
  result.ok ? new Date(result.ms).toISOString() : result;

describe('Date Time', () => {
  it.each<[string, DateTime]>([
    ['ea 07 0b 18 08 00 00', at(2026, 11, 24)],
    ['2e 06 01 01 00 00 00', at(1582, 1, 1, 0)],
    ['0f 27 0c 1f 17 3b 3b', at(9999, 12, 31, 23, 59, 59)],
    ['00 00 00 00 0a 1e 00', at(null, null, null, 10, 30)],
    ['ea 07 00 18 08 00 00', at(2026, null, 24)],
  ])('decodes %s, unknown fields as null', (hex, expected) => {
    expect(decodedValue(decodeDateTime(hexBytes(hex)))).toEqual(expected);
    expect(formatHexBytes(encodeDateTime(expected))).toBe(hex);
  });

  it.each<RejectionRow>([
    [
      'e8 03 01 01 00 00 00',
      'reserved',
      0,
      'reserved value at offset 0: date time year 1000 is outside 1582-9999',
    ],
    ['ea 07 0d 01 00 00 00', 'reserved', 2, 'reserved value at offset 2: date time month 13 is outside 1-12'],
    ['ea 07 01 20 00 00 00', 'reserved', 3, 'reserved value at offset 3: date time day 32 is outside 1-31'],
    ['ea 07 01 01 18 00 00', 'reserved', 4, 'reserved value at offset 4: date time hours 24 is outside 0-23'],
    [
      'ea 07 01 01 00 3c 00',
      'reserved',
      5,
      'reserved value at offset 5: date time minutes 60 is outside 0-59',
    ],
    [
      'ea 07 01 01 00 00 3c',
      'reserved',
      6,
      'reserved value at offset 6: date time seconds 60 is outside 0-59',
    ],
    [
      'ea 07 01 01 00 00',
      'truncated',
      6,
      'truncated at offset 6: expected 1 byte for date time seconds, got 0',
    ],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodeDateTime(hexBytes(row[0])), DATE_TIME_NAME, row);
  });
});

describe('deviceTimeToUtc', () => {
  it('reads a Karachi wall-clock time as UTC+5', () => {
    expect(utc(deviceTimeToUtc(at(2026, 11, 24), karachi))).toBe('2026-11-24T03:00:00.000Z');
  });

  it('adds a time offset in minutes, across midnight', () => {
    expect(utc(deviceTimeToUtc(at(2026, 11, 24, 4, 30), karachi, -300))).toBe('2026-11-23T18:30:00.000Z');
  });

  it('corrects a device clock that runs 2 minutes ahead', () => {
    expect(utc(deviceTimeToUtc(at(2026, 11, 24), { ...karachi, clockOffsetMs: 120_000 }))).toBe(
      '2026-11-24T02:58:00.000Z',
    );
  });

  it('follows daylight saving time in zones that have it', () => {
    const berlin = { timeZone: 'Europe/Berlin' };
    expect(utc(deviceTimeToUtc(at(2026, 7, 1, 12), berlin))).toBe('2026-07-01T10:00:00.000Z');
    expect(utc(deviceTimeToUtc(at(2026, 1, 15, 12), berlin))).toBe('2026-01-15T11:00:00.000Z');
    expect(utc(deviceTimeToUtc(at(2026, 3, 29, 3, 30), berlin))).toBe('2026-03-29T01:30:00.000Z');
  });

  it('moves a time in the spring-forward gap forward, and takes the later of a repeated autumn time', () => {
    const berlin = { timeZone: 'Europe/Berlin' };
    expect(utc(deviceTimeToUtc(at(2026, 3, 29, 2, 30), berlin))).toBe('2026-03-29T01:30:00.000Z');
    expect(utc(deviceTimeToUtc(at(2026, 10, 25, 2, 30), berlin))).toBe('2026-10-25T01:30:00.000Z');
  });

  it('refuses an unknown date, a date that does not exist and an unknown zone', () => {
    expect(deviceTimeToUtc(at(null, 11, 24), karachi)).toEqual({
      ok: false,
      reason: 'device date unknown (year not set)',
    });
    expect(deviceTimeToUtc(at(2026, 2, 30), karachi)).toEqual({
      ok: false,
      reason: 'device date 2026-2-30 does not exist',
    });
    const zone = deviceTimeToUtc(at(2026, 11, 24), { timeZone: 'Asia/Nowhere' });
    expect(zone.ok).toBe(false);
  });

  it('knows the Karachi offset and inverts it', () => {
    const instant = Date.UTC(2026, 5, 1, 12, 0, 0, 250);
    expect(zoneOffsetMs('Asia/Karachi', instant)).toBe(5 * 3600_000);
    expect(wallClockToUtc(instant + 5 * 3600_000, 'Asia/Karachi')).toBe(instant);
  });
});
