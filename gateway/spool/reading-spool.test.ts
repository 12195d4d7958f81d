import { appendFile, mkdtemp, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReadingInput } from '../../common/contract.ts';
import {
  ReadingSpool,
  type ReadingSpoolOptions,
  ReadingTooLargeError,
  SpoolClosedError,
  SpoolFullError,
  SpoolOptionsError,
} from './reading-spool.ts';
import { RECORD_OVERHEAD_BYTES } from './spool-record.ts';

const START = Date.UTC(2026, 10, 24, 8, 0, 0);
const reading = (n: number): ReadingInput => ({
  id: `hr-strap-1:heart_rate:${n}`,
  patientId: 'P100',
  deviceId: 'hr-strap-1',
  metric: 'heart_rate',
  value: 60 + (n % 40),
  unit: '/min',
  time: new Date(START + n * 1000).toISOString(),
});
const readings = (from: number, count: number) => Array.from({ length: count }, (_, i) => reading(from + i));
const ids = (list: readonly ReadingInput[]) => list.map((r) => r.id);
const recordSize = (n: number) => Buffer.byteLength(JSON.stringify(reading(n))) + RECORD_OVERHEAD_BYTES;

type LogLine = { level: number; msg: string } & Record<string, unknown>;

const opened: ReadingSpool[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

async function spoolDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'rpm-spool-'));
}

/** Opens a spool whose log lines are collected in `lines`. Spools opened here are closed after each test. */
async function openSpool(dir: string, options: Partial<ReadingSpoolOptions> = {}) {
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  const spool = await ReadingSpool.open({
    dir,
    maxBytes: 1024 * 1024,
    whenFull: 'drop-oldest',
    segmentBytes: 1024,
    ackSyncIntervalMs: 0,
    log,
    ...options,
  });
  opened.push(spool);
  return { spool, lines };
}

/**
 * A spool abandoned without `close`, as a SIGKILL leaves it (its appends had resolved). Kept
 * referenced so that its file handles are not garbage-collected in the middle of the run.
 */
const abandoned: ReadingSpool[] = [];
function crash(spool: ReadingSpool): void {
  abandoned.push(...opened.splice(opened.indexOf(spool), 1));
}

/** Takes every reading the spool hands out, acknowledging each batch. */
async function drain(spool: ReadingSpool, maxReadings = 7, maxBytes = 64 * 1024): Promise<ReadingInput[]> {
  const out: ReadingInput[] = [];
  for (let batch = await spool.nextBatch(maxReadings, maxBytes); batch; ) {
    out.push(...batch.readings());
    spool.ack(batch);
    batch = await spool.nextBatch(maxReadings, maxBytes);
  }
  return out;
}

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.seg')).sort();
}

