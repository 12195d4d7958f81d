/**
 * The decoders by characteristic UUID, as noble names them (lowercase 16-bit hex). The
 * gateway and the decode command look decoders up here. Every entry takes the same
 * (bytes, options) arguments; `options` lists which options the decoder reads, all others
 * ignore them. The CGM decoders read `cgmE2eCrc` (CGM Feature's 'e2e_crc' bit; false
 * when not given, so a record carrying a CRC is then rejected for its extra bytes).
 */
import { BATTERY_LEVEL_NAME, BATTERY_LEVEL_UUID, decodeBatteryLevel } from './battery-level.ts';
import {
  BLOOD_PRESSURE_FEATURE_NAME,
  BLOOD_PRESSURE_FEATURE_UUID,
  decodeBloodPressureFeature,
} from './blood-pressure-feature.ts';
import {
  BLOOD_PRESSURE_MEASUREMENT_NAME,
  BLOOD_PRESSURE_MEASUREMENT_UUID,
  decodeBloodPressureMeasurement,
  decodeIntermediateCuffPressure,
  INTERMEDIATE_CUFF_PRESSURE_NAME,
  INTERMEDIATE_CUFF_PRESSURE_UUID,
} from './blood-pressure-measurement.ts';
import {
  BODY_SENSOR_LOCATION_NAME,
  BODY_SENSOR_LOCATION_UUID,
  decodeBodySensorLocation,
} from './body-sensor-location.ts';
import { CGM_FEATURE_NAME, CGM_FEATURE_UUID, decodeCgmFeature } from './cgm-feature.ts';
import { CGM_MEASUREMENT_NAME, CGM_MEASUREMENT_UUID, decodeCgmMeasurement } from './cgm-measurement.ts';
import type { CgmDecodeOptions } from './cgm-options.ts';
import {
  CGM_SESSION_RUN_TIME_NAME,
  CGM_SESSION_RUN_TIME_UUID,
  decodeCgmSessionRunTime,
} from './cgm-session-run-time.ts';
import {
  CGM_SESSION_START_TIME_NAME,
  CGM_SESSION_START_TIME_UUID,
  decodeCgmSessionStartTime,
} from './cgm-session-start-time.ts';
import { CURRENT_TIME_NAME, CURRENT_TIME_UUID, decodeCurrentTime } from './current-time.ts';
import { DATE_TIME_NAME, DATE_TIME_UUID, decodeDateTime } from './date-time.ts';
import type { Decoded } from './decode-result.ts';
import {
  DEVICE_INFORMATION_STRINGS,
  type DeviceInformationUuid,
  decodeDeviceInformationString,
  FIRMWARE_REVISION_UUID,
  MANUFACTURER_NAME_UUID,
  MODEL_NUMBER_UUID,
  SERIAL_NUMBER_UUID,
  SOFTWARE_REVISION_UUID,
} from './device-information.ts';
import { decodeGlucoseFeature, GLUCOSE_FEATURE_NAME, GLUCOSE_FEATURE_UUID } from './glucose-feature.ts';
import {
  decodeGlucoseMeasurement,
  GLUCOSE_MEASUREMENT_NAME,
  GLUCOSE_MEASUREMENT_UUID,
} from './glucose-measurement.ts';
import {
  decodeGlucoseMeasurementContext,
  GLUCOSE_MEASUREMENT_CONTEXT_NAME,
  GLUCOSE_MEASUREMENT_CONTEXT_UUID,
} from './glucose-measurement-context.ts';
import {
  decodeHeartRateMeasurement,
  HEART_RATE_MEASUREMENT_NAME,
  HEART_RATE_MEASUREMENT_UUID,
} from './heart-rate-measurement.ts';
import {
  decodePlxContinuousMeasurement,
  PLX_CONTINUOUS_MEASUREMENT_NAME,
  PLX_CONTINUOUS_MEASUREMENT_UUID,
} from './plx-continuous-measurement.ts';
import { decodePlxFeatures, PLX_FEATURES_NAME, PLX_FEATURES_UUID } from './plx-features.ts';
import {
  decodePlxSpotCheckMeasurement,
  PLX_SPOT_CHECK_MEASUREMENT_NAME,
  PLX_SPOT_CHECK_MEASUREMENT_UUID,
} from './plx-spot-check-measurement.ts';
import {
  decodeRecordAccessControlPoint,
  RECORD_ACCESS_CONTROL_POINT_NAME,
  RECORD_ACCESS_CONTROL_POINT_UUID,
} from './record-access-control-point.ts';
import {
  decodeIntermediateTemperature,
  decodeTemperatureMeasurement,
  INTERMEDIATE_TEMPERATURE_NAME,
  INTERMEDIATE_TEMPERATURE_UUID,
  TEMPERATURE_MEASUREMENT_NAME,
  TEMPERATURE_MEASUREMENT_UUID,
} from './temperature-measurement.ts';
import { decodeTemperatureType, TEMPERATURE_TYPE_NAME, TEMPERATURE_TYPE_UUID } from './temperature-type.ts';
import {
  decodeWeightMeasurement,
  WEIGHT_MEASUREMENT_NAME,
  WEIGHT_MEASUREMENT_UUID,
} from './weight-measurement.ts';
import {
  decodeWeightScaleFeature,
  WEIGHT_SCALE_FEATURE_NAME,
  WEIGHT_SCALE_FEATURE_UUID,
} from './weight-scale-feature.ts';

