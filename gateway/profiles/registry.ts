/**
 * Every device profile, and what derives from the list: which kind a peripheral's advertised
 * services announce, and the session for each kind.
 */
import type { DeviceKind } from '../../common/device-kinds.ts';
import type { DeviceSession } from '../ble/ble-central.ts';
import { normalizeUuid } from '../ble/bluetooth-uuid.ts';
import type { SessionEnvironment } from '../sessions/session-environment.ts';
import { bloodPressureMonitorProfile } from './blood-pressure-monitor.ts';
import { cgmProfile } from './cgm.ts';
import type { DeviceProfile } from './device-profile.ts';
import { glucoseMeterProfile } from './glucose-meter.ts';
import { heartRateProfile } from './heart-rate.ts';
import { pulseOximeterProfile } from './pulse-oximeter.ts';
import { thermometerProfile } from './thermometer.ts';
import { weightScaleProfile } from './weight-scale.ts';

/** Most specific first: a CGM may also offer the glucose service, an oximeter a heart-rate one. */
export const DEVICE_PROFILES: readonly DeviceProfile[] = [
  cgmProfile,
  glucoseMeterProfile,
  pulseOximeterProfile,
  heartRateProfile,
  bloodPressureMonitorProfile,
  weightScaleProfile,
  thermometerProfile,
];

/** The device kind a set of advertised service UUIDs announces, or null for none we read. */
export function deviceKindFromServices(serviceUuids: readonly string[]): DeviceKind | null {
  const advertised = new Set(serviceUuids.map(normalizeUuid));
  return DEVICE_PROFILES.find((p) => advertised.has(p.service))?.kind ?? null;
}

/** The session of every kind, for the central. */
export function deviceSessions(env: SessionEnvironment): Partial<Record<DeviceKind, DeviceSession>> {
  const sessions: Partial<Record<DeviceKind, DeviceSession>> = {};
  for (const profile of DEVICE_PROFILES) sessions[profile.kind] = profile.session(env);
  return sessions;
}
