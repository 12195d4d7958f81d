import { describe, expect, it } from 'vitest';
import {
  BLOOD_PRESSURE_MEASUREMENT_NAME,
  type BloodPressureMeasurement,
  decodeBloodPressureMeasurement,
  decodeIntermediateCuffPressure,
  encodeBloodPressureMeasurement,
  INTERMEDIATE_CUFF_PRESSURE_NAME,
} from './blood-pressure-measurement.ts';
import type { Decoded } from './decode-result.ts';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';
import { type MedicalSpecial, medicalNumber, medicalSpecial } from './ieee11073.ts';
import { UNKNOWN_USER_ID } from './user-index.ts';

// 120/80 mmHg, MAP 93; 16.0/10.7 kPa, MAP 12.4 (mantissa x 10^-1).
const MMHG_HEX = '78 00 50 00 5d 00';
const mmHg: BloodPressureMeasurement = {
  unit: 'mmHg',
  systolic: medicalNumber(120, 0),
  diastolic: medicalNumber(80, 0),
  meanArterialPressure: medicalNumber(93, 0),
};
const KPA_HEX = 'a0 f0 6b f0 7c f0';
const kPa: BloodPressureMeasurement = {
  unit: 'kPa',
  systolic: medicalNumber(160, -1),
  diastolic: medicalNumber(107, -1),
  meanArterialPressure: medicalNumber(124, -1),
};
const TIME_HEX = 'ea 07 03 0e 07 1e 05';
const timestamp = { year: 2026, month: 3, day: 14, hours: 7, minutes: 30, seconds: 5 };
const pulseRate = medicalNumber(72, 0);

/** Decodes `hex` to `expected` and encodes it back to the same bytes. */
function expectRoundTrip(
  decode: (bytes: Uint8Array) => Decoded<BloodPressureMeasurement>,
  hex: string,
  expected: BloodPressureMeasurement,
): void {
  expect(decodedValue(decode(hexBytes(hex)))).toEqual(expected);
  expect(formatHexBytes(encodeBloodPressureMeasurement(expected))).toBe(hex);
}

const bp = (fields: Partial<BloodPressureMeasurement>): BloodPressureMeasurement => ({ ...mmHg, ...fields });
const withStatus = (statusHex: string) => `10 ${MMHG_HEX} ${statusHex}`;

/** Flags value -> the packet and the measurement, built field by field in spec order. */
function combination(flags: number): [string, BloodPressureMeasurement] {
  const kpa = (flags & 0x01) !== 0;
  const hex = [flags.toString(16).padStart(2, '0'), kpa ? KPA_HEX : MMHG_HEX];
  let measurement: BloodPressureMeasurement = kpa ? kPa : mmHg;
  if (flags & 0x02) {
    hex.push(TIME_HEX);
    measurement = { ...measurement, timestamp };
  }
  if (flags & 0x04) {
    hex.push('48 00');
    measurement = { ...measurement, pulseRate };
  }
  if (flags & 0x08) {
    hex.push('2a');
    measurement = { ...measurement, userId: 42 };
  }
  if (flags & 0x10) {
    hex.push('21 00');
    measurement = {
      ...measurement,
      measurementStatus: ['body_movement_detected', 'improper_measurement_position'],
      pulseRateRange: 'within',
    };
  }
  return [hex.join(' '), measurement];
}

const SPECIALS: [MedicalSpecial, string][] = [
  ['nan', 'ff 07'],
  ['nres', '00 08'],
  ['positive_infinity', 'fe 07'],
  ['negative_infinity', '02 08'],
  ['reserved', '01 08'],
];

