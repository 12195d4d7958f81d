/**
 * Continuous glucose monitor (CGM service 0x181F), on every connection: read CGM Feature
 * (0x2AA8: does every value carry an E2E-CRC?) and CGM Session Start Time (0x2AAA: the
 * records' time base), subscribe to CGM Measurement (0x2AA7), and, when the sensor has a
 * Record Access Control Point, ask for the records of the session since the last one in
 * the spool (all of them for a new session), so a sensor out of reach for an hour loses
 * nothing. Live records and fetched records arrive the same way and are handled alike:
 * records already in the spool are ignored, the others are appended, and the session's
 * position (its start time as sent, and the time offset) is saved once the history has come
 * in (see RecordPosition).
 *
 * A record whose E2E-CRC fails is dropped with a warning showing the bytes; the other
 * records of the same value are kept. Without a session start time, record times are
 * estimated from the time of receipt and flagged (readings.ts).
 */
import type { DeviceSession } from '../../ble/ble-central.ts';
import type { ConnectedDevice } from '../../ble/connected-device.ts';
import { CGM_FEATURE_UUID, decodeCgmFeature } from '../../gatt/cgm-feature.ts';
import {
  CGM_MEASUREMENT_UUID,
  CGM_SERVICE,
  type CgmMeasurementRecord,
  decodeCgmMeasurement,
} from '../../gatt/cgm-measurement.ts';
import {
  CGM_SESSION_START_TIME_UUID,
  type CgmSessionStartTime,
  decodeCgmSessionStartTime,
} from '../../gatt/cgm-session-start-time.ts';
import { formatHexBytes } from '../../gatt/hex-bytes.ts';
import { RECORD_ACCESS_CONTROL_POINT_UUID, racpRequests } from '../../gatt/record-access-control-point.ts';
import type { CgmPosition } from '../../pairing/pairing-store.ts';
import { concatBatches, type ReadingBatch, type ReadingSource } from '../../readings/reading-batch.ts';
import { decodedValue, warnMalformed } from '../../sessions/characteristic-value.ts';
import { readDeviceBasics } from '../../sessions/device-basics.ts';
import { deliverReadings } from '../../sessions/reading-delivery.ts';
import { RecordAccessClient, type TransferOutcome } from '../../sessions/record-access-client.ts';
import { readingSource, type SessionEnvironment } from '../../sessions/session-environment.ts';
import { SpoolClosedError } from '../../spool/reading-spool.ts';
import { cgmReadings } from './readings.ts';

/** The position's session name for a sensor without a readable session start time. */
const UNKNOWN_SESSION = 'unknown';

interface SessionBase {
  startTime: CgmSessionStartTime | undefined;
  /** Names the session in the saved position: the start time's bytes as the sensor sent them. */
  key: string;
}

export function cgmSession(env: SessionEnvironment): DeviceSession {
  return async (device) => {
    const source = readingSource(env, device);
    if (!source) return;
    await readDeviceBasics(device, env);
    const e2eCrc = await readE2eCrcSupport(device, env);
    const session = await readSessionStart(device, env, e2eCrc);
    const saved = env.pairings.state(device.id).cgmPosition;
    const position = new RecordPosition(
      env,
      device,
      session,
      saved?.session === session.key ? saved : undefined,
    );
    let access: RecordAccessClient | undefined;
    await device.subscribe(CGM_SERVICE, CGM_MEASUREMENT_UUID, (bytes) => {
      access?.heard();
      const decoded = decodeCgmMeasurement(bytes, { e2eCrc });
      const measurement = decodedValue(env.log, device.id, CGM_MEASUREMENT_UUID, bytes, decoded);
      if (!measurement) return;
      for (const rejected of measurement.rejectedRecords) {
        warnMalformed(env.log, device.id, CGM_MEASUREMENT_UUID, bytes, rejected);
      }
      position.take(measurement.records, source());
    });
    if (!device.has(CGM_SERVICE, RECORD_ACCESS_CONTROL_POINT_UUID)) {
      await position.historyComplete();
      return;
    }
    const from = position.nextOffset;
    let outcome: TransferOutcome;
    try {
      access = await RecordAccessClient.open(device, CGM_SERVICE, env);
      outcome = await access.report(
        from === undefined ? racpRequests.reportAllRecords() : racpRequests.reportRecordsFrom(from),
      );
    } catch (err) {
      // What did arrive still goes to the spool; the position stays, so the next
      // connection asks for the history again.
      await position.releaseHeld();
      throw err;
    }
    await position.historyComplete();
    env.log.info({ deviceId: device.id, fromOffset: from ?? 0, outcome }, 'CGM records fetched');
  };
}

async function readE2eCrcSupport(device: ConnectedDevice, env: SessionEnvironment): Promise<boolean> {
  if (!device.has(CGM_SERVICE, CGM_FEATURE_UUID)) return false;
  const bytes = await device.read(CGM_SERVICE, CGM_FEATURE_UUID);
  const feature = decodedValue(env.log, device.id, CGM_FEATURE_UUID, bytes, decodeCgmFeature(bytes));
  return feature?.features.includes('e2e_crc') ?? false;
}

