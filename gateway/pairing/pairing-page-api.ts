/**
 * The pairing page's HTTP API, as zod schemas: the page's script and the pairing command
 * read these shapes, the page's routes validate and serialize with them.
 *
 *   GET    /api/overview           the gateway, its patients and its paired devices
 *   GET    /api/nearby?seconds=n   health devices heard during a scan of n seconds (1-15, default 5)
 *   POST   /api/pairings           { deviceId, patientId }: pair a device heard in the last scan
 *   DELETE /api/pairings/:deviceId unpair
 *
 * Changes need the gateway's pairing PIN in the `X-Pairing-Pin` header. A custom header
 * cannot be sent across origins without a CORS preflight, which this server never allows,
 * and bodies must be JSON: together they keep other web pages (CSRF) out.
 */
import { z } from 'zod';
import { DeviceId, DeviceKind, PatientId, UtcTimestamp } from '../../common/contract.ts';

export const PIN_HEADER = 'x-pairing-pin';

export const PairedDeviceView = z.strictObject({
  deviceId: DeviceId,
  address: z.string(),
  kind: DeviceKind,
  name: z.string().nullable(),
  patientId: PatientId,
  pairedAt: UtcTimestamp,
  connected: z.boolean(),
  /** dBm, while connected or recently heard. */
  rssi: z.number().int().nullable(),
  batteryPercent: z.number().int().nullable(),
  lastSeen: UtcTimestamp.nullable(),
  lastReadingAt: UtcTimestamp.nullable(),
  /** Paired to a patient this gateway no longer serves: not collected. */
  collected: z.boolean(),
});
export type PairedDeviceView = z.infer<typeof PairedDeviceView>;

export const PairingOverview = z.strictObject({
  gatewayId: z.string(),
  patientIds: z.array(PatientId),
  /** false when no pairing PIN is configured: pairing and unpairing are refused. */
  pairingEnabled: z.boolean(),
  broker: z.strictObject({ connected: z.boolean(), spooled: z.number().int().nonnegative() }),
  devices: z.array(PairedDeviceView),
});
export type PairingOverview = z.infer<typeof PairingOverview>;

export const NearbyHealthDevice = z.strictObject({
  deviceId: DeviceId,
  address: z.string(),
  name: z.string().nullable(),
  kind: DeviceKind,
  rssi: z.number().int(),
  /** Already paired (to `patientId`). */
  pairedTo: PatientId.nullable(),
});
export type NearbyHealthDevice = z.infer<typeof NearbyHealthDevice>;

export const NearbyResponse = z.strictObject({ devices: z.array(NearbyHealthDevice) });
export type NearbyResponse = z.infer<typeof NearbyResponse>;

export const NearbyQuery = z.strictObject({
  seconds: z.coerce.number().int().min(1).max(15).default(5),
});

export const PairRequest = z.strictObject({ deviceId: DeviceId, patientId: PatientId });
export type PairRequest = z.infer<typeof PairRequest>;

export const PairingResponse = z.strictObject({ device: PairedDeviceView });
export type PairingResponse = z.infer<typeof PairingResponse>;

export const ApiError = z.strictObject({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
});
export type ApiError = z.infer<typeof ApiError>;
