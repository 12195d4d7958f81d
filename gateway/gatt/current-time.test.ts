import { describe, expect, it } from 'vitest';
import { CURRENT_TIME_NAME, type CurrentTime, decodeCurrentTime, encodeCurrentTime } from './current-time.ts';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';

const tuesday8am = { year: 2026, month: 11, day: 24, hours: 8, minutes: 0, seconds: 0 };

describe('Current Time', () => {
  it.each<[string, CurrentTime]>([
    // Tuesday 2026-11-24 08:00:00.5, set by hand.
    [
      'ea 07 0b 18 08 00 00 02 80 01',
      { dateTime: tuesday8am, dayOfWeek: 2, fractions256: 128, adjustReason: 1 },
    ],
    [
      '00 00 00 00 0a 1e 00 00 00 00',
      {
        dateTime: { year: null, month: null, day: null, hours: 10, minutes: 30, seconds: 0 },
        dayOfWeek: null,
        fractions256: 0,
        adjustReason: 0,
      },
    ],
  ])('decodes %s and encodes it back', (hex, expected) => {
    expect(decodedValue(decodeCurrentTime(hexBytes(hex)))).toEqual(expected);
    expect(formatHexBytes(encodeCurrentTime(expected))).toBe(hex);
  });

  it.each<RejectionRow>([
    ['ea 07 0b 18 08 00 00 08 00 00', 'reserved', 7, 'reserved value at offset 7: day of week 8 is reserved'],
    [
      'ea 07 0b 18 08 00 00 02 00 10',
      'reserved',
      9,
      'reserved value at offset 9: adjust reason 0x10 sets reserved bits',
    ],
    [
      'ea 07 0b 18 08 00 00 02 00',
      'truncated',
      9,
      'truncated at offset 9: expected 1 byte for adjust reason, got 0',
    ],
  ])('refuses %s (%s)', (...row) => {
    expectRejection(decodeCurrentTime(hexBytes(row[0])), CURRENT_TIME_NAME, row);
  });
});
