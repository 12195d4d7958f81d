import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReadingInput } from '../../common/contract.ts';
import type { DeviceKind } from '../../common/device-kinds.ts';
import { BleCentral } from '../ble/ble-central.ts';
import { heartRateStrap, hex, virtualRadio } from '../ble/test-fixtures.ts';
import type { VirtualPeripheral } from '../ble/virtual-peripheral.ts';
import { PairingStore } from '../pairing/pairing-store.ts';
import { createGlucoseMeter, type GlucoseMeterOptions } from '../profiles/glucose-meter/simulated-meter.ts';
import { MeterLog, type MeterRecord } from '../profiles/glucose-meter/simulated-meter-log.ts';
import { deviceSessions } from '../profiles/registry.ts';
import { TEST_TIME_ZONE, TEST_TIMING, testCgm, testModelOptions } from '../simulator/device-test-fixtures.ts';
import { GlucoseCurve } from '../simulator/glucose-physiology.ts';
import { HOUR_MS, type LocalTime, MINUTE_MS } from '../simulator/local-time.ts';
import { ManualClock } from '../simulator/manual-clock.ts';
import type { VirtualDevice } from '../simulator/virtual-device.ts';
import { ReadingSpool } from '../spool/reading-spool.ts';

const NOW = Date.UTC(2026, 10, 24, 12, 0); // 17:00 in Karachi
const POLL = { timeout: 10_000, interval: 20 };
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A gateway's sessions over the virtual radio, with a real spool and pairing store, logging to `lines`. */
async function gatewayFor(
  peripherals: VirtualPeripheral[],
  paired: { id: string; kind: DeviceKind; glucoseSequence?: number }[],
  now: () => Date = () => new Date(),
) {
  const dir = await mkdtemp(join(tmpdir(), 'rpm-sessions-'));
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const spool = await ReadingSpool.open({
    dir: join(dir, 'spool'),
    maxBytes: 1 << 20,
    whenFull: 'refuse-new',
    log,
  });
  const pairings = await PairingStore.open({ dataDir: dir, patientIds: ['P-1'], log });
  for (const { id, kind, glucoseSequence } of paired) {
    await pairings.pair({ deviceId: id, address: id, kind, name: null, patientId: 'P-1' });
    if (glucoseSequence !== undefined) await pairings.saveGlucoseSequence(id, glucoseSequence);
  }
  const radio = await virtualRadio(peripherals);
  const central = new BleCentral({
    noble: radio.noble,
    sessions: deviceSessions({ pairings, spool, timeZone: TEST_TIME_ZONE, now, log }),
    timing: TEST_TIMING,
    random: () => 0.5,
    log,
  });
  central.setWantedDevices(pairings.servedDevices().map((d) => ({ id: d.deviceId, kind: d.kind })));
  cleanups.push(async () => {
    await central.stop();
    await pairings.close();
    await spool.close();
  });
  /** Everything in the spool, oldest first (handed out and given back). */
  const spooled = async (): Promise<ReadingInput[]> => {
    const batches = [];
    for (
      let batch = await spool.nextBatch(500, 1 << 20);
      batch;
      batch = await spool.nextBatch(500, 1 << 20)
    ) {
      batches.push(batch);
    }
    for (const batch of batches) spool.release(batch);
    return batches.flatMap((b) => b.readings());
  };
  return { central, pairings, spooled, lines, radio };
}

function started(device: VirtualDevice): VirtualDevice {
  device.start();
  cleanups.push(async () => device.stop());
  return device;
}

/** A meter holding exactly `count` records at NOW (first use moved back until it does). */
function meterHolding(
  count: number,
  clock: ManualClock,
  meterClock: Pick<GlucoseMeterOptions, 'clockAheadMs' | 'currentTime'> = {},
) {
  const o = testModelOptions('c1:00:00:00:00:05', clock, 'session-meter');
  const curve = new GlucoseCurve(o.noise.derive('glucose'), o.local);
  let log: MeterLog | undefined;
  for (let hours = 12; !log; hours += 1) {
    const firstUseMs = NOW - hours * HOUR_MS;
    const candidate = new MeterLog({ curve, noise: o.noise, local: o.local, unit: 'mg/dL', firstUseMs });
    if (candidate.recordsAt(NOW).length === count) log = candidate;
  }
  return { meter: started(createGlucoseMeter({ ...o, log, ...meterClock })), log, local: o.local };
}