describe('reading spool: durability', () => {
  it('keeps appended readings across reopen and hands them out oldest first across segments', async () => {
    const dir = await spoolDir();
    const first = await openSpool(dir);
    await first.spool.append(readings(0, 15));
    await first.spool.append(readings(15, 25));
    expect(await first.spool.append([])).toEqual({ firstSeq: 41, lastSeq: 40, dropped: [] });
    expect(first.spool.pending).toBe(40);
    await first.spool.close();
    expect((await segmentFiles(dir)).length).toBeGreaterThan(4); // 1 KiB segments of ~180-byte records

    const second = await openSpool(dir);
    expect(second.spool.pending).toBe(40);
    expect(ids(await drain(second.spool))).toEqual(ids(readings(0, 40)));
    await second.spool.close();

    const third = await openSpool(dir);
    expect(third.spool.pending).toBe(0);
    expect(await third.spool.nextBatch(10, 64 * 1024)).toBeUndefined();
    expect((await segmentFiles(dir)).length).toBe(1); // acknowledged segments deleted, the active one kept
  });

  it('hands the same readings out again after a crash between append and acknowledgement', async () => {
    const dir = await spoolDir();
    const { spool } = await openSpool(dir);
    await spool.append(readings(0, 12));
    const batch = await spool.nextBatch(12, 64 * 1024);
    expect(batch?.count).toBeGreaterThan(0);
    crash(spool);

    const reopened = await openSpool(dir);
    expect(reopened.spool.pending).toBe(12);
    expect(ids(await drain(reopened.spool))).toEqual(ids(readings(0, 12)));
  });

  it('does not hand out again what was acknowledged before a crash, once the cursor is synced', async () => {
    const dir = await spoolDir();
    const { spool } = await openSpool(dir);
    await spool.append(readings(0, 20));
    const acked = await spool.nextBatch(8, 64 * 1024);
    const unacked = await spool.nextBatch(8, 64 * 1024);
    if (!acked || !unacked) throw new Error('expected two batches');
    spool.ack(acked);
    await spool.syncAcks();
    crash(spool);

    const reopened = await openSpool(dir);
    expect(reopened.spool.pending).toBe(20 - acked.count);
    expect(ids(await drain(reopened.spool))).toEqual(ids(readings(acked.count, 20 - acked.count)));
  });

  it('advances the cursor on disk only over the contiguous acknowledged prefix when acks come out of order', async () => {
    const dir = await spoolDir();
    const { spool } = await openSpool(dir, { segmentBytes: 64 * 1024 });
    await spool.append(readings(0, 30));
    const [b1, b2, b3] = [
      await spool.nextBatch(10, 64 * 1024),
      await spool.nextBatch(10, 64 * 1024),
      await spool.nextBatch(10, 64 * 1024),
    ];
    if (!b1 || !b2 || !b3) throw new Error('expected three batches');
    spool.ack(b3);
    spool.ack(b2);
    expect(spool.pending).toBe(10);
    await spool.syncAcks();
    crash(spool);

    // b1 was never acknowledged: everything from it on comes again (b2, b3 as harmless duplicates).
    const second = await openSpool(dir, { segmentBytes: 64 * 1024 });
    expect(second.spool.pending).toBe(30);
    const again = await second.spool.nextBatch(10, 64 * 1024);
    if (!again) throw new Error('expected a batch');
    expect(ids(again.readings())).toEqual(ids(readings(0, 10)));
    second.spool.ack(again);
    await second.spool.syncAcks();
    crash(second.spool);

    const third = await openSpool(dir, { segmentBytes: 64 * 1024 });
    expect(ids(await drain(third.spool))).toEqual(ids(readings(10, 20)));
  });

  it('writes the cursor at once when enough acknowledged readings wait, bounding what a crash re-sends', async () => {
    const dir = await spoolDir();
    const { spool } = await openSpool(dir, { ackSyncIntervalMs: 3_600_000, ackSyncReadings: 10 });
    await spool.append(readings(0, 30));
    const take = async () => {
      const batch = await spool.nextBatch(5, 64 * 1024);
      if (!batch) throw new Error('expected a batch');
      spool.ack(batch);
    };
    await take();
    await take(); // 10 acknowledged: the cursor is written without waiting the hour
    await expect.poll(() => readFile(join(dir, 'acked.json'), 'utf8')).toBe('{"ackedThrough":10}');
    await take(); // 5 more wait for the interval
    crash(spool);

    const reopened = await openSpool(dir);
    expect(reopened.spool.pending).toBe(20);
    expect(ids(await drain(reopened.spool))).toEqual(ids(readings(10, 20)));
  });

  it('puts a released batch back in front of newer readings', async () => {
    const { spool } = await openSpool(await spoolDir(), { segmentBytes: 64 * 1024 });
    await spool.append(readings(0, 30));
    const b1 = await spool.nextBatch(10, 64 * 1024);
    const b2 = await spool.nextBatch(10, 64 * 1024);
    if (!b1 || !b2) throw new Error('expected two batches');
    spool.release(b1);
    spool.ack(b2);
    expect(spool.available).toBe(20);
    // A smaller limit splits the released run; its rest still comes before the unsent readings.
    const part = await spool.nextBatch(4, 64 * 1024);
    expect(ids(part?.readings() ?? [])).toEqual(ids(readings(0, 4)));
    expect(ids(await drain(spool, 10))).toEqual(ids([...readings(4, 6), ...readings(20, 10)]));
  });

  it('bounds a batch by the bytes of its JSON array, and the JSON is the readings exactly as appended', async () => {
    const { spool } = await openSpool(await spoolDir(), { segmentBytes: 64 * 1024 });
    await spool.append(readings(0, 10));
    // [ r0 , r1 , r2 ]
    const limit = readings(0, 3).reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r)) + 1, 1);
    const batch = await spool.nextBatch(100, limit);
    expect(batch?.count).toBe(3);
    expect(batch?.readingsJson.length).toBe(limit);
    expect(batch?.readingsJson.toString()).toBe(JSON.stringify(readings(0, 3)));
    // One reading is always handed out, even over the byte limit.
    expect((await spool.nextBatch(100, 10))?.count).toBe(1);
  });

  it('re-sends everything when the cursor file is unreadable, and says so', async () => {
    const dir = await spoolDir();
    const { spool } = await openSpool(dir);
    await spool.append(readings(0, 5));
    const batch = await spool.nextBatch(5, 64 * 1024);
    if (!batch) throw new Error('expected a batch');
    spool.ack(batch);
    await spool.close();
    await writeFile(join(dir, 'acked.json'), '{"ackedThr');

    const reopened = await openSpool(dir);
    expect(reopened.spool.pending).toBe(5);
    expect(reopened.lines.map((l) => l.msg)).toContain(
      'spool acknowledgement cursor unreadable: every spooled reading will be sent again',
    );
  });
});

