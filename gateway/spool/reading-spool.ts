/**
 * The gateway's durable spool of readings: every reading goes here before anything else, and
 * leaves only when the broker has acknowledged it, so restarts, SIGKILL, power loss and days
 * without internet lose nothing. Pure file I/O; reading-publisher.ts moves batches to MQTT.
 *
 * On disk, in `dir` (one process per directory):
 * - `0000000000000001.seg`, ...: append-only segment files named by the sequence number of their
 *   first reading (16 digits), each about `segmentBytes`, holding framed records (one reading
 *   each, see spool-record.ts: magic, length, sequence number, JSON, CRC-32).
 * - `acked.json`: the acknowledgement cursor (see spool-ack-cursor.ts).
 *
 * Writes are sequential appends. `append` resolves once its records are fsynced; appends that
 * arrive while an fsync runs share the next one (group commit). Opening repairs a torn write
 * at the end of the last segment by truncating it; a damaged record anywhere else is logged
 * with its segment and offset, skipped and counted, never fatal, never misread.
 *
 * Delivery: `nextBatch` hands out the oldest readings not yet in flight, read from disk (memory
 * stays bounded whatever the backlog); `ack` settles a batch, `release` returns it to the front
 * of the queue. Acknowledgements may come in any order; the cursor on disk advances over the
 * contiguous acknowledged prefix. It is written once `ackSyncReadings` (default 500)
 * acknowledged readings wait for it, or `ackSyncIntervalMs` (default 1 s) after the first of
 * them, one write at a time, to spare the SD card. After a crash, at most those waiting
 * readings, plus the ones acknowledged out of order beyond the prefix (at most the batches in
 * flight), are sent again: harmless, since reading ids are idempotency keys. Fully
 * acknowledged segments are deleted.
 *
 * Size bound: segment files may use at most `maxBytes`. When an append would exceed it,
 * fully acknowledged space is reclaimed first; then, by `whenFull`:
 * - `drop-oldest`: the oldest segment is deleted, and the number of unacknowledged readings
 *   it held, with their oldest and newest sample times, is logged (warn), returned by `append`
 *   and counted in `stats().droppedReadings`. Readings in flight at that moment count as
 *   dropped too (they may still arrive). Repeated until the new readings fit.
 * - `refuse-new`: `append` rejects with SpoolFullError and stores none of its readings.
 * Either way an append larger than the whole bound is refused with SpoolFullError.
 */
import { EventEmitter } from 'node:events';
import { type FileHandle, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadingInput } from '../../common/contract.ts';
import type { Logger } from '../../common/log.ts';
import type { GatewayConfig } from '../config.ts';
import { readAckCursor, syncDirectory, writeAckCursor } from './spool-ack-cursor.ts';
import { encodeRecords, MAX_RECORD_PAYLOAD_BYTES, RECORD_OVERHEAD_BYTES } from './spool-record.ts';
import { readSegmentRecords, type SegmentItem } from './spool-segment-scan.ts';

export type SpoolFullPolicy = GatewayConfig['spool']['whenFull'];

export interface ReadingSpoolOptions {
  dir: string;
  /** Bound on the segment files' total size (RPM_SPOOL_MAX_BYTES), at least 64 KiB. */
  maxBytes: number;
  whenFull: SpoolFullPolicy;
  /** Target size of one segment file; default min(4 MiB, maxBytes / 8), at most maxBytes / 2. */
  segmentBytes?: number;
  /** Longest delay before an acknowledgement reaches the cursor on disk; default 1000 ms. */
  ackSyncIntervalMs?: number;
  /** Acknowledged readings that make the cursor be written at once; default 500. */
  ackSyncReadings?: number;
  log: Logger;
}

export interface AppendResult {
  firstSeq: number;
  lastSeq: number;
  /** Segments deleted by the `drop-oldest` policy to make room (usually none). */
  dropped: DroppedSegment[];
}

export interface DroppedSegment {
  segment: string;
  /** Unacknowledged readings deleted with it. */
  readings: number;
  /** Earliest and latest sample time among them (null when none). */
  oldestTime: string | null;
  newestTime: string | null;
}

/** Readings handed out by `nextBatch`; give it back to `ack` or `release`. */
export interface SpoolBatch {
  readonly id: number;
  readonly count: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** The readings as a JSON array, byte for byte as appended: `[{...},{...}]`. */
  readonly readingsJson: Buffer;
  readings(): ReadingInput[];
}

