import { describe, expect, it } from 'vitest';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';
import { medicalNumber, medicalSpecial } from './ieee11073.ts';
import {
  decodePlxContinuousMeasurement,
  encodePlxContinuousMeasurement,
  PLX_CONTINUOUS_MEASUREMENT_NAME,
  type PlxContinuousMeasurement,
} from './plx-continuous-measurement.ts';

const normal = { spo2: medicalNumber(98, 0), pulseRate: medicalNumber(72, 0) };

describe('PLX Continuous Measurement', () => {
  it.each<[string, PlxContinuousMeasurement]>([
    // spec example: SpO2 98 %, PR 72
    ['00 62 00 48 00', { normal }],
    [
      '03 62 00 48 00 61 00 4a 00 60 00 46 00',
      {
        normal,
        fast: { spo2: medicalNumber(97, 0), pulseRate: medicalNumber(74, 0) },
        slow: { spo2: medicalNumber(96, 0), pulseRate: medicalNumber(70, 0) },
      },
    ],
    [
      '1c 62 00 48 00 40 00 08 00 00 fe 07',
      {
        normal,
        measurementStatus: ['early_estimated_data'],
        deviceAndSensorStatus: ['inadequate_signal_detected'],
        pulseAmplitudeIndex: medicalSpecial('positive_infinity'),
      },
    ],
    [
      '02 62 00 48 00 02 08 01 08',
      { normal, slow: { spo2: medicalSpecial('negative_infinity'), pulseRate: medicalSpecial('reserved') } },
    ],
  ])('decodes %s', (hex, expected) => {
    expect(decodedValue(decodePlxContinuousMeasurement(hexBytes(hex)))).toEqual(expected);
    expect(formatHexBytes(encodePlxContinuousMeasurement(expected))).toBe(hex);
  });

  it.each<RejectionRow>([
    ['80 62 00 48 00', 'reserved', 0, 'reserved value at offset 0: flags 0x80 has reserved bits 0x80 set'],
    [
      '01 62 00 48 00 61 00',
      'truncated',
      7,
      'truncated at offset 7: expected 2 bytes for SpO2PR-Fast PR, got 0',
    ],
    [
      '08 62 00 48 00 00 00',
      'truncated',
      5,
      'truncated at offset 5: expected 3 bytes for device and sensor status, got 2',
    ],
    ['', 'truncated', 0, 'truncated at offset 0: expected 1 byte for flags, got 0'],
    [
      '00 62 00 48 00 62 00',
      'trailing',
      5,
      'unexpected trailing bytes at offset 5: 2 bytes after the last field',
    ],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodePlxContinuousMeasurement(hexBytes(row[0])), PLX_CONTINUOUS_MEASUREMENT_NAME, row);
  });
});
