/**
 * Temperature Measurement (0x2A1C, indicate) and Intermediate Temperature (0x2A1E, notify)
 * of the Health Thermometer Service 1.0; the layout is the GATT Specification Supplement's,
 * and Intermediate Temperature has exactly the same one (its value is a reading still in
 * progress). Flags (uint8): bit 0 unit (0 Celsius, 1 Fahrenheit), bit 1 time stamp
 * present, bit 2 temperature type present; bits 3-7 are reserved for future use (the
 * summary in ble-gatt-reference.md lists bits 0-2 only) and rejected, as in the other decoders.
 * Order: flags, temperature (IEEE 11073 32-bit FLOAT in the flagged unit), time stamp
 * (Date Time, 7 bytes)?, temperature type (uint8, the Temperature Type table)?.
 *
 * The FLOAT is little-endian like every field: the 24-bit mantissa comes first, the
 * exponent byte last, so 36.6 °C (mantissa 366, exponent -1, word 0xFF00016E) is
 * `6e 01 00 ff`. NaN, NRes, +/-INFINITY and the reserved word decode as specials that
 * carry no number (ieee11073.ts); every accepted value re-encodes to the same bytes.
 */
import { type ByteReader, decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import { type DateTime, readDateTime, writeDateTime } from './date-time.ts';
import type { Decoded } from './decode-result.ts';
import type { MedicalFloat } from './ieee11073.ts';
import { readTemperatureType, type TemperatureTypeName, writeTemperatureType } from './temperature-type.ts';

/** The Health Thermometer service (0x1809, Bluetooth SIG Assigned Numbers), as noble spells it. */
export const HEALTH_THERMOMETER_SERVICE = '1809';

export const TEMPERATURE_MEASUREMENT_UUID = '2a1c';
export const TEMPERATURE_MEASUREMENT_NAME = 'Temperature Measurement';
export const INTERMEDIATE_TEMPERATURE_NAME = 'Intermediate Temperature';

const FLAG = { fahrenheit: 0x01, timeStamp: 0x02, temperatureType: 0x04 } as const;
const DEFINED_FLAGS = 0x07;

export type TemperatureUnit = 'celsius' | 'fahrenheit';

const UNIT_FLAGS: Record<TemperatureUnit, number> = { celsius: 0, fahrenheit: FLAG.fahrenheit };

export interface TemperatureMeasurement {
  /** In `unit`; a special value (NaN: no reading) carries no number. */
  temperature: MedicalFloat;
  unit: TemperatureUnit;
  /** Device-local wall-clock time of the measurement. */
  timestamp?: DateTime;
  /** Where on the body; absent when the device sends it in the Temperature Type characteristic. */
  temperatureType?: TemperatureTypeName;
}

function readTemperatureMeasurement(reader: ByteReader): TemperatureMeasurement {
  const flags = reader.flags(1, DEFINED_FLAGS);
  const temperature = reader.float('temperature');
  const timestamp = flags & FLAG.timeStamp ? readDateTime(reader, 'time stamp') : undefined;
  const temperatureType = flags & FLAG.temperatureType ? readTemperatureType(reader) : undefined;
  return {
    temperature,
    unit: flags & FLAG.fahrenheit ? 'fahrenheit' : 'celsius',
    ...(timestamp ? { timestamp } : {}),
    ...(temperatureType ? { temperatureType } : {}),
  };
}

export function decodeTemperatureMeasurement(bytes: Uint8Array): Decoded<TemperatureMeasurement> {
  return decodeGatt(TEMPERATURE_MEASUREMENT_NAME, bytes, readTemperatureMeasurement);
}

/** Same layout as Temperature Measurement; errors name Intermediate Temperature. */
export function decodeIntermediateTemperature(bytes: Uint8Array): Decoded<TemperatureMeasurement> {
  return decodeGatt(INTERMEDIATE_TEMPERATURE_NAME, bytes, readTemperatureMeasurement);
}

/** Encodes a Temperature Measurement or, the layout being the same, an Intermediate Temperature. */
export function encodeTemperatureMeasurement(measurement: TemperatureMeasurement): Uint8Array {
  const flags =
    UNIT_FLAGS[measurement.unit] |
    (measurement.timestamp ? FLAG.timeStamp : 0) |
    (measurement.temperatureType ? FLAG.temperatureType : 0);
  const writer = new ByteWriter().uint8(flags, 'flags').float(measurement.temperature, 'temperature');
  if (measurement.timestamp) writeDateTime(writer, measurement.timestamp, 'time stamp');
  if (measurement.temperatureType) writeTemperatureType(writer, measurement.temperatureType);
  return writer.toBytes();
}

export const TEMPERATURE_MEASUREMENT = plain({
  uuid: TEMPERATURE_MEASUREMENT_UUID,
  name: TEMPERATURE_MEASUREMENT_NAME,
  decode: decodeTemperatureMeasurement,
  examples: [
    { hex: '06 6e 01 00 ff ea 07 0b 1a 14 00 00 06', what: 'time stamp and type; 36.6 Cel, mouth' },
    { hex: '00 6e 01 00 ff', what: '36.6 Cel' },
    {
      hex: '06 6e 01 00 ff ea 07 0b 18 08 00 00 06',
      what: 'time stamp and type; 36.6 Cel, 2026-11-24 08:00:00, mouth',
    },
    { hex: '01 dc 03 00 ff', what: '98.8 degF' },
  ],
});

export const INTERMEDIATE_TEMPERATURE = plain({
  uuid: '2a1e',
  name: INTERMEDIATE_TEMPERATURE_NAME,
  decode: decodeIntermediateTemperature,
  examples: [
    { hex: '00 6c 01 00 ff', what: '36.4 Cel, settling' },
    { hex: '00 6e 01 00 ff', what: '36.6 Cel' },
    { hex: '05 dc 03 00 ff 02', what: 'type; 98.8 degF, body' },
  ],
});
