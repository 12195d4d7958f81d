/**
 * Continuous glucose monitor (CGM service 0x181F): the session's history fetched through the
 * Record Access Control Point, then live CGM Measurement notifications
 * (session.ts), each record a glucose reading at session start + time offset
 * (readings.ts). Simulated by simulated-sensor.ts.
 */
import { CGM_FEATURE } from '../../gatt/cgm-feature.ts';
import { CGM_MEASUREMENT, CGM_SERVICE } from '../../gatt/cgm-measurement.ts';
import { CGM_SESSION_RUN_TIME } from '../../gatt/cgm-session-run-time.ts';
import { CGM_SESSION_START_TIME } from '../../gatt/cgm-session-start-time.ts';
import { RECORD_ACCESS_CONTROL_POINT } from '../../gatt/record-access-control-point.ts';
import type { DeviceProfile } from '../device-profile.ts';
import { cgmSession } from './session.ts';

export const cgmProfile: DeviceProfile = {
  kind: 'cgm',
  service: CGM_SERVICE,
  characteristics: [
    CGM_MEASUREMENT,
    CGM_FEATURE,
    CGM_SESSION_START_TIME,
    CGM_SESSION_RUN_TIME,
    RECORD_ACCESS_CONTROL_POINT,
  ],
  session: cgmSession,
};
