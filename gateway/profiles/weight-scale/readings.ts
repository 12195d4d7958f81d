/**
 * Weight Measurement (0x2A9D) -> a body-weight reading in the unit the scale used (kg, or
 * [lb_av]; stored in kg, converted exactly downstream), at the scale's time stamp (device
 * zone, corrected by its clock) keyed by those digits, so a stored weighing sent again is
 * stored once. BMI and height travel as context (height in metres, converted exactly from
 * inches). "Measurement unsuccessful" (0xFFFF) is no weight and is skipped with that reason.
 */
import { convertUnit } from '../../../common/units.ts';
import { UNKNOWN_USER_ID } from '../../gatt/user-index.ts';
import { isUnsuccessful, type WeightMeasurement } from '../../gatt/weight-measurement.ts';
import {
  BatchBuilder,
  type ReadingBatch,
  type ReadingSource,
  stampedTime,
} from '../../readings/reading-batch.ts';

export function weightReadings(measurement: WeightMeasurement, source: ReadingSource): ReadingBatch {
  const builder = new BatchBuilder(source);
  const { weight, bmiAndHeight } = measurement;
  if (isUnsuccessful(weight)) {
    builder.skip('body_weight', 'the scale reports the measurement unsuccessful');
    return builder.batch;
  }
  builder.emit({
    metric: 'body_weight',
    unit: weight.unit,
    value: weight.value,
    ...stampedTime(measurement.timestamp, source),
    flags: [],
    context: {
      // A scale with no user profile sends BMI and height 0: left out, the weight still goes.
      ...(bmiAndHeight && bmiAndHeight.bmi.value > 0 && { bmi: bmiAndHeight.bmi.value }),
      ...(bmiAndHeight &&
        bmiAndHeight.height.value > 0 && {
          heightM: convertUnit(bmiAndHeight.height.value, bmiAndHeight.height.unit, 'm'),
        }),
      ...(measurement.userId !== undefined &&
        measurement.userId !== UNKNOWN_USER_ID && { deviceUserId: measurement.userId }),
    },
  });
  return builder.batch;
}
