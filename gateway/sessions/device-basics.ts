/**
 * What every session does first on every connection: read Device Information (manufacturer,
 * model, serial, firmware: logged and kept for the status page) and the Battery Level, and
 * subscribe to battery notifications when the device offers them. A device without these
 * services is fine; one that sends malformed values gets a warning and no more.
 */
import { BleDeviceError } from '../ble/ble-errors.ts';
import type { ConnectedDevice } from '../ble/connected-device.ts';
import { BATTERY_LEVEL_UUID, BATTERY_SERVICE, decodeBatteryLevel } from '../gatt/battery-level.ts';
import {
  DEVICE_INFORMATION_SERVICE,
  type DeviceInformationUuid,
  decodeDeviceInformationString,
  FIRMWARE_REVISION_UUID,
  MANUFACTURER_NAME_UUID,
  MODEL_NUMBER_UUID,
  SERIAL_NUMBER_UUID,
} from '../gatt/device-information.ts';
import type { DeviceIdentity } from '../pairing/pairing-store.ts';
import { decodedValue } from './characteristic-value.ts';
import type { SessionEnvironment } from './session-environment.ts';

const IDENTITY_FIELDS: readonly [keyof DeviceIdentity, DeviceInformationUuid][] = [
  ['manufacturer', MANUFACTURER_NAME_UUID],
  ['model', MODEL_NUMBER_UUID],
  ['serial', SERIAL_NUMBER_UUID],
  ['firmware', FIRMWARE_REVISION_UUID],
];

export async function readDeviceBasics(device: ConnectedDevice, env: SessionEnvironment): Promise<void> {
  const identity: DeviceIdentity = {};
  for (const [field, uuid] of IDENTITY_FIELDS) {
    if (!device.has(DEVICE_INFORMATION_SERVICE, uuid)) continue;
    const bytes = await device.read(DEVICE_INFORMATION_SERVICE, uuid);
    const text = decodedValue(env.log, device.id, uuid, bytes, decodeDeviceInformationString(bytes, uuid));
    if (text !== undefined) identity[field] = text.slice(0, 64);
  }
  if (Object.keys(identity).length > 0) {
    env.pairings.noteIdentity(device.id, identity);
    env.log.info({ deviceId: device.id, ...identity }, 'device information');
  }
  if (!device.has(BATTERY_SERVICE, BATTERY_LEVEL_UUID)) return;
  const onBattery = (bytes: Buffer) => {
    const level = decodedValue(env.log, device.id, BATTERY_LEVEL_UUID, bytes, decodeBatteryLevel(bytes));
    if (level) env.pairings.noteBattery(device.id, level.percent);
  };
  onBattery(await device.read(BATTERY_SERVICE, BATTERY_LEVEL_UUID));
  try {
    await device.subscribe(BATTERY_SERVICE, BATTERY_LEVEL_UUID, onBattery);
  } catch (error) {
    // Battery Level may be read-only; then the level is read again on the next connection.
    if (!(error instanceof BleDeviceError && error.failure === 'not-permitted')) throw error;
  }
}
