/**
 * The gateway's paired devices, and what it remembers about each of them across restarts:
 * which patient a device measures, how far its stored glucose records have been fetched
 * (the last sequence number in the spool, or the CGM session and time offset), and its last
 * battery level, identity, last-seen and last-reading times for the status page.
 *
 * Stored as one small JSON file, `<data dir>/pairings.json`, replaced atomically on every
 * change: write a temporary file, fsync it, rename it over the old one, fsync the directory.
 * A file is enough here, unlike for readings (see reading-spool.ts): one process writes it,
 * it changes rarely (pairing, a glucose transfer, a CGM record every 5 minutes), and each
 * write replaces a few kilobytes whole, so a crash leaves either the old or the new file.
 * Record positions are written before the call that saves them returns, and only after the
 * readings they cover are in the spool, so a crash can make a meter send records again
 * (harmless: reading ids are idempotency keys) but never skip one. Battery, last-seen and
 * last-reading times change often and matter little: they are written at most once a
 * minute, and on close.
 *
 * A device can be paired only to a patient this gateway serves: the gateway configuration
 * lists them (RPM_PATIENT_IDS), as the server's registry does for this gateway, so a reading
 * the server would refuse ("patient not on gateway") is refused at pairing instead.
 */
import { EventEmitter } from 'node:events';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { DeviceId, DeviceKind, PatientId, UtcTimestamp } from '../../common/contract.ts';
import { describeIssues } from '../../common/describe-issues.ts';
import type { Logger } from '../../common/log.ts';
import { syncDirectory } from '../spool/spool-ack-cursor.ts';

export const PAIRINGS_FILE = 'pairings.json';

export const PairedDevice = z.strictObject({
  /** noble's peripheral id (on Linux the address without colons): the reading's deviceId. */
  deviceId: DeviceId,
  /** Bluetooth address, for people. */
  address: z.string().max(64),
  kind: DeviceKind,
  /** Advertised name at pairing. */
  name: z.string().max(64).nullable(),
  patientId: PatientId,
  pairedAt: UtcTimestamp,
});
export type PairedDevice = z.infer<typeof PairedDevice>;

export const DeviceIdentity = z.strictObject({
  manufacturer: z.string().max(64).optional(),
  model: z.string().max(64).optional(),
  serial: z.string().max(64).optional(),
  firmware: z.string().max(64).optional(),
});
export type DeviceIdentity = z.infer<typeof DeviceIdentity>;

/** How far a CGM's records are in the spool: the session (its start time as the sensor sent it) and time offset. */
export const CgmPosition = z.strictObject({
  session: z.string().max(64),
  offsetMinutes: z.number().int().min(0).max(65535),
});
export type CgmPosition = z.infer<typeof CgmPosition>;

export const DeviceState = z.strictObject({
  batteryPercent: z.number().int().min(0).max(100).nullable().default(null),
  lastSeen: UtcTimestamp.nullable().default(null),
  lastReadingAt: UtcTimestamp.nullable().default(null),
  identity: DeviceIdentity.optional(),
  /** Glucose meter: the highest sequence number whose record is in the spool. */
  glucoseSequence: z.number().int().min(0).max(65535).optional(),
  /**
   * That record's own time (digits, `20261124T080000`): the meter sends the record again
   * on the next connection, and a different time there means its numbering started again
   * (memory cleared, meter replaced).
   */
  glucoseRecordStamp: z.string().max(15).optional(),
  cgmPosition: CgmPosition.optional(),
  /** The clock offset its times are corrected by, kept across connections (sessions/device-clock.ts). */
  clockOffsetMs: z.number().int().optional(),
});
export type DeviceState = z.infer<typeof DeviceState>;

const PairingsFile = z.strictObject({
  version: z.literal(1),
  devices: z.array(PairedDevice),
  state: z.record(z.string(), DeviceState),
});
type PairingsFile = z.infer<typeof PairingsFile>;

export type PairingRefusal = 'patient_not_served' | 'already_paired' | 'not_paired';

