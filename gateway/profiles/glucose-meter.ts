/**
 * Glucose meter (Glucose service 0x1808): its stored records fetched through the Record
 * Access Control Point from the last one spooled (sessions/glucose-meter-session.ts), each a
 * glucose reading at the record's own time (readings/glucose-meter-readings.ts).
 * Simulated by simulator/glucose-meter.ts.
 */
import { GLUCOSE_SERVICE } from '../gatt/service-uuids.ts';
import { glucoseMeterSession } from '../sessions/glucose-meter-session.ts';
import type { DeviceProfile } from './device-profile.ts';

export const glucoseMeterProfile: DeviceProfile = {
  kind: 'glucose_meter',
  service: GLUCOSE_SERVICE,
  session: glucoseMeterSession,
};
