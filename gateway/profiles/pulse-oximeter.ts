/**
 * Pulse oximeter (Pulse Oximeter service 0x1822): PLX Features (0x2A60) logged when offered,
 * then PLX Continuous Measurement notifications (0x2A5F) and PLX Spot-Check Measurement
 * indications (0x2A5E) as SpO2 and pulse-rate readings, the device's status bits as flags and
 * spot-check times corrected by the device clock. Simulated by simulator/pulse-oximeter.ts.
 */
import {
  decodePlxContinuousMeasurement,
  PLX_CONTINUOUS_MEASUREMENT_UUID,
} from '../gatt/plx-continuous-measurement.ts';
import { decodePlxFeatures, PLX_FEATURES_UUID } from '../gatt/plx-features.ts';
import {
  decodePlxSpotCheckMeasurement,
  PLX_SPOT_CHECK_MEASUREMENT_UUID,
} from '../gatt/plx-spot-check-measurement.ts';
import { PULSE_OXIMETER_SERVICE } from '../gatt/service-uuids.ts';
import { plxContinuousReadings, plxSpotCheckReadings } from '../readings/pulse-oximeter-readings.ts';
import { logFeatures, subscription } from '../sessions/streaming-session.ts';
import { streamingProfile } from './device-profile.ts';

export const pulseOximeterProfile = streamingProfile('pulse_oximeter', {
  service: PULSE_OXIMETER_SERVICE,
  timedMeasurements: true,
  prepare: logFeatures(PLX_FEATURES_UUID, decodePlxFeatures),
  subscriptions: [
    subscription({
      characteristic: PLX_CONTINUOUS_MEASUREMENT_UUID,
      decode: decodePlxContinuousMeasurement,
      toReadings: plxContinuousReadings,
    }),
    subscription({
      characteristic: PLX_SPOT_CHECK_MEASUREMENT_UUID,
      decode: decodePlxSpotCheckMeasurement,
      toReadings: plxSpotCheckReadings,
    }),
  ],
});
