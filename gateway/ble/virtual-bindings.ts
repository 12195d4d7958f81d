/**
 * A noble bindings object that simulates a Bluetooth LE adapter with virtual peripherals
 * around it. `nobleWithBindings(new VirtualBindings({ peripherals }))` is a real noble: its
 * Peripheral, Service and Characteristic code runs unchanged over the simulated radio.
 *
 * The contract is that of noble 1.9.2's hci-socket bindings (lib/hci-socket/bindings.js): the
 * methods lib/noble.js calls and the events it listens to, with their argument lists, and the
 * behaviour a central has to live with:
 * - everything is answered on a later turn of the event loop, never inside the call;
 * - one connection attempt at a time; further `connect` calls wait their turn. An attempt to a
 *   device that is not advertising (off, out of range) waits until it is, or until
 *   `cancelConnect`, which fails the pending attempt, whichever device it is for, with
 *   "Unknown Connection Identifier (0x2)";
 * - a refused read is reported as an empty value, a refused write or subscription is never
 *   answered (noble's hci-socket GATT client does the same); callers need their own timeouts;
 * - a request refused for security starts "just works" pairing, then is sent again; the bond is
 *   remembered per peripheral, so later connections are encrypted without pairing (unlike
 *   noble's hci-socket, which keeps no keys and pairs again on every connection);
 * - a lost link (device off or out of range) reaches the central as a disconnect with reason
 *   0x08 (connection timeout) after the supervision timeout;
 * - the MTU is min(256, device MTU): noble asks for 256 (lib/hci-socket/gatt.js _desired_mtu).
 * Not simulated: broadcast, readHandle/writeHandle, addService(s)/addCharacteristics.
 */
import { EventEmitter } from 'node:events';
import { AttError, HciStatus } from './bluetooth-codes.ts';
import { type ConnectionHost, VirtualConnection } from './virtual-connection.ts';
import {
  type AttOutcome,
  type CharacteristicProperty,
  hasCccd,
  type VirtualCharacteristic,
  type VirtualPeripheral,
} from './virtual-peripheral.ts';

export type AdapterState = 'poweredOn' | 'poweredOff' | 'unauthorized' | 'unsupported';

/** The advertisement object noble's hci-socket builds (lib/hci-socket/gap.js parseServices). */
export interface Advertisement {
  localName: string | undefined;
  txPowerLevel: number | undefined;
  manufacturerData: Buffer | undefined;
  serviceData: { uuid: string; data: Buffer }[];
  serviceUuids: string[];
  serviceSolicitationUuids: string[];
}

export interface DiscoveredCharacteristic {
  uuid: string;
  properties: CharacteristicProperty[];
}

/** The events noble listens to on its bindings (lib/noble.js constructor), with their arguments. */
export interface NobleBindingsEvents {
  stateChange: [state: AdapterState];
  addressChange: [address: string];
  scanParametersSet: [];
  scanStart: [filterDuplicates: boolean];
  scanStop: [];
  discover: [
    id: string,
    address: string,
    addressType: 'public' | 'random',
    connectable: boolean,
    advertisement: Advertisement,
    rssi: number,
    scannable: boolean,
  ];
  connect: [id: string, error: Error | null];
  disconnect: [id: string, reason: number];
  rssiUpdate: [id: string, rssi: number];
  onMtu: [id: string, mtu: number];
  servicesDiscover: [id: string, serviceUuids: string[]];
  includedServicesDiscover: [id: string, serviceUuid: string, includedServiceUuids: string[]];
  characteristicsDiscover: [id: string, serviceUuid: string, characteristics: DiscoveredCharacteristic[]];
  read: [id: string, serviceUuid: string, characteristicUuid: string, data: Buffer, isNotification: boolean];
  write: [id: string, serviceUuid: string, characteristicUuid: string];
  notify: [id: string, serviceUuid: string, characteristicUuid: string, state: boolean];
  descriptorsDiscover: [
    id: string,
    serviceUuid: string,
    characteristicUuid: string,
    descriptorUuids: string[],
  ];
  valueRead: [
    id: string,
    serviceUuid: string,
    characteristicUuid: string,
    descriptorUuid: string,
    data: Buffer,
  ];
  valueWrite: [id: string, serviceUuid: string, characteristicUuid: string, descriptorUuid: string];
}

