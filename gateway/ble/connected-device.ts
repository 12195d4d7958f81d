/**
 * A connected device as a session sees it: the characteristics found on this connection and
 * small typed operations on them. The central creates one per connection, after discovery;
 * when the connection ends, `signal` aborts and every pending or later operation fails with
 * `disconnected`. UUIDs may be given as noble spells them (`180d`) or in any form
 * `normalizeUuid` accepts.
 */
import type { DeviceKind } from '../../common/device-kinds.ts';
import { BleDeviceError, type BleErrorContext, type BleOperation } from './ble-errors.ts';
import { normalizeUuid } from './bluetooth-uuid.ts';
import type { Characteristic, Peripheral } from './noble-instance.ts';
import { withinDeadline } from './operation-deadline.ts';

export interface ConnectionContext {
  id: string;
  kind: DeviceKind;
  name: string | null;
  peripheral: Peripheral;
  /** Aborts when the connection ends. */
  signal: AbortSignal;
  operationTimeoutMs: number;
  /** Called whenever the device answered or sent a value (for "last seen"). */
  heard: () => void;
  /** A subscriber's value handler threw; the connection stays up. */
  handlerFailed: (error: BleDeviceError) => void;
}

type Property = 'read' | 'write' | 'writeWithoutResponse' | 'notify' | 'indicate';

export class ConnectedDevice {
  readonly id: string;
  readonly kind: DeviceKind;
  readonly name: string | null;
  /** Aborts when the connection ends; pass it to timers and loops a session starts. */
  readonly signal: AbortSignal;
  readonly #context: ConnectionContext;
  readonly #characteristics: ReadonlyMap<string, Characteristic>;

  private constructor(context: ConnectionContext, characteristics: ReadonlyMap<string, Characteristic>) {
    this.id = context.id;
    this.kind = context.kind;
    this.name = context.name;
    this.signal = context.signal;
    this.#context = context;
    this.#characteristics = characteristics;
  }

  /** Discovers all services and characteristics (noble's own discoverAll... never calls back for a device without services). */
  static async discover(context: ConnectionContext): Promise<ConnectedDevice> {
    const { peripheral, operationTimeoutMs: timeoutMs, signal } = context;
    const services = await withinDeadline(
      peripheral.discoverServicesAsync([]),
      { deviceId: context.id, operation: 'discover' },
      timeoutMs,
      signal,
    );
    const found = new Map<string, Characteristic>();
    for (const service of services) {
      const characteristics = await withinDeadline(
        service.discoverCharacteristicsAsync([]),
        { deviceId: context.id, operation: 'discover', serviceUuid: service.uuid },
        timeoutMs,
        signal,
      );
      for (const c of characteristics) found.set(`${service.uuid}/${c.uuid}`, c);
    }
    context.heard();
    return new ConnectedDevice(context, found);
  }

  has(serviceUuid: string, characteristicUuid: string): boolean {
    return this.#characteristics.has(`${normalizeUuid(serviceUuid)}/${normalizeUuid(characteristicUuid)}`);
  }

  async read(serviceUuid: string, characteristicUuid: string): Promise<Buffer> {
    const { characteristic, context } = this.#find('read', serviceUuid, characteristicUuid, ['read']);
    return this.#answered(characteristic.readAsync(), context);
  }

  async write(
    serviceUuid: string,
    characteristicUuid: string,
    bytes: Uint8Array,
    withResponse: boolean,
  ): Promise<void> {
    const property = withResponse ? 'write' : 'writeWithoutResponse';
    const { characteristic, context } = this.#find('write', serviceUuid, characteristicUuid, [property]);
    // noble's hci-socket copies the value with Buffer#readUInt8 (gatt.js writeRequest): it must be a Buffer.
    await this.#answered(characteristic.writeAsync(Buffer.from(bytes), !withResponse), context);
  }

  /**
   * Enables notifications, or indications when the characteristic only indicates (noble picks
   * notifications when it offers both), and calls `onValue` with each value, in order, until
   * the connection ends.
   */
  async subscribe(
    serviceUuid: string,
    characteristicUuid: string,
    onValue: (value: Buffer) => void,
  ): Promise<void> {
    const { characteristic, context } = this.#find('subscribe', serviceUuid, characteristicUuid, [
      'notify',
      'indicate',
    ]);
    const listener = (value: Buffer, isNotification: boolean) => {
      if (!isNotification) return;
      this.#context.heard();
      try {
        onValue(value);
      } catch (error) {
        const failure = { ...context, operation: 'session' as const };
        this.#context.handlerFailed(
          new BleDeviceError(failure, 'failed', 'value handler threw', { cause: error }),
        );
      }
    };
    const stop = () => characteristic.removeListener('data', listener);
    characteristic.on('data', listener);
    this.signal.addEventListener('abort', stop, { once: true });
    try {
      await this.#answered(characteristic.subscribeAsync(), context);
    } catch (error) {
      stop();
      throw error;
    }
  }

  /** Signal strength of the connection now, dBm. */
  async rssi(): Promise<number> {
    return withinDeadline(
      this.#context.peripheral.updateRssiAsync(),
      { deviceId: this.id, operation: 'rssi' },
      this.#context.operationTimeoutMs,
      this.signal,
    );
  }

  #find(
    operation: BleOperation,
    serviceUuid: string,
    characteristicUuid: string,
    anyOf: readonly Property[],
  ): { characteristic: Characteristic; context: BleErrorContext } {
    const context = {
      deviceId: this.id,
      operation,
      serviceUuid: normalizeUuid(serviceUuid),
      characteristicUuid: normalizeUuid(characteristicUuid),
    };
    if (this.signal.aborted)
      throw new BleDeviceError(context, 'disconnected', 'failed: the connection ended');
    const characteristic = this.#characteristics.get(`${context.serviceUuid}/${context.characteristicUuid}`);
    if (!characteristic)
      throw new BleDeviceError(context, 'not-found', 'failed: the device has no such characteristic');
    if (!anyOf.some((p) => characteristic.properties.includes(p))) {
      throw new BleDeviceError(
        context,
        'not-permitted',
        `failed: the characteristic is not ${anyOf.join(' or ')}`,
      );
    }
    return { characteristic, context };
  }

  async #answered<T>(work: Promise<T>, context: BleErrorContext): Promise<T> {
    const result = await withinDeadline(work, context, this.#context.operationTimeoutMs, this.signal);
    this.#context.heard();
    return result;
  }
}
