/**
 * Blood-pressure cuff (Blood Pressure service 0x1810): Blood Pressure Feature (0x2A49)
 * logged when offered, then Blood Pressure Measurement indications (0x2A35): the cuff sends
 * every measurement stored while the gateway was out of reach, oldest first, then each new
 * one, and deletes a measurement once the gateway confirms it (Bluetooth BLP). Each is one
 * reading with systolic, diastolic and mean together, at the cuff's time stamp corrected by
 * its clock. Intermediate Cuff Pressure (0x2A36: the cuff inflating) is not subscribed to:
 * it is no measurement. Simulated by simulated-cuff.ts.
 */
import { BLOOD_PRESSURE_FEATURE, decodeBloodPressureFeature } from '../../gatt/blood-pressure-feature.ts';
import {
  BLOOD_PRESSURE_MEASUREMENT,
  BLOOD_PRESSURE_SERVICE,
  decodeBloodPressureMeasurement,
  INTERMEDIATE_CUFF_PRESSURE,
} from '../../gatt/blood-pressure-measurement.ts';
import { logFeatures, subscription } from '../../sessions/streaming-session.ts';
import { streamingProfile } from '../device-profile.ts';
import { bloodPressureReadings } from './readings.ts';

export const bloodPressureMonitorProfile = streamingProfile('blood_pressure_monitor', {
  service: BLOOD_PRESSURE_SERVICE,
  characteristics: [BLOOD_PRESSURE_MEASUREMENT, INTERMEDIATE_CUFF_PRESSURE, BLOOD_PRESSURE_FEATURE],
  timedMeasurements: true,
  prepare: logFeatures(BLOOD_PRESSURE_FEATURE.uuid, decodeBloodPressureFeature),
  subscriptions: [
    subscription({
      characteristic: BLOOD_PRESSURE_MEASUREMENT.uuid,
      required: true,
      decode: decodeBloodPressureMeasurement,
      toReadings: bloodPressureReadings,
    }),
  ],
});