export interface DecodeOptions {
  /** CGM characteristics: the sensor's CGM Feature announces E2E-CRC. */
  cgmE2eCrc?: boolean;
}

export interface CharacteristicEntry {
  name: string;
  decode: (bytes: Uint8Array, options?: DecodeOptions) => Decoded<unknown>;
  /** The options this decoder reads. */
  options: readonly (keyof DecodeOptions)[];
}

const cgm = (options: DecodeOptions | undefined): CgmDecodeOptions => ({
  e2eCrc: options?.cgmE2eCrc ?? false,
});
const plain = (name: string, decode: (bytes: Uint8Array) => Decoded<unknown>): CharacteristicEntry => ({
  name,
  decode: (bytes) => decode(bytes),
  options: [],
});
const withCgmOptions = (
  name: string,
  decode: (bytes: Uint8Array, options: CgmDecodeOptions) => Decoded<unknown>,
): CharacteristicEntry => ({
  name,
  decode: (bytes, options) => decode(bytes, cgm(options)),
  options: ['cgmE2eCrc'],
});
const deviceInformation = (uuid: DeviceInformationUuid): CharacteristicEntry =>
  plain(DEVICE_INFORMATION_STRINGS[uuid], (bytes) => decodeDeviceInformationString(bytes, uuid));

