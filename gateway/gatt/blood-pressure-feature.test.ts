import { describe, expect, it } from 'vitest';
import {
  BLOOD_PRESSURE_FEATURE_NAME,
  BLOOD_PRESSURE_FEATURES,
  type BloodPressureFeature,
  type BloodPressureFeatureName,
  decodeBloodPressureFeature,
  encodeBloodPressureFeature,
} from './blood-pressure-feature.ts';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';

const ALL = Object.keys(BLOOD_PRESSURE_FEATURES) as BloodPressureFeatureName[];

describe('Blood Pressure Feature', () => {
  it.each<[string, BloodPressureFeature]>([
    ['00 00', { features: [] }],
    // one row a bit (BLS v1.1.1 / GATT Specification Supplement)
    ['01 00', { features: ['body_movement_detection'] }],
    ['02 00', { features: ['cuff_fit_detection'] }],
    ['04 00', { features: ['irregular_pulse_detection'] }],
    ['08 00', { features: ['pulse_rate_range_detection'] }],
    ['10 00', { features: ['measurement_position_detection'] }],
    ['20 00', { features: ['multiple_bond'] }],
    ['40 00', { features: ['e2e_crc'] }],
    ['80 00', { features: ['user_data_service'] }],
    ['00 01', { features: ['user_facing_time'] }],
    // a typical upper-arm cuff: irregular pulse and cuff fit detection, two users
    ['26 00', { features: ['cuff_fit_detection', 'irregular_pulse_detection', 'multiple_bond'] }],
    ['3f 00', { features: ALL.slice(0, 6) }],
    ['ff 01', { features: ALL }],
  ])('decodes %s', (hex, expected) => {
    expect(decodedValue(decodeBloodPressureFeature(hexBytes(hex)))).toEqual(expected);
    expect(formatHexBytes(encodeBloodPressureFeature(expected))).toBe(hex);
  });

  it.each<RejectionRow>([
    ['', 'truncated', 0, 'truncated at offset 0: expected 2 bytes for blood pressure features, got 0'],
    ['3f', 'truncated', 0, 'truncated at offset 0: expected 2 bytes for blood pressure features, got 1'],
    [
      '00 02',
      'reserved',
      0,
      'reserved value at offset 0: blood pressure features 0x0200 has reserved bits 0x0200 set',
    ],
    [
      'ff ff',
      'reserved',
      0,
      'reserved value at offset 0: blood pressure features 0xffff has reserved bits 0xfe00 set',
    ],
    ['3f 00 00', 'trailing', 2, 'unexpected trailing bytes at offset 2: 1 byte after the last field'],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodeBloodPressureFeature(hexBytes(row[0])), BLOOD_PRESSURE_FEATURE_NAME, row);
  });
});
