/**
 * Pulse Oximeter Service status fields shared by PLX Spot-Check and PLX Continuous
 * Measurement (and listed as supported bits in PLX Features): Measurement Status (uint16,
 * bits 0-4 reserved) and Device and Sensor Status (uint24, bits 16-23 reserved), followed
 * by the Pulse Amplitude Index (SFLOAT, %).
 */
import type { ByteReader } from './byte-reader.ts';
import type { ByteWriter } from './byte-writer.ts';
import type { MedicalFloat } from './ieee11073.ts';
import type { NameOf } from './named-values.ts';

export const PLX_MEASUREMENT_STATUS = {
  measurement_ongoing: 5,
  early_estimated_data: 6,
  validated_data: 7,
  fully_qualified_data: 8,
  data_from_measurement_storage: 9,
  data_for_demonstration: 10,
  data_for_testing: 11,
  calibration_ongoing: 12,
  measurement_unavailable: 13,
  questionable_measurement_detected: 14,
  invalid_measurement_detected: 15,
} as const;
export type PlxMeasurementStatus = NameOf<typeof PLX_MEASUREMENT_STATUS>;

export const PLX_DEVICE_AND_SENSOR_STATUS = {
  extended_display_update_ongoing: 0,
  equipment_malfunction_detected: 1,
  signal_processing_irregularity_detected: 2,
  inadequate_signal_detected: 3,
  poor_signal_detected: 4,
  low_perfusion_detected: 5,
  erratic_signal_detected: 6,
  nonpulsatile_signal_detected: 7,
  questionable_pulse_detected: 8,
  signal_analysis_ongoing: 9,
  sensor_interference_detected: 10,
  sensor_unconnected_to_user: 11,
  unknown_sensor_connected: 12,
  sensor_displaced: 13,
  sensor_malfunctioning: 14,
  sensor_disconnected: 15,
} as const;
export type PlxDeviceAndSensorStatus = NameOf<typeof PLX_DEVICE_AND_SENSOR_STATUS>;

export interface PlxStatusFields {
  measurementStatus?: PlxMeasurementStatus[];
  deviceAndSensorStatus?: PlxDeviceAndSensorStatus[];
  /** Pulse amplitude index, %. */
  pulseAmplitudeIndex?: MedicalFloat;
}

/** Which flag bit announces each field (they differ between spot-check and continuous). */
export interface PlxStatusFlagBits {
  measurementStatus: number;
  deviceAndSensorStatus: number;
  pulseAmplitudeIndex: number;
}

export function readPlxStatusFields(
  reader: ByteReader,
  flags: number,
  bits: PlxStatusFlagBits,
): PlxStatusFields {
  return {
    ...(flags & bits.measurementStatus
      ? { measurementStatus: reader.bits(PLX_MEASUREMENT_STATUS, 2, 'measurement status') }
      : {}),
    ...(flags & bits.deviceAndSensorStatus
      ? { deviceAndSensorStatus: reader.bits(PLX_DEVICE_AND_SENSOR_STATUS, 3, 'device and sensor status') }
      : {}),
    ...(flags & bits.pulseAmplitudeIndex
      ? { pulseAmplitudeIndex: reader.sfloat('pulse amplitude index') }
      : {}),
  };
}

export function plxStatusFlags(fields: PlxStatusFields, bits: PlxStatusFlagBits): number {
  return (
    (fields.measurementStatus ? bits.measurementStatus : 0) |
    (fields.deviceAndSensorStatus ? bits.deviceAndSensorStatus : 0) |
    (fields.pulseAmplitudeIndex ? bits.pulseAmplitudeIndex : 0)
  );
}

export function writePlxStatusFields(writer: ByteWriter, fields: PlxStatusFields): void {
  if (fields.measurementStatus) {
    writer.bits(PLX_MEASUREMENT_STATUS, 2, fields.measurementStatus, 'measurement status');
  }
  if (fields.deviceAndSensorStatus) {
    writer.bits(PLX_DEVICE_AND_SENSOR_STATUS, 3, fields.deviceAndSensorStatus, 'device and sensor status');
  }
  if (fields.pulseAmplitudeIndex) writer.sfloat(fields.pulseAmplitudeIndex, 'pulse amplitude index');
}
