/**
 * Thermometer (Health Thermometer service 0x1809): its fixed Temperature Type (0x2A1D) read
 * when offered, then Temperature Measurement indications (0x2A1C), stored ones first
 * (Bluetooth HTP), each a body-temperature reading at the thermometer's time stamp corrected
 * by its clock. Intermediate Temperature (0x2A1E, the reading settling) is not subscribed
 * to. Simulated by simulated-thermometer.ts.
 */
import {
  decodeTemperatureMeasurement,
  HEALTH_THERMOMETER_SERVICE,
  INTERMEDIATE_TEMPERATURE,
  TEMPERATURE_MEASUREMENT,
} from '../../gatt/temperature-measurement.ts';
import { decodeTemperatureType, TEMPERATURE_TYPE } from '../../gatt/temperature-type.ts';
import { readForMappers, subscription } from '../../sessions/streaming-session.ts';
import { streamingProfile } from '../device-profile.ts';
import { temperatureReadings } from './readings.ts';

export const thermometerProfile = streamingProfile('thermometer', {
  service: HEALTH_THERMOMETER_SERVICE,
  characteristics: [TEMPERATURE_MEASUREMENT, INTERMEDIATE_TEMPERATURE, TEMPERATURE_TYPE],
  timedMeasurements: true,
  prepare: readForMappers(TEMPERATURE_TYPE.uuid, decodeTemperatureType, (v) => v.temperatureType),
  subscriptions: [
    subscription({
      characteristic: TEMPERATURE_MEASUREMENT.uuid,
      required: true,
      decode: decodeTemperatureMeasurement,
      toReadings: temperatureReadings,
    }),
  ],
});
