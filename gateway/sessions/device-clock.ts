/**
 * How far a device's clock is off, measured from its Current Time (0x2A2B) when it offers
 * the Current Time Service (0x1805): the device's wall clock read in the devices' zone
 * (RPM_TIME_ZONE) minus the gateway's clock when the value arrived. The offset then corrects
 * every time the device reports (ReadingSource.clockOffsetMs), stored records included.
 *
 * An offset within DEVICE_CLOCK_TOLERANCE_MS is taken as a right clock (no correction: the
 * read itself is only good to about a second). A larger one is rounded to whole minutes, so
 * that a record fetched again on a later connection gets the same corrected time and so the
 * same storage point, and is logged as a warning naming the device.
 */
import type { ConnectedDevice } from '../ble/connected-device.ts';
import { CURRENT_TIME_UUID, decodeCurrentTime } from '../gatt/current-time.ts';
import { deviceTimeToUtc } from '../gatt/date-time.ts';
import { CURRENT_TIME_SERVICE } from '../gatt/service-uuids.ts';
import { DEVICE_CLOCK_TOLERANCE_MS, type ReadingSource } from '../readings/reading-batch.ts';
import { decodedValue } from './characteristic-value.ts';
import type { SessionEnvironment } from './session-environment.ts';

const MINUTE_MS = 60_000;

/** `source` with the device's measured clock offset, when there is one to correct. */
export async function withDeviceClock(
  source: () => ReadingSource,
  device: ConnectedDevice,
  env: SessionEnvironment,
): Promise<() => ReadingSource> {
  const clockOffsetMs = await measureClockOffset(device, env);
  return clockOffsetMs === undefined ? source : () => ({ ...source(), clockOffsetMs });
}

/** The device clock minus true time, ms (positive: it runs ahead); undefined when unknown or right. */
async function measureClockOffset(
  device: ConnectedDevice,
  env: SessionEnvironment,
): Promise<number | undefined> {
  if (!device.has(CURRENT_TIME_SERVICE, CURRENT_TIME_UUID)) return undefined;
  const bytes = await device.read(CURRENT_TIME_SERVICE, CURRENT_TIME_UUID);
  const readAt = env.now().getTime();
  const current = decodedValue(env.log, device.id, CURRENT_TIME_UUID, bytes, decodeCurrentTime(bytes));
  if (!current) return undefined;
  const deviceTime = deviceTimeToUtc(current.dateTime, { timeZone: env.timeZone });
  if (!deviceTime.ok) {
    env.log.warn(
      { deviceId: device.id, reason: deviceTime.reason },
      'device clock unreadable: not corrected',
    );
    return undefined;
  }
  const offsetMs = deviceTime.ms + (current.fractions256 * 1000) / 256 - readAt;
  if (Math.abs(offsetMs) <= DEVICE_CLOCK_TOLERANCE_MS) return undefined;
  const clockOffsetMs = Math.round(offsetMs / MINUTE_MS) * MINUTE_MS;
  env.log.warn(
    { deviceId: device.id, clockOffsetMs, timeZone: env.timeZone },
    'device clock is off: its times are corrected by the measured offset; set the device clock',
  );
  return clockOffsetMs;
}
