/**
 * Thermometer (Health Thermometer service 0x1809): its fixed Temperature Type (0x2A1D) read
 * when offered, then Temperature Measurement indications (0x2A1C), stored ones first
 * (Bluetooth HTP), each a body-temperature reading at the thermometer's time stamp corrected
 * by its clock. Intermediate Temperature (0x2A1E, the reading settling) is not subscribed
 * to. Simulated by simulator/thermometer.ts.
 */
import { HEALTH_THERMOMETER_SERVICE } from '../gatt/service-uuids.ts';
import {
  decodeTemperatureMeasurement,
  TEMPERATURE_MEASUREMENT_UUID,
} from '../gatt/temperature-measurement.ts';
import { decodeTemperatureType, TEMPERATURE_TYPE_UUID } from '../gatt/temperature-type.ts';
import { temperatureReadings } from '../readings/temperature-readings.ts';
import { readForMappers, subscription } from '../sessions/streaming-session.ts';
import { streamingProfile } from './device-profile.ts';

export const thermometerProfile = streamingProfile('thermometer', {
  service: HEALTH_THERMOMETER_SERVICE,
  timedMeasurements: true,
  prepare: readForMappers(TEMPERATURE_TYPE_UUID, decodeTemperatureType, (v) => v.temperatureType),
  subscriptions: [
    subscription({
      characteristic: TEMPERATURE_MEASUREMENT_UUID,
      required: true,
      decode: decodeTemperatureMeasurement,
      toReadings: temperatureReadings,
    }),
  ],
});
