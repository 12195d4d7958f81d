/**
 * What the device sessions work with: the pairing store (whose patient a device measures,
 * how far its records are fetched), the spool every reading goes to first, the zone the
 * device clocks are set to, the gateway's clock and the log.
 */
import type { ReadingInput } from '../../common/contract.ts';
import type { Logger } from '../../common/log.ts';
import type { ConnectedDevice } from '../ble/connected-device.ts';
import type { PairingStore } from '../pairing/pairing-store.ts';
import type { ReadingSource } from '../readings/reading-batch.ts';

export interface SessionEnvironment {
  pairings: PairingStore;
  /** Resolves once the readings are durably stored (ReadingSpool#append). */
  spool: { append(readings: readonly ReadingInput[], how?: { stream?: boolean }): Promise<unknown> };
  /** The IANA zone the patients' device clocks are set to (RPM_TIME_ZONE). */
  timeZone: string;
  now: () => Date;
  log: Logger;
  /** A record transfer with no news from the device for this long is abandoned (default 30 s). */
  transferSilenceMs?: number;
}

/** The source of a paired device's readings, stamped with the time each value arrived; undefined once unpaired. */
export function readingSource(
  env: SessionEnvironment,
  device: ConnectedDevice,
): (() => ReadingSource) | undefined {
  const patientId = env.pairings.device(device.id)?.patientId;
  if (patientId === undefined) return undefined;
  return () => ({ patientId, deviceId: device.id, receivedAt: env.now(), timeZone: env.timeZone });
}
