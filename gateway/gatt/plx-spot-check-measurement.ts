/**
 * PLX Spot-Check Measurement (0x2A5E, indicate). Flags: bit 0 timestamp, bit 1
 * measurement status, bit 2 device and sensor status, bit 3 pulse amplitude index,
 * bit 4 device clock not set; bits 5-7 reserved.
 * Order: flags, SpO2 (SFLOAT %), pulse rate (SFLOAT /min), timestamp?, status fields.
 */
import { decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import { type DateTime, readDateTime, writeDateTime } from './date-time.ts';
import type { Decoded } from './decode-result.ts';
import type { MedicalFloat } from './ieee11073.ts';
import {
  type PlxStatusFields,
  plxStatusFlags,
  readPlxStatusFields,
  writePlxStatusFields,
} from './plx-status.ts';

export const PLX_SPOT_CHECK_MEASUREMENT_UUID = '2a5e';
export const PLX_SPOT_CHECK_MEASUREMENT_NAME = 'PLX Spot-Check Measurement';

const FLAG = { timestamp: 0x01, clockNotSet: 0x10 } as const;
const STATUS_BITS = { measurementStatus: 0x02, deviceAndSensorStatus: 0x04, pulseAmplitudeIndex: 0x08 };
const DEFINED_FLAGS = 0x1f;

export interface PlxSpotCheckMeasurement extends PlxStatusFields {
  /** SpO2, %. */
  spo2: MedicalFloat;
  /** Pulse rate, /min. */
  pulseRate: MedicalFloat;
  /** Device-local time of the measurement. */
  timestamp?: DateTime;
  deviceClockNotSet: boolean;
}

export function decodePlxSpotCheckMeasurement(bytes: Uint8Array): Decoded<PlxSpotCheckMeasurement> {
  return decodeGatt(PLX_SPOT_CHECK_MEASUREMENT_NAME, bytes, (reader) => {
    const flags = reader.flags(1, DEFINED_FLAGS);
    const spo2 = reader.sfloat('SpO2');
    const pulseRate = reader.sfloat('pulse rate');
    const timestamp = flags & FLAG.timestamp ? readDateTime(reader, 'timestamp') : undefined;
    return {
      spo2,
      pulseRate,
      ...(timestamp ? { timestamp } : {}),
      ...readPlxStatusFields(reader, flags, STATUS_BITS),
      deviceClockNotSet: (flags & FLAG.clockNotSet) !== 0,
    };
  });
}

export function encodePlxSpotCheckMeasurement(measurement: PlxSpotCheckMeasurement): Uint8Array {
  const flags =
    (measurement.timestamp ? FLAG.timestamp : 0) |
    plxStatusFlags(measurement, STATUS_BITS) |
    (measurement.deviceClockNotSet ? FLAG.clockNotSet : 0);
  const writer = new ByteWriter()
    .uint8(flags, 'flags')
    .sfloat(measurement.spo2, 'SpO2')
    .sfloat(measurement.pulseRate, 'pulse rate');
  if (measurement.timestamp) writeDateTime(writer, measurement.timestamp, 'timestamp');
  writePlxStatusFields(writer, measurement);
  return writer.toBytes();
}

export const PLX_SPOT_CHECK_MEASUREMENT = plain({
  uuid: PLX_SPOT_CHECK_MEASUREMENT_UUID,
  name: PLX_SPOT_CHECK_MEASUREMENT_NAME,
  decode: decodePlxSpotCheckMeasurement,
  examples: [
    {
      hex: '01 61 00 4b 00 ea 07 0b 1a 09 1e 00',
      what: 'timestamp present; SpO2 97 %, PR 75, 2026-11-26 09:30:00',
    },
    { hex: '00 62 00 48 00', what: 'SpO2 98 %, PR 72' },
    {
      hex: '1f 62 00 48 00 ea 07 0b 18 08 00 00 00 42 30 20 00 2d f0',
      what: 'every field: timestamp, status bits, PAI 4.5 %, clock not set',
    },
    { hex: '10 b1 f3 48 00', what: 'SpO2 94.5 % (exponent -1), clock not set' },
  ],
});
