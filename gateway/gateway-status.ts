/**
 * The retained gateway status (contract GatewayStatus on rpm/v1/gw/{id}/status): online, the
 * software version, readings waiting in the spool, and each paired device with its battery,
 * signal, connection and last-seen time. Published when the broker connection comes up, a
 * few seconds after devices change (connect, disconnect, battery, pairing: changes in a burst
 * make one message), and every minute. The publisher keeps the last one and sends it again
 * on every connection; its last will says offline.
 */
import { type DeviceStatus, GatewayStatus } from '../common/contract.ts';
import type { Logger } from '../common/log.ts';
import type { DeviceLinkStatus } from './ble/ble-central.ts';
import type { PairingStore } from './pairing/pairing-store.ts';

/** The contract's limit on devices in one status. */
const MAX_DEVICES = 32;

export interface StatusSources {
  gatewayId: string;
  softwareVersion: string;
  pairings: PairingStore;
  /** The Bluetooth side of each wanted device (BleCentral#status). */
  links: () => DeviceLinkStatus[];
  /** Readings waiting in the spool. */
  spooled: () => number;
  now: () => Date;
}

const rssiInContract = (rssi: number | null) =>
  rssi === null ? null : Math.max(-127, Math.min(20, Math.round(rssi)));

export function gatewayStatus(sources: StatusSources): GatewayStatus {
  const links = sources.links();
  const devices: DeviceStatus[] = sources.pairings
    .servedDevices()
    .slice(0, MAX_DEVICES)
    .map((device) => {
      const link = links.find((l) => l.deviceId === device.deviceId);
      const state = sources.pairings.state(device.deviceId);
      const name = link?.name ?? device.name;
      return {
        deviceId: device.deviceId,
        patientId: device.patientId,
        kind: device.kind,
        ...(name ? { name: name.slice(0, 64) } : {}),
        batteryPercent: state.batteryPercent,
        rssi: rssiInContract(link?.rssi ?? null),
        connected: link?.connected ?? false,
        lastSeen: link?.lastSeen?.toISOString() ?? state.lastSeen,
      };
    });
  return GatewayStatus.parse({
    gatewayId: sources.gatewayId,
    online: true,
    at: sources.now().toISOString(),
    softwareVersion: sources.softwareVersion.slice(0, 32),
    spooled: sources.spooled(),
    devices,
  });
}

export interface StatusReporterOptions {
  sources: StatusSources;
  publish: (status: GatewayStatus) => Promise<unknown>;
  log: Logger;
  /** Changes within this long make one message (default 2 s). */
  debounceMs?: number;
  /** Published at least this often (default 60 s). */
  intervalMs?: number;
}

export class StatusReporter {
  #debounce: NodeJS.Timeout | undefined;
  #interval: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(private readonly o: StatusReporterOptions) {}

  start(): void {
    this.#interval = setInterval(() => this.publishNow(), this.o.intervalMs ?? 60_000);
    this.publishNow();
  }

  /** Something changed: publish soon, once for a burst of changes. */
  changed(): void {
    if (this.#stopped || this.#debounce) return;
    this.#debounce = setTimeout(() => this.publishNow(), this.o.debounceMs ?? 2_000);
  }

  publishNow(): void {
    clearTimeout(this.#debounce);
    this.#debounce = undefined;
    if (this.#stopped) return;
    this.o
      .publish(gatewayStatus(this.o.sources))
      .catch((err: Error) => this.o.log.warn({ err: err.message }, 'gateway status not published'));
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#debounce);
    clearInterval(this.#interval);
  }
}
