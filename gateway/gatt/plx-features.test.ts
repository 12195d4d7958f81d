import { describe, expect, it } from 'vitest';
import { GattEncodeError } from './decode-result.ts';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';
import { decodePlxFeatures, encodePlxFeatures, PLX_FEATURES_NAME, type PlxFeatures } from './plx-features.ts';

describe('PLX Features', () => {
  it.each<[string, PlxFeatures]>([
    ['00 00', { supportedFeatures: [] }],
    [
      'f8 00',
      {
        supportedFeatures: [
          'timestamp_for_spot_check',
          'spo2pr_fast',
          'spo2pr_slow',
          'pulse_amplitude_index',
          'multiple_bonds',
        ],
      },
    ],
    [
      '03 00 e0 7f ff ff 00',
      {
        supportedFeatures: ['measurement_status', 'device_and_sensor_status'],
        measurementStatusSupport: [
          'measurement_ongoing',
          'early_estimated_data',
          'validated_data',
          'fully_qualified_data',
          'data_from_measurement_storage',
          'data_for_demonstration',
          'data_for_testing',
          'calibration_ongoing',
          'measurement_unavailable',
          'questionable_measurement_detected',
        ],
        deviceAndSensorStatusSupport: [
          'extended_display_update_ongoing',
          'equipment_malfunction_detected',
          'signal_processing_irregularity_detected',
          'inadequate_signal_detected',
          'poor_signal_detected',
          'low_perfusion_detected',
          'erratic_signal_detected',
          'nonpulsatile_signal_detected',
          'questionable_pulse_detected',
          'signal_analysis_ongoing',
          'sensor_interference_detected',
          'sensor_unconnected_to_user',
          'unknown_sensor_connected',
          'sensor_displaced',
          'sensor_malfunctioning',
          'sensor_disconnected',
        ],
      },
    ],
    [
      '02 00 02 00 00',
      {
        supportedFeatures: ['device_and_sensor_status'],
        deviceAndSensorStatusSupport: ['equipment_malfunction_detected'],
      },
    ],
  ])('decodes %s', (hex, expected) => {
    expect(decodedValue(decodePlxFeatures(hexBytes(hex)))).toEqual(expected);
    expect(formatHexBytes(encodePlxFeatures(expected))).toBe(hex);
  });

  it.each<RejectionRow>([
    [
      '00 01',
      'reserved',
      0,
      'reserved value at offset 0: supported features 0x0100 has reserved bits 0x0100 set',
    ],
    [
      '01 00',
      'truncated',
      2,
      'truncated at offset 2: expected 2 bytes for measurement status support, got 0',
    ],
    [
      '01 00 10 00',
      'reserved',
      2,
      'reserved value at offset 2: measurement status support 0x0010 has reserved bits 0x0010 set',
    ],
    ['00 00 00', 'trailing', 2, 'unexpected trailing bytes at offset 2: 1 byte after the last field'],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodePlxFeatures(hexBytes(row[0])), PLX_FEATURES_NAME, row);
  });

  it('refuses to encode a status support list the features do not announce', () => {
    expect(() => encodePlxFeatures({ supportedFeatures: [], measurementStatusSupport: [] })).toThrow(
      GattEncodeError,
    );
    expect(() => encodePlxFeatures({ supportedFeatures: ['device_and_sensor_status'] })).toThrow(
      GattEncodeError,
    );
  });
});
