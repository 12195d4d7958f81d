/**
 * Glucose meter (Glucose service 0x1808): its stored records fetched through the Record
 * Access Control Point from the last one spooled (session.ts), each a
 * glucose reading at the record's own time (readings.ts).
 * Simulated by simulated-meter.ts.
 */
import { GLUCOSE_FEATURE } from '../../gatt/glucose-feature.ts';
import { GLUCOSE_MEASUREMENT, GLUCOSE_SERVICE } from '../../gatt/glucose-measurement.ts';
import { GLUCOSE_MEASUREMENT_CONTEXT } from '../../gatt/glucose-measurement-context.ts';
import { RECORD_ACCESS_CONTROL_POINT } from '../../gatt/record-access-control-point.ts';
import type { DeviceProfile } from '../device-profile.ts';
import { glucoseMeterSession } from './session.ts';

export const glucoseMeterProfile: DeviceProfile = {
  kind: 'glucose_meter',
  service: GLUCOSE_SERVICE,
  characteristics: [
    GLUCOSE_MEASUREMENT,
    GLUCOSE_MEASUREMENT_CONTEXT,
    GLUCOSE_FEATURE,
    RECORD_ACCESS_CONTROL_POINT,
  ],
  session: glucoseMeterSession,
};
