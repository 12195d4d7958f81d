import { describe, expect, it } from 'vitest';
import { GattEncodeError } from './decode-result.ts';
import {
  decodeFloat,
  decodeSfloat,
  encodeFloat,
  encodeSfloat,
  type MedicalSpecial,
  medicalNumber,
  medicalSpecial,
  scaleByPowerOfTen,
} from './ieee11073.ts';

describe('SFLOAT', () => {
  it.each([
    // raw, mantissa, exponent, value
    [0xf062, 98, -1, 9.8],
    [0xb064, 100, -5, 0.001],
    [0x0048, 72, 0, 72],
    [0x0fff, -1, 0, -1],
    [0x7001, 1, 7, 10_000_000],
    [0x87fd, 2045, -8, 2045e-8],
    [0xf800, -2048, -1, -204.8],
    [0x17ff, 2047, 1, 20470],
    [0x0000, 0, 0, 0],
  ])('decodes %s as mantissa %i x 10^%i', (raw, mantissa, exponent, value) => {
    expect(decodeSfloat(raw)).toEqual({ kind: 'number', mantissa, exponent, value });
  });

  it.each<[number, MedicalSpecial]>([
    [0x07ff, 'nan'],
    [0x0800, 'nres'],
    [0x07fe, 'positive_infinity'],
    [0x0802, 'negative_infinity'],
    [0x0801, 'reserved'],
  ])('decodes the special word %s as %s, carrying no number', (raw, special) => {
    const decoded = decodeSfloat(raw);
    expect(decoded).toEqual({ kind: 'special', special });
    expect(Object.values(decoded).some((v) => typeof v === 'number')).toBe(false);
  });

  it('re-encodes every one of the 65536 words to itself', () => {
    for (let raw = 0; raw <= 0xffff; raw++) {
      if (encodeSfloat(decodeSfloat(raw)) !== raw)
        throw new Error(`0x${raw.toString(16)} does not round-trip`);
    }
  });

  it('refuses numbers it cannot carry', () => {
    expect(() => encodeSfloat(medicalNumber(2048, 0))).toThrow(GattEncodeError);
    expect(() => encodeSfloat(medicalNumber(1, 8))).toThrow(GattEncodeError);
    expect(() => encodeSfloat(medicalNumber(1.5, 0))).toThrow(GattEncodeError);
    expect(() => encodeSfloat({ kind: 'number', mantissa: 98, exponent: -1, value: 98 })).toThrow(
      /does not equal/,
    );
  });

  it('refuses a number whose word is a special value', () => {
    expect(() => encodeSfloat(medicalNumber(2047, 0), 'SpO2')).toThrow(/SpO2.*special value/);
    expect(() => encodeSfloat(medicalNumber(-2048, 0))).toThrow(GattEncodeError);
  });
});

describe('FLOAT', () => {
  it.each([
    [0xff000062, 98, -1, 9.8],
    [0x00ffffff, -1, 0, -1],
    [0x02000007, 7, 2, 700],
    [0xfb0186a0, 100_000, -5, 1],
    [0x80000001, 1, -128, 1e-128],
  ])('decodes %s as mantissa %i x 10^%i', (raw, mantissa, exponent, value) => {
    expect(decodeFloat(raw)).toEqual({ kind: 'number', mantissa, exponent, value });
  });

  it.each<[number, MedicalSpecial]>([
    [0x007fffff, 'nan'],
    [0x00800000, 'nres'],
    [0x007ffffe, 'positive_infinity'],
    [0x00800002, 'negative_infinity'],
    [0x00800001, 'reserved'],
  ])('decodes the special word %s as %s', (raw, special) => {
    expect(decodeFloat(raw)).toEqual({ kind: 'special', special });
    expect(encodeFloat(medicalSpecial(special))).toBe(raw);
  });

  it('re-encodes words across the whole range to themselves', () => {
    for (let raw = 0; raw <= 0xffffffff; raw += 0x00fedcb7) expect(encodeFloat(decodeFloat(raw))).toBe(raw);
  });
});

describe('scaleByPowerOfTen', () => {
  it('turns 0xB064 (100e-5 kg/L) into exactly 100 mg/dL', () => {
    const kgPerLitre = decodeSfloat(0xb064);
    if (kgPerLitre.kind !== 'number') throw new Error('expected a number');
    expect(scaleByPowerOfTen(kgPerLitre, 5)).toBe(100);
  });

  it('stays exact where multiplying by float powers of ten drifts (180e-5 kg/L, 55e-4 mol/L)', () => {
    expect(180 * 1e-5 * 1e5).not.toBe(180);
    expect(55 * 1e-4 * 1e3).not.toBe(5.5);
    expect(scaleByPowerOfTen(medicalNumber(180, -5), 5)).toBe(180);
    expect(scaleByPowerOfTen(medicalNumber(55, -4), 3)).toBe(5.5);
  });

  it.each([
    // raw, power, expected: mol/L -> mmol/L (x10^3), kg/L -> mg/dL (x10^5)
    [0xc037, 3, 5.5],
    [0xd007, 3, 7],
    [0xb04d, 5, 77],
    [0xb0b4, 5, 180],
    [0x8fff, 5, -0.001],
  ])('scales %s by 10^%i to exactly %s', (raw, power, expected) => {
    const decoded = decodeSfloat(raw);
    if (decoded.kind !== 'number') throw new Error('expected a number');
    expect(scaleByPowerOfTen(decoded, power)).toBe(expected);
  });
});
