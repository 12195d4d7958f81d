/**
 * A simulated Bluetooth LE peripheral: the API a virtual device model (a heart-rate strap, a
 * glucose meter...) is written against. The model declares its advertisement and GATT
 * database, answers reads and writes through handlers, sends notifications and indications,
 * and reacts to connection events. `VirtualBindings` carries its traffic to a real noble.
 *
 * GATT server rules it follows (Core Specification v5.3 Vol 3):
 * - a characteristic marked `encrypted` refuses reads, writes and subscriptions on a link that
 *   is not encrypted with Insufficient Authentication (0x05); the central then pairs;
 * - subscriptions (CCCD values) last for the connection, and across connections only for a
 *   bonded central (Part G 3.3.3.3);
 * - a notification or indication carries at most ATT_MTU - 3 bytes; longer values are cut
 *   (Part F 3.4.7.1);
 * - what the device sends reaches the central in the order it was sent, so a notification
 *   sent inside a write handler arrives before that write's response. A model that must answer
 *   first and stream after (a record-access procedure) starts streaming once its handler returned.
 *
 * Nothing health-specific lives here.
 */
import { EventEmitter } from 'node:events';
import { AttError } from './bluetooth-codes.ts';
import { normalizeUuid } from './bluetooth-uuid.ts';

export type CharacteristicProperty = 'read' | 'write' | 'writeWithoutResponse' | 'notify' | 'indicate';
export type SubscriptionMode = 'notification' | 'indication';

/** A handler's refusal: the central gets this ATT error code (see `AttError`) instead of a value. */
export class AttErrorResponse {
  constructor(readonly code: number) {}
}

export type ReadHandler = () => Uint8Array | AttErrorResponse | Promise<Uint8Array | AttErrorResponse>;
/**
 * Return (or resolve to) an `AttErrorResponse` to refuse the write; any other result accepts it.
 * `withResponse`: a write request (true) or a write command (false, whose refusal nobody hears).
 */
export type WriteHandler = (value: Buffer, withResponse: boolean) => unknown;

export interface VirtualCharacteristicDefinition {
  uuid: string;
  properties: readonly CharacteristicProperty[];
  /** Reading, writing and subscribing need an encrypted (bonded) link. */
  encrypted?: boolean;
  /** Required with `read`. */
  onRead?: ReadHandler;
  /** Required with `write` or `writeWithoutResponse`. */
  onWrite?: WriteHandler;
}

export interface VirtualServiceDefinition {
  uuid: string;
  characteristics: readonly VirtualCharacteristicDefinition[];
}

export interface VirtualPeripheralDefinition {
  /** Bluetooth device address, `aa:bb:cc:dd:ee:ff`; the peripheral's noble id is it without colons. */
  address: string;
  addressType?: 'public' | 'random';
  /** Advertised local name. */
  name: string;
  advertisedServices: readonly string[];
  manufacturerData?: Uint8Array;
  services: readonly VirtualServiceDefinition[];
  /** Signal strength at the gateway, dBm (default -60); each report varies by up to 2 dBm. */
  rssi?: number;
  /** Advertising interval while not connected (default 100 ms). */
  advertisingIntervalMs?: number;
  /** Largest ATT MTU the device accepts (default 23, the Bluetooth 4.0 minimum). */
  mtu?: number;
  /** Accepts "just works" pairing when the central asks (default true). */
  pairable?: boolean;
}

export class VirtualPeripheralDefinitionError extends Error {
  constructor(
    readonly address: string,
    problem: string,
  ) {
    super(`virtual peripheral ${address}: ${problem}`);
    this.name = 'VirtualPeripheralDefinitionError';
  }
}

/** Why a connection ended, from the device's side. */
export type DisconnectCause = 'central' | 'device' | 'link-lost';

export interface AttRefusal {
  operation: 'read' | 'write' | 'subscribe';
  serviceUuid: string;
  characteristicUuid: string;
  code: number;
}