export interface SpoolStats {
  /** Readings on disk not yet acknowledged (including those in flight). */
  pending: number;
  inFlight: number;
  bytesOnDisk: number;
  segments: number;
  /** Sample time of the first unacknowledged reading in spool (arrival) order. */
  oldestPendingTime: string | null;
  /** Since open: readings deleted by `drop-oldest`, and readings lost to damaged records. */
  droppedReadings: number;
  lostReadings: number;
  /** Since open: fsync rounds of appended records (group commits). */
  commits: number;
}

export class SpoolOptionsError extends Error {
  constructor(
    readonly setting: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`reading spool ${setting} = ${JSON.stringify(value)}: expected ${expected}`);
    this.name = 'SpoolOptionsError';
  }
}

export class SpoolFullError extends Error {
  constructor(
    readonly dir: string,
    readonly maxBytes: number,
    readonly bytesOnDisk: number,
    readonly requestedBytes: number,
    readonly policy: SpoolFullPolicy,
  ) {
    super(
      `reading spool ${dir} is full: ${bytesOnDisk} of its ${maxBytes}-byte bound (RPM_SPOOL_MAX_BYTES) in use, ` +
        `${requestedBytes} bytes more refused (RPM_SPOOL_WHEN_FULL=${policy})`,
    );
    this.name = 'SpoolFullError';
  }
}

export class ReadingTooLargeError extends Error {
  constructor(
    readonly readingId: string,
    readonly bytes: number,
  ) {
    super(
      `reading ${readingId} is ${bytes} bytes of JSON; the spool takes at most ${MAX_RECORD_PAYLOAD_BYTES}`,
    );
    this.name = 'ReadingTooLargeError';
  }
}

export class SpoolClosedError extends Error {
  constructor(
    readonly dir: string,
    readonly operation: string,
  ) {
    super(`reading spool ${dir} is closed: cannot ${operation}`);
    this.name = 'SpoolClosedError';
  }
}

/** A write failed (disk full, I/O error): the spool takes no more appends until reopened. */
export class SpoolWriteError extends Error {
  constructor(
    readonly segment: string,
    override readonly cause: unknown,
  ) {
    super(
      `writing spool segment ${segment} failed: ${(cause as Error).message}; reopen the spool to recover`,
    );
    this.name = 'SpoolWriteError';
  }
}

interface Segment {
  /** Sequence numbers in the segment are at least this. */
  readonly firstSeq: number;
  readonly name: string;
  readonly path: string;
  /** Last sequence number assigned to the segment (firstSeq - 1 while empty). */
  lastSeq: number;
  /** Bytes written or queued for writing, and bytes known to be on disk (fsynced). */
  bytes: number;
  durableBytes: number;
  /** No more appends go to a sealed segment. */
  sealed: boolean;
  onDisk: boolean;
}

/** A contiguous run of readings of one segment handed out together (in flight or released). */
interface Run {
  segment: Segment;
  firstSeq: number;
  lastSeq: number;
  count: number;
  startOffset: number;
  endOffset: number;
}

interface QueuedWrite {
  segment: Segment;
  data: Buffer;
  lastSeq: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Runs tasks one at a time, in call order. */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

const SEGMENT_NAME = /^(\d{16})\.seg$/;
const MIN_MAX_BYTES = 64 * 1024;
const MIN_SEGMENT_BYTES = 1024;
const DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024;

function segmentAt(dir: string, firstSeq: number, onDisk: boolean): Segment {
  const name = `${String(firstSeq).padStart(16, '0')}.seg`;
  return {
    firstSeq,
    name,
    path: join(dir, name),
    lastSeq: firstSeq - 1,
    bytes: 0,
    durableBytes: 0,
    sealed: false,
    onDisk,
  };
}

function checkInt(setting: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SpoolOptionsError(setting, value, `a whole number from ${min} to ${max}`);
  }
  return value;
}

async function writeAll(fh: FileHandle, data: Buffer): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done);
    done += bytesWritten;
  }
}

function sampleTime(payload: Buffer): string | undefined {
  const time: unknown = (JSON.parse(payload.toString('utf8')) as { time?: unknown }).time;
  return typeof time === 'string' ? time : undefined;
}