export interface VirtualBindingsOptions {
  peripherals?: readonly VirtualPeripheral[];
  /** The adapter's own address (default from the documentation range 00:00:5e:00:53:xx). */
  address?: string;
  /** What the adapter reports at init (default poweredOn). */
  state?: AdapterState;
  /** Time of one radio hop (default 0: the next turn of the event loop). */
  latencyMs?: number;
  /** Time before a lost link is reported (default 500 ms; real links use 0.1-32 s). */
  supervisionTimeoutMs?: number;
  /** Randomness for RSSI variation (default Math.random). */
  random?: () => number;
}

const NOBLE_DESIRED_MTU = 256;
const CCCD_UUID = '2902';
const PROPERTY_ORDER: readonly CharacteristicProperty[] = [
  'read',
  'writeWithoutResponse',
  'write',
  'notify',
  'indicate',
];
const NOTHING: AttOutcome = { ok: true, value: Buffer.alloc(0) };

interface ScanSession {
  serviceUuids: readonly string[];
  allowDuplicates: boolean;
  reported: Set<string>;
  timers: Map<string, NodeJS.Timeout>;
}

export class VirtualBindings extends EventEmitter<NobleBindingsEvents> implements ConnectionHost {
  readonly supervisionTimeoutMs: number;
  readonly #address: string;
  readonly #state: AdapterState;
  readonly #latencyMs: number;
  readonly #random: () => number;
  readonly #peripherals = new Map<string, VirtualPeripheral>();
  readonly #connections = new Map<string, VirtualConnection>();
  readonly #bonds = new Set<string>();
  #scan: ScanSession | null = null;
  #pendingConnect: string | null = null;
  #pendingTimer: NodeJS.Timeout | undefined;
  #connectQueue: string[] = [];

  constructor(options: VirtualBindingsOptions = {}) {
    super();
    this.#address = options.address ?? '00:00:5e:00:53:01';
    this.#state = options.state ?? 'poweredOn';
    this.#latencyMs = options.latencyMs ?? 0;
    this.supervisionTimeoutMs = options.supervisionTimeoutMs ?? 500;
    this.#random = options.random ?? Math.random;
    for (const p of options.peripherals ?? []) this.addPeripheral(p);
  }