describe('Blood Pressure Measurement', () => {
  it.each<[string, BloodPressureMeasurement]>([
    // spec layout (ble-gatt-reference.md, GATT Specification Supplement)
    [`00 ${MMHG_HEX}`, mmHg],
    [`01 ${KPA_HEX}`, kPa],
    [`02 ${MMHG_HEX} ${TIME_HEX}`, bp({ timestamp })],
    [`04 ${MMHG_HEX} 48 00`, bp({ pulseRate })],
    [`08 ${MMHG_HEX} 00`, bp({ userId: 0 })],
    [`08 ${MMHG_HEX} fe`, bp({ userId: 254 })],
    [`08 ${MMHG_HEX} ff`, bp({ userId: UNKNOWN_USER_ID })],
    [withStatus('00 00'), bp({ measurementStatus: [], pulseRateRange: 'within' })],
    [
      `1f ${KPA_HEX} ${TIME_HEX} 48 00 01 37 00`,
      {
        ...kPa,
        timestamp,
        pulseRate,
        userId: 1,
        measurementStatus: [
          'body_movement_detected',
          'cuff_too_loose',
          'irregular_pulse_detected',
          'improper_measurement_position',
        ],
        pulseRateRange: 'below_lower_limit',
      },
    ],
    // derived from the specification
    [
      `02 ${MMHG_HEX} 00 00 00 00 07 1e 05`,
      bp({ timestamp: { year: null, month: null, day: null, hours: 7, minutes: 30, seconds: 5 } }),
    ],
    [
      '00 b5 f4 4e 00 5c 00',
      bp({
        systolic: medicalNumber(1205, -1),
        diastolic: medicalNumber(78, 0),
        meanArterialPressure: medicalNumber(92, 0),
      }),
    ],
    [`04 ${MMHG_HEX} cd f2`, bp({ pulseRate: medicalNumber(717, -1) })],
  ])('decodes %s', (hex, expected) => {
    expectRoundTrip(decodeBloodPressureMeasurement, hex, expected);
  });

  it.each(Array.from({ length: 0x20 }, (_, flags) => combination(flags)))(
    'decodes every flag combination: %s',
    (hex, expected) => {
      expectRoundTrip(decodeBloodPressureMeasurement, hex, expected);
    },
  );

  it.each<[string, Pick<BloodPressureMeasurement, 'measurementStatus' | 'pulseRateRange'>]>([
    ['01 00', { measurementStatus: ['body_movement_detected'], pulseRateRange: 'within' }],
    ['02 00', { measurementStatus: ['cuff_too_loose'], pulseRateRange: 'within' }],
    ['04 00', { measurementStatus: ['irregular_pulse_detected'], pulseRateRange: 'within' }],
    ['20 00', { measurementStatus: ['improper_measurement_position'], pulseRateRange: 'within' }],
    ['08 00', { measurementStatus: [], pulseRateRange: 'above_upper_limit' }],
    ['10 00', { measurementStatus: [], pulseRateRange: 'below_lower_limit' }],
    [
      '2f 00',
      {
        measurementStatus: [
          'body_movement_detected',
          'cuff_too_loose',
          'irregular_pulse_detected',
          'improper_measurement_position',
        ],
        pulseRateRange: 'above_upper_limit',
      },
    ],
  ])('decodes measurement status %s', (statusHex, status) => {
    const hex = withStatus(statusHex);
    const expected = bp(status);
    expectRoundTrip(decodeBloodPressureMeasurement, hex, expected);
  });

  it.each(SPECIALS)('keeps the SFLOAT special %s in every pressure and the pulse rate', (special, raw) => {
    const hex = `04 ${raw} ${raw} ${raw} ${raw}`;
    const value = medicalSpecial(special);
    const expected = bp({ systolic: value, diastolic: value, meanArterialPressure: value, pulseRate: value });
    expectRoundTrip(decodeBloodPressureMeasurement, hex, expected);
  });

  it.each<RejectionRow>([
    ['', 'truncated', 0, 'truncated at offset 0: expected 1 byte for flags, got 0'],
    ['00', 'truncated', 1, 'truncated at offset 1: expected 2 bytes for systolic, got 0'],
    ['00 78', 'truncated', 1, 'truncated at offset 1: expected 2 bytes for systolic, got 1'],
    ['00 78 00', 'truncated', 3, 'truncated at offset 3: expected 2 bytes for diastolic, got 0'],
    [
      '00 78 00 50 00 5d',
      'truncated',
      5,
      'truncated at offset 5: expected 2 bytes for mean arterial pressure, got 1',
    ],
    [`20 ${MMHG_HEX}`, 'reserved', 0, 'reserved value at offset 0: flags 0x20 has reserved bits 0x20 set'],
    [`ff ${MMHG_HEX}`, 'reserved', 0, 'reserved value at offset 0: flags 0xff has reserved bits 0xe0 set'],
    [
      `02 ${MMHG_HEX} ea 07 03`,
      'truncated',
      10,
      'truncated at offset 10: expected 1 byte for time stamp day, got 0',
    ],
    [
      `02 ${MMHG_HEX} ea 07 0d 0e 07 1e 05`,
      'reserved',
      9,
      'reserved value at offset 9: time stamp month 13 is outside 1-12',
    ],
    [`04 ${MMHG_HEX} 48`, 'truncated', 7, 'truncated at offset 7: expected 2 bytes for pulse rate, got 1'],
    [`08 ${MMHG_HEX}`, 'truncated', 7, 'truncated at offset 7: expected 1 byte for user ID, got 0'],
    [
      withStatus('00'),
      'truncated',
      7,
      'truncated at offset 7: expected 2 bytes for measurement status, got 1',
    ],
    [
      `1e ${MMHG_HEX} ${TIME_HEX} 48 00 01 37`,
      'truncated',
      17,
      'truncated at offset 17: expected 2 bytes for measurement status, got 1',
    ],
    [withStatus('18 00'), 'reserved', 7, 'reserved value at offset 7: pulse rate range 3 is reserved'],
    [withStatus('3f 00'), 'reserved', 7, 'reserved value at offset 7: pulse rate range 3 is reserved'],
    [
      withStatus('40 00'),
      'reserved',
      7,
      'reserved value at offset 7: measurement status 0x0040 has reserved bits 0x0040 set',
    ],
    [
      withStatus('00 80'),
      'reserved',
      7,
      'reserved value at offset 7: measurement status 0x8000 has reserved bits 0x8000 set',
    ],
    [
      withStatus('c1 ff'),
      'reserved',
      7,
      'reserved value at offset 7: measurement status 0xffc1 has reserved bits 0xffc0 set',
    ],
    [
      `00 ${MMHG_HEX} 00`,
      'trailing',
      7,
      'unexpected trailing bytes at offset 7: 1 byte after the last field',
    ],
    [
      `04 ${MMHG_HEX} 48 00 01 00`,
      'trailing',
      9,
      'unexpected trailing bytes at offset 9: 2 bytes after the last field',
    ],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodeBloodPressureMeasurement(hexBytes(row[0])), BLOOD_PRESSURE_MEASUREMENT_NAME, row);
  });

  it('refuses to encode a status without its pulse rate range, or the other way round', () => {
    const message =
      /cannot encode measurement status: measurementStatus and pulseRateRange must be given together/;
    expect(() => encodeBloodPressureMeasurement(bp({ measurementStatus: [] }))).toThrow(message);
    expect(() => encodeBloodPressureMeasurement(bp({ pulseRateRange: 'within' }))).toThrow(message);
  });

  it('refuses to encode values the format cannot carry', () => {
    expect(() => encodeBloodPressureMeasurement(bp({ userId: 256 }))).toThrow(
      /cannot encode user ID: 256 is not an integer in 0..255/,
    );
    expect(() => encodeBloodPressureMeasurement(bp({ systolic: medicalNumber(5000, 0) }))).toThrow(
      /cannot encode systolic: SFLOAT mantissa 5000 is not an integer in -2048..2047/,
    );
  });
});