export class ReadingSpool extends EventEmitter<{ readable: [] }> {
  private readonly dir: string;
  private readonly maxBytes: number;
  private readonly whenFull: SpoolFullPolicy;
  private readonly segmentBytes: number;
  private readonly ackSyncIntervalMs: number;
  private readonly ackSyncReadings: number;
  private readonly log: Logger;

  private readonly segments: Segment[];
  private nextSeq: number;
  private durableThrough: number;
  /** The next reading never handed out. */
  private cursor: { segment: Segment; offset: number; seq: number };
  private readonly inFlight = new Map<number, Run>();
  /** Released runs, oldest first; served before the cursor. */
  private released: Run[] = [];
  private lastBatchId = 0;
  /** Readings of a released run being read back by nextBatch. */
  private collecting = 0;
  /** The last sequence number of a spot (not streamed) append. */
  private spotThrough = 0;
  private persistedAckedThrough: number;

  private readonly queue: QueuedWrite[] = [];
  private writer: Promise<void> | undefined;
  private writeHandle: { segment: Segment; fh: FileHandle } | undefined;
  private writeFailure: SpoolWriteError | undefined;
  private reader: { segment: Segment; fh: FileHandle } | undefined;
  /** Appends pass one at a time through the size check; reads and deletions share `files`. */
  private readonly admission = new SerialQueue();
  private readonly files = new SerialQueue();
  private ackWrites: Promise<void> = Promise.resolve();
  /** A cursor write is queued and has not yet looked at what to write. */
  private ackWriteQueued = false;
  private ackTimer: NodeJS.Timeout | undefined;
  /** Readings acknowledged since the last cursor write started. */
  private unsyncedAcks = 0;
  private readonly reportedDamage = new Set<string>();
  private closed = false;
  private counters = { dropped: 0, lost: 0, commits: 0 };

  private constructor(
    o: ReadingSpoolOptions,
    segmentBytes: number,
    state: { segments: Segment[]; ackedThrough: number; nextSeq: number },
  ) {
    super();
    this.dir = o.dir;
    this.maxBytes = o.maxBytes;
    this.whenFull = o.whenFull;
    this.segmentBytes = segmentBytes;
    this.ackSyncIntervalMs = o.ackSyncIntervalMs ?? 1000;
    this.ackSyncReadings = o.ackSyncReadings ?? 500;
    this.log = o.log.child({ component: 'spool' });
    this.segments = state.segments;
    this.nextSeq = state.nextSeq;
    this.durableThrough = state.nextSeq - 1;
    this.persistedAckedThrough = state.ackedThrough;
    // Readings below the oldest segment were acknowledged or dropped, even if the cursor file was lost.
    const firstPending = Math.max(state.ackedThrough + 1, state.segments[0]?.firstSeq ?? 0);
    const segment =
      state.segments.findLast((s) => s.firstSeq <= firstPending) ?? this.segments[0] ?? this.activeSegment();
    this.cursor = { segment, offset: 0, seq: firstPending };
  }

  /** Opens (creating if needed) the spool in `o.dir`, repairing a torn write left by a crash. */
  static async open(o: ReadingSpoolOptions): Promise<ReadingSpool> {
    checkInt('maxBytes', o.maxBytes, MIN_MAX_BYTES);
    const segmentBytes = checkInt(
      'segmentBytes',
      o.segmentBytes ?? Math.min(DEFAULT_SEGMENT_BYTES, Math.floor(o.maxBytes / 8)),
      MIN_SEGMENT_BYTES,
      Math.floor(o.maxBytes / 2),
    );
    checkInt('ackSyncIntervalMs', o.ackSyncIntervalMs ?? 1000, 0, 3_600_000);
    checkInt('ackSyncReadings', o.ackSyncReadings ?? 500, 1);
    const log = o.log.child({ component: 'spool' });
    await mkdir(o.dir, { recursive: true });
    const ackedThrough = await readAckCursor(o.dir, log);
    const found = (await readdir(o.dir))
      .map((name) => SEGMENT_NAME.exec(name)?.[1])
      .filter((digits) => digits !== undefined)
      .map((digits) => segmentAt(o.dir, Number(digits), true))
      .sort((a, b) => a.firstSeq - b.firstSeq);

    const segments: Segment[] = [];
    for (const [i, segment] of found.entries()) {
      const next = found[i + 1];
      if (!next) break;
      segment.lastSeq = next.firstSeq - 1;
      segment.sealed = true;
      if (segment.lastSeq <= ackedThrough) {
        await unlink(segment.path);
        continue;
      }
      segment.bytes = segment.durableBytes = (await stat(segment.path)).size;
      segments.push(segment);
    }
    const last = found.at(-1);
    if (last) {
      await ReadingSpool.repairTail(last, log);
      segments.push(last);
    }
    const nextSeq = Math.max(ackedThrough + 1, (last?.lastSeq ?? 0) + 1);
    return new ReadingSpool(o, segmentBytes, { segments, ackedThrough, nextSeq });
  }

