/**
 * Temperature Measurement (0x2A1C) -> a body-temperature reading in the unit the thermometer
 * used (Cel, or [degF]; stored in Cel, converted exactly downstream), at its time stamp
 * (device zone, corrected by its clock) keyed by those digits, or at the receipt time. Where
 * it was taken comes from the measurement's Temperature Type, else from the thermometer's
 * fixed Temperature Type (0x2A1D) read on connecting. +/-INFINITY is the device's HI/LO.
 */
import type { TemperatureMeasurement } from '../../gatt/temperature-measurement.ts';
import type { TemperatureTypeName } from '../../gatt/temperature-type.ts';
import {
  BatchBuilder,
  measured,
  type ReadingBatch,
  type ReadingSource,
  stampedTime,
} from '../../readings/reading-batch.ts';

export function temperatureReadings(
  measurement: TemperatureMeasurement,
  source: ReadingSource,
  fixedType?: TemperatureTypeName,
): ReadingBatch {
  const builder = new BatchBuilder(source);
  const site = measurement.temperatureType ?? fixedType;
  builder.emit({
    metric: 'body_temperature',
    unit: measurement.unit === 'fahrenheit' ? '[degF]' : 'Cel',
    value: measured(measurement.temperature),
    ...stampedTime(measurement.timestamp, source),
    flags: [],
    context: site ? { temperatureSite: site } : {},
  });
  return builder.batch;
}
