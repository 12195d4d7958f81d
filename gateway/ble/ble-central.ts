/**
 * The gateway's Bluetooth LE central, on a powered-on noble (the machine's adapter or the
 * virtual one, see open-adapter.ts).
 *
 * - `scan(ms)` lists the devices advertising nearby, with the health device kind their
 *   services announce (for pairing).
 * - `setWantedDevices([...])` names the paired devices; only those are ever connected. A wanted
 *   device is connected when it is heard (an advertisement, or any traffic within
 *   `presenceWindowMs`) and its backoff delay has passed. Its services and characteristics are
 *   discovered and the session for its kind is called with a `ConnectedDevice`; the session
 *   runs again on every connection, so it subscribes, reads and writes what it needs each time
 *   (devices forget subscriptions when not bonded). A dropped connection, a failed or hung
 *   attempt (cancelled after `connectTimeoutMs`) and a failed session are retried with
 *   exponential backoff and jitter; a device that is no longer wanted is let go.
 * - Events report each wanted device's link for the status page and the MQTT status.
 *
 * Attempts are made one at a time: noble's hci-socket bindings hold one LE Create Connection
 * pending and queue the rest (lib/hci-socket/bindings.js connect), and their cancelConnect
 * cancels whichever attempt is pending, so overlapping attempts would time each other out.
 */
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeviceStatus } from '../../common/contract.ts';
import type { DeviceKind } from '../../common/device-kinds.ts';
import { createLogger, type Logger } from '../../common/log.ts';
import { deviceKindFromServices } from '../profiles/registry.ts';
import { BleDeviceError } from './ble-errors.ts';
import { connectPeripheral } from './connect-peripheral.ts';
import { ConnectedDevice } from './connected-device.ts';
import type { Noble, Peripheral } from './noble-instance.ts';
import { type BackoffPolicy, reconnectDelayMs } from './reconnect-backoff.ts';

/** What the gateway does with a device while it is connected; a rejection ends the connection. */
export type DeviceSession = (device: ConnectedDevice) => Promise<void> | void;

export interface WantedDevice {
  /** noble's peripheral id (on Linux the address without colons). */
  id: string;
  kind: DeviceKind;
}

export interface NearbyDevice {
  id: string;
  address: string;
  name: string | null;
  rssi: number;
  /** Advertised service UUIDs, as noble spells them (`180d`). */
  services: string[];
  /** null when no advertised service is one of a supported health device. */
  kind: DeviceKind | null;
}

/**
 * A wanted device's link, the Bluetooth part of the contract's DeviceStatus. `lastSeen`: when the
 * device was last heard (an advertisement, or any value over the connection).
 */
export type DeviceLinkStatus = Pick<DeviceStatus, 'deviceId' | 'kind' | 'connected' | 'rssi'> & {
  name: string | null;
  lastSeen: Date | null;
};

export interface CentralTiming {
  /** A connection attempt not complete by then is cancelled. */
  connectTimeoutMs: number;
  /** Discovery and each read, write, subscription or RSSI reading. */
  operationTimeoutMs: number;
  /** After a backoff delay, a device heard this recently is tried at once; others when next heard. */
  presenceWindowMs: number;
  /** RSSI of connected devices is read this often. */
  rssiIntervalMs: number;
  backoff: BackoffPolicy;
}

export const DEFAULT_TIMING: CentralTiming = {
  connectTimeoutMs: 10_000,
  operationTimeoutMs: 10_000,
  presenceWindowMs: 15_000,
  rssiIntervalMs: 30_000,
  backoff: { initialMs: 1_000, maxMs: 60_000 },
};

export interface BleCentralOptions {
  /** Powered on (openAdapter waits for it). */
  noble: Noble;
  /** The session for each kind; a device of a kind without one is connected (status, RSSI) but not used. */
  sessions: Partial<Record<DeviceKind, DeviceSession>>;
  timing?: Partial<CentralTiming>;
  /** [0, 1), for backoff jitter. */
  random?: () => number;
  /** Milliseconds since the epoch, for "last seen" and the presence window. */
  now?: () => number;
  log?: Logger;
}

export interface BleCentralEvents {
  connected: [status: DeviceLinkStatus];
  /** `reason`: the HCI reason noble reports (0x08 lost link, 0x13 the device ended it, 0x16 the gateway did). */
  disconnected: [status: DeviceLinkStatus, reason: number | undefined];
  rssi: [status: DeviceLinkStatus];
  /** A wanted device's advertisement was heard. */
  seen: [status: DeviceLinkStatus];
  reconnectScheduled: [deviceId: string, attempt: number, delayMs: number];
  /** A failed attempt, discovery, operation or session; the central retries by itself. */
  deviceError: [error: BleDeviceError];
}

type Phase = 'waiting' | 'queued' | 'connecting' | 'discovering' | 'connected' | 'backoff';

interface Link {
  readonly device: WantedDevice;
  wanted: boolean;
  phase: Phase;
  failures: number;
  name: string | null;
  rssi: number | null;
  lastSeen: number | null;
  peripheral: Peripheral | null;
  connection: AbortController | null;
  retryTimer: NodeJS.Timeout | undefined;
  rssiTimer: NodeJS.Timeout | undefined;
}

