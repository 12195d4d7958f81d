/**
 * CGM Measurement (0x2AA7, notify). One value holds one or more records, each starting
 * with its size (uint8, the whole record including the size byte).
 * Record: size, flags, glucose (SFLOAT mg/dL), time offset (uint16 min since session
 * start), Sensor Status Annunciation octets?, trend (SFLOAT mg/dL/min)?, quality
 * (SFLOAT %)?, E2E-CRC (uint16, when CGM Feature announces it)?.
 * Flags: bit 0 trend, bit 1 quality, bit 5 Warning-Octet, bit 6 Cal/Temp-Octet, bit 7
 * Status-Octet; bits 2-4 reserved.
 *
 * Order of the annunciation octets: Status, Cal/Temp, Warning. The characteristic
 * definition (Bluetooth SIG org.bluetooth.characteristic.cgm_measurement) numbers the
 * Sensor Status Annunciation bits 0-23 least significant octet first: Status bits 0-7
 * (session stopped ... general device fault), Cal/Temp bits 8-15, Warning bits 16-23
 * (patient low ... higher than the device can process), and the GATT Specification
 * Supplement structure lists them in that order. Nordic's nRF Toolbox CGMS test vector
 * (0F E3 78 00 1E 00 01 02 03 50 00 60 00 EC AC) decodes the same way. Some older
 * parsers read the octet announced by flag bit 5 first; for a record with all three
 * octets both agree on the bytes.
 *
 * A record whose E2E-CRC fails, or whose content is malformed, is rejected on its own
 * (listed in rejectedRecords) while the others are kept; when no record survives, the
 * whole value is rejected with the first record's error. A size byte below 6 or beyond
 * the value breaks the framing and rejects the whole value.
 */
