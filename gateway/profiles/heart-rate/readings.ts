import type { BodySensorLocationName } from '../../gatt/body-sensor-location.ts';
import type { HeartRateMeasurement } from '../../gatt/heart-rate-measurement.ts';

import {
  BatchBuilder,
  type ReadingBatch,
  type ReadingSource,
  receivedTime,
} from '../../readings/reading-batch.ts';

/** Contract limits of ReadingContext.rrIntervalsMs. */
const MAX_RR_MS = 5000;
const MAX_RR_COUNT = 64;

/** Heart rate at receive time, with RR intervals (ms), energy expended and body location as context. */
export function heartRateReadings(
  measurement: HeartRateMeasurement,
  source: ReadingSource,
  bodySensorLocation?: BodySensorLocationName,
): ReadingBatch {
  const builder = new BatchBuilder(source);
  const rrMs = measurement.rrIntervals.map((rr) => rr.ms);
  const plausible = rrMs.filter((ms) => ms > 0 && ms <= MAX_RR_MS);
  if (plausible.length < rrMs.length) {
    builder.skip(
      'heart_rate',
      `${rrMs.length - plausible.length} RR interval(s) outside 0-${MAX_RR_MS} ms left out`,
    );
  }
  const rrIntervalsMs = plausible.slice(-MAX_RR_COUNT);
  builder.emit({
    metric: 'heart_rate',
    unit: '/min',
    value: measurement.heartRate,
    time: receivedTime(source),
    flags: measurement.sensorContact === 'not_detected' ? ['no_sensor_contact'] : [],
    context: {
      ...(rrIntervalsMs.length > 0 ? { rrIntervalsMs } : {}),
      ...(measurement.energyExpendedKj === undefined
        ? {}
        : { energyExpendedKj: measurement.energyExpendedKj }),
      ...(bodySensorLocation ? { bodySensorLocation } : {}),
    },
  });
  return builder.batch;
}