  /** Scans the last segment: finds its last good record and truncates a torn write after it. */
  private static async repairTail(segment: Segment, log: Logger): Promise<void> {
    const fh = await open(segment.path, 'r+');
    try {
      const size = (await fh.stat()).size;
      let good = 0;
      for await (const item of readSegmentRecords(fh, 0, size)) {
        if (item.kind === 'record') {
          good = item.offset + item.size;
          segment.lastSeq = item.seq;
        }
      }
      if (good < size) {
        log.warn(
          { segment: segment.name, offset: good, bytes: size - good },
          'truncated an incomplete write at the end of the spool',
        );
        await fh.truncate(good);
      }
      await fh.datasync();
      segment.bytes = segment.durableBytes = good;
    } finally {
      await fh.close();
    }
  }

  /** Readings on disk (or being written) not yet acknowledged, including those in flight. */
  get pending(): number {
    return (
      this.nextSeq -
      this.cursor.seq +
      this.countRuns(this.inFlight.values()) +
      this.countRuns(this.released) +
      this.collecting
    );
  }

  /**
   * Whether a spot measurement (an append not marked `stream`) waits to be handed out: the
   * publisher sends it at once rather than waiting to batch it with streamed readings. Kept
   * in memory: after a restart whatever was spooled goes at once anyway.
   */
  get spotWaiting(): boolean {
    return (
      this.spotThrough >= this.cursor.seq || this.released.some((run) => run.firstSeq <= this.spotThrough)
    );
  }

  /** Readings `nextBatch` can hand out now (an upper bound when records turn out damaged). */
  get available(): number {
    return Math.max(0, this.durableThrough - this.cursor.seq + 1) + this.countRuns(this.released);
  }

  /**
   * Stores readings durably: resolves once they are fsynced. Rejects with SpoolFullError
   * (policy `refuse-new`, or more readings than the whole bound), ReadingTooLargeError,
   * SpoolWriteError or SpoolClosedError; on rejection none of `readings` is stored.
   */
  async append(readings: readonly ReadingInput[], how: { stream?: boolean } = {}): Promise<AppendResult> {
    this.assertOpen('append readings');
    if (this.writeFailure) throw this.writeFailure;
    const payloads = readings.map((r) => {
      const payload = Buffer.from(JSON.stringify(r), 'utf8');
      if (payload.length > MAX_RECORD_PAYLOAD_BYTES) throw new ReadingTooLargeError(r.id, payload.length);
      return payload;
    });
    const requested = payloads.reduce((sum, p) => sum + p.length + RECORD_OVERHEAD_BYTES, 0);
    const admitted = await this.admission.run(async () => {
      this.assertOpen('append readings');
      const dropped = await this.makeRoom(requested);
      const enqueued = this.enqueue(payloads);
      // Before the write is durable, which wakes the publisher: it must see the spot reading.
      if (!how.stream) this.spotThrough = Math.max(this.spotThrough, enqueued.lastSeq);
      return { ...enqueued, dropped };
    });
    await admitted.written;
    return { firstSeq: admitted.firstSeq, lastSeq: admitted.lastSeq, dropped: admitted.dropped };
  }

