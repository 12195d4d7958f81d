/**
 * IEEE 11073-20601 medical number formats used by the Bluetooth health profiles:
 * SFLOAT (16 bits: 4-bit exponent, 12-bit mantissa) and FLOAT (32 bits: 8-bit exponent,
 * 24-bit mantissa), both two's complement, value = mantissa x 10^exponent.
 *
 * The special values (NaN, NRes, +/-INFINITY, reserved) are whole words with exponent 0
 * (../shared/ble-gatt-reference.md) and decode to `{ kind: 'special' }`, which carries no
 * number at all, so it cannot be mistaken for a reading. Numbers keep their integer
 * mantissa and exponent; `value` is computed from them exactly (see exactDecimal).
 */
import { GattEncodeError } from './decode-result.ts';

export type MedicalSpecial = 'nan' | 'nres' | 'positive_infinity' | 'negative_infinity' | 'reserved';

export interface MedicalNumber {
  kind: 'number';
  mantissa: number;
  exponent: number;
  /** mantissa x 10^exponent, the double nearest to the exact decimal. */
  value: number;
}
export interface MedicalSpecialValue {
  kind: 'special';
  special: MedicalSpecial;
}
export type MedicalFloat = MedicalNumber | MedicalSpecialValue;

interface NumberFormat {
  name: 'SFLOAT' | 'FLOAT';
  exponentBits: number;
  mantissaBits: number;
  specials: Record<MedicalSpecial, number>;
}

const SFLOAT: NumberFormat = {
  name: 'SFLOAT',
  exponentBits: 4,
  mantissaBits: 12,
  specials: {
    nan: 0x07ff,
    nres: 0x0800,
    positive_infinity: 0x07fe,
    negative_infinity: 0x0802,
    reserved: 0x0801,
  },
};

const FLOAT: NumberFormat = {
  name: 'FLOAT',
  exponentBits: 8,
  mantissaBits: 24,
  specials: {
    nan: 0x007fffff,
    nres: 0x00800000,
    positive_infinity: 0x007ffffe,
    negative_infinity: 0x00800002,
    reserved: 0x00800001,
  },
};

const SPECIAL_DESCRIPTIONS: Record<MedicalSpecial, string> = {
  nan: 'NaN (not a number)',
  nres: 'NRes (not at this resolution)',
  positive_infinity: '+INFINITY',
  negative_infinity: '-INFINITY',
  reserved: 'a reserved special value',
};

export function describeSpecial(special: MedicalSpecial): string {
  return SPECIAL_DESCRIPTIONS[special];
}

function signed(raw: number, bits: number): number {
  return raw >= 2 ** (bits - 1) ? raw - 2 ** bits : raw;
}

/**
 * mantissa x 10^exponent without float drift: a negative exponent divides by an exact
 * power of ten (one correctly rounded division), never multiplies by 1e-5 and the like.
 * 100 x 10^-5 is 0.001; scaled by 10^5 it is exactly 100.
 */
export function exactDecimal(mantissa: number, exponent: number): number {
  // 10^k is an exact double only up to k = 22; beyond that (FLOAT exponents reach -128..127)
  // the decimal literal is parsed, which is correctly rounded as well.
  if (Math.abs(exponent) > 22) return Number(`${mantissa}e${exponent}`);
  return exponent >= 0 ? mantissa * 10 ** exponent : mantissa / 10 ** -exponent;
}

/** A decoded number scaled by 10^power, exactly (e.g. kg/L -> mg/dL is power 5). */
export function scaleByPowerOfTen(number: MedicalNumber, power: number): number {
  return exactDecimal(number.mantissa, number.exponent + power);
}

/** Builds a number to encode, e.g. medicalNumber(985, -1) for 98.5. */
export function medicalNumber(mantissa: number, exponent: number): MedicalNumber {
  return { kind: 'number', mantissa, exponent, value: exactDecimal(mantissa, exponent) };
}

export function medicalSpecial(special: MedicalSpecial): MedicalSpecialValue {
  return { kind: 'special', special };
}

function decodeWith(format: NumberFormat, raw: number): MedicalFloat {
  const special = (Object.keys(format.specials) as MedicalSpecial[]).find((s) => format.specials[s] === raw);
  if (special) return medicalSpecial(special);
  const mantissa = signed(raw % 2 ** format.mantissaBits, format.mantissaBits);
  const exponent = signed(Math.floor(raw / 2 ** format.mantissaBits), format.exponentBits);
  return medicalNumber(mantissa, exponent);
}

function encodeWith(format: NumberFormat, value: MedicalFloat, field: string): number {
  if (value.kind === 'special') return format.specials[value.special];
  const { mantissa, exponent } = value;
  const mantissaLimit = 2 ** (format.mantissaBits - 1);
  const exponentLimit = 2 ** (format.exponentBits - 1);
  if (!Number.isInteger(mantissa) || mantissa < -mantissaLimit || mantissa >= mantissaLimit) {
    throw new GattEncodeError(
      field,
      `${format.name} mantissa ${mantissa} is not an integer in ${-mantissaLimit}..${mantissaLimit - 1}`,
    );
  }
  if (!Number.isInteger(exponent) || exponent < -exponentLimit || exponent >= exponentLimit) {
    throw new GattEncodeError(
      field,
      `${format.name} exponent ${exponent} is not an integer in ${-exponentLimit}..${exponentLimit - 1}`,
    );
  }
  if (value.value !== exactDecimal(mantissa, exponent)) {
    throw new GattEncodeError(
      field,
      `value ${value.value} does not equal ${mantissa}e${exponent} (use medicalNumber())`,
    );
  }
  const raw =
    (exponent < 0 ? exponent + 2 ** format.exponentBits : exponent) * 2 ** format.mantissaBits +
    (mantissa < 0 ? mantissa + 2 ** format.mantissaBits : mantissa);
  if (Object.values(format.specials).includes(raw)) {
    throw new GattEncodeError(field, `${mantissa}e${exponent} collides with a ${format.name} special value`);
  }
  return raw;
}

export function decodeSfloat(raw: number): MedicalFloat {
  return decodeWith(SFLOAT, raw);
}

export function encodeSfloat(value: MedicalFloat, field = 'SFLOAT'): number {
  return encodeWith(SFLOAT, value, field);
}

export function decodeFloat(raw: number): MedicalFloat {
  return decodeWith(FLOAT, raw);
}

export function encodeFloat(value: MedicalFloat, field = 'FLOAT'): number {
  return encodeWith(FLOAT, value, field);
}
