/**
 * Continuous glucose monitor (CGM service 0x181F): the session's history fetched through the
 * Record Access Control Point, then live CGM Measurement notifications
 * (sessions/cgm-session.ts), each record a glucose reading at session start + time offset
 * (readings/cgm-readings.ts). Simulated by simulator/cgm-sensor.ts.
 */
import { CGM_SERVICE } from '../gatt/service-uuids.ts';
import { cgmSession } from '../sessions/cgm-session.ts';
import type { DeviceProfile } from './device-profile.ts';

export const cgmProfile: DeviceProfile = {
  kind: 'cgm',
  service: CGM_SERVICE,
  session: cgmSession,
};
