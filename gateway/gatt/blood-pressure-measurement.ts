/**
 * Blood Pressure Measurement (0x2A35, indicate) and Intermediate Cuff Pressure (0x2A36,
 * notify) of the Blood Pressure Service (BLS v1.1.1), as the GATT Specification Supplement
 * lays them out; both share one layout.
 * Flags (uint8): bit 0 unit (0 mmHg, 1 kPa), bit 1 time stamp, bit 2 pulse rate, bit 3
 * user ID, bit 4 measurement status; bits 5-7 reserved (rejected, like every decoder here).
 * Order: flags, systolic, diastolic, mean arterial pressure (SFLOAT each, in the flagged
 * unit), time stamp (Date Time)?, pulse rate (SFLOAT, /min)?, user ID (uint8, 0xFF =
 * unknown user)?, measurement status (uint16)?.
 * Measurement Status: bit 0 body movement detected, bit 1 cuff too loose, bit 2 irregular
 * pulse detected, bits 3-4 pulse rate range (0 within, 1 above upper limit, 2 below lower
 * limit, 3 reserved), bit 5 improper measurement position; bits 6-15 reserved. Reserved
 * bits and range value 3 are rejected.
 *
 * Intermediate Cuff Pressure carries the current cuff pressure in the systolic field. The
 * spec says diastolic and mean arterial pressure are unused and set to NaN, so any other
 * value is rejected: a cuff pressure reading on its way up never passes for a finished one.
 *
 * The layout matches ../../shared/ble-gatt-reference.md; the reference leaves out that
 * status bits 6-15 are reserved, which the SIG's field table states.
 */
