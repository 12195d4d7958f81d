/**
 * Heart-rate strap or watch (Heart Rate service 0x180D): read the Body Sensor Location
 * (0x2A38) when offered, then turn every Heart Rate Measurement notification (0x2A37) into a
 * heart-rate reading (with RR intervals and sensor contact) in the spool.
 */
import type { DeviceSession } from '../ble/ble-central.ts';
import {
  BODY_SENSOR_LOCATION_UUID,
  type BodySensorLocationName,
  decodeBodySensorLocation,
} from '../gatt/body-sensor-location.ts';
import { decodeHeartRateMeasurement, HEART_RATE_MEASUREMENT_UUID } from '../gatt/heart-rate-measurement.ts';
import { heartRateReadings } from '../measurement-readings.ts';
import { decodedValue } from './characteristic-value.ts';
import { readDeviceBasics } from './device-basics.ts';
import { deliverLiveReadings } from './reading-delivery.ts';
import { HEART_RATE_SERVICE } from './service-uuids.ts';
import { readingSource, type SessionEnvironment } from './session-environment.ts';

export function heartRateSession(env: SessionEnvironment): DeviceSession {
  return async (device) => {
    const source = readingSource(env, device);
    if (!source) return;
    await readDeviceBasics(device, env);
    let bodySensorLocation: BodySensorLocationName | undefined;
    if (device.has(HEART_RATE_SERVICE, BODY_SENSOR_LOCATION_UUID)) {
      const bytes = await device.read(HEART_RATE_SERVICE, BODY_SENSOR_LOCATION_UUID);
      const decoded = decodeBodySensorLocation(bytes);
      bodySensorLocation = decodedValue(
        env.log,
        device.id,
        BODY_SENSOR_LOCATION_UUID,
        bytes,
        decoded,
      )?.location;
    }
    await device.subscribe(HEART_RATE_SERVICE, HEART_RATE_MEASUREMENT_UUID, (bytes) => {
      const measurement = decodedValue(
        env.log,
        device.id,
        HEART_RATE_MEASUREMENT_UUID,
        bytes,
        decodeHeartRateMeasurement(bytes),
      );
      if (measurement)
        deliverLiveReadings(env, device.id, heartRateReadings(measurement, source(), bodySensorLocation));
    });
  };
}
