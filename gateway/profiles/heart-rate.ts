/**
 * Heart-rate strap or watch (Heart Rate service 0x180D): the Body Sensor Location (0x2A38)
 * when offered, then every Heart Rate Measurement notification (0x2A37) as a heart-rate
 * reading at its receipt time, with RR intervals and sensor contact.
 * Simulated by simulator/heart-rate-strap.ts.
 */
import { BODY_SENSOR_LOCATION_UUID, decodeBodySensorLocation } from '../gatt/body-sensor-location.ts';
import { decodeHeartRateMeasurement, HEART_RATE_MEASUREMENT_UUID } from '../gatt/heart-rate-measurement.ts';
import { HEART_RATE_SERVICE } from '../gatt/service-uuids.ts';
import { heartRateReadings } from '../readings/heart-rate-readings.ts';
import { readForMappers, subscription } from '../sessions/streaming-session.ts';
import { streamingProfile } from './device-profile.ts';

export const heartRateProfile = streamingProfile('heart_rate', {
  service: HEART_RATE_SERVICE,
  timedMeasurements: false,
  prepare: readForMappers(BODY_SENSOR_LOCATION_UUID, decodeBodySensorLocation, (v) => v.location),
  subscriptions: [
    subscription({
      characteristic: HEART_RATE_MEASUREMENT_UUID,
      required: true,
      decode: decodeHeartRateMeasurement,
      toReadings: heartRateReadings,
    }),
  ],
});
