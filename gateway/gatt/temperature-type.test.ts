import { describe, expect, it } from 'vitest';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';
import {
  decodeTemperatureType,
  encodeTemperatureType,
  TEMPERATURE_TYPE_NAME,
  TEMPERATURE_TYPES,
  type TemperatureTypeName,
} from './temperature-type.ts';

describe('Temperature Type', () => {
  it.each<[string, TemperatureTypeName]>([
    ['01', 'armpit'],
    ['02', 'body'],
    ['03', 'ear'],
    ['04', 'finger'],
    ['05', 'gastro_intestinal_tract'],
    ['06', 'mouth'],
    ['07', 'rectum'],
    ['08', 'toe'],
    ['09', 'tympanum'],
  ])('decodes %s as %s', (hex, temperatureType) => {
    expect(decodedValue(decodeTemperatureType(hexBytes(hex)))).toEqual({ temperatureType });
    expect(formatHexBytes(encodeTemperatureType({ temperatureType }))).toBe(hex);
  });

  it('defines exactly the values 1-9', () => {
    expect(Object.values(TEMPERATURE_TYPES).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it.each<RejectionRow>([
    ['00', 'reserved', 0, 'reserved value at offset 0: temperature type 0 is reserved'],
    ['0a', 'reserved', 0, 'reserved value at offset 0: temperature type 10 is reserved'],
    ['ff', 'reserved', 0, 'reserved value at offset 0: temperature type 255 is reserved'],
    ['', 'truncated', 0, 'truncated at offset 0: expected 1 byte for temperature type, got 0'],
    ['02 00', 'trailing', 1, 'unexpected trailing bytes at offset 1: 1 byte after the last field'],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodeTemperatureType(hexBytes(row[0])), TEMPERATURE_TYPE_NAME, row);
  });

  it('refuses to encode a name outside the table', () => {
    expect(() => encodeTemperatureType({ temperatureType: 'forehead' as TemperatureTypeName })).toThrow(
      /cannot encode temperature type: undefined is not an integer in 0..255/,
    );
  });
});
