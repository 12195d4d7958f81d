/**
 * How far a device's clock is off, measured from its Current Time (0x2A2B) when it offers
 * the Current Time Service (0x1805): the device's wall clock read in the devices' zone
 * (RPM_TIME_ZONE) minus the gateway's clock when the value arrived. The offset then corrects
 * every time the device reports (ReadingSource.clockOffsetMs), stored records included.
 *
 * An offset within DEVICE_CLOCK_TOLERANCE_MS is taken as a right clock (no correction: the
 * read itself is only good to about a second). A larger one is rounded to whole minutes and
 * logged as a warning naming the device.
 *
 * The offset in use is kept with the device (pairing store) and stays while each new
 * measurement is within a minute of it, so a record sent again on a later connection (the
 * device missed the confirmation; the gateway restarted) gets the same corrected time, and
 * so the same storage point, instead of a second point a minute away: storage deduplicates
 * by time. It moves only when the clock has drifted a minute further, or was set right.
 */
import type { ConnectedDevice } from '../ble/connected-device.ts';
import { CURRENT_TIME_SERVICE, CURRENT_TIME_UUID, decodeCurrentTime } from '../gatt/current-time.ts';
import { deviceTimeToUtc } from '../gatt/date-time.ts';
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
  const kept = env.pairings.state(device.id).clockOffsetMs;
  const clockOffsetMs = offsetInUse(offsetMs, kept);
  if (clockOffsetMs !== kept) await env.pairings.saveClockOffset(device.id, clockOffsetMs);
  if (clockOffsetMs === undefined) return undefined;
  env.log.warn(
    { deviceId: device.id, clockOffsetMs, timeZone: env.timeZone },
    'device clock is off: its times are corrected by the measured offset; set the device clock',
  );
  return clockOffsetMs;
}

/**
 * The offset to correct by, given the one measured now and the one kept from before: the kept
 * one while the measurement is within a minute of it (no offset counting as 0), else none for
 * a clock within the tolerance, else the measurement rounded to whole minutes.
 */
export function offsetInUse(measuredMs: number, keptMs: number | undefined): number | undefined {
  if (Math.abs(measuredMs - (keptMs ?? 0)) <= MINUTE_MS) return keptMs;
  if (Math.abs(measuredMs) <= DEVICE_CLOCK_TOLERANCE_MS) return undefined;
  return Math.round(measuredMs / MINUTE_MS) * MINUTE_MS;
}
