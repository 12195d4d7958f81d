import { describe, expect, it } from 'vitest';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';
import {
  bodyHeight,
  bodyMassIndex,
  decodeWeightMeasurement,
  encodeWeightMeasurement,
  scaleWeight,
  WEIGHT_MEASUREMENT_NAME,
  type WeightMeasurement,
  type WeightUnits,
} from './weight-measurement.ts';

const timestamp = { year: 2026, month: 11, day: 24, hours: 8, minutes: 0, seconds: 0 };
const TIMESTAMP_HEX = 'ea 07 0b 18 08 00 00';

const kg = (raw: number, value: number) => ({ raw, value, unit: 'kg' as const });
const lb = (raw: number, value: number) => ({ raw, value, unit: '[lb_av]' as const });
const unsuccessful = { raw: 0xffff, measurementUnsuccessful: true } as const;
const unsuccessfulWithBmi = (flags: string) =>
  `invalid value at offset 0: flags ${flags} announce BMI and height, which an unsuccessful measurement (weight 0xffff) must not carry`;

describe('Weight Measurement', () => {
  it.each<[string, WeightMeasurement]>([
    // SI: 14000 x 0.005 kg
    ['00 b0 36', { units: 'SI', weight: kg(14000, 70) }],
    // 15437 x 0.005 kg = 77.185 kg, the double nearest the decimal
    ['00 4d 3c', { units: 'SI', weight: kg(15437, 77.185) }],
    // 35 x 0.005 kg = 0.175 kg (35 * 0.005 in floating point is 0.17500000000000002)
    ['00 23 00', { units: 'SI', weight: kg(35, 0.175) }],
    ['00 00 00', { units: 'SI', weight: kg(0, 0) }],
    // the largest weight: 65534 x 0.005 kg
    ['00 fe ff', { units: 'SI', weight: kg(65534, 327.67) }],
    // imperial: 15432 x 0.01 lb
    ['01 48 3c', { units: 'imperial', weight: lb(15432, 154.32) }],
    ['01 fe ff', { units: 'imperial', weight: lb(65534, 655.34) }],
    // measurement unsuccessful, in either unit system, with the fields it may still carry
    ['00 ff ff', { units: 'SI', weight: unsuccessful }],
    ['01 ff ff', { units: 'imperial', weight: unsuccessful }],
    [`07 ff ff ${TIMESTAMP_HEX} 02`, { units: 'imperial', weight: unsuccessful, timestamp, userId: 2 }],
    // time stamp; an unknown date is kept as null
    [`02 b0 36 ${TIMESTAMP_HEX}`, { units: 'SI', weight: kg(14000, 70), timestamp }],
    [
      '02 b0 36 00 00 00 00 17 3b 3b',
      {
        units: 'SI',
        weight: kg(14000, 70),
        timestamp: { year: null, month: null, day: null, hours: 23, minutes: 59, seconds: 59 },
      },
    ],
    // user id, and 0xFF "unknown user" kept as sent
    ['04 b0 36 00', { units: 'SI', weight: kg(14000, 70), userId: 0 }],
    ['04 b0 36 ff', { units: 'SI', weight: kg(14000, 70), userId: 255 }],
    // BMI 24.2 kg/m2, height 1.7 m
    [
      '08 b0 36 f2 00 a4 06',
      {
        units: 'SI',
        weight: kg(14000, 70),
        bmiAndHeight: { bmi: bodyMassIndex(242), height: bodyHeight('SI', 1700) },
      },
    ],
    // BMI 24.2 kg/m2, height 67 in
    [
      '09 48 3c f2 00 9e 02',
      {
        units: 'imperial',
        weight: lb(15432, 154.32),
        bmiAndHeight: {
          bmi: { raw: 242, value: 24.2, unit: 'kg/m2' },
          height: { raw: 670, value: 67, unit: '[in_i]' },
        },
      },
    ],
    // every field
    [
      `0e 4d 3c ${TIMESTAMP_HEX} 03 0b 01 b7 06`,
      {
        units: 'SI',
        weight: kg(15437, 77.185),
        timestamp,
        userId: 3,
        bmiAndHeight: {
          bmi: { raw: 267, value: 26.7, unit: 'kg/m2' },
          height: { raw: 1719, value: 1.719, unit: 'm' },
        },
      },
    ],
    [
      `0f 48 3c ${TIMESTAMP_HEX} ff f2 00 ff ff`,
      {
        units: 'imperial',
        weight: lb(15432, 154.32),
        timestamp,
        userId: 255,
        bmiAndHeight: {
          bmi: { raw: 242, value: 24.2, unit: 'kg/m2' },
          height: { raw: 65535, value: 6553.5, unit: '[in_i]' },
        },
      },
    ],
  ])('decodes %s', (hex, expected) => {
    expect(decodedValue(decodeWeightMeasurement(hexBytes(hex)))).toEqual(expected);
    expect(formatHexBytes(encodeWeightMeasurement(expected))).toBe(hex);
  });

  it.each(Array.from({ length: 16 }, (_, flags) => flags))('decodes and re-encodes flags %i', (flags) => {
    const units: WeightUnits = flags & 0x01 ? 'imperial' : 'SI';
    const expected: WeightMeasurement = {
      units,
      weight: scaleWeight(units, 12345),
      ...(flags & 0x02 ? { timestamp } : {}),
      ...(flags & 0x04 ? { userId: 7 } : {}),
      ...(flags & 0x08 ? { bmiAndHeight: { bmi: bodyMassIndex(215), height: bodyHeight(units, 1655) } } : {}),
    };
    const hex = [
      flags.toString(16).padStart(2, '0'),
      '39 30',
      flags & 0x02 ? TIMESTAMP_HEX : '',
      flags & 0x04 ? '07' : '',
      flags & 0x08 ? 'd7 00 77 06' : '',
    ]
      .filter(Boolean)
      .join(' ');
    expect(decodedValue(decodeWeightMeasurement(hexBytes(hex)))).toEqual(expected);
    expect(formatHexBytes(encodeWeightMeasurement(expected))).toBe(hex);
  });

  it('scales every weight exactly: the double nearest raw x 0.005 kg, and raw x 0.01 lb', () => {
    const inexact: string[] = [];
    for (let raw = 0; raw < 0xffff; raw++) {
      const milligrams = raw * 5;
      const kgDecimal = `${Math.floor(milligrams / 1000)}.${String(milligrams % 1000).padStart(3, '0')}`;
      const lbDecimal = `${Math.floor(raw / 100)}.${String(raw % 100).padStart(2, '0')}`;
      const si = scaleWeight('SI', raw);
      const imperial = scaleWeight('imperial', raw);
      if (!('value' in si) || si.value !== Number(kgDecimal)) inexact.push(`${raw} kg`);
      if (!('value' in imperial) || imperial.value !== Number(lbDecimal)) inexact.push(`${raw} lb`);
    }
    expect(inexact).toEqual([]);
  });

  it.each<RejectionRow>([
    ['', 'truncated', 0, 'truncated at offset 0: expected 1 byte for flags, got 0'],
    ['00', 'truncated', 1, 'truncated at offset 1: expected 2 bytes for weight, got 0'],
    ['00 b0', 'truncated', 1, 'truncated at offset 1: expected 2 bytes for weight, got 1'],
    ['10 b0 36', 'reserved', 0, 'reserved value at offset 0: flags 0x10 has reserved bits 0x10 set'],
    ['ff b0 36', 'reserved', 0, 'reserved value at offset 0: flags 0xff has reserved bits 0xf0 set'],
    ['02 b0 36', 'truncated', 3, 'truncated at offset 3: expected 2 bytes for time stamp year, got 0'],
    [
      '02 b0 36 ea 07 0b 18 08 00',
      'truncated',
      9,
      'truncated at offset 9: expected 1 byte for time stamp seconds, got 0',
    ],
    [
      '02 b0 36 ea 07 0d 18 08 00 00',
      'reserved',
      5,
      'reserved value at offset 5: time stamp month 13 is outside 1-12',
    ],
    ['04 b0 36', 'truncated', 3, 'truncated at offset 3: expected 1 byte for user ID, got 0'],
    [
      `06 b0 36 ${TIMESTAMP_HEX}`,
      'truncated',
      10,
      'truncated at offset 10: expected 1 byte for user ID, got 0',
    ],
    ['08 b0 36', 'truncated', 3, 'truncated at offset 3: expected 2 bytes for BMI, got 0'],
    ['08 b0 36 f2', 'truncated', 3, 'truncated at offset 3: expected 2 bytes for BMI, got 1'],
    ['08 b0 36 f2 00', 'truncated', 5, 'truncated at offset 5: expected 2 bytes for height, got 0'],
    ['08 b0 36 f2 00 a4', 'truncated', 5, 'truncated at offset 5: expected 2 bytes for height, got 1'],
    ['00 b0 36 00', 'trailing', 3, 'unexpected trailing bytes at offset 3: 1 byte after the last field'],
    [
      '08 b0 36 f2 00 a4 06 00 00',
      'trailing',
      7,
      'unexpected trailing bytes at offset 7: 2 bytes after the last field',
    ],
    // the user id is not sent unless flagged
    ['00 b0 36 ff', 'trailing', 3, 'unexpected trailing bytes at offset 3: 1 byte after the last field'],
    // "Measurement Unsuccessful" allows only the time stamp and the user id
    ['08 ff ff f2 00 a4 06', 'invalid', 0, unsuccessfulWithBmi('0x08')],
    [`0f ff ff ${TIMESTAMP_HEX} 01 f2 00 9e 02`, 'invalid', 0, unsuccessfulWithBmi('0x0f')],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodeWeightMeasurement(hexBytes(row[0])), WEIGHT_MEASUREMENT_NAME, row);
  });

  it('refuses to encode BMI and height with an unsuccessful measurement', () => {
    expect(() =>
      encodeWeightMeasurement({
        units: 'SI',
        weight: unsuccessful,
        bmiAndHeight: { bmi: bodyMassIndex(242), height: bodyHeight('SI', 1700) },
      }),
    ).toThrow('cannot encode BMI and height: an unsuccessful measurement (weight 0xffff) cannot carry them');
  });

  it('refuses to encode a value its raw count does not say', () => {
    expect(() => encodeWeightMeasurement({ units: 'SI', weight: lb(14000, 140) })).toThrow(
      'cannot encode weight: 140 [lb_av] does not match raw 14000, which is 70 kg',
    );
    expect(() => encodeWeightMeasurement({ units: 'imperial', weight: lb(14000, 70) })).toThrow(
      'cannot encode weight: 70 [lb_av] does not match raw 14000, which is 140 [lb_av]',
    );
    expect(() => encodeWeightMeasurement({ units: 'SI', weight: kg(0xffff, 327.675) })).toThrow(
      'cannot encode weight: 327.675 kg does not match raw 65535, which is measurement unsuccessful',
    );
    expect(() =>
      encodeWeightMeasurement({
        units: 'imperial',
        weight: lb(15432, 154.32),
        bmiAndHeight: { bmi: bodyMassIndex(242), height: bodyHeight('SI', 1700) },
      }),
    ).toThrow('cannot encode height: 1.7 m does not match raw 1700, which is 170 [in_i]');
  });

  it('refuses to encode fields that do not fit', () => {
    expect(() => encodeWeightMeasurement({ units: 'SI', weight: scaleWeight('SI', 70000) })).toThrow(
      'cannot encode weight: 70000 is not an integer in 0..65535',
    );
    expect(() => encodeWeightMeasurement({ units: 'SI', weight: kg(14000, 70), userId: 256 })).toThrow(
      'cannot encode user ID: 256 is not an integer in 0..255',
    );
  });
});
