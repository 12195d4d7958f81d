/**
 * The session of every device that sends its measurements unasked: heart-rate straps and
 * oximeters (notifications), blood-pressure cuffs and scales, say (indications of
 * each measurement, and on connecting of every measurement stored while the gateway was out
 * of reach, oldest first). A device profile says which characteristics to subscribe to, with
 * their decoders and reading mappers; this does the rest, on every connection:
 *
 * 1. Device Information and Battery (device-basics.ts);
 * 2. for devices that time their measurements, the device clock's offset from its Current
 *    Time when offered (device-clock.ts), so every timestamp is corrected;
 * 3. the profile's `prepare` reads (features, sensor location), giving a context the mappers
 *    see;
 * 4. a subscription per characteristic the device offers (a `required` one is subscribed to
 *    even when absent, so the connection fails and is retried, rather than silently reading
 *    nothing); each value is decoded (a malformed one is logged with its bytes and dropped),
 *    mapped to readings and appended to the spool.
 *
 * A stored measurement sent again (the device missed the confirmation) has the same
 * idempotency key and, since the clock offset is kept across connections (device-clock.ts),
 * the same sample time, so it overwrites its own point (storage deduplicates by time, not by
 * key). A device without Current Time whose clock runs ahead is the exception: its
 * measurements are put at their receipt time (time_estimated), which a resend changes.
 */
import type { DeviceSession } from '../ble/ble-central.ts';
import type { ConnectedDevice } from '../ble/connected-device.ts';
import type { Decoded } from '../gatt/decode-result.ts';
import type { ReadingBatch, ReadingSource } from '../readings/reading-batch.ts';
import { decodedValue } from './characteristic-value.ts';
import { readDeviceBasics } from './device-basics.ts';
import { withDeviceClock } from './device-clock.ts';
import { deliverLiveReadings } from './reading-delivery.ts';
import { readingSource, type SessionEnvironment } from './session-environment.ts';

/** One subscribed characteristic, its decoder and mapper bound together. */
export interface Subscription<C> {
  characteristic: string;
  required: boolean;
  /**
   * A stream (a strap's or an oximeter's readings every second): sent in batches of up to
   * RPM_PUBLISH_STREAM_WINDOW_MS. Otherwise a spot measurement, sent at once.
   */
  stream: boolean;
  /** The readings of one value, or undefined when it was malformed (and logged). */
  readings(
    bytes: Uint8Array,
    source: ReadingSource,
    context: C,
    env: SessionEnvironment,
    deviceId: string,
  ): ReadingBatch | undefined;
}

export function subscription<T, C>(spec: {
  characteristic: string;
  required?: boolean;
  stream?: boolean;
  decode: (bytes: Uint8Array) => Decoded<T>;
  toReadings: (value: T, source: ReadingSource, context: C) => ReadingBatch;
}): Subscription<C> {
  return {
    characteristic: spec.characteristic,
    required: spec.required ?? false,
    stream: spec.stream ?? false,
    readings(bytes, source, context, env, deviceId) {
      const value = decodedValue(env.log, deviceId, spec.characteristic, bytes, spec.decode(bytes));
      return value === undefined ? undefined : spec.toReadings(value, source, context);
    },
  };
}

/** Reads made once per connection before subscribing; their result is the mappers' context. */
export type Prepare<C> = (device: ConnectedDevice, env: SessionEnvironment, service: string) => Promise<C>;

export interface StreamingSessionSpec<C> {
  service: string;
  /** The device puts its own time stamps on measurements: measure its clock first. */
  timedMeasurements: boolean;
  prepare: Prepare<C>;
  subscriptions: readonly Subscription<C>[];
}

export function streamingSession<C>(
  spec: StreamingSessionSpec<C>,
): (env: SessionEnvironment) => DeviceSession {
  return (env) => async (device) => {
    const paired = readingSource(env, device);
    if (!paired) return;
    await readDeviceBasics(device, env);
    const source = spec.timedMeasurements ? await withDeviceClock(paired, device, env) : paired;
    const context = await spec.prepare(device, env, spec.service);
    for (const s of spec.subscriptions) {
      if (!s.required && !device.has(spec.service, s.characteristic)) continue;
      await device.subscribe(spec.service, s.characteristic, (bytes) => {
        const batch = s.readings(bytes, source(), context, env, device.id);
        if (batch) deliverLiveReadings(env, device.id, batch, { stream: s.stream });
      });
    }
  };
}

/**
 * A characteristic read once per connection when the device offers it (a feature or a
 * location), decoded; undefined when absent or malformed (logged).
 */
async function readOptional<T>(
  device: ConnectedDevice,
  env: SessionEnvironment,
  service: string,
  characteristic: string,
  decode: (bytes: Uint8Array) => Decoded<T>,
): Promise<T | undefined> {
  if (!device.has(service, characteristic)) return undefined;
  const bytes = await device.read(service, characteristic);
  return decodedValue(env.log, device.id, characteristic, bytes, decode(bytes));
}

/** `prepare`: read a characteristic when offered and give the mappers what `pick` takes of it. */
export function readForMappers<T, C>(
  characteristic: string,
  decode: (bytes: Uint8Array) => Decoded<T>,
  pick: (value: T) => C,
): Prepare<C | undefined> {
  return async (device, env, service) => {
    const value = await readOptional(device, env, service, characteristic, decode);
    return value === undefined ? undefined : pick(value);
  };
}

/** `prepare`: read a feature characteristic when offered and log what the device supports. */
export function logFeatures<T>(
  characteristic: string,
  decode: (bytes: Uint8Array) => Decoded<T>,
): Prepare<undefined> {
  return async (device, env, service) => {
    const features = await readOptional(device, env, service, characteristic, decode);
    if (features) env.log.debug({ deviceId: device.id, characteristic, features }, 'device features');
    return undefined;
  };
}
