/**
 * Glucose meter records (0x2A18, with their 0x2A34 context) -> glucose readings at the
 * record's own time, keyed by sequence number and the meter's wall-clock digits.
 */
import type { ReadingContext } from '../../../common/reading-context.ts';
import { deviceTimeToUtc } from '../../gatt/date-time.ts';
import {
  GLUCOSE_SENSOR_STATUS,
  type GlucoseMeasurement,
  type GlucoseSensorStatus,
} from '../../gatt/glucose-measurement.ts';
import type { GlucoseMeasurementContext } from '../../gatt/glucose-measurement-context.ts';
import type { GlucoseSampleLocation } from '../../gatt/glucose-sample.ts';

import {
  BatchBuilder,
  type FlagTable,
  flagsFrom,
  measured,
  type ReadingBatch,
  type ReadingSource,
  statusHex,
  wallClockDigits,
} from '../../readings/reading-batch.ts';

const GLUCOSE_FLAGS: FlagTable<GlucoseSensorStatus> = {
  device_battery_low: 'battery_low',
  sensor_malfunction: 'sensor_fault',
  sample_size_insufficient: 'sample_error',
  strip_insertion_error: 'sample_error',
  strip_type_incorrect: 'sample_error',
  result_higher_than_device_can_process: 'result_above_device_range',
  result_lower_than_device_can_process: 'result_below_device_range',
  temperature_too_high: 'temperature_out_of_range',
  temperature_too_low: 'temperature_out_of_range',
  read_interrupted: 'sample_error',
  general_device_fault: 'device_fault',
  // "time fault has occurred and time may be inaccurate": the device clock cannot be trusted.
  time_fault: 'clock_not_set',
};

const CONTRACT_SAMPLE_LOCATION = {
  finger: 'finger',
  alternate_site_test: 'alternate_site',
  earlobe: 'earlobe',
  control_solution: 'control_solution',
  not_available: 'unknown',
} as const satisfies Record<GlucoseSampleLocation, ReadingContext['sampleLocation']>;

/** A meter record's own time as digits: with its sequence number, what tells two meters' records apart. */
export const glucoseRecordStamp = (measurement: GlucoseMeasurement): string =>
  wallClockDigits(measurement.baseTime);

/**
 * A glucose meter record in the unit the meter reported it (kg/L x 10^5 = mg/dL,
 * mol/L x 10^3 = mmol/L, exact), at base time + time offset in the device zone. The meal
 * comes from a Glucose Measurement Context with the same sequence number.
 */
export function glucoseMeterReadings(
  measurement: GlucoseMeasurement,
  source: ReadingSource,
  context?: GlucoseMeasurementContext,
): ReadingBatch {
  const builder = new BatchBuilder(source);
  const { concentration } = measurement;
  if (!concentration) {
    builder.skip('glucose', `record ${measurement.sequenceNumber} carries no concentration`);
    return builder.batch;
  }
  const inMgdl = concentration.unit === 'kg/L';
  const controlSolution =
    concentration.type === 'control_solution' || concentration.location === 'control_solution';
  const meal = context?.sequenceNumber === measurement.sequenceNumber ? context.meal : undefined;
  builder.emit({
    metric: 'glucose',
    unit: inMgdl ? 'mg/dL' : 'mmol/L',
    value: measured(concentration.value, inMgdl ? 5 : 3),
    time: deviceTimeToUtc(measurement.baseTime, source, measurement.timeOffsetMinutes ?? 0),
    key: `${measurement.sequenceNumber}:${wallClockDigits(measurement.baseTime)}`,
    flags: [
      ...flagsFrom(measurement.sensorStatus, GLUCOSE_FLAGS),
      ...(controlSolution ? (['control_solution'] as const) : []),
    ],
    context: {
      source: 'meter',
      sequenceNumber: measurement.sequenceNumber,
      sampleType: concentration.type,
      sampleLocation: CONTRACT_SAMPLE_LOCATION[concentration.location],
      ...(meal ? { mealContext: meal } : {}),
      ...(measurement.sensorStatus
        ? { deviceStatusHex: statusHex(GLUCOSE_SENSOR_STATUS, measurement.sensorStatus, 4) }
        : {}),
    },
  });
  return builder.batch;
}