import { type ByteReader, decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import type { CgmDecodeOptions } from './cgm-options.ts';
import { withCgmOptions } from './characteristic.ts';
import { type Decoded, type GattDecodeError, GattFieldError, toDecodeError } from './decode-result.ts';
import { appendE2eCrc, checkE2eCrc } from './e2e-crc.ts';
import type { MedicalFloat } from './ieee11073.ts';
import type { NameOf } from './named-values.ts';

/** The Continuous Glucose Monitoring service (0x181F, Bluetooth SIG Assigned Numbers), as noble spells it. */
export const CGM_SERVICE = '181f';

export const CGM_MEASUREMENT_UUID = '2aa7';
export const CGM_MEASUREMENT_NAME = 'CGM Measurement';

const FLAG = { trend: 0x01, quality: 0x02, warning: 0x20, calTemp: 0x40, status: 0x80 } as const;
const DEFINED_FLAGS = 0xe3;
const MIN_RECORD_SIZE = 6;

export const CGM_STATUS_OCTET = {
  session_stopped: 0,
  device_battery_low: 1,
  sensor_type_incorrect_for_device: 2,
  sensor_malfunction: 3,
  device_specific_alert: 4,
  general_device_fault: 5,
} as const;
export const CGM_CAL_TEMP_OCTET = {
  time_synchronization_required: 0,
  calibration_not_allowed: 1,
  calibration_recommended: 2,
  calibration_required: 3,
  sensor_temperature_too_high: 4,
  sensor_temperature_too_low: 5,
} as const;
export const CGM_WARNING_OCTET = {
  result_lower_than_patient_low_level: 0,
  result_higher_than_patient_high_level: 1,
  result_lower_than_hypo_level: 2,
  result_higher_than_hyper_level: 3,
  rate_of_decrease_exceeded: 4,
  rate_of_increase_exceeded: 5,
  result_lower_than_device_can_process: 6,
  result_higher_than_device_can_process: 7,
} as const;
export type CgmStatus = NameOf<typeof CGM_STATUS_OCTET>;
export type CgmCalTemp = NameOf<typeof CGM_CAL_TEMP_OCTET>;
export type CgmWarning = NameOf<typeof CGM_WARNING_OCTET>;

export interface CgmMeasurementRecord {
  /** mg/dL. */
  glucose: MedicalFloat;
  /** Minutes since the session start. */
  timeOffsetMinutes: number;
  /** Each octet is present when the device sent it (possibly with no bit set). */
  status?: CgmStatus[];
  calTemp?: CgmCalTemp[];
  warning?: CgmWarning[];
  /** mg/dL/min. */
  trend?: MedicalFloat;
  /** %. */
  quality?: MedicalFloat;
}

export interface CgmMeasurement {
  records: CgmMeasurementRecord[];
  /** Records dropped on their own (failed E2E-CRC, reserved flags, size not matching the flags). */
  rejectedRecords: GattDecodeError[];
}

function readRecord(record: ByteReader, options: CgmDecodeOptions): CgmMeasurementRecord {
  if (options.e2eCrc) checkE2eCrc(record);
  record.uint8('size');
  const flags = record.flags(1, DEFINED_FLAGS);
  const glucose = record.sfloat('glucose concentration');
  const timeOffsetMinutes = record.uint16('time offset');
  const status = flags & FLAG.status ? record.bits(CGM_STATUS_OCTET, 1, 'status octet') : undefined;
  const calTemp = flags & FLAG.calTemp ? record.bits(CGM_CAL_TEMP_OCTET, 1, 'cal/temp octet') : undefined;
  const warning = flags & FLAG.warning ? record.bits(CGM_WARNING_OCTET, 1, 'warning octet') : undefined;
  const trend = flags & FLAG.trend ? record.sfloat('trend') : undefined;
  const quality = flags & FLAG.quality ? record.sfloat('quality') : undefined;
  record.expectEnd();
  return {
    glucose,
    timeOffsetMinutes,
    ...(status ? { status } : {}),
    ...(calTemp ? { calTemp } : {}),
    ...(warning ? { warning } : {}),
    ...(trend ? { trend } : {}),
    ...(quality ? { quality } : {}),
  };
}

export function decodeCgmMeasurement(bytes: Uint8Array, options: CgmDecodeOptions): Decoded<CgmMeasurement> {
  return decodeGatt(CGM_MEASUREMENT_NAME, bytes, (reader) => {
    const records: CgmMeasurementRecord[] = [];
    const rejected: GattFieldError[] = [];
    do {
      const sizeOffset = reader.offset;
      const size = reader.peekUint8('size');
      if (size < MIN_RECORD_SIZE) {
        reader.fail(
          'invalid',
          'size',
          sizeOffset,
          `record size ${size} is below the minimum of ${MIN_RECORD_SIZE}`,
        );
      }
      const record = reader.window(size, 'CGM measurement record');
      try {
        records.push(readRecord(record, options));
      } catch (err) {
        if (!(err instanceof GattFieldError)) throw err;
        rejected.push(err);
      }
    } while (reader.remaining > 0);
    const [firstRejection] = rejected;
    if (records.length === 0 && firstRejection) throw firstRejection;
    return { records, rejectedRecords: rejected.map((err) => toDecodeError(CGM_MEASUREMENT_NAME, err)) };
  });
}

function encodeRecord(record: CgmMeasurementRecord, options: CgmDecodeOptions): Uint8Array {
  const flags =
    (record.trend ? FLAG.trend : 0) |
    (record.quality ? FLAG.quality : 0) |
    (record.warning ? FLAG.warning : 0) |
    (record.calTemp ? FLAG.calTemp : 0) |
    (record.status ? FLAG.status : 0);
  const body = new ByteWriter()
    .uint8(flags, 'flags')
    .sfloat(record.glucose, 'glucose concentration')
    .uint16(record.timeOffsetMinutes, 'time offset');
  if (record.status) body.bits(CGM_STATUS_OCTET, 1, record.status, 'status octet');
  if (record.calTemp) body.bits(CGM_CAL_TEMP_OCTET, 1, record.calTemp, 'cal/temp octet');
  if (record.warning) body.bits(CGM_WARNING_OCTET, 1, record.warning, 'warning octet');
  if (record.trend) body.sfloat(record.trend, 'trend');
  if (record.quality) body.sfloat(record.quality, 'quality');
  const fields = body.toBytes();
  const sized = new ByteWriter()
    .uint8(1 + fields.length + (options.e2eCrc ? 2 : 0), 'size')
    .bytes(fields)
    .toBytes();
  return options.e2eCrc ? appendE2eCrc(sized) : sized;
}

/** Encodes the records (rejectedRecords, if passed, is ignored) into one notification value. */
export function encodeCgmMeasurement(
  measurement: { records: readonly CgmMeasurementRecord[] },
  options: CgmDecodeOptions,
): Uint8Array {
  const writer = new ByteWriter();
  for (const record of measurement.records) writer.bytes(encodeRecord(record, options));
  return writer.toBytes();
}

export const CGM_MEASUREMENT = withCgmOptions({
  uuid: CGM_MEASUREMENT_UUID,
  name: CGM_MEASUREMENT_NAME,
  decode: decodeCgmMeasurement,
  examples: [
    {
      hex: '0a 03 5a 00 3c 00 fb ff 62 00',
      what: 'trend and quality; 90 mg/dL at 60 min, -0.5 mg/dL/min, 98 %',
    },
    {
      hex: '0f e3 78 00 1e 00 01 02 03 50 00 60 00 ec ac',
      what: 'every field and an E2E-CRC; 120 mg/dL at 30 min',
      options: { cgmE2eCrc: true },
    },
    {
      hex: '06 00 78 00 1e 00 06 00 77 00 1d 00',
      what: 'two records: 120 mg/dL at 30 min, 119 mg/dL at 29 min',
    },
    {
      hex: '08 00 78 00 1e 00 34 99 08 00 7d 00 23 00 b9 f1',
      what: 'two records, each with its E2E-CRC',
      options: { cgmE2eCrc: true },
    },
  ],
});