  /**
   * The oldest readings not in flight, at most `maxReadings` and at most `maxBytes` of JSON
   * array (always at least one reading when any is available); undefined when none is.
   * A batch never spans two segments.
   */
  async nextBatch(maxReadings: number, maxBytes: number): Promise<SpoolBatch | undefined> {
    this.assertOpen('hand out readings');
    checkInt('nextBatch maxReadings', maxReadings, 1);
    checkInt('nextBatch maxBytes', maxBytes, 1);
    return this.files.run(async () => {
      for (;;) {
        const run = this.released.shift();
        if (run) {
          // Still pending while it is read back: neither released nor in flight meanwhile.
          this.collecting = run.count;
          const got = await this.collect(run.segment, run.startOffset, run.endOffset, run.firstSeq, {
            maxReadings,
            maxBytes,
          }).finally(() => {
            this.collecting = 0;
          });
          if (got.end < run.endOffset) {
            this.released.unshift({
              ...run,
              firstSeq: got.lastSeq + 1,
              count: run.count - got.count,
              startOffset: got.end,
            });
          } else {
            this.countLost(run.segment, run.firstSeq, run.count - got.count);
          }
          if (got.count > 0) return this.handOut(run.segment, run.startOffset, got);
          continue;
        }
        const { segment, offset, seq } = this.cursor;
        if (offset >= segment.durableBytes) {
          const next = this.segments[this.segments.indexOf(segment) + 1];
          if (!segment.sealed || segment.durableBytes < segment.bytes || !next) return undefined;
          this.countLost(segment, seq, segment.lastSeq + 1 - seq);
          this.cursor = { segment: next, offset: 0, seq: Math.max(seq, segment.lastSeq + 1) };
          continue;
        }
        const got = await this.collect(segment, offset, segment.durableBytes, seq, { maxReadings, maxBytes });
        this.countLost(segment, got.firstMissing, got.missing);
        this.cursor = { segment, offset: got.end, seq: got.count > 0 ? got.lastSeq + 1 : seq };
        if (got.count > 0) return this.handOut(segment, offset, got);
      }
    });
  }

  /** The broker has the batch: its readings leave the spool. Unknown or dropped batches are ignored. */
  ack(batch: SpoolBatch): void {
    const run = this.inFlight.get(batch.id);
    if (!run) return;
    this.inFlight.delete(batch.id);
    this.unsyncedAcks += run.count;
    if (this.unsyncedAcks >= this.ackSyncReadings) void this.syncAcks();
    else if (this.ackedThrough() > this.persistedAckedThrough) this.scheduleAckSync();
  }

  /** Delivery failed: the batch's readings go back to the front of the queue. */
  release(batch: SpoolBatch): void {
    const run = this.inFlight.get(batch.id);
    if (!run) return;
    this.inFlight.delete(batch.id);
    const at = this.released.findIndex((r) => r.firstSeq > run.firstSeq);
    this.released.splice(at < 0 ? this.released.length : at, 0, run);
    this.emit('readable');
  }

  /** Writes the acknowledgement cursor now (it is otherwise written within `ackSyncIntervalMs`). */
  syncAcks(): Promise<void> {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    if (this.ackWriteQueued) return this.ackWrites;
    this.ackWriteQueued = true;
    this.ackWrites = this.ackWrites.then(() => {
      this.ackWriteQueued = false;
      this.unsyncedAcks = 0;
      return this.writeAcks().catch((err: Error) => {
        this.log.error(
          { err: err.message, dir: this.dir },
          'writing the spool acknowledgement cursor failed',
        );
      });
    });
    return this.ackWrites;
  }

  async stats(): Promise<SpoolStats> {
    return {
      pending: this.pending,
      inFlight: this.countRuns(this.inFlight.values()),
      bytesOnDisk: this.bytesOnDisk(),
      segments: this.segments.filter((s) => s.onDisk).length,
      oldestPendingTime: await this.files.run(() => this.firstPendingTime()),
      droppedReadings: this.counters.dropped,
      lostReadings: this.counters.lost,
      commits: this.counters.commits,
    };
  }

