import { describe, expect, it } from 'vitest';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';
import { medicalNumber, medicalSpecial } from './ieee11073.ts';
import {
  decodePlxSpotCheckMeasurement,
  encodePlxSpotCheckMeasurement,
  PLX_SPOT_CHECK_MEASUREMENT_NAME,
  type PlxSpotCheckMeasurement,
} from './plx-spot-check-measurement.ts';

const spo2 = medicalNumber(98, 0);
const pulseRate = medicalNumber(72, 0);
const timestamp = { year: 2026, month: 11, day: 24, hours: 8, minutes: 0, seconds: 0 };

describe('PLX Spot-Check Measurement', () => {
  it.each<[string, PlxSpotCheckMeasurement]>([
    ['00 62 00 48 00', { spo2, pulseRate, deviceClockNotSet: false }],
    ['01 62 00 48 00 ea 07 0b 18 08 00 00', { spo2, pulseRate, timestamp, deviceClockNotSet: false }],
    ['10 b1 f3 48 00', { spo2: medicalNumber(945, -1), pulseRate, deviceClockNotSet: true }],
    [
      '1f 62 00 48 00 ea 07 0b 18 08 00 00 00 42 30 20 00 2d f0',
      {
        spo2,
        pulseRate,
        timestamp,
        measurementStatus: ['data_from_measurement_storage', 'questionable_measurement_detected'],
        deviceAndSensorStatus: ['poor_signal_detected', 'low_perfusion_detected', 'sensor_displaced'],
        pulseAmplitudeIndex: medicalNumber(45, -1),
        deviceClockNotSet: true,
      },
    ],
    [
      '06 62 00 48 00 00 00 00 00 00',
      { spo2, pulseRate, measurementStatus: [], deviceAndSensorStatus: [], deviceClockNotSet: false },
    ],
    [
      '00 ff 07 00 08',
      { spo2: medicalSpecial('nan'), pulseRate: medicalSpecial('nres'), deviceClockNotSet: false },
    ],
  ])('decodes %s', (hex, expected) => {
    expect(decodedValue(decodePlxSpotCheckMeasurement(hexBytes(hex)))).toEqual(expected);
    expect(formatHexBytes(encodePlxSpotCheckMeasurement(expected))).toBe(hex);
  });

  it.each<RejectionRow>([
    ['20 62 00 48 00', 'reserved', 0, 'reserved value at offset 0: flags 0x20 has reserved bits 0x20 set'],
    ['00 62 00 48', 'truncated', 3, 'truncated at offset 3: expected 2 bytes for pulse rate, got 1'],
    [
      '01 62 00 48 00 ea 07 0b',
      'truncated',
      8,
      'truncated at offset 8: expected 1 byte for timestamp day, got 0',
    ],
    [
      '02 62 00 48 00 01 00',
      'reserved',
      5,
      'reserved value at offset 5: measurement status 0x0001 has reserved bits 0x0001 set',
    ],
    [
      '04 62 00 48 00 00 00 01',
      'reserved',
      5,
      'reserved value at offset 5: device and sensor status 0x010000 has reserved bits 0x010000 set',
    ],
    [
      '08 62 00 48 00 2d',
      'truncated',
      5,
      'truncated at offset 5: expected 2 bytes for pulse amplitude index, got 1',
    ],
    [
      '00 62 00 48 00 00',
      'trailing',
      5,
      'unexpected trailing bytes at offset 5: 1 byte after the last field',
    ],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodePlxSpotCheckMeasurement(hexBytes(row[0])), PLX_SPOT_CHECK_MEASUREMENT_NAME, row);
  });
});
