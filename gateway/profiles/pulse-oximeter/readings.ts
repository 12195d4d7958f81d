/**
 * PLX Spot-Check (0x2A5E) and Continuous (0x2A5F) measurements -> SpO2 and pulse-rate
 * readings, with the device's measurement and sensor status as flags.
 */
import type { ReadingFlag } from '../../../common/contract.ts';
import type { ReadingContext } from '../../../common/reading-context.ts';
import { deviceTimeToUtc, type TimeResult } from '../../gatt/date-time.ts';
import type { MedicalFloat } from '../../gatt/ieee11073.ts';
import type { PlxContinuousMeasurement } from '../../gatt/plx-continuous-measurement.ts';
import type { PlxSpotCheckMeasurement } from '../../gatt/plx-spot-check-measurement.ts';
import {
  PLX_DEVICE_AND_SENSOR_STATUS,
  PLX_MEASUREMENT_STATUS,
  type PlxDeviceAndSensorStatus,
  type PlxMeasurementStatus,
  type PlxStatusFields,
} from '../../gatt/plx-status.ts';

import {
  BatchBuilder,
  type FlagTable,
  finiteIn,
  flagsFrom,
  measured,
  type ReadingBatch,
  type ReadingSource,
  receivedTime,
  statusHex,
} from '../../readings/reading-batch.ts';

const PLX_MEASUREMENT_FLAGS: FlagTable<PlxMeasurementStatus> = {
  early_estimated_data: 'early_estimate',
  data_from_measurement_storage: 'from_storage',
  data_for_demonstration: 'demonstration',
  data_for_testing: 'testing',
  calibration_ongoing: 'calibrating',
  measurement_unavailable: 'invalid',
  questionable_measurement_detected: 'questionable',
  invalid_measurement_detected: 'invalid',
};

const PLX_DEVICE_FLAGS: FlagTable<PlxDeviceAndSensorStatus> = {
  equipment_malfunction_detected: 'device_fault',
  signal_processing_irregularity_detected: 'questionable',
  inadequate_signal_detected: 'signal_fault',
  poor_signal_detected: 'signal_fault',
  low_perfusion_detected: 'signal_fault',
  erratic_signal_detected: 'signal_fault',
  nonpulsatile_signal_detected: 'signal_fault',
  questionable_pulse_detected: 'questionable',
  sensor_interference_detected: 'signal_fault',
  sensor_unconnected_to_user: 'no_sensor_contact',
  unknown_sensor_connected: 'sensor_fault',
  sensor_displaced: 'no_sensor_contact',
  sensor_malfunctioning: 'sensor_fault',
  sensor_disconnected: 'sensor_fault',
};

function plxFlags(fields: PlxStatusFields): ReadingFlag[] {
  return [
    ...flagsFrom(fields.measurementStatus, PLX_MEASUREMENT_FLAGS),
    ...flagsFrom(fields.deviceAndSensorStatus, PLX_DEVICE_FLAGS),
  ];
}

/** Measurement status (4 hex digits) then device and sensor status (6), those present. */
function plxContext(fields: PlxStatusFields, spo2Averaging: ReadingContext['spo2Averaging']): ReadingContext {
  const statusHexDigits =
    (fields.measurementStatus ? statusHex(PLX_MEASUREMENT_STATUS, fields.measurementStatus, 4) : '') +
    (fields.deviceAndSensorStatus
      ? statusHex(PLX_DEVICE_AND_SENSOR_STATUS, fields.deviceAndSensorStatus, 6)
      : '');
  const pulseAmplitudeIndex = finiteIn(fields.pulseAmplitudeIndex, 0, 100);
  return {
    spo2Averaging,
    ...(pulseAmplitudeIndex === undefined ? {} : { pulseAmplitudeIndex }),
    ...(statusHexDigits ? { deviceStatusHex: statusHexDigits } : {}),
  };
}

function emitSpo2AndPulse(
  builder: BatchBuilder,
  pair: { spo2: MedicalFloat; pulseRate: MedicalFloat },
  time: TimeResult,
  flags: readonly ReadingFlag[],
  context: ReadingContext,
): void {
  builder.emit({ metric: 'spo2', unit: '%', value: measured(pair.spo2), time, flags, context });
  builder.emit({ metric: 'pulse_rate', unit: '/min', value: measured(pair.pulseRate), time, flags, context });
}

/**
 * The spot-check's own timestamp, in the device zone and corrected by the clock offset.
 * A device whose clock is not set is trusted only with a measured offset; otherwise a
 * live measurement takes the receive time, a stored one cannot be placed in time.
 */
function spotCheckTime(
  measurement: PlxSpotCheckMeasurement,
  source: ReadingSource,
): { time: TimeResult; flags: ReadingFlag[] } {
  const fromStorage = measurement.measurementStatus?.includes('data_from_measurement_storage') ?? false;
  const { timestamp } = measurement;
  const clockFlags: ReadingFlag[] = measurement.deviceClockNotSet ? ['clock_not_set'] : [];
  const unusable = (reason: string) =>
    fromStorage
      ? { time: { ok: false as const, reason }, flags: [] }
      : { time: receivedTime(source), flags: clockFlags };
  if (!timestamp) return unusable('stored spot-check without a timestamp');
  if (measurement.deviceClockNotSet && source.clockOffsetMs === undefined) {
    return unusable('device clock not set and no measured clock offset');
  }
  return { time: deviceTimeToUtc(timestamp, source), flags: clockFlags };
}

/** SpO2 (%) and pulse rate (/min) at the spot-check's timestamp (else receive time). */
export function plxSpotCheckReadings(
  measurement: PlxSpotCheckMeasurement,
  source: ReadingSource,
): ReadingBatch {
  const builder = new BatchBuilder(source);
  const { time, flags } = spotCheckTime(measurement, source);
  emitSpo2AndPulse(
    builder,
    measurement,
    time,
    [...flags, ...plxFlags(measurement)],
    plxContext(measurement, 'spot_check'),
  );
  return builder.batch;
}

/**
 * SpO2 and pulse rate of the Normal averaging at receive time. Fast and Slow are other
 * averagings of the same moment and would share the Normal readings' idempotency keys,
 * so they are not emitted.
 */
export function plxContinuousReadings(
  measurement: PlxContinuousMeasurement,
  source: ReadingSource,
): ReadingBatch {
  const builder = new BatchBuilder(source);
  emitSpo2AndPulse(
    builder,
    measurement.normal,
    receivedTime(source),
    plxFlags(measurement),
    plxContext(measurement, 'normal'),
  );
  return builder.batch;
}
