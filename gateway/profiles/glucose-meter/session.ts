/**
 * Glucose meter (Glucose service 0x1808), on every connection: notifications on Glucose
 * Measurement (0x2A18) and Glucose Measurement Context (0x2A34), indications on the Record
 * Access Control Point (0x2A52), then "report stored records with sequence number >= the last
 * one in the spool" (all records the first time): the meter sends that last record again (it
 * is not spooled twice) and the new ones. Measurements and contexts are matched by sequence
 * number; once the meter indicates success, the readings are appended to the spool and only
 * then is the new last sequence number saved. So a record is never skipped: a crash between
 * the two steps makes the meter send some records again, which their idempotency keys make
 * harmless.
 *
 * "No records found" means the meter holds nothing numbered as high as our last record. If
 * it holds records all the same ("report number of stored records"), its numbering started
 * again: its memory was cleared or it was replaced by one with the same identity. That is
 * logged as a warning naming the device, all its records are fetched, and the position
 * starts again from the highest of them. Record keys include the meter's base time, so its
 * new record 1 is not mistaken for the old record 1 downstream.
 *
 * A transfer cut off half-way (the meter went out of range) keeps what arrived: the records
 * are spooled, and the position advances over them when they came in ascending order (as a
 * meter reports them), so a long history is fetched in parts rather than never.
 */
import type { DeviceSession } from '../../ble/ble-central.ts';
import type { ConnectedDevice } from '../../ble/connected-device.ts';
import {
  decodeGlucoseMeasurement,
  GLUCOSE_MEASUREMENT_UUID,
  GLUCOSE_SERVICE,
  type GlucoseMeasurement,
} from '../../gatt/glucose-measurement.ts';
import {
  decodeGlucoseMeasurementContext,
  GLUCOSE_MEASUREMENT_CONTEXT_UUID,
  type GlucoseMeasurementContext,
} from '../../gatt/glucose-measurement-context.ts';
import { racpRequests } from '../../gatt/record-access-control-point.ts';
import {
  concatBatches,
  type ReadingBatch,
  type ReadingSource,
  spreadRetimed,
} from '../../readings/reading-batch.ts';
import { decodedValue } from '../../sessions/characteristic-value.ts';
import { readDeviceBasics } from '../../sessions/device-basics.ts';
import { withDeviceClock } from '../../sessions/device-clock.ts';
import { deliverReadings } from '../../sessions/reading-delivery.ts';
import { RecordAccessClient } from '../../sessions/record-access-client.ts';
import { readingSource, type SessionEnvironment } from '../../sessions/session-environment.ts';
import { glucoseMeterReadings, glucoseRecordStamp } from './readings.ts';

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

  /** Each record after `after` once, in arrival order. */
  #after(after: number | undefined): GlucoseMeasurement[] {
    const seen = new Set<number>();
    return this.measurements.filter((m) => {
      if (seen.has(m.sequenceNumber) || (after !== undefined && m.sequenceNumber <= after)) return false;
      seen.add(m.sequenceNumber);
      return true;
    });
  }

  /** Forgets what arrived (the meter's numbering started again: everything is fetched anew). */
  clear(): void {
    this.measurements.length = 0;
    this.contexts.clear();
  }

  /** The stamp of the record numbered `sequence`, if it arrived. */
  stampOf(sequence: number): string | undefined {
    const record = this.measurements.find((m) => m.sequenceNumber === sequence);
    return record && glucoseRecordStamp(record);
  }

  countAfter(after: number | undefined): number {
    return this.#after(after).length;
  }

  readings(source: ReadingSource, after: number | undefined): ReadingBatch {
    const batches = this.#after(after).map((m) =>
      glucoseMeterReadings(m, source, this.contexts.get(m.sequenceNumber)),
    );
    return spreadRetimed(concatBatches(batches));
  }

  get highest(): number | undefined {
    return this.measurements.length === 0
      ? undefined
      : Math.max(...this.measurements.map((m) => m.sequenceNumber));
  }
}

export function glucoseMeterSession(env: SessionEnvironment): DeviceSession {
  return async (device) => {
    const paired = readingSource(env, device);
    if (!paired) return;
    await readDeviceBasics(device, env);
    const source = await withDeviceClock(paired, device, env);
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
    /** Records at or below this sequence number are in the spool already. */
    let after = last;
    try {
      let outcome = await access.report(
        last === undefined ? racpRequests.reportAllRecords() : racpRequests.reportRecordsFrom(last),
      );
      // Numbering started again: nothing at or after our last record, though the meter holds
      // records; or our last record comes back with another time of its own.
      const savedStamp = env.pairings.state(device.id).glucoseRecordStamp;
      const resentStamp = last === undefined ? undefined : received.stampOf(last);
      const recordsHeld =
        last !== undefined && outcome === 'no_records_found'
          ? await access.count(racpRequests.reportNumberOfAllRecords())
          : undefined;
      const restarted =
        (recordsHeld ?? 0) > 0 ||
        (savedStamp !== undefined && resentStamp !== undefined && resentStamp !== savedStamp);
      if (restarted) {
        env.log.warn(
          { deviceId: device.id, lastSequence: last, recordsHeld },
          'glucose meter numbering started again (memory cleared or meter replaced): fetching all its records',
        );
        after = undefined;
        received.clear();
        outcome = await access.report(racpRequests.reportAllRecords());
      }
      await keep(env, device, received, source(), after, received.highest);
      env.log.info(
        { deviceId: device.id, from: firstWanted(after), records: received.countAfter(after), outcome },
        'glucose records fetched',
      );
    } catch (error) {
      const upTo = received.inOrderFrom(after ?? 0) ? received.highest : undefined;
      await keep(env, device, received, source(), after, upTo);
      throw error;
    }
  };
}

const firstWanted = (after: number | undefined): number => (after === undefined ? 0 : after + 1);

/**
 * Spools the records after `after`, then saves `upTo` as the new position (when given): any
 * position after a full fetch (`after` undefined, which may start the numbering again lower),
 * else only a higher one.
 */
async function keep(
  env: SessionEnvironment,
  device: ConnectedDevice,
  received: ReceivedRecords,
  source: ReadingSource,
  after: number | undefined,
  upTo: number | undefined,
): Promise<void> {
  await deliverReadings(env, device.id, received.readings(source, after));
  if (upTo !== undefined && (after === undefined || upTo > after))
    await env.pairings.saveGlucoseSequence(device.id, upTo, received.stampOf(upTo));
}
