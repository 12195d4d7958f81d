import { describe, expect, it } from 'vitest';
import { GattEncodeError } from './decode-result.ts';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import {
  decodeGlucoseMeasurementContext,
  encodeGlucoseMeasurementContext,
  GLUCOSE_MEASUREMENT_CONTEXT_NAME,
  type GlucoseMeasurementContext,
} from './glucose-measurement-context.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';
import { medicalNumber } from './ieee11073.ts';

describe('Glucose Measurement Context', () => {
  it.each<[string, GlucoseMeasurementContext]>([
    ['02 01 00 01', { sequenceNumber: 1, meal: 'preprandial' }],
    ['00 2a 00', { sequenceNumber: 42 }],
    [
      '7f 07 00 01 32 d0 03 51 08 07 32 01 04 d0 41 f0',
      {
        sequenceNumber: 7,
        carbohydrate: { id: 'breakfast', kilograms: medicalNumber(50, -3) },
        meal: 'fasting',
        testerHealth: { tester: 'self', health: 'no_health_issues' },
        exercise: { durationSeconds: 1800, intensityPercent: 50 },
        medication: { id: 'rapid_acting_insulin', amount: medicalNumber(4, -3), unit: 'L' },
        hba1cPercent: medicalNumber(65, -1),
      },
    ],
    [
      '9c 08 00 00 ff ff ff 64 05 02 e0',
      {
        sequenceNumber: 8,
        extendedFlags: 0,
        testerHealth: { tester: 'not_available', health: 'not_available' },
        exercise: { durationSeconds: 'overrun', intensityPercent: 100 },
        medication: { id: 'pre_mixed_insulin', amount: medicalNumber(2, -2), unit: 'kg' },
      },
    ],
  ])('decodes %s', (hex, expected) => {
    expect(decodedValue(decodeGlucoseMeasurementContext(hexBytes(hex)))).toEqual(expected);
    expect(formatHexBytes(encodeGlucoseMeasurementContext(expected))).toBe(hex);
  });

  it.each<RejectionRow>([
    [
      '80 01 00 01',
      'reserved',
      3,
      'reserved value at offset 3: extended flags 0x01 has reserved bits 0x01 set',
    ],
    ['02 01 00 06', 'reserved', 3, 'reserved value at offset 3: meal 6 is reserved'],
    ['01 01 00 08 32 d0', 'reserved', 3, 'reserved value at offset 3: carbohydrate id 8 is reserved'],
    ['04 01 00 61', 'reserved', 3, 'reserved value at offset 3: health 6 is reserved'],
    ['04 01 00 64', 'reserved', 3, 'reserved value at offset 3: tester 4 is reserved'],
    ['10 01 00 00 04 d0', 'reserved', 3, 'reserved value at offset 3: medication id 0 is reserved'],
    ['40 01 00 41', 'truncated', 3, 'truncated at offset 3: expected 2 bytes for HbA1c, got 1'],
    ['02 01 00 01 00', 'trailing', 4, 'unexpected trailing bytes at offset 4: 1 byte after the last field'],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodeGlucoseMeasurementContext(hexBytes(row[0])), GLUCOSE_MEASUREMENT_CONTEXT_NAME, row);
  });

  it("refuses to encode 65535 s of exercise, which means 'overrun'", () => {
    expect(() =>
      encodeGlucoseMeasurementContext({
        sequenceNumber: 1,
        exercise: { durationSeconds: 65535, intensityPercent: 10 },
      }),
    ).toThrow(GattEncodeError);
  });
});
