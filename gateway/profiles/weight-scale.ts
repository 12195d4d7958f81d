/**
 * Weighing scale (Weight Scale service 0x181D): Weight Scale Feature (0x2A9E) logged when
 * offered, then Weight Measurement indications (0x2A9D), stored weighings first (Bluetooth
 * WSP), each a body-weight reading at the scale's time stamp corrected by its clock.
 * Simulated by simulator/weighing-scale.ts.
 */
import { WEIGHT_SCALE_SERVICE } from '../gatt/service-uuids.ts';
import { decodeWeightMeasurement, WEIGHT_MEASUREMENT_UUID } from '../gatt/weight-measurement.ts';
import { decodeWeightScaleFeature, WEIGHT_SCALE_FEATURE_UUID } from '../gatt/weight-scale-feature.ts';
import { weightReadings } from '../readings/weight-readings.ts';
import { logFeatures, subscription } from '../sessions/streaming-session.ts';
import { streamingProfile } from './device-profile.ts';

export const weightScaleProfile = streamingProfile('weight_scale', {
  service: WEIGHT_SCALE_SERVICE,
  timedMeasurements: true,
  prepare: logFeatures(WEIGHT_SCALE_FEATURE_UUID, decodeWeightScaleFeature),
  subscriptions: [
    subscription({
      characteristic: WEIGHT_MEASUREMENT_UUID,
      required: true,
      decode: decodeWeightMeasurement,
      toReadings: weightReadings,
    }),
  ],
});
