/**
 * Which kind of health device a peripheral is, from the GATT services it advertises
 * (Bluetooth SIG assigned numbers; see /work/shared/ble-gatt-reference.md).
 */
import type { DeviceKind } from '../../common/contract.ts';
import { normalizeUuid } from './bluetooth-uuid.ts';

/** The service that makes each kind, most specific first: a CGM may also offer the glucose service. */
export const HEALTH_SERVICES: readonly { kind: DeviceKind; serviceUuid: string }[] = [
  { kind: 'cgm', serviceUuid: '181f' },
  { kind: 'glucose_meter', serviceUuid: '1808' },
  { kind: 'pulse_oximeter', serviceUuid: '1822' },
  { kind: 'heart_rate', serviceUuid: '180d' },
];

/** The device kind a set of advertised service UUIDs announces, or null for none we support. */
export function deviceKindFromServices(serviceUuids: readonly string[]): DeviceKind | null {
  const advertised = new Set(serviceUuids.map(normalizeUuid));
  return HEALTH_SERVICES.find((s) => advertised.has(s.serviceUuid))?.kind ?? null;
}