  addPeripheral(peripheral: VirtualPeripheral): void {
    this.#peripherals.set(peripheral.id, peripheral);
    if (this.#scan) this.#startAdvertising(this.#scan, peripheral);
  }

  isBonded(peripheralId: string): boolean {
    return this.#bonds.has(peripheralId);
  }

  /** Forgets the stored keys: the next connection pairs again when the device asks for security. */
  forgetBond(peripheralId: string): void {
    this.#bonds.delete(peripheralId);
  }

  // ---- the noble bindings contract ----

  init(): void {
    this.hop(() => {
      this.emit('addressChange', this.#address);
      this.emit('stateChange', this.#state);
    });
  }

  setScanParameters(): void {
    this.hop(() => this.emit('scanParametersSet'));
  }

  startScanning(serviceUuids: readonly string[] = [], allowDuplicates = false): void {
    this.#stopAdvertisingTimers();
    const scan: ScanSession = { serviceUuids, allowDuplicates, reported: new Set(), timers: new Map() };
    this.#scan = scan;
    for (const p of this.#peripherals.values()) this.#startAdvertising(scan, p);
    this.hop(() => this.emit('scanStart', !allowDuplicates));
  }

  stopScanning(): void {
    this.#stopAdvertisingTimers();
    this.#scan = null;
    this.hop(() => this.emit('scanStop'));
  }

  connect(id: string): void {
    if (this.#pendingConnect === null) this.#initiate(id);
    else this.#connectQueue.push(id);
  }

  cancelConnect(id: string): void {
    this.#connectQueue = this.#connectQueue.filter((queued) => queued !== id);
    const pending = this.#pendingConnect;
    if (pending === null) return;
    this.#pendingConnect = null;
    clearTimeout(this.#pendingTimer);
    this.hop(() => {
      // noble's hci-socket builds the same plain Error from the HCI status (bindings.js onLeConnComplete).
      const status = HciStatus.unknownConnectionIdentifier;
      this.emit('connect', pending, new Error(`Unknown Connection Identifier (0x${status.toString(16)})`));
      this.#initiateNext();
    });
  }

  disconnect(id: string): void {
    this.#connections.get(id)?.close();
  }

  updateRssi(id: string): void {
    const connection = this.#open(id);
    if (connection) this.hop(() => this.emit('rssiUpdate', id, this.#rssiOf(connection.peripheral)));
  }

  discoverServices(id: string, uuids: readonly string[] = []): void {
    const connection = this.#open(id);
    connection?.request(
      () => NOTHING,
      () =>
        this.emit('servicesDiscover', id, [...connection.peripheral.services.keys()].filter(wanted(uuids))),
    );
  }

  discoverIncludedServices(id: string, serviceUuid: string): void {
    this.#open(id)?.request(
      () => NOTHING,
      () => this.emit('includedServicesDiscover', id, serviceUuid, []),
    );
  }

  discoverCharacteristics(id: string, serviceUuid: string, uuids: readonly string[] = []): void {
    const connection = this.#open(id);
    connection?.request(
      () => NOTHING,
      () => {
        connection.discovered(serviceUuid);
        const characteristics = (connection.peripheral.services.get(serviceUuid) ?? [])
          .filter((c) => wanted(uuids)(c.uuid))
          .map((c) => ({ uuid: c.uuid, properties: PROPERTY_ORDER.filter((p) => c.properties.includes(p)) }));
        this.emit('characteristicsDiscover', id, serviceUuid, characteristics);
      },
    );
  }

  read(id: string, serviceUuid: string, characteristicUuid: string): void {
    const connection = this.#open(id);
    connection?.request(
      () => connection.peripheral.read(serviceUuid, characteristicUuid),
      // A refused read reaches noble as an empty value (lib/hci-socket/gatt.js read).
      (outcome) =>
        this.emit(
          'read',
          id,
          serviceUuid,
          characteristicUuid,
          outcome.ok ? outcome.value : Buffer.alloc(0),
          false,
        ),
    );
  }

  write(
    id: string,
    serviceUuid: string,
    characteristicUuid: string,
    data: Buffer,
    withoutResponse: boolean,
  ): void {
    const connection = this.#open(id);
    if (!connection) return;
    const value = Buffer.from(data);
    if (withoutResponse) {
      // A write command gets no response: a refusal is silent and starts no pairing.
      connection.request(
        async () => {
          await connection.peripheral.write(serviceUuid, characteristicUuid, value, false);
          return NOTHING;
        },
        () => this.emit('write', id, serviceUuid, characteristicUuid),
      );
      return;
    }
    connection.request(
      () => connection.peripheral.write(serviceUuid, characteristicUuid, value, true),
      (outcome) => outcome.ok && this.emit('write', id, serviceUuid, characteristicUuid),
    );
  }

  notify(id: string, serviceUuid: string, characteristicUuid: string, enable: boolean): void {
    const connection = this.#open(id);
    const c = connection?.peripheral.characteristic(serviceUuid, characteristicUuid);
    if (!connection || !c || !hasCccd(c)) return; // no CCCD: noble's hci-socket never answers either
    const p = connection.peripheral;
    connection.request(
      () =>
        p.writeCccd(
          serviceUuid,
          characteristicUuid,
          nobleCccdValue(p.readCccd(serviceUuid, characteristicUuid), c, enable),
        ),
      (outcome) => outcome.ok && this.emit('notify', id, serviceUuid, characteristicUuid, enable),
    );
  }

  discoverDescriptors(id: string, serviceUuid: string, characteristicUuid: string): void {
    const connection = this.#open(id);
    const c = connection?.peripheral.characteristic(serviceUuid, characteristicUuid);
    connection?.request(
      () => NOTHING,
      () =>
        this.emit(
          'descriptorsDiscover',
          id,
          serviceUuid,
          characteristicUuid,
          c && hasCccd(c) ? [CCCD_UUID] : [],
        ),
    );
  }

  readValue(id: string, serviceUuid: string, characteristicUuid: string, descriptorUuid: string): void {
    const connection = this.#open(id);
    connection?.request(
      () => ({
        ok: true,
        value:
          descriptorUuid === CCCD_UUID
            ? connection.peripheral.readCccd(serviceUuid, characteristicUuid)
            : Buffer.alloc(0),
      }),
      (outcome) =>
        this.emit(
          'valueRead',
          id,
          serviceUuid,
          characteristicUuid,
          descriptorUuid,
          outcome.ok ? outcome.value : Buffer.alloc(0),
        ),
    );
  }

  writeValue(
    id: string,
    serviceUuid: string,
    characteristicUuid: string,
    descriptorUuid: string,
    data: Buffer,
  ): void {
    const connection = this.#open(id);
    if (!connection || descriptorUuid !== CCCD_UUID) return;
    connection.request(
      () =>
        data.length === 2
          ? connection.peripheral.writeCccd(serviceUuid, characteristicUuid, data.readUInt16LE(0))
          : { ok: false, code: AttError.invalidAttributeValueLength },
      (outcome) => outcome.ok && this.emit('valueWrite', id, serviceUuid, characteristicUuid, descriptorUuid),
    );
  }

  // ---- ConnectionHost ----

  hop(fn: () => void): void {
    if (this.#latencyMs > 0) setTimeout(fn, this.#latencyMs);
    else setImmediate(fn);
  }

  bond(peripheralId: string): void {
    this.#bonds.add(peripheralId);
  }

  received(peripheralId: string, serviceUuid: string, characteristicUuid: string, value: Buffer): void {
    this.emit('read', peripheralId, serviceUuid, characteristicUuid, value, true);
  }

  ended(connection: VirtualConnection, reason: number, afterMs: number): void {
    const id = connection.peripheral.id;
    const report = () => {
      if (this.#connections.get(id) === connection) this.#connections.delete(id);
      this.emit('disconnect', id, reason);
    };
    if (afterMs > 0) setTimeout(report, afterMs);
    else this.hop(report);
  }

  // ---- internals ----

  #open(id: string): VirtualConnection | undefined {
    const connection = this.#connections.get(id);
    return connection?.open ? connection : undefined;
  }

  #initiate(id: string): void {
    this.#pendingConnect = id;
    const attempt = () => {
      if (this.#pendingConnect !== id) return;
      const peripheral = this.#peripherals.get(id);
      if (!peripheral?.advertising) {
        this.#pendingTimer = setTimeout(attempt, peripheral?.advertisingIntervalMs ?? 100);
        return;
      }
      this.#pendingConnect = null;
      const connection = new VirtualConnection(peripheral, NOBLE_DESIRED_MTU, this);
      this.#connections.set(id, connection);
      peripheral.attach(connection);
      this.emit('connect', id, null);
      this.hop(() => connection.open && this.emit('onMtu', id, connection.mtu));
      this.#initiateNext();
    };
    this.hop(attempt);
  }

  #initiateNext(): void {
    const next = this.#connectQueue.shift();
    if (next !== undefined) this.#initiate(next);
  }

  #startAdvertising(scan: ScanSession, peripheral: VirtualPeripheral): void {
    const advertise = () => {
      if (!peripheral.advertising) return;
      const filtered = scan.serviceUuids.length > 0;
      if (filtered && !peripheral.advertisedServices.some((uuid) => scan.serviceUuids.includes(uuid))) return;
      if (!scan.allowDuplicates && scan.reported.has(peripheral.id)) return;
      scan.reported.add(peripheral.id);
      this.emit(
        'discover',
        peripheral.id,
        peripheral.address,
        peripheral.addressType,
        true,
        {
          localName: peripheral.name,
          txPowerLevel: undefined,
          manufacturerData: peripheral.manufacturerData,
          serviceData: [],
          serviceUuids: [...peripheral.advertisedServices],
          serviceSolicitationUuids: [],
        },
        this.#rssiOf(peripheral),
        false,
      );
    };
    scan.timers.set(peripheral.id, setInterval(advertise, peripheral.advertisingIntervalMs));
  }

  #stopAdvertisingTimers(): void {
    for (const timer of this.#scan?.timers.values() ?? []) clearInterval(timer);
  }

  /** The device's signal strength with up to 2 dBm of variation, within the HCI range. */
  #rssiOf(peripheral: VirtualPeripheral): number {
    const sample = Math.round(peripheral.signalStrength + (this.#random() * 2 - 1) * 2);
    return Math.max(-127, Math.min(20, sample));
  }
}

function wanted(uuids: readonly string[]): (uuid: string) => boolean {
  return (uuid) => uuids.length === 0 || uuids.includes(uuid);
}

/** The CCCD value noble writes to (un)subscribe: notifications if offered, else indications (gatt.js notify). */
function nobleCccdValue(current: Buffer, c: VirtualCharacteristic, enable: boolean): number {
  const bit = c.properties.includes('notify') ? 0x0001 : 0x0002;
  const value = current.readUInt16LE(0);
  return enable ? value | bit : value & ~bit;
}