import { type ByteReader, codeName, decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import { type DateTime, readDateTime, writeDateTime } from './date-time.ts';
import { type Decoded, GattEncodeError } from './decode-result.ts';
import { describeSpecial, type MedicalFloat } from './ieee11073.ts';
import { bitNames, bitsOf, definedBits, type NameOf } from './named-values.ts';

/** The Blood Pressure service (0x1810, Bluetooth SIG Assigned Numbers), as noble spells it. */
export const BLOOD_PRESSURE_SERVICE = '1810';

export const BLOOD_PRESSURE_MEASUREMENT_UUID = '2a35';
export const BLOOD_PRESSURE_MEASUREMENT_NAME = 'Blood Pressure Measurement';
export const INTERMEDIATE_CUFF_PRESSURE_NAME = 'Intermediate Cuff Pressure';

const FLAG = { kpa: 0x01, timeStamp: 0x02, pulseRate: 0x04, userId: 0x08, status: 0x10 } as const;
const DEFINED_FLAGS = 0x1f;

/** The single-bit findings of the Measurement Status field. */
export const BLOOD_PRESSURE_MEASUREMENT_STATUS = {
  body_movement_detected: 0,
  cuff_too_loose: 1,
  irregular_pulse_detected: 2,
  improper_measurement_position: 5,
} as const;
export type BloodPressureMeasurementStatus = NameOf<typeof BLOOD_PRESSURE_MEASUREMENT_STATUS>;

/** Measurement Status bits 3-4; value 3 is reserved. */
export const PULSE_RATE_RANGES = { within: 0, above_upper_limit: 1, below_lower_limit: 2 } as const;
export type PulseRateRange = NameOf<typeof PULSE_RATE_RANGES>;

const RANGE_SHIFT = 3;
const RANGE_MASK = 0b11 << RANGE_SHIFT;
const DEFINED_STATUS = definedBits(BLOOD_PRESSURE_MEASUREMENT_STATUS) | RANGE_MASK;

export type BloodPressureUnit = 'mmHg' | 'kPa';

export interface BloodPressureMeasurement {
  unit: BloodPressureUnit;
  /** In `unit`; for Intermediate Cuff Pressure, the current cuff pressure. */
  systolic: MedicalFloat;
  /** In `unit`; NaN in Intermediate Cuff Pressure. */
  diastolic: MedicalFloat;
  /** In `unit`; NaN in Intermediate Cuff Pressure. */
  meanArterialPressure: MedicalFloat;
  /** Device-local wall-clock time of the measurement. */
  timestamp?: DateTime;
  /** Beats per minute. */
  pulseRate?: MedicalFloat;
  /** 0-254 as the service assigns them; UNKNOWN_USER_ID (255) kept as sent. */
  userId?: number;
  /** The status bits set; present exactly when the Measurement Status field is. */
  measurementStatus?: BloodPressureMeasurementStatus[];
  /** Measurement Status bits 3-4; present exactly when measurementStatus is. */
  pulseRateRange?: PulseRateRange;
}

/** What the first three fields are called: Intermediate Cuff Pressure renames the first. */
interface PressureFields {
  characteristic: string;
  first: string;
  /** Diastolic and mean arterial pressure must be NaN (Intermediate Cuff Pressure). */
  unusedMustBeNan: boolean;
}

const MEASUREMENT: PressureFields = {
  characteristic: BLOOD_PRESSURE_MEASUREMENT_NAME,
  first: 'systolic',
  unusedMustBeNan: false,
};
const INTERMEDIATE: PressureFields = {
  characteristic: INTERMEDIATE_CUFF_PRESSURE_NAME,
  first: 'current cuff pressure',
  unusedMustBeNan: true,
};

function readUnusedPressure(reader: ByteReader, field: string, fields: PressureFields): MedicalFloat {
  const offset = reader.offset;
  const value = reader.sfloat(field);
  if (fields.unusedMustBeNan && !(value.kind === 'special' && value.special === 'nan')) {
    const sent = value.kind === 'number' ? String(value.value) : describeSpecial(value.special);
    reader.fail('invalid', field, offset, `${field} is unused here and must be NaN, got ${sent}`);
  }
  return value;
}

function readStatus(
  reader: ByteReader,
): Pick<BloodPressureMeasurement, 'measurementStatus' | 'pulseRateRange'> {
  const offset = reader.offset;
  const status = reader.flags(2, DEFINED_STATUS, 'measurement status');
  const range = (status & RANGE_MASK) >>> RANGE_SHIFT;
  return {
    measurementStatus: bitNames(BLOOD_PRESSURE_MEASUREMENT_STATUS, status),
    pulseRateRange: codeName(PULSE_RATE_RANGES, range, 'pulse rate range', offset, reader),
  };
}

function decodeWith(fields: PressureFields, bytes: Uint8Array): Decoded<BloodPressureMeasurement> {
  return decodeGatt(fields.characteristic, bytes, (reader) => {
    const flags = reader.flags(1, DEFINED_FLAGS);
    const systolic = reader.sfloat(fields.first);
    const diastolic = readUnusedPressure(reader, 'diastolic', fields);
    const meanArterialPressure = readUnusedPressure(reader, 'mean arterial pressure', fields);
    const timestamp = flags & FLAG.timeStamp ? readDateTime(reader, 'time stamp') : undefined;
    const pulseRate = flags & FLAG.pulseRate ? reader.sfloat('pulse rate') : undefined;
    const userId = flags & FLAG.userId ? reader.uint8('user ID') : undefined;
    return {
      unit: flags & FLAG.kpa ? 'kPa' : 'mmHg',
      systolic,
      diastolic,
      meanArterialPressure,
      ...(timestamp ? { timestamp } : {}),
      ...(pulseRate ? { pulseRate } : {}),
      ...(userId === undefined ? {} : { userId }),
      ...(flags & FLAG.status ? readStatus(reader) : {}),
    };
  });
}

export function decodeBloodPressureMeasurement(bytes: Uint8Array): Decoded<BloodPressureMeasurement> {
  return decodeWith(MEASUREMENT, bytes);
}

export function decodeIntermediateCuffPressure(bytes: Uint8Array): Decoded<BloodPressureMeasurement> {
  return decodeWith(INTERMEDIATE, bytes);
}

/**
 * Encodes either characteristic (they share the layout); for Intermediate Cuff Pressure
 * give the cuff pressure as systolic and NaN as diastolic and mean arterial pressure.
 */
export function encodeBloodPressureMeasurement(measurement: BloodPressureMeasurement): Uint8Array {
  const { measurementStatus, pulseRateRange } = measurement;
  if ((measurementStatus === undefined) !== (pulseRateRange === undefined)) {
    throw new GattEncodeError(
      'measurement status',
      'measurementStatus and pulseRateRange must be given together or not at all',
    );
  }
  const flags =
    (measurement.unit === 'kPa' ? FLAG.kpa : 0) |
    (measurement.timestamp ? FLAG.timeStamp : 0) |
    (measurement.pulseRate ? FLAG.pulseRate : 0) |
    (measurement.userId === undefined ? 0 : FLAG.userId) |
    (measurementStatus ? FLAG.status : 0);
  const writer = new ByteWriter()
    .uint8(flags, 'flags')
    .sfloat(measurement.systolic, 'systolic')
    .sfloat(measurement.diastolic, 'diastolic')
    .sfloat(measurement.meanArterialPressure, 'mean arterial pressure');
  if (measurement.timestamp) writeDateTime(writer, measurement.timestamp, 'time stamp');
  if (measurement.pulseRate) writer.sfloat(measurement.pulseRate, 'pulse rate');
  if (measurement.userId !== undefined) writer.uint8(measurement.userId, 'user ID');
  if (measurementStatus && pulseRateRange) {
    const status =
      bitsOf(BLOOD_PRESSURE_MEASUREMENT_STATUS, measurementStatus) |
      (PULSE_RATE_RANGES[pulseRateRange] << RANGE_SHIFT);
    writer.uint16(status, 'measurement status');
  }
  return writer.toBytes();
}

export const BLOOD_PRESSURE_MEASUREMENT = plain({
  uuid: BLOOD_PRESSURE_MEASUREMENT_UUID,
  name: BLOOD_PRESSURE_MEASUREMENT_NAME,
  decode: decodeBloodPressureMeasurement,
  examples: [
    {
      hex: '16 8e 00 5b 00 6c 00 ea 07 0b 1a 07 1e 00 48 00 04 00',
      what: 'time stamp, pulse rate, status; 142/91 mean 108 mmHg, 72 /min',
    },
    { hex: '00 78 00 50 00 5d 00', what: '120/80 mean 93 mmHg' },
    {
      hex: '1e 78 00 50 00 5d 00 ea 07 0b 18 08 00 00 48 00 01 04 00',
      what: 'time stamp, pulse rate 72 /min, user 1, irregular pulse',
    },
    { hex: '01 a0 f0 6b f0 7d f0', what: '16.0/10.7 mean 12.5 kPa' },
  ],
});

export const INTERMEDIATE_CUFF_PRESSURE = plain({
  uuid: '2a36',
  name: INTERMEDIATE_CUFF_PRESSURE_NAME,
  decode: decodeIntermediateCuffPressure,
  examples: [
    { hex: '00 a0 00 ff 07 ff 07', what: 'the cuff at 160 mmHg, diastolic and mean NaN' },
    { hex: '00 64 00 ff 07 ff 07', what: 'the cuff at 100 mmHg' },
    { hex: '04 a0 00 ff 07 ff 07 48 00', what: 'the cuff at 160 mmHg, pulse rate 72 /min' },
  ],
});
