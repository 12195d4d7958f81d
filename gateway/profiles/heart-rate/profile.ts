/**
 * Heart-rate strap or watch (Heart Rate service 0x180D): the Body Sensor Location (0x2A38)
 * when offered, then every Heart Rate Measurement notification (0x2A37) as a heart-rate
 * reading at its receipt time, with RR intervals and sensor contact.
 * Simulated by simulated-strap.ts.
 */
import { BODY_SENSOR_LOCATION, decodeBodySensorLocation } from '../../gatt/body-sensor-location.ts';
import {
  decodeHeartRateMeasurement,
  HEART_RATE_MEASUREMENT,
  HEART_RATE_SERVICE,
} from '../../gatt/heart-rate-measurement.ts';
import { readForMappers, subscription } from '../../sessions/streaming-session.ts';
import { streamingProfile } from '../device-profile.ts';
import { heartRateReadings } from './readings.ts';

export const heartRateProfile = streamingProfile('heart_rate', {
  service: HEART_RATE_SERVICE,
  characteristics: [HEART_RATE_MEASUREMENT, BODY_SENSOR_LOCATION],
  timedMeasurements: false,
  prepare: readForMappers(BODY_SENSOR_LOCATION.uuid, decodeBodySensorLocation, (v) => v.location),
  subscriptions: [
    subscription({
      characteristic: HEART_RATE_MEASUREMENT.uuid,
      required: true,
      stream: true,
      decode: decodeHeartRateMeasurement,
      toReadings: heartRateReadings,
    }),
  ],
});
