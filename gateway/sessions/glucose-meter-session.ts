/**
 * Glucose meter (Glucose service 0x1808), on every connection: notifications on Glucose
 * Measurement (0x2A18) and Glucose Measurement Context (0x2A34), indications on the Record
 * Access Control Point (0x2A52), then "report stored records with sequence number >= the last
 * one in the spool + 1" (all records the first time). Measurements and contexts are matched
 * by sequence number; once the meter indicates success (or "no records found"), the readings
 * are appended to the spool and only then is the new last sequence number saved. So a record
 * is never fetched twice in normal operation and never skipped: a crash between the two
 * steps makes the meter send some records again, which their idempotency keys make harmless.
 *
 * A transfer cut off half-way (the meter went out of range) keeps what arrived: the records
 * are spooled, and the position advances over them when they came in ascending order (as a
 * meter reports them), so a long history is fetched in parts rather than never.
 */
import type { DeviceSession } from '../ble/ble-central.ts';
import type { ConnectedDevice } from '../ble/connected-device.ts';
import {
  decodeGlucoseMeasurement,
  GLUCOSE_MEASUREMENT_UUID,
  type GlucoseMeasurement,
} from '../gatt/glucose-measurement.ts';
import {
  decodeGlucoseMeasurementContext,
  GLUCOSE_MEASUREMENT_CONTEXT_UUID,
  type GlucoseMeasurementContext,
} from '../gatt/glucose-measurement-context.ts';
import { racpRequests } from '../gatt/record-access-control-point.ts';
import { glucoseMeterReadings, type ReadingBatch, type ReadingSource } from '../measurement-readings.ts';
import { decodedValue } from './characteristic-value.ts';
import { readDeviceBasics } from './device-basics.ts';
import { deliverReadings } from './reading-delivery.ts';
import { RecordAccessClient } from './record-access-client.ts';
import { GLUCOSE_SERVICE } from './service-uuids.ts';
import { readingSource, type SessionEnvironment } from './session-environment.ts';

const LAST_SEQUENCE_NUMBER = 0xffff;

/** What one transfer received, in arrival order. */
class ReceivedRecords {
  readonly measurements: GlucoseMeasurement[] = [];
  readonly contexts = new Map<number, GlucoseMeasurementContext>();

  /** Sequence numbers arrived strictly ascending (a meter's order), from `from` on. */
  inOrderFrom(from: number): boolean {
    return this.measurements.every(
      (m, i) =>
        m.sequenceNumber >= from &&
        (i === 0 || m.sequenceNumber > (this.measurements[i - 1]?.sequenceNumber ?? 0)),
    );
  }

  readings(source: ReadingSource, after: number | undefined): ReadingBatch {
    const batch: ReadingBatch = { readings: [], skipped: [] };
    const seen = new Set<number>();
    for (const m of this.measurements) {
      if (seen.has(m.sequenceNumber) || (after !== undefined && m.sequenceNumber <= after)) continue;
      seen.add(m.sequenceNumber);
      const one = glucoseMeterReadings(m, source, this.contexts.get(m.sequenceNumber));
      batch.readings.push(...one.readings);
      batch.skipped.push(...one.skipped);
    }
    return batch;
  }

  get highest(): number | undefined {
    return this.measurements.length === 0
      ? undefined
      : Math.max(...this.measurements.map((m) => m.sequenceNumber));
  }
}

export function glucoseMeterSession(env: SessionEnvironment): DeviceSession {
  return async (device) => {
    const source = readingSource(env, device);
    if (!source) return;
    await readDeviceBasics(device, env);
    const received = new ReceivedRecords();
    let access: RecordAccessClient | undefined;
    await device.subscribe(GLUCOSE_SERVICE, GLUCOSE_MEASUREMENT_UUID, (bytes) => {
      const m = decodedValue(
        env.log,
        device.id,
        GLUCOSE_MEASUREMENT_UUID,
        bytes,
        decodeGlucoseMeasurement(bytes),
      );
      if (m) received.measurements.push(m);
      access?.heard();
    });
    if (device.has(GLUCOSE_SERVICE, GLUCOSE_MEASUREMENT_CONTEXT_UUID)) {
      await device.subscribe(GLUCOSE_SERVICE, GLUCOSE_MEASUREMENT_CONTEXT_UUID, (bytes) => {
        const decoded = decodeGlucoseMeasurementContext(bytes);
        const context = decodedValue(env.log, device.id, GLUCOSE_MEASUREMENT_CONTEXT_UUID, bytes, decoded);
        if (context) received.contexts.set(context.sequenceNumber, context);
        access?.heard();
      });
    }
    access = await RecordAccessClient.open(device, GLUCOSE_SERVICE, env);
    const last = env.pairings.state(device.id).glucoseSequence;
    if (last === LAST_SEQUENCE_NUMBER) {
      env.log.warn(
        { deviceId: device.id },
        'glucose meter sequence numbers exhausted: unpair and pair it again',
      );
      return;
    }
    const from = last === undefined ? 0 : last + 1;
    try {
      const outcome = await access.report(
        last === undefined ? racpRequests.reportAllRecords() : racpRequests.reportRecordsFrom(from),
      );
      await keep(env, device, received, source(), last, received.highest);
      env.log.info(
        { deviceId: device.id, from, records: received.measurements.length, outcome },
        'glucose records fetched',
      );
    } catch (error) {
      await keep(
        env,
        device,
        received,
        source(),
        last,
        received.inOrderFrom(from) ? received.highest : undefined,
      );
      throw error;
    }
  };
}

/** Spools the records after `last`, then saves `upTo` as the new position (when given). */
async function keep(
  env: SessionEnvironment,
  device: ConnectedDevice,
  received: ReceivedRecords,
  source: ReadingSource,
  last: number | undefined,
  upTo: number | undefined,
): Promise<void> {
  await deliverReadings(env, device.id, received.readings(source, last));
  if (upTo !== undefined && (last === undefined || upTo > last))
    await env.pairings.saveGlucoseSequence(device.id, upTo);
}
