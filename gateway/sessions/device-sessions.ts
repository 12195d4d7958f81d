/** The session BleCentral runs on every connection, for each kind of health device. */
import type { DeviceKind } from '../../common/contract.ts';
import type { DeviceSession } from '../ble/ble-central.ts';
import { cgmSession } from './cgm-session.ts';
import { glucoseMeterSession } from './glucose-meter-session.ts';
import { heartRateSession } from './heart-rate-session.ts';
import { pulseOximeterSession } from './pulse-oximeter-session.ts';
import type { SessionEnvironment } from './session-environment.ts';

export function deviceSessions(env: SessionEnvironment): Record<DeviceKind, DeviceSession> {
  return {
    heart_rate: heartRateSession(env),
    pulse_oximeter: pulseOximeterSession(env),
    glucose_meter: glucoseMeterSession(env),
    cgm: cgmSession(env),
  };
}