describe('reading spool: damage', () => {
  /** A closed spool of 10 readings in one segment file. */
  async function tenReadingsOnDisk() {
    const dir = await spoolDir();
    const first = await openSpool(dir, { segmentBytes: 64 * 1024 });
    await first.spool.append(readings(0, 10));
    await first.spool.close();
    const [segment = ''] = await segmentFiles(dir);
    const file = join(dir, segment);
    return { dir, segment, file, size: (await stat(file)).size };
  }

  it('truncates a record torn in half at the end of the last segment, and appends cleanly after it', async () => {
    const { dir, segment, file, size: full } = await tenReadingsOnDisk();
    await truncate(file, full - 7);

    const reopened = await openSpool(dir, { segmentBytes: 64 * 1024 });
    expect(reopened.spool.pending).toBe(9);
    expect(reopened.lines).toContainEqual(
      expect.objectContaining({
        msg: 'truncated an incomplete write at the end of the spool',
        segment,
        offset: full - recordSize(9),
        bytes: recordSize(9) - 7,
      }),
    );
    await reopened.spool.append([reading(100)]);
    expect(ids(await drain(reopened.spool))).toEqual(ids([...readings(0, 9), reading(100)]));
  });

  it('truncates garbage written after the last good record', async () => {
    const { dir, file, size: good } = await tenReadingsOnDisk();
    // Zeros (as a power cut can leave) and a lone magic with a length but no body.
    await appendFile(
      file,
      Buffer.from('00 00 00 00 00 00 f5 52 53 31 40 00 00 00 0b'.replace(/ /g, ''), 'hex'),
    );

    const reopened = await openSpool(dir, { segmentBytes: 64 * 1024 });
    expect((await stat(file)).size).toBe(good);
    expect(reopened.spool.pending).toBe(10);
    expect(ids(await drain(reopened.spool))).toEqual(ids(readings(0, 10)));
  });

  it.each([
    { where: 'a sealed segment', segmentBytes: 1024 },
    { where: 'the last segment', segmentBytes: 64 * 1024 },
  ])(
    'skips and reports a record with a flipped byte in $where, and delivers the rest',
    async ({ segmentBytes }) => {
      const dir = await spoolDir();
      const first = await openSpool(dir, { segmentBytes });
      await first.spool.append(readings(0, 20));
      await first.spool.close();
      const segment = '0000000000000001.seg';
      const file = join(dir, segment);
      const offset = recordSize(0) + recordSize(1) + recordSize(2); // reading 3, the fourth record
      const bytes = await readFile(file);
      bytes[offset + 30] = (bytes[offset + 30] ?? 0) ^ 0x01;
      await writeFile(file, bytes);

      const reopened = await openSpool(dir, { segmentBytes });
      const delivered = await drain(reopened.spool);
      expect(ids(delivered)).toEqual(ids([...readings(0, 3), ...readings(4, 16)]));
      expect(reopened.lines).toContainEqual(
        expect.objectContaining({ msg: 'damaged spool record skipped', segment, offset, problem: 'crc' }),
      );
      expect(reopened.lines).toContainEqual(
        expect.objectContaining({ msg: 'readings lost to spool damage', segment, fromSeq: 4, readings: 1 }),
      );
      expect((await reopened.spool.stats()).lostReadings).toBe(1);
    },
  );
});

