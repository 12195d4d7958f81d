/**
 * Weighing scale (Weight Scale service 0x181D): Weight Scale Feature (0x2A9E) logged when
 * offered, then Weight Measurement indications (0x2A9D), stored weighings first (Bluetooth
 * WSP), each a body-weight reading at the scale's time stamp corrected by its clock.
 * Simulated by simulated-scale.ts.
 */
import {
  decodeWeightMeasurement,
  WEIGHT_MEASUREMENT,
  WEIGHT_SCALE_SERVICE,
} from '../../gatt/weight-measurement.ts';
import { decodeWeightScaleFeature, WEIGHT_SCALE_FEATURE } from '../../gatt/weight-scale-feature.ts';
import { logFeatures, subscription } from '../../sessions/streaming-session.ts';
import { streamingProfile } from '../device-profile.ts';
import { weightReadings } from './readings.ts';

export const weightScaleProfile = streamingProfile('weight_scale', {
  service: WEIGHT_SCALE_SERVICE,
  characteristics: [WEIGHT_MEASUREMENT, WEIGHT_SCALE_FEATURE],
  timedMeasurements: true,
  prepare: logFeatures(WEIGHT_SCALE_FEATURE.uuid, decodeWeightScaleFeature),
  subscriptions: [
    subscription({
      characteristic: WEIGHT_MEASUREMENT.uuid,
      required: true,
      decode: decodeWeightMeasurement,
      toReadings: weightReadings,
    }),
  ],
});
