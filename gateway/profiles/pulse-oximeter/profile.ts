/**
 * Pulse oximeter (Pulse Oximeter service 0x1822): PLX Features (0x2A60) logged when offered,
 * then PLX Continuous Measurement notifications (0x2A5F) and PLX Spot-Check Measurement
 * indications (0x2A5E) as SpO2 and pulse-rate readings, the device's status bits as flags and
 * spot-check times corrected by the device clock. Simulated by simulated-oximeter.ts.
 */
import {
  decodePlxContinuousMeasurement,
  PLX_CONTINUOUS_MEASUREMENT,
} from '../../gatt/plx-continuous-measurement.ts';
import { decodePlxFeatures, PLX_FEATURES, PULSE_OXIMETER_SERVICE } from '../../gatt/plx-features.ts';
import {
  decodePlxSpotCheckMeasurement,
  PLX_SPOT_CHECK_MEASUREMENT,
} from '../../gatt/plx-spot-check-measurement.ts';
import { logFeatures, subscription } from '../../sessions/streaming-session.ts';
import { streamingProfile } from '../device-profile.ts';
import { plxContinuousReadings, plxSpotCheckReadings } from './readings.ts';

export const pulseOximeterProfile = streamingProfile('pulse_oximeter', {
  service: PULSE_OXIMETER_SERVICE,
  characteristics: [PLX_CONTINUOUS_MEASUREMENT, PLX_SPOT_CHECK_MEASUREMENT, PLX_FEATURES],
  timedMeasurements: true,
  prepare: logFeatures(PLX_FEATURES.uuid, decodePlxFeatures),
  subscriptions: [
    subscription({
      characteristic: PLX_CONTINUOUS_MEASUREMENT.uuid,
      stream: true,
      decode: decodePlxContinuousMeasurement,
      toReadings: plxContinuousReadings,
    }),
    subscription({
      characteristic: PLX_SPOT_CHECK_MEASUREMENT.uuid,
      decode: decodePlxSpotCheckMeasurement,
      toReadings: plxSpotCheckReadings,
    }),
  ],
});
