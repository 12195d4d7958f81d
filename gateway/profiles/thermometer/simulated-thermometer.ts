/**
 * A simulated digital clinical thermometer: Health Thermometer service (0x1809, Health
 * Thermometer Service 1.0) with Temperature Measurement (0x2A1C, indicate) and Temperature
 * Type (0x2A1D, read: where it measures, mouth unless the model says otherwise), plus Device
 * Information and Battery. The site does not change, so it is given once, by the Temperature
 * Type characteristic (the service's way for a fixed site), and the measurements leave their
 * own Temperature Type field out. Not simulated: Intermediate Temperature (0x2A1E),
 * Measurement Interval (0x2A21).
 *
 * The patient takes their temperature in the evening, at about 20:00, and forgets now and
 * then (measurement-times.ts). A measurement is the value the display shows, to 0.1 °C (or
 * 0.1 °F on a model set to Fahrenheit): an IEEE 11073 FLOAT with exponent -1 (36.8 is
 * mantissa 368), with the time stamp from the thermometer's clock (local wall-clock time).
 *
 * Like a Health Thermometer Profile thermometer it keeps what it measured while no gateway
 * listened and indicates it, oldest first, once one subscribes (stored-measurements.ts).
 */
import { convertUnit } from '../../../common/units.ts';
import { medicalNumber } from '../../gatt/ieee11073.ts';
import {
  encodeTemperatureMeasurement,
  HEALTH_THERMOMETER_SERVICE,
  TEMPERATURE_MEASUREMENT_UUID,
  type TemperatureMeasurement,
  type TemperatureUnit,
} from '../../gatt/temperature-measurement.ts';
import {
  encodeTemperatureType,
  TEMPERATURE_TYPE_UUID,
  type TemperatureTypeName,
} from '../../gatt/temperature-type.ts';
import type { LocalTime } from '../../simulator/local-time.ts';
import type { MeasurementPlan } from '../../simulator/measurement-times.ts';
import { type MeasuringDeviceOptions, measuringDevice } from '../../simulator/measuring-device.ts';
import type { VirtualDevice } from '../../simulator/virtual-device.ts';
import { BodyTemperature, type BodyTemperatureProfile } from './physiology.ts';

/** Every evening, +/- 30 minutes; one evening in ten forgotten. */
export const THERMOMETER_PLAN: MeasurementPlan = { minutes: [20 * 60], spreadMinutes: 30, skipChance: 0.1 };

const DEFAULT_MEMORY = 30;

export interface ThermometerOptions extends MeasuringDeviceOptions {
  profile?: BodyTemperatureProfile;
  /** Where it measures (default mouth). */
  site?: TemperatureTypeName;
  /** What it shows and sends (default Celsius). */
  unit?: TemperatureUnit;
}

export interface Thermometer extends VirtualDevice {
  /** The patient takes their temperature now and it is `celsius`: indicated, or stored for the gateway. */
  take(celsius: number): void;
}

/** The Temperature Measurement the thermometer sends for `celsius` measured at `atMs`. */
export function thermometerMeasurement(
  celsius: number,
  atMs: number,
  local: LocalTime,
  unit: TemperatureUnit = 'celsius',
): TemperatureMeasurement {
  const shown = unit === 'celsius' ? celsius : convertUnit(celsius, 'Cel', '[degF]');
  return { temperature: medicalNumber(Math.round(shown * 10), -1), unit, timestamp: local.dateTime(atMs) };
}

export function createThermometer(o: ThermometerOptions): Thermometer {
  const body = new BodyTemperature(o.noise, o.local, o.profile);
  const encoded = (celsius: number, atMs: number) =>
    encodeTemperatureMeasurement(thermometerMeasurement(celsius, atMs, o.local, o.unit));
  const site = encodeTemperatureType({ temperatureType: o.site ?? 'mouth' });
  const { device, record } = measuringDevice(
    o,
    {
      kind: 'thermometer',
      serviceUuid: HEALTH_THERMOMETER_SERVICE,
      measurementUuid: TEMPERATURE_MEASUREMENT_UUID,
      readable: [{ uuid: TEMPERATURE_TYPE_UUID, properties: ['read'], onRead: () => site }],
      plan: THERMOMETER_PLAN,
      memorySize: DEFAULT_MEMORY,
    },
    (atMs) => encoded(body.celsiusAt(atMs), atMs),
  );
  return { ...device, take: (celsius) => record(encoded(celsius, o.clock.now())) };
}