describe('reading spool: size bound', () => {
  const bounded = { maxBytes: 64 * 1024, segmentBytes: 8 * 1024 };

  it('drop-oldest deletes the oldest segment and reports exactly the unacknowledged readings it held', async () => {
    const { spool, lines } = await openSpool(await spoolDir(), { ...bounded, whenFull: 'drop-oldest' });
    await spool.append(readings(0, 10));
    const acked = await spool.nextBatch(10, 64 * 1024);
    if (!acked) throw new Error('expected a batch');
    spool.ack(acked);

    const total = 600; // about 100 KB of records for a 64 KiB bound
    const dropped = [];
    for (let n = 10; n < total; n += 10) {
      dropped.push(...(await spool.append(readings(n, 10))).dropped);
      expect((await spool.stats()).bytesOnDisk).toBeLessThanOrEqual(bounded.maxBytes);
    }
    expect(dropped.length).toBeGreaterThan(0);
    const droppedCount = dropped.reduce((sum, d) => sum + d.readings, 0);
    const rest = await drain(spool, 50);
    // Every reading is accounted for: acknowledged, dropped (the oldest ones) or delivered now.
    expect(10 + droppedCount + rest.length).toBe(total);
    expect(ids(rest)).toEqual(ids(readings(10 + droppedCount, rest.length)));
    expect(dropped[0]).toMatchObject({ segment: '0000000000000001.seg', oldestTime: reading(10).time });
    expect(dropped.at(-1)?.newestTime).toBe(reading(9 + droppedCount).time);
    expect((await spool.stats()).droppedReadings).toBe(droppedCount);
    const warnings = lines.filter((l) => l.msg.startsWith('spool full: deleted the oldest unsent readings'));
    expect(warnings.map((w) => [w.segment, w.readings])).toEqual(dropped.map((d) => [d.segment, d.readings]));
  });

  it('refuse-new rejects an append with SpoolFullError and keeps everything already spooled', async () => {
    const { spool } = await openSpool(await spoolDir(), { ...bounded, whenFull: 'refuse-new' });
    let appended = 0;
    let refused: unknown;
    while (!refused) {
      try {
        await spool.append(readings(appended, 10));
        appended += 10;
      } catch (err) {
        refused = err;
      }
    }
    expect(refused).toBeInstanceOf(SpoolFullError);
    expect(refused).toMatchObject({ maxBytes: bounded.maxBytes, policy: 'refuse-new' });
    expect((refused as Error).message).toContain('65536-byte bound (RPM_SPOOL_MAX_BYTES)');
    expect(spool.pending).toBe(appended);

    // Acknowledging the oldest segment's readings makes room again.
    const batch = await spool.nextBatch(60, 64 * 1024);
    if (!batch) throw new Error('expected a batch');
    spool.ack(batch);
    await spool.append(readings(appended, 10));
    expect(ids(await drain(spool, 100))).toEqual(ids(readings(batch.count, appended + 10 - batch.count)));
  });

  it('refuses a single append larger than the whole bound, whatever the policy', async () => {
    const { spool } = await openSpool(await spoolDir(), { ...bounded, whenFull: 'drop-oldest' });
    await spool.append(readings(0, 5));
    await expect(spool.append(readings(5, 500))).rejects.toBeInstanceOf(SpoolFullError);
    expect(spool.pending).toBe(5);
  });
});