interface Sighting {
  peripheral: Peripheral;
  nearby: NearbyDevice;
  at: number;
}

export class BleCentral extends EventEmitter<BleCentralEvents> {
  readonly #noble: Noble;
  readonly #sessions: Partial<Record<DeviceKind, DeviceSession>>;
  readonly #timing: CentralTiming;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #links = new Map<string, Link>();
  readonly #sightings = new Map<string, Sighting>();
  readonly #scanListeners = new Set<(id: string) => void>();
  #queue: Link[] = [];
  #attempting = false;
  #scanning = false;
  #scanChange: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: BleCentralOptions) {
    super();
    this.#noble = options.noble;
    this.#sessions = options.sessions;
    this.#timing = { ...DEFAULT_TIMING, ...options.timing };
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#log = (options.log ?? createLogger('gateway', 'silent')).child({ component: 'ble-central' });
    this.#noble.on('discover', this.#onDiscover);
  }

  /** Devices heard advertising during the next `durationMs`, strongest signal first. */
  async scan(durationMs: number): Promise<NearbyDevice[]> {
    const heard = new Set<string>();
    const listener = (id: string) => heard.add(id);
    this.#scanListeners.add(listener);
    try {
      await this.#updateScanning();
      await sleep(durationMs);
    } finally {
      this.#scanListeners.delete(listener);
      await this.#updateScanning();
    }
    return [...heard].flatMap((id) => this.#sightings.get(id)?.nearby ?? []).sort((a, b) => b.rssi - a.rssi);
  }

  /** The paired devices: connects the new ones as they are heard, lets go of the others. */
  setWantedDevices(devices: readonly WantedDevice[]): void {
    const next = new Map(devices.map((d) => [d.id, d]));
    for (const link of this.#links.values()) {
      if (next.get(link.device.id)?.kind !== link.device.kind) void this.#release(link);
    }
    for (const device of next.values()) {
      if (this.#links.has(device.id)) continue;
      const sighting = this.#sightings.get(device.id);
      const link: Link = {
        device,
        wanted: true,
        phase: 'waiting',
        failures: 0,
        name: sighting?.nearby.name ?? null,
        rssi: sighting?.nearby.rssi ?? null,
        lastSeen: sighting?.at ?? null,
        peripheral: null,
        connection: null,
        retryTimer: undefined,
        rssiTimer: undefined,
      };
      this.#links.set(device.id, link);
      if (this.#recentlyHeard(link)) this.#enqueue(link);
    }
    void this.#updateScanning();
  }

  status(): DeviceLinkStatus[] {
    return [...this.#links.values()].map((link) => this.#statusOf(link));
  }

  /** Disconnects every device and stops scanning. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#noble.removeListener('discover', this.#onDiscover);
    const released = [...this.#links.values()].map((link) => this.#release(link));
    await Promise.all([...released, this.#updateScanning()]);
  }

  readonly #onDiscover = (peripheral: Peripheral): void => {
    const link = this.#links.get(peripheral.id);
    if (!link && this.#scanListeners.size === 0) return; // keep no record of strangers between scans
    const at = this.#now();
    const services = peripheral.advertisement.serviceUuids ?? [];
    const nearby: NearbyDevice = {
      id: peripheral.id,
      address: peripheral.address,
      name: peripheral.advertisement.localName ?? null,
      rssi: peripheral.rssi,
      services: [...services],
      kind: deviceKindFromServices(services),
    };
    this.#sightings.set(peripheral.id, { peripheral, nearby, at });
    for (const listener of this.#scanListeners) listener(peripheral.id);
    if (!link) return;
    link.lastSeen = at;
    link.rssi = peripheral.rssi;
    link.name = nearby.name ?? link.name;
    this.emit('seen', this.#statusOf(link));
    if (link.phase === 'waiting') this.#enqueue(link);
  };

  #enqueue(link: Link): void {
    link.phase = 'queued';
    this.#queue.push(link);
    this.#attemptNext();
  }

  #attemptNext(): void {
    if (this.#attempting || this.#stopped) return;
    const link = this.#queue.shift();
    if (!link) return;
    this.#attempting = true;
    void this.#attempt(link).finally(() => {
      this.#attempting = false;
      this.#attemptNext();
    });
  }

  async #attempt(link: Link): Promise<void> {
    const peripheral = this.#sightings.get(link.device.id)?.peripheral;
    if (!link.wanted || !peripheral) return;
    link.phase = 'connecting';
    link.peripheral = peripheral;
    try {
      await connectPeripheral(peripheral, link.device.id, this.#timing.connectTimeoutMs);
    } catch (error) {
      if (!link.wanted) return;
      this.#report(asDeviceError(error, link.device.id));
      this.#retryLater(link);
      return;
    }
    if (!link.wanted) {
      peripheral.disconnect();
      return;
    }
    void this.#runConnection(link, peripheral);
  }

  async #runConnection(link: Link, peripheral: Peripheral): Promise<void> {
    const { id, kind } = link.device;
    const connection = new AbortController();
    link.connection = connection;
    link.phase = 'discovering';
    peripheral.once('disconnect', (reason?: number) => this.#dropped(link, connection, reason));
    this.#heard(link);
    try {
      const device = await ConnectedDevice.discover({
        id,
        kind,
        name: link.name,
        peripheral,
        signal: connection.signal,
        operationTimeoutMs: this.#timing.operationTimeoutMs,
        heard: () => this.#heard(link),
        handlerFailed: (error) => this.#report(error),
      });
      link.phase = 'connected';
      link.failures = 0;
      this.#log.info({ deviceId: id, kind }, 'device connected');
      this.emit('connected', this.#statusOf(link));
      void this.#updateScanning();
      this.#pollRssi(link, device);
      await this.#sessions[kind]?.(device);
    } catch (error) {
      if (connection.signal.aborted) return; // the drop is handled by #dropped
      this.#report(asDeviceError(error, id));
      peripheral.disconnect(); // ends in #dropped, which schedules the retry
    }
  }

  #dropped(link: Link, connection: AbortController, reason: number | undefined): void {
    if (link.connection !== connection) return;
    const { id } = link.device;
    link.connection = null;
    clearTimeout(link.rssiTimer);
    const why = reason === undefined ? 'disconnected' : `disconnected (HCI reason 0x${reason.toString(16)})`;
    connection.abort(new BleDeviceError({ deviceId: id, operation: 'session' }, 'disconnected', why));
    const announced = link.phase === 'connected';
    link.phase = 'waiting';
    this.#log.info({ deviceId: id, reason }, 'device disconnected');
    if (announced) this.emit('disconnected', this.#statusOf(link), reason);
    if (link.wanted) this.#retryLater(link);
  }

  #retryLater(link: Link): void {
    link.failures += 1;
    const delayMs = reconnectDelayMs(link.failures, this.#timing.backoff, this.#random);
    link.phase = 'backoff';
    link.retryTimer = setTimeout(() => {
      if (!link.wanted) return;
      link.phase = 'waiting';
      if (this.#recentlyHeard(link)) this.#enqueue(link);
    }, delayMs);
    this.emit('reconnectScheduled', link.device.id, link.failures, delayMs);
    void this.#updateScanning();
  }

  #pollRssi(link: Link, device: ConnectedDevice): void {
    link.rssiTimer = setTimeout(async () => {
      try {
        link.rssi = await device.rssi();
        this.emit('rssi', this.#statusOf(link));
      } catch (error) {
        if (device.signal.aborted) return;
        this.#report(asDeviceError(error, device.id));
      }
      this.#pollRssi(link, device);
    }, this.#timing.rssiIntervalMs);
  }

  /** Lets go of a device: no more attempts; disconnected if connected (resolves once it is). */
  async #release(link: Link): Promise<void> {
    link.wanted = false;
    this.#links.delete(link.device.id);
    this.#queue = this.#queue.filter((queued) => queued !== link);
    clearTimeout(link.retryTimer);
    clearTimeout(link.rssiTimer);
    if (link.phase === 'connecting') link.peripheral?.cancelConnect();
    const { connection, peripheral } = link;
    if (!connection || !peripheral) return;
    const disconnected = new Promise<void>((resolve) =>
      connection.signal.addEventListener('abort', () => resolve()),
    );
    peripheral.disconnect();
    await Promise.race([disconnected, sleep(this.#timing.operationTimeoutMs, undefined, { ref: false })]);
  }

  #updateScanning(): Promise<void> {
    this.#scanChange = this.#scanChange.then(async () => {
      const unconnected = [...this.#links.values()].some(
        (l) => l.phase !== 'connected' && l.phase !== 'discovering',
      );
      const needed = !this.#stopped && (this.#scanListeners.size > 0 || unconnected);
      if (needed === this.#scanning) return;
      try {
        if (needed) await this.#noble.startScanningAsync([], true);
        else await this.#noble.stopScanningAsync();
        this.#scanning = needed;
      } catch (error) {
        this.#log.warn({ err: error instanceof Error ? error.message : String(error) }, 'scan change failed');
      }
    });
    return this.#scanChange;
  }

  #recentlyHeard(link: Link): boolean {
    return link.lastSeen !== null && this.#now() - link.lastSeen <= this.#timing.presenceWindowMs;
  }

  #heard(link: Link): void {
    link.lastSeen = this.#now();
  }

  #report(error: BleDeviceError): void {
    this.#log.warn({ deviceId: error.deviceId, err: error.message }, 'device error');
    this.emit('deviceError', error);
  }

  #statusOf(link: Link): DeviceLinkStatus {
    return {
      deviceId: link.device.id,
      kind: link.device.kind,
      name: link.name,
      connected: link.phase === 'connected',
      rssi: link.rssi,
      lastSeen: link.lastSeen === null ? null : new Date(link.lastSeen),
    };
  }
}

function asDeviceError(error: unknown, deviceId: string): BleDeviceError {
  if (error instanceof BleDeviceError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new BleDeviceError({ deviceId, operation: 'session' }, 'failed', `failed: ${detail}`, {
    cause: error,
  });
}
