import { describe, expect, it } from 'vitest';
import type { DateTime } from './date-time.ts';
import type { Decoded } from './decode-result.ts';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';
import { type MedicalSpecial, medicalNumber, medicalSpecial } from './ieee11073.ts';
import {
  decodeIntermediateTemperature,
  decodeTemperatureMeasurement,
  encodeTemperatureMeasurement,
  INTERMEDIATE_TEMPERATURE_NAME,
  TEMPERATURE_MEASUREMENT_NAME,
  type TemperatureMeasurement,
} from './temperature-measurement.ts';
import { TEMPERATURE_TYPES, type TemperatureTypeName } from './temperature-type.ts';

/** 36.6 °C: mantissa 366, exponent -1, word 0xFF00016E, sent low byte first. */
const T36_6 = '6e 01 00 ff';
/** 98.6 °F: mantissa 986 (0x3DA), exponent -1. */
const F98_6 = 'da 03 00 ff';
/** 2024-03-15 08:30:05 */
const TS = 'e8 07 03 0f 08 1e 05';
const timestamp: DateTime = { year: 2024, month: 3, day: 15, hours: 8, minutes: 30, seconds: 5 };

const celsius = (fields: Partial<TemperatureMeasurement> = {}): TemperatureMeasurement => ({
  temperature: medicalNumber(366, -1),
  unit: 'celsius',
  ...fields,
});
const fahrenheit = (fields: Partial<TemperatureMeasurement> = {}): TemperatureMeasurement => ({
  temperature: medicalNumber(986, -1),
  unit: 'fahrenheit',
  ...fields,
});
const number = (mantissa: number, exponent: number) =>
  celsius({ temperature: medicalNumber(mantissa, exponent) });

function wordHex(word: number): string {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, word, true);
  return formatHexBytes(bytes);
}

