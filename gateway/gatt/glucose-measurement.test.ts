import { describe, expect, it } from 'vitest';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import {
  decodeGlucoseMeasurement,
  encodeGlucoseMeasurement,
  GLUCOSE_MEASUREMENT_NAME,
  type GlucoseMeasurement,
} from './glucose-measurement.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';
import { medicalNumber, medicalSpecial } from './ieee11073.ts';

const baseTime = { year: 2026, month: 11, day: 24, hours: 8, minutes: 0, seconds: 0 };

describe('Glucose Measurement', () => {
  it.each<[string, GlucoseMeasurement]>([
    // spec example (ble-gatt-reference.md): sequence 1, 0.001 kg/L, capillary whole blood, finger
    [
      '02 01 00 ea 07 0b 18 08 00 00 64 b0 11',
      {
        sequenceNumber: 1,
        baseTime,
        concentration: {
          value: medicalNumber(100, -5),
          unit: 'kg/L',
          type: 'capillary_whole_blood',
          location: 'finger',
        },
        contextFollows: false,
      },
    ],
    // time offset -30 min, 55e-4 mol/L venous plasma at an alternate site, battery low + time fault, context follows
    [
      '1f 02 00 ea 07 0b 18 08 00 00 e2 ff 37 c0 24 01 08',
      {
        sequenceNumber: 2,
        baseTime,
        timeOffsetMinutes: -30,
        concentration: {
          value: medicalNumber(55, -4),
          unit: 'mol/L',
          type: 'venous_plasma',
          location: 'alternate_site_test',
        },
        sensorStatus: ['device_battery_low', 'time_fault'],
        contextFollows: true,
      },
    ],
    // control solution, location not available, "result higher than the device can process"
    [
      '0a ff ff ea 07 0b 18 08 00 00 58 b2 fa 20 00',
      {
        sequenceNumber: 65535,
        baseTime,
        concentration: {
          value: medicalNumber(600, -5),
          unit: 'kg/L',
          type: 'control_solution',
          location: 'not_available',
        },
        sensorStatus: ['result_higher_than_device_can_process'],
        contextFollows: false,
      },
    ],
    // no concentration, unknown base date
    [
      '00 05 00 00 00 00 00 08 00 00',
      {
        sequenceNumber: 5,
        baseTime: { ...baseTime, year: null, month: null, day: null },
        contextFollows: false,
      },
    ],
    [
      '02 03 00 ea 07 0b 18 08 00 00 ff 07 11',
      {
        sequenceNumber: 3,
        baseTime,
        concentration: {
          value: medicalSpecial('nan'),
          unit: 'kg/L',
          type: 'capillary_whole_blood',
          location: 'finger',
        },
        contextFollows: false,
      },
    ],
  ])('decodes %s', (hex, expected) => {
    expect(decodedValue(decodeGlucoseMeasurement(hexBytes(hex)))).toEqual(expected);
    expect(formatHexBytes(encodeGlucoseMeasurement(expected))).toBe(hex);
  });

  it.each<RejectionRow>([
    [
      '02 01 00 ea 07 0b 18 08 00 00 64',
      'truncated',
      10,
      'truncated at offset 10: expected 2 bytes for concentration, got 1',
    ],
    [
      '02 01 00 ea 07 0b 18 08 00 00 64 b0',
      'truncated',
      12,
      'truncated at offset 12: expected 1 byte for type/sample location, got 0',
    ],
    [
      '22 01 00 ea 07 0b 18 08 00 00 64 b0 11',
      'reserved',
      0,
      'reserved value at offset 0: flags 0x22 has reserved bits 0x20 set',
    ],
    [
      '02 01 00 ea 07 0b 18 08 00 00 64 b0 10',
      'reserved',
      12,
      'reserved value at offset 12: sample type 0 is reserved',
    ],
    [
      '02 01 00 ea 07 0b 18 08 00 00 64 b0 1b',
      'reserved',
      12,
      'reserved value at offset 12: sample type 11 is reserved',
    ],
    [
      '02 01 00 ea 07 0b 18 08 00 00 64 b0 51',
      'reserved',
      12,
      'reserved value at offset 12: sample location 5 is reserved',
    ],
    [
      '02 01 00 ea 07 0d 18 08 00 00 64 b0 11',
      'reserved',
      5,
      'reserved value at offset 5: base time month 13 is outside 1-12',
    ],
    [
      '08 01 00 ea 07 0b 18 08 00 00 00 10',
      'reserved',
      10,
      'reserved value at offset 10: sensor status annunciation 0x1000 has reserved bits 0x1000 set',
    ],
    [
      '00 01 00 ea 07 0b 18 08 00 00 00',
      'trailing',
      10,
      'unexpected trailing bytes at offset 10: 1 byte after the last field',
    ],
    ['00 01', 'truncated', 1, 'truncated at offset 1: expected 2 bytes for sequence number, got 1'],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodeGlucoseMeasurement(hexBytes(row[0])), GLUCOSE_MEASUREMENT_NAME, row);
  });
});