async function readSessionStart(
  device: ConnectedDevice,
  env: SessionEnvironment,
  e2eCrc: boolean,
): Promise<SessionBase> {
  if (!device.has(CGM_SERVICE, CGM_SESSION_START_TIME_UUID))
    return { startTime: undefined, key: UNKNOWN_SESSION };
  const bytes = await device.read(CGM_SERVICE, CGM_SESSION_START_TIME_UUID);
  const decoded = decodeCgmSessionStartTime(bytes, { e2eCrc });
  const startTime = decodedValue(env.log, device.id, CGM_SESSION_START_TIME_UUID, bytes, decoded);
  return startTime
    ? { startTime, key: formatHexBytes(bytes) }
    : { startTime: undefined, key: UNKNOWN_SESSION };
}

/**
 * Which records of the session are in the spool, and appending the others in arrival order.
 * Live records may arrive before the fetched history (a sensor notifies its newest record as
 * soon as the gateway subscribes), so records are told apart by time offset, not by a
 * high-water mark, and those received before the history is in are held and spooled with
 * it in time order. The saved position moves only once the history has come in, and only up
 * to a record below which every record received is in the spool (appends finish after the
 * records arrive; a failed one holds the position back, so the next connection asks again).
 */
class RecordPosition {
  /** The saved position: every record up to this offset is in the spool. */
  #saved: number | undefined;
  /** Offsets received on this connection, and those of them whose append has not finished. */
  readonly #taken = new Set<number>();
  readonly #pending = new Set<number>();
  readonly #spooled = new Set<number>();
  /** The history is in (or the sensor keeps none): the position may move. */
  #historyComplete = false;
  /**
   * Records received before the history is in (the sensor's newest record comes first):
   * held so that the spool, the server and the alert rules get them in time order; a rule
   * passes over a reading older than one it has already seen.
   */
  readonly #held: { batch: ReadingBatch; offsets: readonly number[] }[] = [];
  #appends: Promise<void> = Promise.resolve();

  constructor(
    private readonly env: SessionEnvironment,
    private readonly device: ConnectedDevice,
    private readonly session: SessionBase,
    saved: CgmPosition | undefined,
  ) {
    this.#saved = saved?.offsetMinutes;
  }

  /** The first time offset not in the spool; undefined when none of this session is. */
  get nextOffset(): number | undefined {
    return this.#saved === undefined ? undefined : this.#saved + 1;
  }

  take(records: readonly CgmMeasurementRecord[], source: ReadingSource): void {
    const saved = this.#saved;
    const fresh = records
      .map((r) => r.timeOffsetMinutes)
      .filter((offset) => (saved === undefined || offset > saved) && !this.#taken.has(offset));
    if (fresh.length === 0) return;
    for (const offset of fresh) {
      this.#taken.add(offset);
      this.#pending.add(offset);
    }
    const batch = cgmReadings(
      { records: records.filter((r) => fresh.includes(r.timeOffsetMinutes)), rejectedRecords: [] },
      source,
      { startTime: this.session.startTime },
    );
    if (this.#historyComplete) this.#deliver(batch, fresh);
    else this.#held.push({ batch, offsets: fresh });
  }

  /**
   * The history transfer is over: what came in meanwhile goes to the spool oldest first,
   * and once it is there the position moves past it.
   */
  historyComplete(): Promise<void> {
    this.#historyComplete = true;
    return this.releaseHeld();
  }

  /**
   * Spools the held records, oldest first, in one append (a 14-day history is ~4,000
   * records: one fsync, not one each); the position moves only once the history is in.
   */
  releaseHeld(): Promise<void> {
    const held = this.#held.splice(0).sort((a, b) => Math.min(...a.offsets) - Math.min(...b.offsets));
    if (held.length > 0) {
      this.#deliver(
        concatBatches(held.map((h) => h.batch)),
        held.flatMap((h) => h.offsets),
      );
    }
    return this.#enqueue(() => this.#save());
  }

  #deliver(batch: ReadingBatch, offsets: readonly number[]): void {
    this.#enqueue(async () => {
      await deliverReadings(this.env, this.device.id, batch);
      for (const offset of offsets) {
        this.#pending.delete(offset);
        this.#spooled.add(offset);
      }
      await this.#save();
    });
  }

  #enqueue(work: () => Promise<void>): Promise<void> {
    this.#appends = this.#appends.then(work).catch((err: Error) => {
      // Their position is not saved: the next connection fetches them again.
      if (err instanceof SpoolClosedError) {
        this.env.log.info(
          { deviceId: this.device.id },
          'gateway stopping: CGM records fetched again next time',
        );
      } else {
        this.env.log.error({ deviceId: this.device.id, err: err.message }, 'CGM readings not spooled');
      }
    });
    return this.#appends;
  }

  /** Saves the highest spooled offset below every record still waiting for (or refused by) the spool. */
  async #save(): Promise<void> {
    if (!this.#historyComplete) return;
    const below = this.#pending.size === 0 ? Number.POSITIVE_INFINITY : Math.min(...this.#pending);
    const upTo = Math.max(-1, ...[...this.#spooled].filter((offset) => offset < below));
    if (upTo < 0 || (this.#saved !== undefined && upTo <= this.#saved)) return;
    this.#saved = upTo;
    await this.env.pairings.saveCgmPosition(this.device.id, {
      session: this.session.key,
      offsetMinutes: upTo,
    });
  }
}
