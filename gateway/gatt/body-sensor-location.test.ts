import { describe, expect, it } from 'vitest';
import {
  BODY_SENSOR_LOCATION_NAME,
  type BodySensorLocationName,
  decodeBodySensorLocation,
  encodeBodySensorLocation,
} from './body-sensor-location.ts';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';

describe('Body Sensor Location', () => {
  it.each<[string, BodySensorLocationName]>([
    ['00', 'other'],
    ['01', 'chest'],
    ['02', 'wrist'],
    ['03', 'finger'],
    ['04', 'hand'],
    ['05', 'ear_lobe'],
    ['06', 'foot'],
  ])('decodes %s as %s', (hex, location) => {
    expect(decodedValue(decodeBodySensorLocation(hexBytes(hex)))).toEqual({ location });
    expect(formatHexBytes(encodeBodySensorLocation({ location }))).toBe(hex);
  });

  it.each<RejectionRow>([
    ['07', 'reserved', 0, 'reserved value at offset 0: body sensor location 7 is reserved'],
    ['ff', 'reserved', 0, 'reserved value at offset 0: body sensor location 255 is reserved'],
    ['', 'truncated', 0, 'truncated at offset 0: expected 1 byte for body sensor location, got 0'],
    ['01 00', 'trailing', 1, 'unexpected trailing bytes at offset 1: 1 byte after the last field'],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodeBodySensorLocation(hexBytes(row[0])), BODY_SENSOR_LOCATION_NAME, row);
  });
});