  /** Finishes queued writes, writes the cursor and closes the files. Pending readings stay on disk. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.admission.run(async () => undefined);
    await this.writesSettled();
    await this.syncAcks();
    await this.files.run(() => this.closeReader());
    if (this.writeHandle) {
      await this.writeHandle.fh.close();
      this.writeHandle = undefined;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Writing

  private assertOpen(operation: string): void {
    if (this.closed) throw new SpoolClosedError(this.dir, operation);
  }

  private bytesOnDisk(): number {
    return this.segments.reduce((sum, s) => sum + s.bytes, 0);
  }

  private activeSegment(): Segment {
    const last = this.segments.at(-1);
    if (last && !last.sealed) return last;
    const segment = segmentAt(this.dir, this.nextSeq, false);
    this.segments.push(segment);
    return segment;
  }

  private roll(): Segment {
    this.activeSegment().sealed = true;
    return this.activeSegment();
  }

  /** Assigns sequence numbers and segments, and queues the records for the writer. */
  private enqueue(payloads: readonly Buffer[]): {
    firstSeq: number;
    lastSeq: number;
    written: Promise<void>;
  } {
    const firstSeq = this.nextSeq;
    if (payloads.length === 0) return { firstSeq, lastSeq: firstSeq - 1, written: Promise.resolve() };
    const groups: { segment: Segment; firstSeq: number; payloads: Buffer[] }[] = [];
    for (const payload of payloads) {
      const size = payload.length + RECORD_OVERHEAD_BYTES;
      let segment = this.activeSegment();
      if (segment.bytes > 0 && segment.bytes + size > this.segmentBytes) segment = this.roll();
      segment.bytes += size;
      segment.lastSeq = this.nextSeq;
      const group = groups.at(-1);
      if (group?.segment === segment) group.payloads.push(payload);
      else groups.push({ segment, firstSeq: this.nextSeq, payloads: [payload] });
      this.nextSeq++;
    }
    const written = groups.map(
      (g) =>
        new Promise<void>((resolve, reject) => {
          const data = encodeRecords(g.firstSeq, g.payloads);
          const lastSeq = g.firstSeq + g.payloads.length - 1;
          this.queue.push({ segment: g.segment, data, lastSeq, resolve, reject });
        }),
    );
    this.writer ??= this.runWriter();
    return { firstSeq, lastSeq: this.nextSeq - 1, written: Promise.all(written).then(() => undefined) };
  }

  /** Group commit: writes everything queued, one fsync for all of it, then resolves the appends. */
  private async runWriter(): Promise<void> {
    for (;;) {
      const round = this.queue.splice(0);
      if (round.length === 0) {
        // Cleared in the same tick as the queue was seen empty, so no append is ever stranded.
        this.writer = undefined;
        return;
      }
      let current = round[0]?.segment;
      try {
        let createdFile = false;
        for (const write of round) {
          current = write.segment;
          if (this.writeHandle?.segment !== write.segment) {
            if (this.writeHandle) {
              // A segment is complete on disk before the next one exists.
              await this.writeHandle.fh.datasync();
              await this.writeHandle.fh.close();
              this.writeHandle = undefined;
            }
            createdFile ||= !write.segment.onDisk;
            this.writeHandle = { segment: write.segment, fh: await open(write.segment.path, 'a') };
            write.segment.onDisk = true;
          }
          await writeAll(this.writeHandle.fh, write.data);
        }
        await this.writeHandle?.fh.datasync();
        if (createdFile) await syncDirectory(this.dir);
      } catch (err) {
        this.writeFailure = new SpoolWriteError(current?.name ?? '(none)', err);
        this.log.error({ err: (err as Error).message, segment: current?.name }, 'spool write failed');
        for (const write of [...round, ...this.queue.splice(0)]) write.reject(this.writeFailure);
        this.writer = undefined;
        return;
      }
      this.counters.commits++;
      for (const write of round) {
        write.segment.durableBytes += write.data.length;
        this.durableThrough = write.lastSeq;
        write.resolve();
      }
      this.emit('readable');
    }
  }

  private async writesSettled(): Promise<void> {
    while (this.writer) await this.writer;
  }

  /** Applies the size bound before `requested` more bytes are written. */
  private async makeRoom(requested: number): Promise<DroppedSegment[]> {
    const dropped: DroppedSegment[] = [];
    if (this.bytesOnDisk() + requested <= this.maxBytes) return dropped;
    const full = () =>
      new SpoolFullError(this.dir, this.maxBytes, this.bytesOnDisk(), requested, this.whenFull);
    if (requested > this.maxBytes) throw full();
    await this.reclaim();
    while (this.bytesOnDisk() + requested > this.maxBytes) {
      const active = this.activeSegment();
      const oldest = this.segments[0];
      if (this.whenFull === 'refuse-new' || !oldest || (oldest === active && active.bytes === 0))
        throw full();
      if (oldest === active) this.roll();
      dropped.push(await this.dropOldest());
    }
    return dropped;
  }