export interface VirtualPeripheralEvents {
  connected: [];
  disconnected: [cause: DisconnectCause];
  /** Also emitted right after `connected` for subscriptions a bonded central left in place. */
  subscribed: [serviceUuid: string, characteristicUuid: string, mode: SubscriptionMode];
  unsubscribed: [serviceUuid: string, characteristicUuid: string];
  /** The central paired and bonded ("just works"). */
  paired: [];
  /** The device refused a central's request with an ATT error (security or a handler's answer). */
  attError: [refusal: AttRefusal];
  /** A read or write handler threw; the central got Unlikely Error (0x0E). */
  error: [error: unknown];
}

/** The central's end of a connection as the device sees it (implemented by the virtual adapter). */
export interface CentralLink {
  readonly encrypted: boolean;
  readonly bonded: boolean;
  readonly mtu: number;
  /** Resolves when the central has the value (an indication: when it confirmed); false if the link went first. */
  send(
    serviceUuid: string,
    characteristicUuid: string,
    value: Buffer,
    mode: SubscriptionMode,
  ): Promise<boolean>;
  /** The device ends the connection. */
  terminate(): void;
  /** The radio link is lost (power gone, out of range). */
  lose(): void;
}

/** A request's outcome on the device: the value (empty for writes), or the ATT error it answers. */
export type AttOutcome = { ok: true; value: Buffer } | { ok: false; code: number };

export interface VirtualCharacteristic extends VirtualCharacteristicDefinition {
  serviceUuid: string;
}

const CCCD_NOTIFY = 0x0001;
const CCCD_INDICATE = 0x0002;
const ADDRESS = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;
const ok = (value: Buffer = Buffer.alloc(0)): AttOutcome => ({ ok: true, value });

export class VirtualPeripheral extends EventEmitter<VirtualPeripheralEvents> {
  readonly id: string;
  readonly address: string;
  readonly addressType: 'public' | 'random';
  readonly name: string;
  readonly advertisedServices: readonly string[];
  readonly manufacturerData: Buffer | undefined;
  readonly advertisingIntervalMs: number;
  readonly mtu: number;
  readonly pairable: boolean;
  /** Service UUID -> its characteristics, UUIDs normalized. */
  readonly services: ReadonlyMap<string, readonly VirtualCharacteristic[]>;

  #powered = true;
  #inRange = true;
  #signal: number;
  #link: CentralLink | null = null;
  /** `service/characteristic` -> CCCD value. */
  readonly #cccd = new Map<string, number>();

