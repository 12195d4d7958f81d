/**
 * Pulse oximeter (Pulse Oximeter service 0x1822): read PLX Features (0x2A60) when offered,
 * then turn PLX Continuous Measurement notifications (0x2A5F) and PLX Spot-Check Measurement
 * indications (0x2A5E) into SpO2 and pulse-rate readings in the spool, with the device's
 * status bits as flags.
 */
import type { DeviceSession } from '../ble/ble-central.ts';
import {
  decodePlxContinuousMeasurement,
  PLX_CONTINUOUS_MEASUREMENT_UUID,
} from '../gatt/plx-continuous-measurement.ts';
import { decodePlxFeatures, PLX_FEATURES_UUID } from '../gatt/plx-features.ts';
import {
  decodePlxSpotCheckMeasurement,
  PLX_SPOT_CHECK_MEASUREMENT_UUID,
} from '../gatt/plx-spot-check-measurement.ts';
import { plxContinuousReadings, plxSpotCheckReadings } from '../measurement-readings.ts';
import { decodedValue } from './characteristic-value.ts';
import { readDeviceBasics } from './device-basics.ts';
import { withDeviceClock } from './device-clock.ts';
import { deliverLiveReadings } from './reading-delivery.ts';
import { PULSE_OXIMETER_SERVICE } from './service-uuids.ts';
import { readingSource, type SessionEnvironment } from './session-environment.ts';

export function pulseOximeterSession(env: SessionEnvironment): DeviceSession {
  return async (device) => {
    const paired = readingSource(env, device);
    if (!paired) return;
    await readDeviceBasics(device, env);
    const source = await withDeviceClock(paired, device, env);
    if (device.has(PULSE_OXIMETER_SERVICE, PLX_FEATURES_UUID)) {
      const bytes = await device.read(PULSE_OXIMETER_SERVICE, PLX_FEATURES_UUID);
      const features = decodedValue(env.log, device.id, PLX_FEATURES_UUID, bytes, decodePlxFeatures(bytes));
      if (features)
        env.log.debug({ deviceId: device.id, features: features.supportedFeatures }, 'PLX features');
    }
    if (device.has(PULSE_OXIMETER_SERVICE, PLX_CONTINUOUS_MEASUREMENT_UUID)) {
      await device.subscribe(PULSE_OXIMETER_SERVICE, PLX_CONTINUOUS_MEASUREMENT_UUID, (bytes) => {
        const decoded = decodePlxContinuousMeasurement(bytes);
        const measurement = decodedValue(env.log, device.id, PLX_CONTINUOUS_MEASUREMENT_UUID, bytes, decoded);
        if (measurement) deliverLiveReadings(env, device.id, plxContinuousReadings(measurement, source()));
      });
    }
    if (device.has(PULSE_OXIMETER_SERVICE, PLX_SPOT_CHECK_MEASUREMENT_UUID)) {
      await device.subscribe(PULSE_OXIMETER_SERVICE, PLX_SPOT_CHECK_MEASUREMENT_UUID, (bytes) => {
        const decoded = decodePlxSpotCheckMeasurement(bytes);
        const measurement = decodedValue(env.log, device.id, PLX_SPOT_CHECK_MEASUREMENT_UUID, bytes, decoded);
        if (measurement) deliverLiveReadings(env, device.id, plxSpotCheckReadings(measurement, source()));
      });
    }
  };
}