  /** Frees acknowledged space: cursor to disk, acknowledged segments deleted (the active one too). */
  private async reclaim(): Promise<void> {
    await this.syncAcks();
    const active = this.activeSegment();
    if (active.bytes > 0 && active.lastSeq <= this.persistedAckedThrough) {
      this.roll();
      await this.writesSettled();
      await this.files.run(() => this.deleteAckedSegments());
    }
  }

  private async dropOldest(): Promise<DroppedSegment> {
    await this.writesSettled();
    return this.files.run(async () => {
      const victim = this.segments[0];
      if (!victim) throw new SpoolFullError(this.dir, this.maxBytes, 0, 0, this.whenFull);
      const runs = [...this.inFlight.entries()].filter(([, run]) => run.segment === victim);
      const releasedHere = this.released.filter((run) => run.segment === victim);
      const unsentFrom = this.cursor.segment === victim ? this.cursor.seq : Number.POSITIVE_INFINITY;
      const handedOut = [...runs.map(([, run]) => run), ...releasedHere];
      const isPending = (seq: number) =>
        seq >= unsentFrom || handedOut.some((r) => seq >= r.firstSeq && seq <= r.lastSeq);
      let readings = 0;
      let oldestTime: string | null = null;
      let newestTime: string | null = null;
      for await (const item of this.segmentRecords(victim, 0, victim.durableBytes)) {
        if (item.kind !== 'record' || !isPending(item.seq)) continue;
        readings++;
        const time = sampleTime(item.payload);
        if (time !== undefined && (oldestTime === null || time < oldestTime)) oldestTime = time;
        if (time !== undefined && (newestTime === null || time > newestTime)) newestTime = time;
      }
      for (const [id] of runs) this.inFlight.delete(id);
      this.released = this.released.filter((run) => run.segment !== victim);
      await this.deleteSegment(victim);
      this.counters.dropped += readings;
      this.log.warn(
        { segment: victim.name, readings, oldestTime, newestTime, maxBytes: this.maxBytes },
        'spool full: deleted the oldest unsent readings (RPM_SPOOL_WHEN_FULL=drop-oldest)',
      );
      this.scheduleAckSync();
      return { segment: victim.name, readings, oldestTime, newestTime };
    });
  }

  /**
   * Removes the oldest segment, which is sealed (file and bookkeeping); the cursor moves past it.
   * Call within `files`.
   */
  private async deleteSegment(segment: Segment): Promise<void> {
    if (this.reader?.segment === segment) await this.closeReader();
    if (segment.onDisk) await unlink(segment.path);
    this.segments.splice(this.segments.indexOf(segment), 1);
    if (this.cursor.segment === segment) {
      const next = this.segments[0] ?? this.activeSegment();
      this.cursor = { segment: next, offset: 0, seq: Math.max(this.cursor.seq, segment.lastSeq + 1) };
    }
  }

  // ---------------------------------------------------------------------------------------
  // Acknowledgement cursor

  /** Every reading up to this sequence number is acknowledged (or dropped, or lost). */
  private ackedThrough(): number {
    let first = this.cursor.seq;
    for (const run of this.inFlight.values()) first = Math.min(first, run.firstSeq);
    for (const run of this.released) first = Math.min(first, run.firstSeq);
    return first - 1;
  }