  constructor(definition: VirtualPeripheralDefinition) {
    super();
    this.address = definition.address.toLowerCase();
    if (!ADDRESS.test(this.address)) {
      throw new VirtualPeripheralDefinitionError(
        definition.address,
        'address must look like aa:bb:cc:dd:ee:ff',
      );
    }
    this.id = this.address.replaceAll(':', '');
    this.addressType = definition.addressType ?? 'public';
    this.name = definition.name;
    this.advertisedServices = definition.advertisedServices.map(normalizeUuid);
    this.manufacturerData = definition.manufacturerData && Buffer.from(definition.manufacturerData);
    this.advertisingIntervalMs = definition.advertisingIntervalMs ?? 100;
    this.mtu = definition.mtu ?? 23;
    this.pairable = definition.pairable ?? true;
    this.#signal = definition.rssi ?? -60;
    this.services = new Map(
      definition.services.map((service) => {
        const serviceUuid = normalizeUuid(service.uuid);
        const characteristics = service.characteristics.map((c) => this.#checked(serviceUuid, c));
        return [serviceUuid, characteristics];
      }),
    );
  }

  // ---- the device model's side ----

  get connected(): boolean {
    return this.#link !== null;
  }

  /** Signal strength at the gateway, dBm. */
  get signalStrength(): number {
    return this.#signal;
  }

  setSignalStrength(dbm: number): void {
    this.#signal = dbm;
  }

  isSubscribed(serviceUuid: string, characteristicUuid: string): boolean {
    return this.connected && (this.#cccd.get(key(serviceUuid, characteristicUuid)) ?? 0) !== 0;
  }

  /** Sends a notification if the central subscribed to it; true when it was sent. */
  notify(serviceUuid: string, characteristicUuid: string, value: Uint8Array): boolean {
    const link = this.#subscribedLink(serviceUuid, characteristicUuid, 'notify', CCCD_NOTIFY);
    if (!link) return false;
    void link.send(
      normalizeUuid(serviceUuid),
      normalizeUuid(characteristicUuid),
      Buffer.from(value),
      'notification',
    );
    return true;
  }

  /** Sends an indication if the central subscribed to it; resolves true once the central confirmed it. */
  async indicate(serviceUuid: string, characteristicUuid: string, value: Uint8Array): Promise<boolean> {
    const link = this.#subscribedLink(serviceUuid, characteristicUuid, 'indicate', CCCD_INDICATE);
    if (!link) return false;
    return link.send(
      normalizeUuid(serviceUuid),
      normalizeUuid(characteristicUuid),
      Buffer.from(value),
      'indication',
    );
  }

  /** The device ends the connection (as a meter does after a transfer). */
  disconnect(): void {
    this.#link?.terminate();
  }

  /** Battery pulled or switched off: the link is lost and advertising stops. */
  powerOff(): void {
    this.#powered = false;
    this.#link?.lose();
  }

  powerOn(): void {
    this.#powered = true;
  }

  moveOutOfRange(): void {
    this.#inRange = false;
    this.#link?.lose();
  }

  moveIntoRange(): void {
    this.#inRange = true;
  }

  // ---- the radio's side (called by the virtual adapter) ----

  /** Powered and in range: the gateway can hear it and connect to it. */
  get reachable(): boolean {
    return this.#powered && this.#inRange;
  }

  /** Advertising, and heard: reachable and not connected. */
  get advertising(): boolean {
    return this.reachable && !this.connected;
  }

  characteristic(serviceUuid: string, characteristicUuid: string): VirtualCharacteristic | undefined {
    return this.services.get(serviceUuid)?.find((c) => c.uuid === characteristicUuid);
  }

  attach(link: CentralLink): void {
    this.#link = link;
    if (!link.bonded) this.#cccd.clear();
    this.emit('connected');
    for (const [k, value] of this.#cccd) {
      const [serviceUuid = '', characteristicUuid = ''] = k.split('/');
      this.emit('subscribed', serviceUuid, characteristicUuid, modeOf(value));
    }
  }

  detach(cause: DisconnectCause): void {
    const link = this.#link;
    if (!link) return;
    this.#link = null;
    if (!link.bonded) this.#cccd.clear();
    this.emit('disconnected', cause);
  }

  async read(serviceUuid: string, characteristicUuid: string): Promise<AttOutcome> {
    const c = this.characteristic(serviceUuid, characteristicUuid);
    if (!c?.onRead || !c.properties.includes('read')) return { ok: false, code: AttError.readNotPermitted };
    const refused = this.#securityRefusal('read', c);
    if (refused) return refused;
    const result = await this.#handled(c.onRead);
    return result instanceof AttErrorResponse
      ? this.#refuse('read', c, result.code)
      : ok(Buffer.from(result));
  }

  async write(
    serviceUuid: string,
    characteristicUuid: string,
    value: Buffer,
    withResponse: boolean,
  ): Promise<AttOutcome> {
    const c = this.characteristic(serviceUuid, characteristicUuid);
    const property = withResponse ? 'write' : 'writeWithoutResponse';
    const onWrite = c?.onWrite;
    if (!c || !onWrite || !c.properties.includes(property))
      return { ok: false, code: AttError.writeNotPermitted };
    if (!withResponse && c.encrypted && !this.#link?.encrypted)
      return { ok: false, code: AttError.insufficientAuthentication };
    const refused = withResponse ? this.#securityRefusal('write', c) : undefined;
    if (refused) return refused;
    const result = await this.#handled(() => onWrite(value, withResponse));
    return result instanceof AttErrorResponse ? this.#refuse('write', c, result.code) : ok();
  }

  readCccd(serviceUuid: string, characteristicUuid: string): Buffer {
    const value = Buffer.alloc(2);
    value.writeUInt16LE(this.#cccd.get(key(serviceUuid, characteristicUuid)) ?? 0);
    return value;
  }

  writeCccd(serviceUuid: string, characteristicUuid: string, value: number): AttOutcome {
    const c = this.characteristic(serviceUuid, characteristicUuid);
    if (!c || !hasCccd(c)) return { ok: false, code: AttError.attributeNotFound };
    const refused = this.#securityRefusal('subscribe', c);
    if (refused) return refused;
    const allowed =
      (c.properties.includes('notify') ? CCCD_NOTIFY : 0) |
      (c.properties.includes('indicate') ? CCCD_INDICATE : 0);
    const k = key(serviceUuid, characteristicUuid);
    const before = this.#cccd.get(k) ?? 0;
    const after = value & allowed;
    if (after === 0) this.#cccd.delete(k);
    else this.#cccd.set(k, after);
    if (after !== 0 && after !== before) this.emit('subscribed', c.serviceUuid, c.uuid, modeOf(after));
    if (after === 0 && before !== 0) this.emit('unsubscribed', c.serviceUuid, c.uuid);
    return ok();
  }

  // ---- internals ----

  #checked(serviceUuid: string, definition: VirtualCharacteristicDefinition): VirtualCharacteristic {
    const c = { ...definition, uuid: normalizeUuid(definition.uuid), serviceUuid };
    const writable = c.properties.includes('write') || c.properties.includes('writeWithoutResponse');
    if (c.properties.includes('read') && !c.onRead) {
      throw new VirtualPeripheralDefinitionError(
        this.address,
        `${serviceUuid}/${c.uuid} is readable but has no onRead`,
      );
    }
    if (writable && !c.onWrite) {
      throw new VirtualPeripheralDefinitionError(
        this.address,
        `${serviceUuid}/${c.uuid} is writable but has no onWrite`,
      );
    }
    return c;
  }

  #subscribedLink(
    serviceUuid: string,
    characteristicUuid: string,
    property: 'notify' | 'indicate',
    bit: number,
  ): CentralLink | null {
    const c = this.characteristic(normalizeUuid(serviceUuid), normalizeUuid(characteristicUuid));
    if (!c?.properties.includes(property)) {
      throw new VirtualPeripheralDefinitionError(
        this.address,
        `${serviceUuid}/${characteristicUuid} has no ${property} property`,
      );
    }
    const subscribed = ((this.#cccd.get(key(c.serviceUuid, c.uuid)) ?? 0) & bit) !== 0;
    return subscribed ? this.#link : null;
  }

  #securityRefusal(operation: AttRefusal['operation'], c: VirtualCharacteristic): AttOutcome | undefined {
    if (!c.encrypted || this.#link?.encrypted) return undefined;
    return this.#refuse(operation, c, AttError.insufficientAuthentication);
  }

  #refuse(operation: AttRefusal['operation'], c: VirtualCharacteristic, code: number): AttOutcome {
    this.emit('attError', { operation, serviceUuid: c.serviceUuid, characteristicUuid: c.uuid, code });
    return { ok: false, code };
  }

  /** Runs a model's handler; one that throws answers Unlikely Error and reports the bug on 'error'. */
  async #handled<T>(handler: () => T | Promise<T>): Promise<T | AttErrorResponse> {
    try {
      return await handler();
    } catch (error) {
      setImmediate(() => this.emit('error', error));
      return new AttErrorResponse(AttError.unlikelyError);
    }
  }
}

function key(serviceUuid: string, characteristicUuid: string): string {
  return `${normalizeUuid(serviceUuid)}/${normalizeUuid(characteristicUuid)}`;
}

function modeOf(cccd: number): SubscriptionMode {
  return cccd & CCCD_NOTIFY ? 'notification' : 'indication';
}

export function hasCccd(c: VirtualCharacteristicDefinition): boolean {
  return c.properties.includes('notify') || c.properties.includes('indicate');
}
