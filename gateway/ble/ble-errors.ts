/**
 * Errors of the gateway's Bluetooth central. Each names the device, the operation and, for GATT
 * operations, the service and characteristic, so a log line says which device did what.
 */

export type BleOperation = 'connect' | 'discover' | 'read' | 'write' | 'subscribe' | 'rssi' | 'session';

/**
 * - `timeout`: no answer in time (noble never reports a refused write or subscription: it stays unanswered);
 * - `disconnected`: the connection ended first;
 * - `refused`: the Bluetooth stack failed the connection attempt;
 * - `not-found`: the device has no such service or characteristic;
 * - `not-permitted`: the characteristic lacks the property (read, write, notify...);
 * - `failed`: a session's own error (see `cause`).
 */
export type BleFailure = 'timeout' | 'disconnected' | 'refused' | 'not-found' | 'not-permitted' | 'failed';

export interface BleErrorContext {
  deviceId: string;
  operation: BleOperation;
  serviceUuid?: string;
  characteristicUuid?: string;
}

export class BleDeviceError extends Error {
  readonly deviceId: string;
  readonly operation: BleOperation;
  readonly serviceUuid: string | undefined;
  readonly characteristicUuid: string | undefined;

  constructor(
    context: BleErrorContext,
    readonly failure: BleFailure,
    detail: string,
    options?: ErrorOptions,
  ) {
    const target =
      context.serviceUuid === undefined ? '' : ` ${context.serviceUuid}/${context.characteristicUuid ?? '*'}`;
    super(`device ${context.deviceId}: ${context.operation}${target} ${detail}`, options);
    this.name = 'BleDeviceError';
    this.deviceId = context.deviceId;
    this.operation = context.operation;
    this.serviceUuid = context.serviceUuid;
    this.characteristicUuid = context.characteristicUuid;
  }
}
