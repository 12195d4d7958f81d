/**
 * Temperature Type (0x2A1D, read; Health Thermometer Service 1.0, format in the GATT
 * Specification Supplement): one uint8 naming where on the body a thermometer measures.
 * 1 armpit, 2 body (general), 3 ear (usually earlobe), 4 finger, 5 gastro-intestinal tract,
 * 6 mouth, 7 rectum, 8 toe, 9 tympanum (eardrum); 0 and 10-255 are reserved for future use
 * and rejected. The optional Temperature Type field of Temperature Measurement and
 * Intermediate Temperature has the same format and is read with readTemperatureType.
 */
import { type ByteReader, decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import type { Decoded } from './decode-result.ts';
import type { NameOf } from './named-values.ts';

export const TEMPERATURE_TYPE_UUID = '2a1d';
export const TEMPERATURE_TYPE_NAME = 'Temperature Type';

export const TEMPERATURE_TYPES = {
  armpit: 1,
  body: 2,
  ear: 3,
  finger: 4,
  gastro_intestinal_tract: 5,
  mouth: 6,
  rectum: 7,
  toe: 8,
  tympanum: 9,
} as const;
export type TemperatureTypeName = NameOf<typeof TEMPERATURE_TYPES>;

export interface TemperatureType {
  temperatureType: TemperatureTypeName;
}

const FIELD = 'temperature type';

/** The Temperature Type octet, here or inside a measurement; a reserved value fails at its offset. */
export function readTemperatureType(reader: ByteReader): TemperatureTypeName {
  return reader.code(TEMPERATURE_TYPES, 1, FIELD);
}

export function writeTemperatureType(writer: ByteWriter, type: TemperatureTypeName): ByteWriter {
  return writer.uint8(TEMPERATURE_TYPES[type], FIELD);
}

export function decodeTemperatureType(bytes: Uint8Array): Decoded<TemperatureType> {
  return decodeGatt(TEMPERATURE_TYPE_NAME, bytes, (reader) => ({
    temperatureType: readTemperatureType(reader),
  }));
}

export function encodeTemperatureType(value: TemperatureType): Uint8Array {
  return writeTemperatureType(new ByteWriter(), value.temperatureType).toBytes();
}

export const TEMPERATURE_TYPE = plain({
  uuid: TEMPERATURE_TYPE_UUID,
  name: TEMPERATURE_TYPE_NAME,
  decode: decodeTemperatureType,
  examples: [
    { hex: '06', what: 'mouth' },
    { hex: '02', what: 'body' },
  ],
});
