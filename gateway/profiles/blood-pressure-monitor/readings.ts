/**
 * Blood Pressure Measurement (0x2A35) -> one blood-pressure reading: the systolic as its
 * value, diastolic and mean arterial pressure as components, in the unit the cuff used
 * (mmHg as UCUM mm[Hg], or kPa; stored in mm[Hg], converted exactly downstream), at the
 * cuff's time stamp (device zone, corrected by its clock) keyed by those digits, so a stored
 * measurement sent again on the next connection is stored once.
 *
 * Measurement Status becomes flags: body movement and a loose cuff make the reading
 * unreliable; an irregular pulse, a pulse rate out of the cuff's range and an improper
 * position are shown with it (common/contract.ts). The cuff's pulse rate travels as context.
 * A special value (NaN, NRes) in the systolic or diastolic means there is no measurement;
 * a NaN mean arterial pressure is only left out.
 *
 * The cuff's "HI" / "LO" (+/-INFINITY): a systolic beyond its range makes the reading a bound
 * (`result_above_device_range` / `result_below_device_range`, the systolic sent as the
 * limit), so a crisis or a collapse is stored and fires its alerts; its diastolic goes as
 * measured, or as its own limit when beyond the range the same way. A diastolic beyond the
 * range beside a measured systolic (or beyond it the other way) is skipped with that reason:
 * the flag says the systolic is a bound, and no flag could say it of the diastolic alone.
 */
import type { ReadingFlag } from '../../../common/contract.ts';
import { type ComponentName, checkMetricValue, metricRange } from '../../../common/metrics.ts';
import {
  BLOOD_PRESSURE_MEASUREMENT_STATUS,
  type BloodPressureMeasurement,
  type BloodPressureMeasurementStatus,
  PULSE_RATE_RANGES,
} from '../../gatt/blood-pressure-measurement.ts';
import { describeSpecial, type MedicalSpecialValue } from '../../gatt/ieee11073.ts';
import { UNKNOWN_USER_ID } from '../../gatt/user-index.ts';
import {
  BatchBuilder,
  beyondRange,
  type FlagTable,
  finiteIn,
  flagsFrom,
  measured,
  type ReadingBatch,
  type ReadingSource,
  stampedTime,
  statusHex,
} from '../../readings/reading-batch.ts';

const STATUS_FLAGS: FlagTable<BloodPressureMeasurementStatus> = {
  body_movement_detected: 'body_movement',
  cuff_too_loose: 'cuff_fit_poor',
  irregular_pulse_detected: 'irregular_pulse',
  improper_measurement_position: 'improper_position',
};

/** Measurement Status as sent: the named bits and the pulse-rate range (bits 3-4), 4 hex digits. */
function statusBits(m: BloodPressureMeasurement): string | undefined {
  if (!m.measurementStatus || !m.pulseRateRange) return undefined;
  const range = PULSE_RATE_RANGES[m.pulseRateRange] << 3;
  const bits = Number.parseInt(statusHex(BLOOD_PRESSURE_MEASUREMENT_STATUS, m.measurementStatus, 4), 16);
  return (bits | range).toString(16).padStart(4, '0');
}

/** The diastolic to send (beside a systolic beyond the range, the limit the same way), or why there is none. */
function diastolicToSend(
  diastolic: number | MedicalSpecialValue,
  systolicBeyond: 'above' | 'below' | undefined,
  unit: 'mm[Hg]' | 'kPa',
): number | string {
  const beyond = beyondRange(diastolic, []);
  if (typeof diastolic !== 'number' && beyond === undefined) {
    return `diastolic is ${describeSpecial(diastolic.special)}`;
  }
  if (beyond !== undefined && beyond !== systolicBeyond) {
    const part = (b: typeof systolicBeyond) => (b === undefined ? 'measured' : `${b} the cuff's range`);
    return `systolic ${part(systolicBeyond)} but diastolic ${part(beyond)}: not one blood pressure`;
  }
  if (typeof diastolic === 'number') return diastolic;
  const range = metricRange('blood_pressure', unit, 'diastolic');
  if (!range) return `no diastolic limits in ${unit}`;
  return beyond === 'above' ? range.max : range.min;
}

export function bloodPressureReadings(
  measurement: BloodPressureMeasurement,
  source: ReadingSource,
): ReadingBatch {
  const builder = new BatchBuilder(source);
  const unit = measurement.unit === 'kPa' ? 'kPa' : 'mm[Hg]';
  const systolic = measured(measurement.systolic);
  const systolicBeyond = beyondRange(systolic, []);
  if (typeof systolic !== 'number' && systolicBeyond === undefined) {
    builder.skip('blood_pressure', `systolic is ${describeSpecial(systolic.special)}`);
    return builder.batch;
  }
  const diastolic = diastolicToSend(measured(measurement.diastolic), systolicBeyond, unit);
  if (typeof diastolic === 'string') {
    builder.skip('blood_pressure', diastolic);
    return builder.batch;
  }
  // A mean the cuff got wrong (outside its limits, or not between diastolic and systolic)
  // is left out on its own: the systolic and diastolic still go.
  const mean = measured(measurement.meanArterialPressure);
  const meanFits =
    typeof mean === 'number' &&
    checkMetricValue('blood_pressure', unit, mean, 'mean') === undefined &&
    mean >= diastolic &&
    (typeof systolic !== 'number' || mean <= systolic);
  const components: Partial<Record<ComponentName, number>> = {
    diastolic,
    ...(meanFits && { mean }),
  };
  const flags: ReadingFlag[] = [
    ...flagsFrom(measurement.measurementStatus, STATUS_FLAGS),
    ...(measurement.pulseRateRange && measurement.pulseRateRange !== 'within'
      ? (['pulse_rate_out_of_range'] as const)
      : []),
  ];
  const pulseRatePerMin = finiteIn(measurement.pulseRate, 0, 300);
  const status = statusBits(measurement);
  builder.emit({
    metric: 'blood_pressure',
    unit,
    value: systolic,
    components,
    ...stampedTime(measurement.timestamp, source),
    flags,
    context: {
      ...(pulseRatePerMin !== undefined && { pulseRatePerMin }),
      ...(measurement.userId !== undefined &&
        measurement.userId !== UNKNOWN_USER_ID && { deviceUserId: measurement.userId }),
      ...(status && { deviceStatusHex: status }),
    },
  });
  return builder.batch;
}