describe('reading spool: interface', () => {
  it('reports pending count, bytes on disk and the oldest pending sample time', async () => {
    const { spool } = await openSpool(await spoolDir(), { segmentBytes: 64 * 1024 });
    await spool.append(readings(0, 20));
    const batch = await spool.nextBatch(5, 64 * 1024);
    if (!batch) throw new Error('expected a batch');
    expect(await spool.stats()).toMatchObject({
      pending: 20,
      inFlight: 5,
      oldestPendingTime: reading(0).time,
    });
    spool.ack(batch);
    const stats = await spool.stats();
    expect(stats).toMatchObject({ pending: 15, inFlight: 0, oldestPendingTime: reading(5).time });
    expect(stats.bytesOnDisk).toBe(readings(0, 20).reduce((sum, _, n) => sum + recordSize(n), 0));
  });

  it('shares fsyncs between concurrent appends (group commit) and keeps their order', async () => {
    const { spool } = await openSpool(await spoolDir(), {
      maxBytes: 256 * 1024 * 1024,
      segmentBytes: undefined,
    });
    const appends = 500;
    const perAppend = 100;
    let started = performance.now();
    const results = await Promise.all(
      Array.from({ length: appends }, (_, i) => spool.append(readings(i * perAppend, perAppend))),
    );
    const appendMs = performance.now() - started;
    expect(results.map((r) => r.firstSeq)).toEqual(
      Array.from({ length: appends }, (_, i) => 1 + i * perAppend),
    );
    const { commits } = await spool.stats();
    expect(commits).toBeLessThan(appends / 4);

    started = performance.now();
    const delivered = await drain(spool, 200, 256 * 1024);
    const drainMs = performance.now() - started;
    expect(ids(delivered)).toEqual(ids(readings(0, appends * perAppend)));

    started = performance.now();
    for (let n = 0; n < 100; n++) await spool.append([reading(n)]);
    const singleMs = (performance.now() - started) / 100;
    // Measured, not asserted: machines differ (an SD card is far slower than this disk).
    console.log(
      `spool throughput: append ${Math.round((appends * perAppend) / (appendMs / 1000))} readings/s ` +
        `(${appends} concurrent appends of ${perAppend}, ${commits} fsyncs); ` +
        `nextBatch+ack ${Math.round(delivered.length / (drainMs / 1000))} readings/s (batches of 200); ` +
        `one awaited single-reading append ${singleMs.toFixed(2)} ms`,
    );
  });

  it('refuses bad options, oversized readings and use after close with typed errors', async () => {
    const dir = await spoolDir();
    await expect(openSpool(dir, { maxBytes: 1000 })).rejects.toThrow(
      new SpoolOptionsError('maxBytes', 1000, `a whole number from 65536 to ${Number.MAX_SAFE_INTEGER}`),
    );
    const { spool } = await openSpool(dir);
    const huge = { ...reading(1), id: 'x'.repeat(20_000) };
    await expect(spool.append([reading(0), huge])).rejects.toBeInstanceOf(ReadingTooLargeError);
    expect(spool.pending).toBe(0);
    await spool.close();
    await expect(spool.append([reading(0)])).rejects.toBeInstanceOf(SpoolClosedError);
  });
});