export const CHARACTERISTICS: Readonly<Record<string, CharacteristicEntry>> = {
  [HEART_RATE_MEASUREMENT_UUID]: plain(HEART_RATE_MEASUREMENT_NAME, decodeHeartRateMeasurement),
  [BODY_SENSOR_LOCATION_UUID]: plain(BODY_SENSOR_LOCATION_NAME, decodeBodySensorLocation),
  [PLX_SPOT_CHECK_MEASUREMENT_UUID]: plain(PLX_SPOT_CHECK_MEASUREMENT_NAME, decodePlxSpotCheckMeasurement),
  [PLX_CONTINUOUS_MEASUREMENT_UUID]: plain(PLX_CONTINUOUS_MEASUREMENT_NAME, decodePlxContinuousMeasurement),
  [PLX_FEATURES_UUID]: plain(PLX_FEATURES_NAME, decodePlxFeatures),
  [GLUCOSE_MEASUREMENT_UUID]: plain(GLUCOSE_MEASUREMENT_NAME, decodeGlucoseMeasurement),
  [GLUCOSE_MEASUREMENT_CONTEXT_UUID]: plain(
    GLUCOSE_MEASUREMENT_CONTEXT_NAME,
    decodeGlucoseMeasurementContext,
  ),
  [GLUCOSE_FEATURE_UUID]: plain(GLUCOSE_FEATURE_NAME, decodeGlucoseFeature),
  [RECORD_ACCESS_CONTROL_POINT_UUID]: plain(RECORD_ACCESS_CONTROL_POINT_NAME, decodeRecordAccessControlPoint),
  [CGM_MEASUREMENT_UUID]: withCgmOptions(CGM_MEASUREMENT_NAME, decodeCgmMeasurement),
  [CGM_FEATURE_UUID]: plain(CGM_FEATURE_NAME, decodeCgmFeature),
  [CGM_SESSION_START_TIME_UUID]: withCgmOptions(CGM_SESSION_START_TIME_NAME, decodeCgmSessionStartTime),
  [CGM_SESSION_RUN_TIME_UUID]: withCgmOptions(CGM_SESSION_RUN_TIME_NAME, decodeCgmSessionRunTime),
  [BLOOD_PRESSURE_MEASUREMENT_UUID]: plain(BLOOD_PRESSURE_MEASUREMENT_NAME, decodeBloodPressureMeasurement),
  [INTERMEDIATE_CUFF_PRESSURE_UUID]: plain(INTERMEDIATE_CUFF_PRESSURE_NAME, decodeIntermediateCuffPressure),
  [BLOOD_PRESSURE_FEATURE_UUID]: plain(BLOOD_PRESSURE_FEATURE_NAME, decodeBloodPressureFeature),
  [WEIGHT_MEASUREMENT_UUID]: plain(WEIGHT_MEASUREMENT_NAME, decodeWeightMeasurement),
  [WEIGHT_SCALE_FEATURE_UUID]: plain(WEIGHT_SCALE_FEATURE_NAME, decodeWeightScaleFeature),
  [TEMPERATURE_MEASUREMENT_UUID]: plain(TEMPERATURE_MEASUREMENT_NAME, decodeTemperatureMeasurement),
  [INTERMEDIATE_TEMPERATURE_UUID]: plain(INTERMEDIATE_TEMPERATURE_NAME, decodeIntermediateTemperature),
  [TEMPERATURE_TYPE_UUID]: plain(TEMPERATURE_TYPE_NAME, decodeTemperatureType),
  [BATTERY_LEVEL_UUID]: plain(BATTERY_LEVEL_NAME, decodeBatteryLevel),
  [DATE_TIME_UUID]: plain(DATE_TIME_NAME, decodeDateTime),
  [CURRENT_TIME_UUID]: plain(CURRENT_TIME_NAME, decodeCurrentTime),
  [MANUFACTURER_NAME_UUID]: deviceInformation(MANUFACTURER_NAME_UUID),
  [MODEL_NUMBER_UUID]: deviceInformation(MODEL_NUMBER_UUID),
  [SERIAL_NUMBER_UUID]: deviceInformation(SERIAL_NUMBER_UUID),
  [FIRMWARE_REVISION_UUID]: deviceInformation(FIRMWARE_REVISION_UUID),
  [SOFTWARE_REVISION_UUID]: deviceInformation(SOFTWARE_REVISION_UUID),
};

const BASE_UUID_SUFFIX = '00001000800000805f9b34fb';

/**
 * '2A37', '0x2a37', '00002a37-0000-1000-8000-00805f9b34fb' (with or without dashes)
 * -> '2a37'; undefined for anything else.
 */
export function shortUuid(uuid: string): string | undefined {
  const compact = uuid.trim().toLowerCase().replace(/^0x/, '').replaceAll('-', '');
  if (/^[0-9a-f]{4}$/.test(compact)) return compact;
  const long = /^0000([0-9a-f]{4})([0-9a-f]{24})$/.exec(compact);
  return long?.[2] === BASE_UUID_SUFFIX ? long[1] : undefined;
}

export function lookupCharacteristic(uuid: string): (CharacteristicEntry & { uuid: string }) | undefined {
  const short = shortUuid(uuid);
  const entry = short === undefined ? undefined : CHARACTERISTICS[short];
  return short !== undefined && entry ? { uuid: short, ...entry } : undefined;
}
