/**
 * One connection attempt through noble, bounded in time. A Bluetooth controller waits for the
 * device to advertise for as long as it takes, so an attempt to a device that is off or out of
 * range never completes by itself; after `timeoutMs` it is cancelled.
 */
import { BleDeviceError, type BleErrorContext } from './ble-errors.ts';
import type { Peripheral } from './noble-instance.ts';

export function connectPeripheral(
  peripheral: Peripheral,
  deviceId: string,
  timeoutMs: number,
): Promise<void> {
  const context: BleErrorContext = { deviceId, operation: 'connect' };
  return new Promise((resolve, reject) => {
    const onConnect = (error?: unknown) => {
      clearTimeout(timer);
      if (error) reject(new BleDeviceError(context, 'refused', `failed: ${describe(error)}`));
      else resolve();
    };
    const timer = setTimeout(() => {
      peripheral.removeListener('connect', onConnect);
      const timedOut = () =>
        reject(new BleDeviceError(context, 'timeout', `timed out after ${timeoutMs} ms`));
      // noble's cancelConnect emits a 'connect' error at once (lib/peripheral.js) and the stack answers
      // later with another (lib/noble.js onConnect), or with a connection that came up meanwhile.
      // Wait for the stack's answer, so the next attempt's listener cannot take it for its own.
      peripheral.cancelConnect();
      const onCancelled = (error?: unknown) => {
        clearTimeout(guard);
        if (!error) peripheral.disconnect();
        timedOut();
      };
      const guard = setTimeout(() => {
        peripheral.removeListener('connect', onCancelled);
        timedOut();
      }, timeoutMs);
      peripheral.once('connect', onCancelled);
    }, timeoutMs);
    peripheral.once('connect', onConnect);
    peripheral.connect();
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
