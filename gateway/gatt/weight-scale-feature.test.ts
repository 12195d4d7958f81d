import { describe, expect, it } from 'vitest';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';
import {
  decodeWeightScaleFeature,
  encodeWeightScaleFeature,
  HEIGHT_RESOLUTIONS,
  WEIGHT_RESOLUTIONS,
  WEIGHT_SCALE_FEATURE_NAME,
  type WeightScaleFeature,
} from './weight-scale-feature.ts';

const hex32 = (value: number) =>
  formatHexBytes(Uint8Array.of(value, value >>> 8, value >>> 16, value >>> 24));

describe('Weight Scale Feature', () => {
  it.each<[string, WeightScaleFeature]>([
    ['00 00 00 00', { features: [], weightResolution: null, heightResolution: null }],
    [
      '07 00 00 00',
      { features: ['time_stamp', 'multiple_users', 'bmi'], weightResolution: null, heightResolution: null },
    ],
    ['02 00 00 00', { features: ['multiple_users'], weightResolution: null, heightResolution: null }],
    // 0.005 kg / 0.01 lb and 0.001 m / 0.1 in: the steps of the Weight Measurement fields
    [
      'bf 01 00 00',
      {
        features: ['time_stamp', 'multiple_users', 'bmi'],
        weightResolution: { code: 7, kg: 0.005, lb: 0.01 },
        heightResolution: { code: 3, m: 0.001, in: 0.1 },
      },
    ],
    // time stamp and multiple users, 0.05 kg / 0.1 lb, height not specified
    [
      '23 00 00 00',
      {
        features: ['time_stamp', 'multiple_users'],
        weightResolution: { code: 4, kg: 0.05, lb: 0.1 },
        heightResolution: null,
      },
    ],
    // BMI, weight not specified, 0.01 m / 1 in
    [
      '84 00 00 00',
      { features: ['bmi'], weightResolution: null, heightResolution: { code: 1, m: 0.01, in: 1 } },
    ],
  ])('decodes %s', (hex, expected) => {
    expect(decodedValue(decodeWeightScaleFeature(hexBytes(hex)))).toEqual(expected);
    expect(formatHexBytes(encodeWeightScaleFeature(expected))).toBe(hex);
  });

  it.each([
    [1, 0.5, 1],
    [2, 0.2, 0.5],
    [3, 0.1, 0.2],
    [4, 0.05, 0.1],
    [5, 0.02, 0.05],
    [6, 0.01, 0.02],
    [7, 0.005, 0.01],
  ])('decodes weight resolution %i as %s kg / %s lb', (code, kgStep, lbStep) => {
    const hex = hex32(code << 3);
    const expected = {
      features: [],
      weightResolution: { code, kg: kgStep, lb: lbStep },
      heightResolution: null,
    };
    expect(decodedValue(decodeWeightScaleFeature(hexBytes(hex)))).toEqual(expected);
    expect(formatHexBytes(encodeWeightScaleFeature(expected))).toBe(hex);
  });

  it.each([
    [1, 0.01, 1],
    [2, 0.005, 0.5],
    [3, 0.001, 0.1],
  ])('decodes height resolution %i as %s m / %s in', (code, mStep, inStep) => {
    const hex = hex32(code << 7);
    const expected = {
      features: [],
      weightResolution: null,
      heightResolution: { code, m: mStep, in: inStep },
    };
    expect(decodedValue(decodeWeightScaleFeature(hexBytes(hex)))).toEqual(expected);
    expect(formatHexBytes(encodeWeightScaleFeature(expected))).toBe(hex);
  });

  it('lists exactly the defined resolution codes', () => {
    expect(WEIGHT_RESOLUTIONS.map((r) => r.code)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(HEIGHT_RESOLUTIONS.map((r) => r.code)).toEqual([1, 2, 3]);
  });

  it.each<RejectionRow>([
    ['', 'truncated', 0, 'truncated at offset 0: expected 4 bytes for weight scale feature, got 0'],
    ['bf 01 00', 'truncated', 0, 'truncated at offset 0: expected 4 bytes for weight scale feature, got 3'],
    [
      '00 04 00 00',
      'reserved',
      0,
      'reserved value at offset 0: weight scale feature 0x00000400 has reserved bits 0x00000400 set',
    ],
    [
      'bf 01 00 80',
      'reserved',
      0,
      'reserved value at offset 0: weight scale feature 0x800001bf has reserved bits 0x80000000 set',
    ],
    [
      'ff ff ff ff',
      'reserved',
      0,
      'reserved value at offset 0: weight scale feature 0xffffffff has reserved bits 0xfffffc00 set',
    ],
    ['40 00 00 00', 'reserved', 0, 'reserved value at offset 0: weight resolution 8 is reserved'],
    ['78 00 00 00', 'reserved', 0, 'reserved value at offset 0: weight resolution 15 is reserved'],
    ['00 02 00 00', 'reserved', 0, 'reserved value at offset 0: height resolution 4 is reserved'],
    ['b8 03 00 00', 'reserved', 0, 'reserved value at offset 0: height resolution 7 is reserved'],
    ['00 00 00 00 00', 'trailing', 4, 'unexpected trailing bytes at offset 4: 1 byte after the last field'],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodeWeightScaleFeature(hexBytes(row[0])), WEIGHT_SCALE_FEATURE_NAME, row);
  });

  it('refuses to encode a resolution the specification does not define', () => {
    const none = { features: [], weightResolution: null, heightResolution: null };
    expect(() =>
      encodeWeightScaleFeature({ ...none, weightResolution: { code: 8, kg: 0.001, lb: 0.002 } }),
    ).toThrow(
      'cannot encode weight resolution: {"code":8,"kg":0.001,"lb":0.002} is not a resolution the specification defines',
    );
    expect(() =>
      encodeWeightScaleFeature({ ...none, weightResolution: { code: 7, kg: 0.01, lb: 0.01 } }),
    ).toThrow('cannot encode weight resolution');
    expect(() =>
      encodeWeightScaleFeature({ ...none, heightResolution: { code: 3, m: 0.001, in: 1 } }),
    ).toThrow('cannot encode height resolution');
  });
});
