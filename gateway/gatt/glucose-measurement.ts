/**
 * Glucose Measurement (0x2A18, notify). Flags: bit 0 time offset, bit 1 concentration +
 * type/sample location, bit 2 concentration unit (0 kg/L, 1 mol/L), bit 3 sensor status
 * annunciation, bit 4 context information follows; bits 5-7 reserved.
 * Order: flags, sequence number (uint16), base time (Date Time), time offset (sint16 min)?,
 * concentration (SFLOAT) + type/sample location (uint8)?, sensor status annunciation (uint16)?.
 */
import { decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import { type DateTime, readDateTime, writeDateTime } from './date-time.ts';
import type { Decoded } from './decode-result.ts';
import {
  GLUCOSE_SAMPLE_LOCATIONS,
  type GlucoseSampleLocation,
  type GlucoseSampleType,
  readTypeAndLocation,
  typeAndLocationOctet,
} from './glucose-sample.ts';
import type { MedicalFloat } from './ieee11073.ts';
import type { NameOf } from './named-values.ts';

/** The Glucose service (0x1808, Bluetooth SIG Assigned Numbers), as noble spells it. */
export const GLUCOSE_SERVICE = '1808';

export const GLUCOSE_MEASUREMENT_UUID = '2a18';
export const GLUCOSE_MEASUREMENT_NAME = 'Glucose Measurement';

const FLAG = {
  timeOffset: 0x01,
  concentration: 0x02,
  molPerLitre: 0x04,
  sensorStatus: 0x08,
  contextFollows: 0x10,
};
const DEFINED_FLAGS = 0x1f;

export const GLUCOSE_SENSOR_STATUS = {
  device_battery_low: 0,
  sensor_malfunction: 1,
  sample_size_insufficient: 2,
  strip_insertion_error: 3,
  strip_type_incorrect: 4,
  result_higher_than_device_can_process: 5,
  result_lower_than_device_can_process: 6,
  temperature_too_high: 7,
  temperature_too_low: 8,
  read_interrupted: 9,
  general_device_fault: 10,
  time_fault: 11,
} as const;
export type GlucoseSensorStatus = NameOf<typeof GLUCOSE_SENSOR_STATUS>;

export interface GlucoseConcentration {
  /** In `unit`: kg/L x 100,000 = mg/dL, mol/L x 1,000 = mmol/L (scaleByPowerOfTen). */
  value: MedicalFloat;
  unit: 'kg/L' | 'mol/L';
  type: GlucoseSampleType;
  location: GlucoseSampleLocation;
}

export interface GlucoseMeasurement {
  sequenceNumber: number;
  /** Device-local wall-clock time. */
  baseTime: DateTime;
  /** Minutes to add to the base time for the sample time. */
  timeOffsetMinutes?: number;
  concentration?: GlucoseConcentration;
  sensorStatus?: GlucoseSensorStatus[];
  /** A Glucose Measurement Context with the same sequence number follows. */
  contextFollows: boolean;
}

export function decodeGlucoseMeasurement(bytes: Uint8Array): Decoded<GlucoseMeasurement> {
  return decodeGatt(GLUCOSE_MEASUREMENT_NAME, bytes, (reader) => {
    const flags = reader.flags(1, DEFINED_FLAGS);
    const sequenceNumber = reader.uint16('sequence number');
    const baseTime = readDateTime(reader, 'base time');
    const timeOffset = flags & FLAG.timeOffset ? reader.sint16('time offset') : undefined;
    const concentration: GlucoseConcentration | undefined =
      flags & FLAG.concentration
        ? {
            value: reader.sfloat('concentration'),
            unit: flags & FLAG.molPerLitre ? 'mol/L' : 'kg/L',
            ...readTypeAndLocation(reader, GLUCOSE_SAMPLE_LOCATIONS),
          }
        : undefined;
    const sensorStatus =
      flags & FLAG.sensorStatus
        ? reader.bits(GLUCOSE_SENSOR_STATUS, 2, 'sensor status annunciation')
        : undefined;
    return {
      sequenceNumber,
      baseTime,
      ...(timeOffset === undefined ? {} : { timeOffsetMinutes: timeOffset }),
      ...(concentration ? { concentration } : {}),
      ...(sensorStatus ? { sensorStatus } : {}),
      contextFollows: (flags & FLAG.contextFollows) !== 0,
    };
  });
}

export function encodeGlucoseMeasurement(measurement: GlucoseMeasurement): Uint8Array {
  const { concentration } = measurement;
  const flags =
    (measurement.timeOffsetMinutes === undefined ? 0 : FLAG.timeOffset) |
    (concentration ? FLAG.concentration : 0) |
    (concentration?.unit === 'mol/L' ? FLAG.molPerLitre : 0) |
    (measurement.sensorStatus ? FLAG.sensorStatus : 0) |
    (measurement.contextFollows ? FLAG.contextFollows : 0);
  const writer = new ByteWriter().uint8(flags, 'flags').uint16(measurement.sequenceNumber, 'sequence number');
  writeDateTime(writer, measurement.baseTime, 'base time');
  if (measurement.timeOffsetMinutes !== undefined)
    writer.sint16(measurement.timeOffsetMinutes, 'time offset');
  if (concentration) {
    writer
      .sfloat(concentration.value, 'concentration')
      .uint8(
        typeAndLocationOctet(concentration.type, GLUCOSE_SAMPLE_LOCATIONS, concentration.location),
        'type/sample location',
      );
  }
  if (measurement.sensorStatus) {
    writer.bits(GLUCOSE_SENSOR_STATUS, 2, measurement.sensorStatus, 'sensor status annunciation');
  }
  return writer.toBytes();
}

export const GLUCOSE_MEASUREMENT = plain({
  uuid: GLUCOSE_MEASUREMENT_UUID,
  name: GLUCOSE_MEASUREMENT_NAME,
  decode: decodeGlucoseMeasurement,
  examples: [
    {
      hex: '03 05 00 ea 07 0b 1a 07 2d 00 00 00 78 b0 11',
      what: 'time offset and kg/L concentration; seq 5, 2026-11-26 07:45:00, +0 min, 120 mg/dL (0.00120 kg/L), capillary whole blood from a finger',
    },
    {
      hex: '02 01 00 ea 07 0b 18 08 00 00 64 b0 11',
      what: 'seq 1, 100 mg/dL, capillary whole blood from a finger',
    },
    {
      hex: '1f 02 00 ea 07 0b 18 08 00 00 e2 ff 37 c0 24 01 08',
      what: 'every field: -30 min, 5.5 mmol/L venous plasma, sensor status, context follows',
    },
  ],
});
