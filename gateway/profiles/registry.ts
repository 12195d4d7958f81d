/**
 * Every device profile, and what derives from the list: which kind a peripheral's advertised
 * services announce, the session for each kind, and the characteristic table.
 */
import type { DeviceKind } from '../../common/device-kinds.ts';
import type { DeviceSession } from '../ble/ble-central.ts';
import { normalizeUuid } from '../ble/bluetooth-uuid.ts';
import type { Characteristic } from '../gatt/characteristic.ts';
import { characteristicTable, SHARED_CHARACTERISTICS, shortUuid } from '../gatt/characteristics.ts';
import type { SessionEnvironment } from '../sessions/session-environment.ts';
import { bloodPressureMonitorProfile } from './blood-pressure-monitor/profile.ts';
import { cgmProfile } from './cgm/profile.ts';
import type { DeviceProfile } from './device-profile.ts';
import { glucoseMeterProfile } from './glucose-meter/profile.ts';
import { heartRateProfile } from './heart-rate/profile.ts';
import { pulseOximeterProfile } from './pulse-oximeter/profile.ts';
import { thermometerProfile } from './thermometer/profile.ts';
import { weightScaleProfile } from './weight-scale/profile.ts';

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

/** Every characteristic the gateway decodes, by 16-bit UUID: the shared ones and the profiles'. */
export const CHARACTERISTICS = characteristicTable([
  ...SHARED_CHARACTERISTICS,
  ...DEVICE_PROFILES.flatMap((p) => p.characteristics),
]);

/** The characteristic for a UUID in any spelling (see shortUuid), or undefined for one we do not decode. */
export function lookupCharacteristic(uuid: string): Characteristic | undefined {
  const short = shortUuid(uuid);
  return short === undefined ? undefined : CHARACTERISTICS[short];
}
