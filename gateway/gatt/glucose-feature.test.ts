import { describe, expect, it } from 'vitest';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import {
  decodeGlucoseFeature,
  encodeGlucoseFeature,
  GLUCOSE_FEATURE_NAME,
  type GlucoseFeature,
} from './glucose-feature.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';

describe('Glucose Feature', () => {
  it.each<[string, GlucoseFeature]>([
    ['00 00', { features: [] }],
    ['03 04', { features: ['low_battery_detection', 'sensor_malfunction_detection', 'multiple_bond'] }],
    [
      'ff 07',
      {
        features: [
          'low_battery_detection',
          'sensor_malfunction_detection',
          'sensor_sample_size',
          'sensor_strip_insertion_error_detection',
          'sensor_strip_type_error_detection',
          'sensor_result_high_low_detection',
          'sensor_temperature_high_low_detection',
          'sensor_read_interrupt_detection',
          'general_device_fault',
          'time_fault',
          'multiple_bond',
        ],
      },
    ],
  ])('decodes %s', (hex, expected) => {
    expect(decodedValue(decodeGlucoseFeature(hexBytes(hex)))).toEqual(expected);
    expect(formatHexBytes(encodeGlucoseFeature(expected))).toBe(hex);
  });

  it.each<RejectionRow>([
    [
      '00 08',
      'reserved',
      0,
      'reserved value at offset 0: glucose features 0x0800 has reserved bits 0x0800 set',
    ],
    ['03', 'truncated', 0, 'truncated at offset 0: expected 2 bytes for glucose features, got 1'],
    ['03 00 00', 'trailing', 2, 'unexpected trailing bytes at offset 2: 1 byte after the last field'],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodeGlucoseFeature(hexBytes(row[0])), GLUCOSE_FEATURE_NAME, row);
  });
});