describe('Intermediate Cuff Pressure', () => {
  const nan = medicalSpecial('nan');
  const cuff = (fields: Partial<BloodPressureMeasurement>): BloodPressureMeasurement =>
    bp({ systolic: medicalNumber(40, 0), diastolic: nan, meanArterialPressure: nan, ...fields });

  it.each<[string, BloodPressureMeasurement]>([
    ['00 28 00 ff 07 ff 07', cuff({})],
    ['01 53 f0 ff 07 ff 07', cuff({ unit: 'kPa', systolic: medicalNumber(83, -1) })],
    [`02 28 00 ff 07 ff 07 ${TIME_HEX}`, cuff({ timestamp })],
    [
      '1c 28 00 ff 07 ff 07 48 00 ff 04 00',
      cuff({
        pulseRate,
        userId: UNKNOWN_USER_ID,
        measurementStatus: ['irregular_pulse_detected'],
        pulseRateRange: 'within',
      }),
    ],
    ['00 00 08 ff 07 ff 07', cuff({ systolic: medicalSpecial('nres') })],
  ])('decodes %s', (hex, expected) => {
    expectRoundTrip(decodeIntermediateCuffPressure, hex, expected);
  });

  it.each<RejectionRow>([
    ['00', 'truncated', 1, 'truncated at offset 1: expected 2 bytes for current cuff pressure, got 0'],
    ['00 28 00', 'truncated', 3, 'truncated at offset 3: expected 2 bytes for diastolic, got 0'],
    [
      '00 28 00 50 00 ff 07',
      'invalid',
      3,
      'invalid value at offset 3: diastolic is unused here and must be NaN, got 80',
    ],
    [
      '00 28 00 ff 07 00 08',
      'invalid',
      5,
      'invalid value at offset 5: mean arterial pressure is unused here and must be NaN, got NRes (not at this resolution)',
    ],
    [
      '40 28 00 ff 07 ff 07',
      'reserved',
      0,
      'reserved value at offset 0: flags 0x40 has reserved bits 0x40 set',
    ],
    [
      '10 28 00 ff 07 ff 07 18 00',
      'reserved',
      7,
      'reserved value at offset 7: pulse rate range 3 is reserved',
    ],
    [
      '00 28 00 ff 07 ff 07 00',
      'trailing',
      7,
      'unexpected trailing bytes at offset 7: 1 byte after the last field',
    ],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodeIntermediateCuffPressure(hexBytes(row[0])), INTERMEDIATE_CUFF_PRESSURE_NAME, row);
  });

  it('accepts as a Blood Pressure Measurement what it rejects as a cuff pressure', () => {
    expect(decodedValue(decodeBloodPressureMeasurement(hexBytes('00 28 00 50 00 ff 07'))).diastolic).toEqual(
      medicalNumber(80, 0),
    );
  });
});