/** A meter record's reading id: device, sequence number and the meter's base time (its own wall clock). */
function recordId(deviceId: string, record: MeterRecord, local: LocalTime): string {
  const wall = new Date(local.wallMs(record.atMs)).toISOString().slice(0, 19).replace(/[-:]/g, '');
  return `${deviceId}:glucose:${record.sequenceNumber}:${wall}`;
}

/** Advances the clock to the patient's next test the meter stores; resolves with that record. */
function nextStoredTest(clock: ManualClock, log: MeterLog): MeterRecord {
  const held = log.recordsAt(clock.now()).length;
  let next = clock.now();
  while (log.recordsAt(next).length === held) next = log.nextTestAfter(next);
  clock.advance(next - clock.now());
  const record = log.recordsAt(next).at(-1);
  if (!record) throw new Error(`the meter holds no record at ${new Date(next).toISOString()}`);
  return record;
}

describe('glucose meter session', () => {
  it('fetches all 5 stored records on first contact, then only the new one after the next test', async () => {
    const clock = new ManualClock(NOW);
    const { meter, log, local } = meterHolding(5, clock);
    const { spooled, pairings, lines } = await gatewayFor(
      [meter.peripheral],
      [{ id: meter.peripheral.id, kind: 'glucose_meter' }],
    );

    await expect.poll(async () => (await spooled()).length, POLL).toBe(5);
    await expect.poll(() => pairings.state(meter.peripheral.id).glucoseSequence, POLL).toBe(5);
    const first = await spooled();
    expect(first.map((r) => r.context?.sequenceNumber)).toEqual([1, 2, 3, 4, 5]);
    for (const [i, record] of log.recordsAt(NOW).entries()) {
      expect(first[i]).toMatchObject({
        id: recordId(meter.peripheral.id, record, local),
        patientId: 'P-1',
        metric: 'glucose',
        value: record.value.value,
        unit: 'mg/dL',
        time: new Date(Math.floor(record.atMs / 1000) * 1000).toISOString(),
      });
    }

    // The patient makes tests until one is stored (some are skipped); the meter wakes and the gateway reconnects.
    nextStoredTest(clock, log);
    await expect.poll(async () => (await spooled()).length, POLL).toBe(6);
    await expect.poll(() => pairings.state(meter.peripheral.id).glucoseSequence, POLL).toBe(6);
    const fetches = () =>
      lines.filter((l) => l.msg === 'glucose records fetched').map((l) => `${l.from}: ${l.records}`);
    await expect.poll(fetches, POLL).toEqual(['0: 5', '6: 1']);
    expect((await spooled()).at(-1)?.context?.sequenceNumber).toBe(6);
  });

  it('asks a meter only for the records after the saved position', async () => {
    const clock = new ManualClock(NOW);
    const { meter } = meterHolding(5, clock);
    const id = meter.peripheral.id;
    const { spooled, lines } = await gatewayFor(
      [meter.peripheral],
      [{ id, kind: 'glucose_meter', glucoseSequence: 3 }],
    );
    await expect
      .poll(async () => (await spooled()).map((r) => r.context?.sequenceNumber), POLL)
      .toEqual([4, 5]);
    await expect.poll(() => lines.find((l) => l.msg === 'glucose records fetched')?.from, POLL).toBe(4);
  });

  it('carries on when the link ends while its record request is still being written', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    cleanups.push(async () => process.off('unhandledRejection', onUnhandled));
    const clock = new ManualClock(NOW);
    const { meter } = meterHolding(3, clock);
    const id = meter.peripheral.id;
    // The first write to the record access control point is slow, and the meter walks out
    // of range meanwhile.
    const write = meter.peripheral.write.bind(meter.peripheral);
    let cut = false;
    meter.peripheral.write = async (service, characteristic, value, withResponse) => {
      if (characteristic === '2a52' && !cut) {
        cut = true;
        meter.peripheral.moveOutOfRange();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return write(service, characteristic, value, withResponse);
    };
    const { pairings } = await gatewayFor([meter.peripheral], [{ id, kind: 'glucose_meter' }]);
    await expect.poll(() => cut, POLL).toBe(true);
    meter.peripheral.moveIntoRange();
    await expect.poll(() => pairings.state(id).glucoseSequence, POLL).toBe(3);
    expect(unhandled).toEqual([]);
  });

  it('keeps the records of a transfer cut off half-way and fetches only the rest when the meter is back', async () => {
    const clock = new ManualClock(NOW);
    const { meter, log, local } = meterHolding(60, clock);
    const id = meter.peripheral.id;
    // The meter walks out of range after sending its 25th record.
    const notify = meter.peripheral.notify.bind(meter.peripheral);
    let sent = 0;
    meter.peripheral.notify = (service, characteristic, value) => {
      const delivered = notify(service, characteristic, value);
      if (characteristic === '2a18' && ++sent === 25) setImmediate(() => meter.peripheral.moveOutOfRange());
      return delivered;
    };
    const { spooled, pairings } = await gatewayFor([meter.peripheral], [{ id, kind: 'glucose_meter' }]);
    await expect.poll(() => pairings.state(id).glucoseSequence, POLL).toBeGreaterThanOrEqual(20);
    const kept = pairings.state(id).glucoseSequence ?? 0;
    expect(kept).toBeLessThan(60);
    expect((await spooled()).map((r) => r.context?.sequenceNumber)).toEqual(
      Array.from({ length: kept }, (_, i) => i + 1),
    );

    meter.peripheral.moveIntoRange();
    await expect.poll(() => pairings.state(id).glucoseSequence, POLL).toBe(60);
    const all = await spooled();
    expect(all.map((r) => r.context?.sequenceNumber)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(all.map((r) => r.id)).toEqual(log.recordsAt(NOW).map((r) => recordId(id, r, local)));
  });

  it("notices a cleared meter that already holds more records than the last one fetched, by that record's time", async () => {
    const clock = new ManualClock(NOW);
    const { meter, log } = meterHolding(3, clock);
    const id = meter.peripheral.id;
    const { spooled, pairings } = await gatewayFor([meter.peripheral], [{ id, kind: 'glucose_meter' }]);
    await expect.poll(() => pairings.state(id).glucoseSequence, POLL).toBe(3);
    const before = await spooled();

    // Out of reach while its memory is cleared and five tests are made: records 1-5 again.
    meter.peripheral.moveOutOfRange();
    log.clearMemory(clock.now());
    const tests = Array.from({ length: 5 }, () => nextStoredTest(clock, log));
    expect(tests.map((t) => t.sequenceNumber)).toEqual([1, 2, 3, 4, 5]);
    meter.peripheral.moveIntoRange();

    await expect.poll(() => pairings.state(id).glucoseSequence, POLL).toBe(5);
    const all = await spooled();
    expect(all.slice(0, 3)).toEqual(before);
    expect(all.slice(3).map((r) => [r.context?.sequenceNumber, r.value])).toEqual(
      tests.map((t) => [t.sequenceNumber, t.value.value]),
    );
  });

  it('notices a meter whose memory was cleared, warns, fetches its new records from 1 and carries on', async () => {
    const clock = new ManualClock(NOW);
    const { meter, log, local } = meterHolding(5, clock);
    const id = meter.peripheral.id;
    const { spooled, pairings, lines } = await gatewayFor(
      [meter.peripheral],
      [{ id, kind: 'glucose_meter' }],
    );
    await expect.poll(() => pairings.state(id).glucoseSequence, POLL).toBe(5);
    const before = await spooled();

    log.clearMemory(clock.now());
    const first = nextStoredTest(clock, log);
    expect(first.sequenceNumber).toBe(1);
    await expect.poll(() => pairings.state(id).glucoseSequence, POLL).toBe(1);
    expect(
      lines.find((l) => l.level === 40 && l.msg.startsWith('glucose meter numbering started again')),
    ).toMatchObject({
      deviceId: id,
      lastSequence: 5,
      recordsHeld: 1,
    });
    const second = nextStoredTest(clock, log);
    await expect.poll(() => pairings.state(id).glucoseSequence, POLL).toBe(2);

    const all = await spooled();
    expect(all.slice(0, 5)).toEqual(before);
    expect(all.slice(5).map((r) => [r.id, r.value, r.time])).toEqual(
      [first, second].map((r) => [
        recordId(id, r, local),
        r.value.value,
        new Date(Math.floor(r.atMs / 1000) * 1000).toISOString(),
      ]),
    );
    expect(new Set(all.map((r) => r.id)).size).toBe(7); // the new record 1 is not taken for the old one
  });

  /** A meter with 5 records whose clock runs 10 min fast, fetched by a gateway on the same simulated clock. */
  async function fastMeterFetched(currentTime: boolean) {
    const clock = new ManualClock(NOW);
    const { meter, log } = meterHolding(5, clock, { clockAheadMs: 10 * MINUTE_MS, currentTime });
    const id = meter.peripheral.id;
    const gateway = await gatewayFor(
      [meter.peripheral],
      [{ id, kind: 'glucose_meter' }],
      () => new Date(clock.now()),
    );
    await expect.poll(() => gateway.pairings.state(id).glucoseSequence, POLL).toBe(5);
    return { clock, log, id, ...gateway };
  }

  it('sends a record from a meter whose clock runs 10 min fast at the time it arrived, flagged, and warns', async () => {
    const { clock, log, id, spooled, pairings, lines } = await fastMeterFetched(false);
    const record = nextStoredTest(clock, log);
    await expect.poll(() => pairings.state(id).glucoseSequence, POLL).toBe(6);
    const reading = (await spooled()).at(-1);
    expect(reading).toMatchObject({
      value: record.value.value,
      time: new Date(clock.now()).toISOString(),
      flags: ['time_estimated'],
      context: { sequenceNumber: record.sequenceNumber },
    });
    expect(lines.find((l) => l.level === 40 && l.msg.startsWith('device clock runs fast'))).toMatchObject({
      deviceId: id,
      readingIds: [reading?.id],
    });
  });

  it('corrects every record of a meter whose Current Time shows its clock 10 min fast, and warns', async () => {
    const { clock, log, id, spooled, pairings, lines } = await fastMeterFetched(true);
    nextStoredTest(clock, log);
    await expect.poll(() => pairings.state(id).glucoseSequence, POLL).toBe(6);

    const trueTimes = log
      .recordsAt(clock.now())
      .map((r) => new Date(Math.floor(r.atMs / 1000) * 1000).toISOString());
    expect((await spooled()).map((r) => [r.time, r.flags])).toEqual(trueTimes.map((time) => [time, []]));
    expect(lines.find((l) => l.level === 40 && l.msg.startsWith('device clock is off'))).toMatchObject({
      deviceId: id,
      clockOffsetMs: 10 * MINUTE_MS,
    });
  });
});

describe('sessions and malformed values', () => {
  it('logs a malformed heart-rate packet with device, characteristic and bytes, and carries on', async () => {
    const strap = heartRateStrap();
    const { spooled, lines } = await gatewayFor([strap], [{ id: strap.id, kind: 'heart_rate' }]);
    await new Promise<void>((resolve) => strap.once('subscribed', () => resolve()));
    strap.notify('180d', '2a37', hex('01 48')); // 16-bit heart rate announced, one byte sent
    strap.notify('180d', '2a37', hex('16 48 00 04')); // 72 /min, contact, RR 1000 ms
    await expect.poll(async () => (await spooled()).length, POLL).toBe(1);
    expect((await spooled())[0]).toMatchObject({
      metric: 'heart_rate',
      value: 72,
      flags: [],
      context: { rrIntervalsMs: [1000], bodySensorLocation: 'chest' },
    });
    const warning = lines.find((l) => l.level === 40 && l.msg.startsWith('malformed value dropped'));
    expect(warning).toMatchObject({
      deviceId: strap.id,
      characteristic: '2a37',
      bytes: '01 48',
      problem: 'truncated',
    });
  });

  it('logs skipped values with the device and the reason, and spools nothing for them', async () => {
    const strap = heartRateStrap();
    const { spooled, lines } = await gatewayFor([strap], [{ id: strap.id, kind: 'heart_rate' }]);
    await new Promise<void>((resolve) => strap.once('subscribed', () => resolve()));
    strap.notify('180d', '2a37', hex('00 0a')); // 10 /min: no sensed heart rate
    strap.notify('180d', '2a37', hex('00 48'));
    await expect.poll(async () => (await spooled()).map((r) => r.value), POLL).toEqual([72]);
    expect(lines.find((l) => l.msg === 'value skipped')).toMatchObject({
      level: 30,
      deviceId: strap.id,
      metric: 'heart_rate',
    });
  });
});

describe('CGM session', () => {
  it('fetches the whole session and spools it in time order even when a live record arrives before the history', async () => {
    const clock = new ManualClock(NOW);
    const { device, sessionStart } = sensor(clock);
    // The sensor makes a new record just as the gateway subscribes: it is notified before the transfer starts.
    device.peripheral.on('subscribed', (_service, characteristic) => {
      if (characteristic === '2aa7') clock.advance(5 * MINUTE_MS);
    });
    const id = device.peripheral.id;
    const { spooled, pairings } = await gatewayFor([device.peripheral], [{ id, kind: 'cgm' }]);
    // In spool order: the alert rules pass over a reading older than one they have seen.
    const times = async () => (await spooled()).map((r) => Date.parse(r.time));
    await expect
      .poll(times, POLL)
      .toEqual(Array.from({ length: 26 }, (_, i) => sessionStart + i * 5 * MINUTE_MS));
    await expect.poll(() => pairings.state(id).cgmPosition?.offsetMinutes, POLL).toBe(125);
  });

  it('spools the live record it holds even when the history transfer breaks off', async () => {
    const clock = new ManualClock(NOW);
    const { device } = sensor(clock);
    device.peripheral.on('subscribed', (_service, characteristic) => {
      // A new record as the gateway subscribes, then the sensor goes out of reach as the
      // gateway opens the record access control point.
      if (characteristic === '2aa7') clock.advance(5 * MINUTE_MS);
      if (characteristic === '2a52') device.peripheral.moveOutOfRange();
    });
    const id = device.peripheral.id;
    const { spooled, pairings } = await gatewayFor([device.peripheral], [{ id, kind: 'cgm' }]);
    await expect
      .poll(async () => (await spooled()).map((r) => Date.parse(r.time)), POLL)
      .toEqual([NOW + 5 * MINUTE_MS]);
    expect(pairings.state(id).cgmPosition).toBeUndefined(); // the history is asked for again next time
  });

  function sensor(clock: ManualClock) {
    const sessionStart = NOW - 2 * HOUR_MS;
    const { device } = testCgm(clock, sessionStart, true, 'session-cgm');
    cleanups.push(async () => device.stop());
    return { device, sessionStart };
  }

  it('fetches the session so far, takes live records, and after an hour out of range fetches just what it missed', async () => {
    const clock = new ManualClock(NOW);
    const { device, sessionStart } = sensor(clock);
    const id = device.peripheral.id;
    const { spooled, pairings } = await gatewayFor([device.peripheral], [{ id, kind: 'cgm' }]);
    const times = async () => (await spooled()).map((r) => Date.parse(r.time));
    const every5Minutes = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => from + i * 5 * MINUTE_MS);

    await expect.poll(times, POLL).toEqual(every5Minutes(sessionStart, 25)); // offsets 0..120
    await expect.poll(() => pairings.state(id).cgmPosition?.offsetMinutes, POLL).toBe(120);
    clock.advance(5 * MINUTE_MS);
    await expect.poll(async () => (await times()).length, POLL).toBe(26); // live
    await expect.poll(() => pairings.state(id).cgmPosition?.offsetMinutes, POLL).toBe(125);

    device.peripheral.moveOutOfRange();
    clock.advance(HOUR_MS);
    device.peripheral.moveIntoRange();
    await expect.poll(times, POLL).toEqual(every5Minutes(sessionStart, 38)); // offsets 0..185, each once
    expect(
      (await spooled()).every(
        (r) => r.context?.source === 'cgm' && r.flags?.includes('time_estimated') !== true,
      ),
    ).toBe(true);
  });
});
