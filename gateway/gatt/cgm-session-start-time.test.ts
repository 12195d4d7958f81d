import { describe, expect, it } from 'vitest';
import {
  CGM_SESSION_START_TIME_NAME,
  type CgmSessionStartTime,
  decodeCgmSessionStartTime,
  encodeCgmSessionStartTime,
  sessionStartToUtc,
} from './cgm-session-start-time.ts';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';

const startTime = { year: 2026, month: 11, day: 24, hours: 8, minutes: 0, seconds: 0 };
const karachi = { timeZone: 'Asia/Karachi' };
const start = (fields: Partial<CgmSessionStartTime>): CgmSessionStartTime => ({
  startTime,
  timeZoneQuarterHours: 20,
  dstOffset: 'standard_time',
  ...fields,
});
const iso = (result: ReturnType<typeof sessionStartToUtc>) =>
  result.ok ? new Date(result.ms).toISOString() : result;

describe('CGM Session Start Time', () => {
  it.each<[string, boolean, CgmSessionStartTime]>([
    ['ea 07 0b 18 08 00 00 14 00', false, start({})],
    ['ea 07 0b 18 08 00 00 14 00 10 5e', true, start({})],
    ['ea 07 0b 18 08 00 00 80 ff', false, start({ timeZoneQuarterHours: null, dstOffset: 'unknown' })],
    [
      'ea 07 0b 18 08 00 00 d0 08',
      false,
      start({ timeZoneQuarterHours: -48, dstOffset: 'double_daylight_time' }),
    ],
  ])('decodes %s (E2E-CRC %s)', (hex, e2eCrc, expected) => {
    expect(decodedValue(decodeCgmSessionStartTime(hexBytes(hex), { e2eCrc }))).toEqual(expected);
    expect(formatHexBytes(encodeCgmSessionStartTime(expected, { e2eCrc }))).toBe(hex);
  });

  it.each<[string, boolean, RejectionRow]>([
    [
      'crc',
      true,
      [
        'ea 07 0b 18 08 00 00 14 00 10 5f',
        'crc',
        9,
        'E2E-CRC mismatch at offset 9: value says 0x5f10, computed 0x5e10',
      ],
    ],
    [
      'zone',
      false,
      [
        'ea 07 0b 18 08 00 00 39 00',
        'reserved',
        7,
        'reserved value at offset 7: time zone 57 is outside -48..56',
      ],
    ],
    [
      'dst',
      false,
      ['ea 07 0b 18 08 00 00 14 01', 'reserved', 8, 'reserved value at offset 8: DST offset 1 is reserved'],
    ],
    [
      'crc missing',
      false,
      [
        'ea 07 0b 18 08 00 00 14 00 10 5e',
        'trailing',
        9,
        'unexpected trailing bytes at offset 9: 2 bytes after the last field',
      ],
    ],
  ])('rejects a bad %s', (_what, e2eCrc, row) => {
    expectRejection(
      decodeCgmSessionStartTime(hexBytes(row[0]), { e2eCrc }),
      CGM_SESSION_START_TIME_NAME,
      row,
    );
  });

  it('places the start in UTC with its own zone and DST offset', () => {
    expect(iso(sessionStartToUtc(start({}), { timeZone: 'UTC' }))).toBe('2026-11-24T03:00:00.000Z');
    expect(
      iso(sessionStartToUtc(start({ timeZoneQuarterHours: 4, dstOffset: 'daylight_time' }), karachi)),
    ).toBe('2026-11-24T06:00:00.000Z');
    expect(
      iso(
        sessionStartToUtc(
          start({ timeZoneQuarterHours: 14, dstOffset: 'half_an_hour_daylight_time' }),
          karachi,
        ),
      ),
    ).toBe('2026-11-24T04:00:00.000Z');
  });

  it("falls back to the device's IANA zone when zone or DST is unknown, and corrects the clock offset", () => {
    const unknownZone = start({ timeZoneQuarterHours: null, dstOffset: 'unknown' });
    expect(iso(sessionStartToUtc(unknownZone, { ...karachi, clockOffsetMs: -60_000 }))).toBe(
      '2026-11-24T03:01:00.000Z',
    );
    expect(sessionStartToUtc(start({ startTime: { ...startTime, year: null } }), karachi).ok).toBe(false);
  });
});