describe.each<[string, (bytes: Uint8Array) => Decoded<TemperatureMeasurement>]>([
  [TEMPERATURE_MEASUREMENT_NAME, decodeTemperatureMeasurement],
  [INTERMEDIATE_TEMPERATURE_NAME, decodeIntermediateTemperature],
])('%s', (name, decode) => {
  it.each<[string, TemperatureMeasurement]>([
    // every flag combination (bit 0 unit, bit 1 time stamp, bit 2 temperature type)
    [`00 ${T36_6}`, celsius()],
    [`01 ${F98_6}`, fahrenheit()],
    [`02 ${T36_6} ${TS}`, celsius({ timestamp })],
    [`03 ${F98_6} ${TS}`, fahrenheit({ timestamp })],
    [`04 ${T36_6} 06`, celsius({ temperatureType: 'mouth' })],
    [`05 ${F98_6} 03`, fahrenheit({ temperatureType: 'ear' })],
    [`06 ${T36_6} ${TS} 01`, celsius({ timestamp, temperatureType: 'armpit' })],
    [`07 ${F98_6} ${TS} 07`, fahrenheit({ timestamp, temperatureType: 'rectum' })],
    // a thermometer's packet (b4x.com forum thread 64232): 37.60 °C, 2012-12-05 11:09:39, finger
    [
      '06 b0 0e 00 fe dc 07 0c 05 0b 09 27 04',
      celsius({
        temperature: medicalNumber(3760, -2),
        timestamp: { year: 2012, month: 12, day: 5, hours: 11, minutes: 9, seconds: 39 },
        temperatureType: 'finger',
      }),
    ],
    // exponents: negative, zero, positive, the extremes
    ['00 51 0e 00 fe', number(3665, -2)],
    ['00 05 91 00 fd', number(37125, -3)],
    ['00 25 00 00 00', number(37, 0)],
    ['00 04 00 00 01', number(4, 1)],
    ['00 01 00 00 80', number(1, -128)],
    ['00 01 00 00 7f', number(1, 127)],
    // negative mantissas
    ['00 c9 ff ff ff', number(-55, -1)],
    ['00 ff ff ff 00', number(-1, 0)],
    // the largest and smallest numbers next to the special words
    ['00 fd ff 7f 00', number(8_388_605, 0)],
    ['00 03 00 80 00', number(-8_388_605, 0)],
    // the special mantissas are numbers when the exponent is not 0
    ['00 ff ff 7f ff', number(8_388_607, -1)],
    ['00 00 00 80 01', number(-8_388_608, 1)],
    // a device clock that does not know the date
    [
      `02 ${T36_6} 00 00 00 00 00 00 00`,
      celsius({ timestamp: { year: null, month: null, day: null, hours: 0, minutes: 0, seconds: 0 } }),
    ],
  ])('decodes %s', (hex, expected) => {
    expect(decodedValue(decode(hexBytes(hex)))).toEqual(expected);
    expect(formatHexBytes(encodeTemperatureMeasurement(expected))).toBe(hex);
  });

  it('keeps the decimal exact: 36.6, 98.6 and 37.6 as written', () => {
    const value = (hex: string) => {
      const { temperature } = decodedValue(decode(hexBytes(hex)));
      return temperature.kind === 'number' ? temperature.value : undefined;
    };
    expect(value(`00 ${T36_6}`)).toBe(36.6);
    expect(value(`01 ${F98_6}`)).toBe(98.6);
    expect(value('00 b0 0e 00 fe')).toBe(37.6);
  });

  it('reads the exponent from the last byte: 00 fe 6e 01 00 is 93950 (0x016efe), not 36.6', () => {
    expect(decodedValue(decode(hexBytes('00 fe 6e 01 00'))).temperature).toEqual(medicalNumber(93_950, 0));
  });

  it.each<[string, MedicalSpecial]>([
    ['ff ff 7f 00', 'nan'],
    ['00 00 80 00', 'nres'],
    ['fe ff 7f 00', 'positive_infinity'],
    ['02 00 80 00', 'negative_infinity'],
    ['01 00 80 00', 'reserved'],
  ])('keeps the special word %s as %s, carrying no number, in either unit', (word, special) => {
    for (const hex of [`00 ${word}`, `07 ${word} ${TS} 02`]) {
      const decoded = decodedValue(decode(hexBytes(hex)));
      expect(decoded.temperature).toEqual(medicalSpecial(special));
      expect(Object.values(decoded.temperature).some((v) => typeof v === 'number')).toBe(false);
      expect(formatHexBytes(encodeTemperatureMeasurement(decoded))).toBe(hex);
    }
    expect(decodedValue(decode(hexBytes(`07 ${word} ${TS} 02`)))).toMatchObject({
      unit: 'fahrenheit',
      timestamp,
      temperatureType: 'body',
    });
  });

  it.each(Object.entries(TEMPERATURE_TYPES) as [TemperatureTypeName, number][])(
    'carries the temperature type %s (%i)',
    (temperatureType, code) => {
      const hex = `04 ${T36_6} 0${code}`;
      expect(decodedValue(decode(hexBytes(hex)))).toEqual(celsius({ temperatureType }));
      expect(formatHexBytes(encodeTemperatureMeasurement(celsius({ temperatureType })))).toBe(hex);
    },
  );

  it('re-encodes FLOAT words across the whole range, under every flag combination, to the same bytes', () => {
    const tail = (flags: number) => `${flags & 0x02 ? ` ${TS}` : ''}${flags & 0x04 ? ' 09' : ''}`;
    for (let word = 0; word <= 0xffffffff; word += 0x00fedcb7) {
      for (let flags = 0; flags <= 0x07; flags++) {
        const hex = `0${flags} ${wordHex(word)}${tail(flags)}`;
        const encoded = formatHexBytes(encodeTemperatureMeasurement(decodedValue(decode(hexBytes(hex)))));
        if (encoded !== hex) throw new Error(`${hex} re-encodes as ${encoded}`);
      }
    }
  });

  it.each<RejectionRow>([
    ['', 'truncated', 0, 'truncated at offset 0: expected 1 byte for flags, got 0'],
    ['00', 'truncated', 1, 'truncated at offset 1: expected 4 bytes for temperature, got 0'],
    ['00 6e 01 00', 'truncated', 1, 'truncated at offset 1: expected 4 bytes for temperature, got 3'],
    [`02 ${T36_6}`, 'truncated', 5, 'truncated at offset 5: expected 2 bytes for time stamp year, got 0'],
    [`02 ${T36_6} e8`, 'truncated', 5, 'truncated at offset 5: expected 2 bytes for time stamp year, got 1'],
    [
      `02 ${T36_6} e8 07 03 0f 08 1e`,
      'truncated',
      11,
      'truncated at offset 11: expected 1 byte for time stamp seconds, got 0',
    ],
    [`04 ${T36_6}`, 'truncated', 5, 'truncated at offset 5: expected 1 byte for temperature type, got 0'],
    [
      `06 ${T36_6} ${TS}`,
      'truncated',
      12,
      'truncated at offset 12: expected 1 byte for temperature type, got 0',
    ],
    [`08 ${T36_6}`, 'reserved', 0, 'reserved value at offset 0: flags 0x08 has reserved bits 0x08 set'],
    [`80 ${T36_6}`, 'reserved', 0, 'reserved value at offset 0: flags 0x80 has reserved bits 0x80 set'],
    [
      `ff ${T36_6} ${TS} 02`,
      'reserved',
      0,
      'reserved value at offset 0: flags 0xff has reserved bits 0xf8 set',
    ],
    [`04 ${T36_6} 00`, 'reserved', 5, 'reserved value at offset 5: temperature type 0 is reserved'],
    [`04 ${T36_6} 0a`, 'reserved', 5, 'reserved value at offset 5: temperature type 10 is reserved'],
    [`06 ${T36_6} ${TS} ff`, 'reserved', 12, 'reserved value at offset 12: temperature type 255 is reserved'],
    [
      `02 ${T36_6} e8 07 0d 0f 08 1e 05`,
      'reserved',
      7,
      'reserved value at offset 7: time stamp month 13 is outside 1-12',
    ],
    [
      `02 ${T36_6} e8 07 03 0f 18 1e 05`,
      'reserved',
      9,
      'reserved value at offset 9: time stamp hours 24 is outside 0-23',
    ],
    [`00 ${T36_6} 00`, 'trailing', 5, 'unexpected trailing bytes at offset 5: 1 byte after the last field'],
    // a temperature type or time stamp without its flag is left over
    [`01 ${F98_6} 02`, 'trailing', 5, 'unexpected trailing bytes at offset 5: 1 byte after the last field'],
    [
      `00 ${T36_6} ${TS}`,
      'trailing',
      5,
      'unexpected trailing bytes at offset 5: 7 bytes after the last field',
    ],
    [
      `04 ${T36_6} 06 06`,
      'trailing',
      6,
      'unexpected trailing bytes at offset 6: 1 byte after the last field',
    ],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decode(hexBytes(row[0])), name, row);
  });
});

describe('encodeTemperatureMeasurement', () => {
  it('refuses a mantissa that does not fit 24 bits', () => {
    expect(() => encodeTemperatureMeasurement(number(8_388_608, 0))).toThrow(
      /cannot encode temperature: FLOAT mantissa 8388608 is not an integer in -8388608..8388607/,
    );
  });

  it('refuses a number whose word is a special value', () => {
    expect(() => encodeTemperatureMeasurement(number(8_388_607, 0))).toThrow(
      /cannot encode temperature: 8388607e0 collides with a FLOAT special value/,
    );
  });

  it('refuses a time stamp field that does not fit its octet', () => {
    expect(() =>
      encodeTemperatureMeasurement(celsius({ timestamp: { ...timestamp, minutes: 256 } })),
    ).toThrow(/cannot encode time stamp minutes: 256 is not an integer in 0..255/);
  });
});
