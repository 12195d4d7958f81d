import { describe, expect, it } from 'vitest';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import {
  decodeHeartRateMeasurement,
  encodeHeartRateMeasurement,
  HEART_RATE_MEASUREMENT_NAME,
  type HeartRateMeasurement,
  rrInterval,
} from './heart-rate-measurement.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';

const hr = (fields: Partial<HeartRateMeasurement>): HeartRateMeasurement => ({
  heartRate: 72,
  heartRateFormat: 'uint8',
  sensorContact: 'not_supported',
  rrIntervals: [],
  ...fields,
});

describe('Heart Rate Measurement', () => {
  it.each<[string, HeartRateMeasurement]>([
    // spec examples (ble-gatt-reference.md)
    ['00 48', hr({})],
    ['01 48 00', hr({ heartRateFormat: 'uint16' })],
    ['06 48', hr({ sensorContact: 'detected' })],
    ['10 48 00 04', hr({ rrIntervals: [{ raw: 1024, ms: 1000 }] })],
    // derived from the specification
    ['04 48', hr({ sensorContact: 'not_detected' })],
    ['01 2c 01', hr({ heartRate: 300, heartRateFormat: 'uint16' })],
    ['08 48 e8 03', hr({ energyExpendedKj: 1000 })],
    [
      '1e 48 e8 03 00 04 00 02',
      hr({
        sensorContact: 'detected',
        energyExpendedKj: 1000,
        rrIntervals: [rrInterval(1024), rrInterval(512)],
      }),
    ],
    [
      '10 48 01 00 ff ff',
      hr({
        rrIntervals: [
          { raw: 1, ms: 0.9765625 },
          { raw: 65535, ms: 63999.0234375 },
        ],
      }),
    ],
  ])('decodes %s', (hex, expected) => {
    expect(decodedValue(decodeHeartRateMeasurement(hexBytes(hex)))).toEqual(expected);
    expect(formatHexBytes(encodeHeartRateMeasurement(expected))).toBe(hex);
  });

  it('treats "contact detected" without the contact feature as not supported', () => {
    expect(decodedValue(decodeHeartRateMeasurement(hexBytes('02 48'))).sensorContact).toBe('not_supported');
  });

  it('keeps RR intervals exact: raw x 1000 / 1024', () => {
    const { rrIntervals } = decodedValue(decodeHeartRateMeasurement(hexBytes('10 48 33 03')));
    expect(rrIntervals).toEqual([{ raw: 819, ms: 799.8046875 }]);
  });

  it.each<RejectionRow>([
    ['', 'truncated', 0, 'truncated at offset 0: expected 1 byte for flags, got 0'],
    ['01 48', 'truncated', 1, 'truncated at offset 1: expected 2 bytes for heart rate, got 1'],
    ['20 48', 'reserved', 0, 'reserved value at offset 0: flags 0x20 has reserved bits 0x20 set'],
    ['e6 48', 'reserved', 0, 'reserved value at offset 0: flags 0xe6 has reserved bits 0xe0 set'],
    ['08 48 e8', 'truncated', 2, 'truncated at offset 2: expected 2 bytes for energy expended, got 1'],
    ['10 48', 'truncated', 2, 'truncated at offset 2: expected 2 bytes for RR interval, got 0'],
    ['10 48 00 04 01', 'truncated', 4, 'truncated at offset 4: expected 2 bytes for RR interval, got 1'],
    ['00 48 00', 'trailing', 2, 'unexpected trailing bytes at offset 2: 1 byte after the last field'],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodeHeartRateMeasurement(hexBytes(row[0])), HEART_RATE_MEASUREMENT_NAME, row);
  });

  it('refuses to encode a heart rate that does not fit the chosen format', () => {
    expect(() => encodeHeartRateMeasurement(hr({ heartRate: 300 }))).toThrow(
      /heart rate: 300 is not an integer in 0..255/,
    );
  });
});
