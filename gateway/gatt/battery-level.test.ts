import { describe, expect, it } from 'vitest';
import { BATTERY_LEVEL_NAME, decodeBatteryLevel, encodeBatteryLevel } from './battery-level.ts';
import { GattEncodeError } from './decode-result.ts';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';

describe('Battery Level', () => {
  it.each([
    ['00', 0],
    ['32', 50],
    ['64', 100],
  ])('decodes %s as %i %', (hex, percent) => {
    expect(decodedValue(decodeBatteryLevel(hexBytes(hex)))).toEqual({ percent });
    expect(formatHexBytes(encodeBatteryLevel({ percent }))).toBe(hex);
  });

  it.each<RejectionRow>([
    ['65', 'reserved', 0, 'reserved value at offset 0: battery level 101 is above 100 %'],
    ['', 'truncated', 0, 'truncated at offset 0: expected 1 byte for battery level, got 0'],
    ['64 00', 'trailing', 1, 'unexpected trailing bytes at offset 1: 1 byte after the last field'],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodeBatteryLevel(hexBytes(row[0])), BATTERY_LEVEL_NAME, row);
  });

  it('refuses to encode more than 100 %', () => {
    expect(() => encodeBatteryLevel({ percent: 101 })).toThrow(GattEncodeError);
  });
});