  private scheduleAckSync(): void {
    if (this.ackTimer || this.closed) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      void this.syncAcks();
    }, this.ackSyncIntervalMs);
    this.ackTimer.unref();
  }

  private async writeAcks(): Promise<void> {
    const target = this.ackedThrough();
    if (target > this.persistedAckedThrough) {
      await writeAckCursor(this.dir, target);
      this.persistedAckedThrough = target;
    }
    await this.files.run(() => this.deleteAckedSegments());
  }

  private async deleteAckedSegments(): Promise<void> {
    for (;;) {
      const oldest = this.segments[0];
      if (!oldest?.sealed || oldest.lastSeq > this.persistedAckedThrough) return;
      await this.deleteSegment(oldest);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Reading

  private async closeReader(): Promise<void> {
    const reader = this.reader;
    this.reader = undefined;
    await reader?.fh.close();
  }

  private async *segmentRecords(segment: Segment, from: number, to: number): AsyncGenerator<SegmentItem> {
    if (from >= to) return;
    if (this.reader?.segment !== segment) {
      await this.closeReader();
      this.reader = { segment, fh: await open(segment.path, 'r') };
    }
    for await (const item of readSegmentRecords(this.reader.fh, from, to)) {
      if (item.kind === 'damaged') this.reportDamage(segment, item);
      yield item;
    }
  }

  private reportDamage(segment: Segment, item: Extract<SegmentItem, { kind: 'damaged' }>): void {
    const key = `${segment.name}:${item.offset}`;
    if (this.reportedDamage.has(key)) return;
    this.reportedDamage.add(key);
    this.log.error(
      {
        segment: segment.name,
        offset: item.offset,
        bytes: item.resumeAt - item.offset,
        problem: item.problem,
      },
      'damaged spool record skipped',
    );
  }

  /** `readings` expected from sequence number `fromSeq` on were not found: count and report them. */
  private countLost(segment: Segment, fromSeq: number, readings: number): void {
    if (readings <= 0) return;
    this.counters.lost += readings;
    this.log.error({ segment: segment.name, fromSeq, readings }, 'readings lost to spool damage');
  }

  /** Reads readings numbered from `fromSeq` out of bytes `from` .. `to` of a segment, within limits. */
  private async collect(
    segment: Segment,
    from: number,
    to: number,
    fromSeq: number,
    limits: { maxReadings: number; maxBytes: number },
  ) {
    const payloads: Buffer[] = [];
    let bytes = 2; // [ and ]
    let firstSeq = fromSeq;
    let lastSeq = fromSeq - 1;
    let end = from;
    // Sequence numbers skipped between the first expected and the last read belong to damaged records.
    let missing = 0;
    let firstMissing = fromSeq;
    for await (const item of this.segmentRecords(segment, from, to)) {
      if (item.kind === 'damaged') {
        end = item.resumeAt;
        continue;
      }
      if (item.seq < fromSeq) {
        end = item.offset + item.size;
        continue;
      }
      const add = item.payload.length + (payloads.length > 0 ? 1 : 0);
      if (payloads.length >= limits.maxReadings || (payloads.length > 0 && bytes + add > limits.maxBytes))
        break;
      if (payloads.length === 0) firstSeq = item.seq;
      if (item.seq > lastSeq + 1 && missing === 0) firstMissing = lastSeq + 1;
      missing += item.seq - (lastSeq + 1);
      payloads.push(item.payload);
      bytes += add;
      lastSeq = item.seq;
      end = item.offset + item.size;
    }
    return { payloads, bytes, firstSeq, lastSeq, end, count: payloads.length, missing, firstMissing };
  }

  private handOut(
    segment: Segment,
    startOffset: number,
    got: { payloads: Buffer[]; bytes: number; firstSeq: number; lastSeq: number; end: number; count: number },
  ): SpoolBatch {
    const json = Buffer.allocUnsafe(got.bytes);
    json[0] = 0x5b; // [
    let at = 1;
    got.payloads.forEach((payload, i) => {
      if (i > 0) json[at++] = 0x2c; // ,
      at += payload.copy(json, at);
    });
    json[at] = 0x5d; // ]
    const id = ++this.lastBatchId;
    const { firstSeq, lastSeq, count, end } = got;
    this.inFlight.set(id, { segment, firstSeq, lastSeq, count, startOffset, endOffset: end });
    return {
      id,
      count,
      firstSeq,
      lastSeq,
      readingsJson: json,
      readings: () => JSON.parse(json.toString('utf8')) as ReadingInput[],
    };
  }

  private countRuns(runs: Iterable<Run>): number {
    let n = 0;
    for (const run of runs) n += run.count;
    return n;
  }

  /** Sample time of the first unacknowledged reading in spool order. Call within `files`. */
  private async firstPendingTime(): Promise<string | null> {
    let head = { segment: this.cursor.segment, offset: this.cursor.offset, seq: this.cursor.seq };
    for (const run of [...this.inFlight.values(), ...this.released]) {
      if (run.firstSeq < head.seq)
        head = { segment: run.segment, offset: run.startOffset, seq: run.firstSeq };
    }
    for (let i = this.segments.indexOf(head.segment); i >= 0 && i < this.segments.length; i++) {
      const segment = this.segments[i];
      if (!segment) break;
      const from = segment === head.segment ? head.offset : 0;
      for await (const item of this.segmentRecords(segment, from, segment.durableBytes)) {
        if (item.kind === 'record' && item.seq >= head.seq) return sampleTime(item.payload) ?? null;
      }
    }
    return null;
  }
}