export class PairingRefusedError extends Error {
  constructor(
    readonly reason: PairingRefusal,
    readonly deviceId: string,
    detail: string,
  ) {
    super(`device ${deviceId}: ${detail}`);
    this.name = 'PairingRefusedError';
  }
}

export class PairingStoreError extends Error {
  constructor(
    readonly file: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`pairing store ${file}: ${detail}`, options);
    this.name = 'PairingStoreError';
  }
}

export interface PairingStoreOptions {
  dataDir: string;
  /** The patients this gateway serves (RPM_PATIENT_IDS). */
  patientIds: readonly string[];
  log: Logger;
  now?: () => Date;
  /** Longest delay before battery and last-seen changes are written (default 60 s). */
  stateFlushMs?: number;
}

export interface PairingStoreEvents {
  /** A device was paired or unpaired. */
  pairingsChanged: [];
  /** A device's battery, identity, last-seen or last-reading time changed. */
  stateChanged: [deviceId: string];
}

const EMPTY_STATE: DeviceState = { batteryPercent: null, lastSeen: null, lastReadingAt: null };

export class PairingStore extends EventEmitter<PairingStoreEvents> {
  readonly #file: string;
  readonly #o: PairingStoreOptions;
  readonly #now: () => Date;
  #content: PairingsFile;
  #writes: Promise<void> = Promise.resolve();
  #flushTimer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(o: PairingStoreOptions, file: string, content: PairingsFile) {
    super();
    this.#o = o;
    this.#file = file;
    this.#now = o.now ?? (() => new Date());
    this.#content = content;
  }

  /** Reads the store (an absent file is an empty store); refuses a file it cannot read. */
  static async open(o: PairingStoreOptions): Promise<PairingStore> {
    await mkdir(o.dataDir, { recursive: true });
    const file = join(o.dataDir, PAIRINGS_FILE);
    const store = new PairingStore(o, file, await readPairings(file));
    for (const device of store.devices()) {
      if (!o.patientIds.includes(device.patientId)) {
        o.log.warn(
          { deviceId: device.deviceId, patientId: device.patientId },
          'device paired to a patient this gateway no longer serves (RPM_PATIENT_IDS): not collected until unpaired or the patient is added back',
        );
      }
    }
    return store;
  }

  devices(): PairedDevice[] {
    return [...this.#content.devices];
  }

  /** The paired devices whose patient this gateway serves: the ones to collect readings from. */
  servedDevices(): PairedDevice[] {
    return this.#content.devices.filter((d) => this.#o.patientIds.includes(d.patientId));
  }

  device(deviceId: string): PairedDevice | undefined {
    return this.#content.devices.find((d) => d.deviceId === deviceId);
  }

  state(deviceId: string): DeviceState {
    return this.#content.state[deviceId] ?? EMPTY_STATE;
  }

  async pair(device: Omit<PairedDevice, 'pairedAt'>): Promise<PairedDevice> {
    this.#assertOpen();
    const { patientIds } = this.#o;
    if (!patientIds.includes(device.patientId)) {
      throw new PairingRefusedError(
        'patient_not_served',
        device.deviceId,
        `patient ${device.patientId} is not one of this gateway's patients (${patientIds.join(', ')})`,
      );
    }
    const existing = this.device(device.deviceId);
    if (existing) {
      throw new PairingRefusedError(
        'already_paired',
        device.deviceId,
        `already paired to patient ${existing.patientId}; unpair it first`,
      );
    }
    const paired = PairedDevice.parse({ ...device, pairedAt: this.#now().toISOString() });
    this.#content = {
      ...this.#content,
      devices: [...this.#content.devices, paired],
      state: { ...this.#content.state, [paired.deviceId]: EMPTY_STATE },
    };
    await this.#save();
    this.#o.log.info(
      { deviceId: paired.deviceId, kind: paired.kind, patientId: paired.patientId },
      'device paired',
    );
    this.emit('pairingsChanged');
    return paired;
  }

  /** Forgets the device and everything about it (a device paired again fetches its records again). */
  async unpair(deviceId: string): Promise<PairedDevice> {
    this.#assertOpen();
    const existing = this.device(deviceId);
    if (!existing) throw new PairingRefusedError('not_paired', deviceId, 'not paired with this gateway');
    const { [deviceId]: _forgotten, ...state } = this.#content.state;
    this.#content = { ...this.#content, devices: this.#content.devices.filter((d) => d !== existing), state };
    await this.#save();
    this.#o.log.info({ deviceId, patientId: existing.patientId }, 'device unpaired');
    this.emit('pairingsChanged');
    return existing;
  }

  /** Durably records that the glucose records up to `sequence` are in the spool. */
  async saveGlucoseSequence(deviceId: string, sequence: number, stamp?: string): Promise<void> {
    if (this.#update(deviceId, { glucoseSequence: sequence, glucoseRecordStamp: stamp })) await this.#save();
  }

  /** Durably records that the CGM records up to `position` are in the spool. */
  async saveCgmPosition(deviceId: string, position: CgmPosition): Promise<void> {
    if (this.#update(deviceId, { cgmPosition: position })) await this.#save();
  }

  /** Durably records the clock offset the device's times are corrected by (undefined: none). */
  async saveClockOffset(deviceId: string, clockOffsetMs: number | undefined): Promise<void> {
    if (this.#update(deviceId, { clockOffsetMs })) await this.#save();
  }

  // Only what the gateway status carries is announced (it is published on each
  // announcement): a changed battery level. The last reading time changes every second
  // on a streaming device, and identity is not in the status.
  noteBattery(deviceId: string, batteryPercent: number): void {
    this.#note(deviceId, { batteryPercent }, this.state(deviceId).batteryPercent !== batteryPercent);
  }

  noteIdentity(deviceId: string, identity: DeviceIdentity): void {
    this.#note(deviceId, { identity }, false);
  }

  noteSeen(deviceId: string, at: Date): void {
    this.#note(deviceId, { lastSeen: at.toISOString() }, false);
  }

  noteReading(deviceId: string, at: Date): void {
    this.#note(deviceId, { lastReadingAt: at.toISOString() }, false);
  }

  /** Writes what is pending and stops writing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    clearTimeout(this.#flushTimer);
    await this.#save();
    this.#closed = true;
  }

  #note(deviceId: string, change: Partial<DeviceState>, announce: boolean): void {
    if (this.#closed || !this.#update(deviceId, change)) return;
    if (announce) this.emit('stateChanged', deviceId);
    this.#flushTimer ??= setTimeout(() => {
      this.#flushTimer = undefined;
      void this.#save();
    }, this.#o.stateFlushMs ?? 60_000);
    this.#flushTimer.unref();
  }

  /** Applies a change to a paired device's state; false for a device no longer paired. */
  #update(deviceId: string, change: Partial<DeviceState>): boolean {
    const current = this.#content.state[deviceId];
    if (!current) return false;
    this.#content = {
      ...this.#content,
      state: { ...this.#content.state, [deviceId]: { ...current, ...change } },
    };
    return true;
  }

  /** Writes the current content once every write queued before it is done; one write at a time. */
  #save(): Promise<void> {
    this.#assertOpen();
    const write = this.#writes.then(() =>
      replaceAtomically(this.#file, `${JSON.stringify(this.#content, null, 2)}\n`),
    );
    this.#writes = write.catch((err: Error) =>
      this.#o.log.error({ err: err.message, file: this.#file }, 'writing the pairing store failed'),
    );
    return write;
  }

  #assertOpen(): void {
    if (this.#closed) throw new PairingStoreError(this.#file, 'closed');
  }
}

async function readPairings(file: string): Promise<PairingsFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, devices: [], state: {} };
    throw new PairingStoreError(file, `cannot read it (${(err as Error).message})`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PairingStoreError(
      file,
      `not JSON (${(err as Error).message}); restore it or remove it and pair again`,
    );
  }
  const parsed = PairingsFile.safeParse(json);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error);
    throw new PairingStoreError(
      file,
      `unexpected content (${problems}); restore it or remove it and pair again`,
    );
  }
  return parsed.data;
}

/** Replaces `file` with `text` so that a crash leaves either the old or the new content. */
async function replaceAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  await syncDirectory(dirname(file));
}
