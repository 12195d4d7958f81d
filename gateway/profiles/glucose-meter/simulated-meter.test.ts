import { afterEach, describe, expect, it } from 'vitest';
import { hex, nextEvent, spaced, valueRecorder } from '../../ble/test-fixtures.ts';
import { decodeGlucoseMeasurement } from '../../gatt/glucose-measurement.ts';
import { decodeGlucoseMeasurementContext } from '../../gatt/glucose-measurement-context.ts';
import { scaleByPowerOfTen } from '../../gatt/ieee11073.ts';
import { connectTo, testModelOptions } from '../../simulator/device-test-fixtures.ts';
import { GlucoseCurve } from '../../simulator/glucose-physiology.ts';
import { DAY_MS, LocalTime } from '../../simulator/local-time.ts';
import { ManualClock } from '../../simulator/manual-clock.ts';
import { createGlucoseMeter } from './simulated-meter.ts';
import { MeterLog } from './simulated-meter-log.ts';

const NOW = Date.UTC(2026, 10, 24, 12, 0); // 17:00 in Karachi
const local = new LocalTime('Asia/Karachi');
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function meterWithHistory(days: number, unit: 'mg/dL' | 'mmol/L' = 'mg/dL') {
  const clock = new ManualClock(NOW);
  const o = testModelOptions('c1:00:00:00:00:01', clock, 'meter-test');
  const log = new MeterLog({
    curve: new GlucoseCurve(o.noise.derive('glucose'), local),
    noise: o.noise.derive('meter'),
    local,
    unit,
    firstUseMs: NOW - days * DAY_MS,
  });
  const meter = createGlucoseMeter({ ...o, log });
  meter.start();
  stops.push(async () => meter.stop());
  return { meter, log, clock };
}

/** Connects, subscribes to measurements, contexts and the control point (pairing on the way). */
async function openRecordAccess(meter: ReturnType<typeof meterWithHistory>['meter']) {
  const { link, stop } = await connectTo(meter);
  stops.push(stop);
  const measurements = valueRecorder();
  const contexts = valueRecorder();
  const responses = valueRecorder();
  await link.subscribe('1808', '2a18', measurements.onValue);
  await link.subscribe('1808', '2a34', contexts.onValue);
  await link.subscribe('1808', '2a52', responses.onValue);
  const request = async (bytes: string) => {
    const before = responses.values.length;
    await link.write('1808', '2a52', hex(bytes), true);
    await responses.until(before + 1);
    return spaced(responses.values[before] ?? Buffer.alloc(0));
  };
  return { link, measurements, contexts, responses, request };
}

describe('simulated glucose meter', () => {
  it('reports every stored record as measurement and meal context, then indicates success', async () => {
    const { meter, log, clock } = meterWithHistory(3);
    const stored = log.recordsAt(clock.now());
    expect(stored.length).toBeGreaterThanOrEqual(4);
    const paired = nextEvent(meter.peripheral, 'paired');
    const { measurements, contexts, request } = await openRecordAccess(meter);
    await paired; // the records need a bonded link

    expect(await request('01 01')).toBe('06 00 01 01');
    const decoded = measurements.values.map((bytes) => {
      const result = decodeGlucoseMeasurement(bytes);
      if (!result.ok) throw new Error(result.error.message);
      return result.value;
    });
    expect(decoded.map((m) => m.sequenceNumber)).toEqual(stored.map((r) => r.sequenceNumber));
    for (const [i, record] of stored.entries()) {
      const m = decoded[i];
      expect(m?.baseTime).toEqual(local.dateTime(record.atMs));
      expect(m?.timeOffsetMinutes).toBe(0);
      const concentration = m?.concentration;
      if (concentration?.value.kind !== 'number') throw new Error('no concentration');
      expect(concentration.unit).toBe('kg/L');
      expect(scaleByPowerOfTen(concentration.value, 5)).toBe(record.value.value); // kg/L -> mg/dL, exact
      expect(concentration.location).toBe(record.controlSolution ? 'control_solution' : 'finger');
    }
    const meals = contexts.values.map((bytes) => {
      const result = decodeGlucoseMeasurementContext(bytes);
      if (!result.ok) throw new Error(result.error.message);
      return `${result.value.sequenceNumber} ${result.value.meal}`;
    });
    expect(meals).toEqual(
      stored.filter((r) => !r.controlSolution).map((r) => `${r.sequenceNumber} ${r.meal}`),
    );
  });

  it('sends mmol/L models as mol/L, one decimal on the display', async () => {
    const { meter, log, clock } = meterWithHistory(2, 'mmol/L');
    const { measurements, request } = await openRecordAccess(meter);
    expect(await request('01 01')).toBe('06 00 01 01');
    const stored = log.recordsAt(clock.now());
    const first = decodeGlucoseMeasurement(measurements.values[0] ?? Buffer.alloc(0));
    if (!first.ok || first.value.concentration?.value.kind !== 'number') throw new Error('no first record');
    expect(first.value.concentration.unit).toBe('mol/L');
    expect(scaleByPowerOfTen(first.value.concentration.value, 3)).toBe(stored[0]?.value.value);
    expect(stored[0]?.value.exponent).toBe(-1);
  });

  it('reports only the records from a sequence number on, counts them, and finds none past the newest', async () => {
    const { meter, log, clock } = meterWithHistory(4);
    const stored = log.recordsAt(clock.now()).map((r) => r.sequenceNumber);
    const from = stored[stored.length - 2] ?? 0;
    const { measurements, request } = await openRecordAccess(meter);
    const operand = (n: number) => spaced(Buffer.from([n & 0xff, n >> 8]));

    expect(await request(`04 03 01 ${operand(from)}`)).toBe('05 00 02 00');
    expect(await request(`01 03 01 ${operand(from)}`)).toBe('06 00 01 01');
    expect(measurements.values.map((v) => v.readUInt16LE(1))).toEqual(stored.slice(-2));
    expect(await request('04 01')).toBe(`05 00 ${operand(stored.length)}`);
    expect(await request(`01 03 01 ${operand((stored.at(-1) ?? 0) + 1)}`)).toBe('06 00 01 06');
    expect(measurements.values).toHaveLength(2);
  });

  it('answers what it does not implement with the record access response codes', async () => {
    const { meter } = meterWithHistory(2);
    const { request, measurements } = await openRecordAccess(meter);
    const cases = [
      ['01 02 01 05 00', '06 00 01 04'], // <= : operator not supported
      ['01 04 01 01 00 03 00', '06 00 01 04'], // within range: operator not supported
      ['01 06', '06 00 01 04'], // last record: operator not supported
      ['01 00', '06 00 01 03'], // report with the null operator: invalid operator
      ['01 09', '06 00 01 03'], // reserved operator: invalid operator
      ['02 01', '06 00 02 02'], // delete stored records: op code not supported
      ['07 01', '06 00 07 02'], // reserved op code: op code not supported
      ['01 03 02 01 00', '06 00 01 09'], // filter type 2 (user facing time): operand not supported
      ['01 03 01 05', '06 00 01 05'], // truncated operand: invalid operand
      ['01 01 01', '06 00 01 05'], // operand where none belongs: invalid operand
      ['03 01', '06 00 03 03'], // abort with an operator: invalid operator
      ['03 00', '06 00 03 01'], // abort with nothing running: success
    ];
    const answers: string[][] = [];
    for (const [requestBytes] of cases) answers.push([requestBytes ?? '', await request(requestBytes ?? '')]);
    expect(answers).toEqual(cases);
    expect(measurements.values).toHaveLength(0);
  });

  it('stops a report between two records on abort and answers the abort', async () => {
    const { meter, log, clock } = meterWithHistory(120);
    const total = log.recordsAt(clock.now()).length;
    const { link, measurements, responses } = await openRecordAccess(meter);
    await link.write('1808', '2a52', hex('01 01'), true);
    await measurements.until(3);
    await link.write('1808', '2a52', hex('03 00'), true);
    await responses.until(1);
    expect(responses.values.map(spaced)).toEqual(['06 00 03 01']);
    expect(measurements.values.length).toBeLessThan(total);
  });

  it('refuses a report while the records cannot be notified, with Glucose Service error 0x81', async () => {
    const { meter } = meterWithHistory(2);
    const { link, stop } = await connectTo(meter);
    stops.push(stop);
    await link.subscribe('1808', '2a52', () => {});
    const refused = nextEvent(meter.peripheral, 'attError', (r) => r.operation === 'write');
    const write = link.write('1808', '2a52', hex('01 01'), true);
    expect((await refused)[0]).toMatchObject({ characteristicUuid: '2a52', code: 0x81 });
    await expect(write).rejects.toMatchObject({ failure: 'timeout' }); // noble never hears of a refused write
  });

  it('keeps the link until its two awake minutes are over, then hangs up and sleeps until the next test', async () => {
    const { meter, log, clock } = meterWithHistory(2);
    const { request } = await openRecordAccess(meter);
    expect(await request('01 01')).toBe('06 00 01 01');
    clock.advance(115_000); // woke at NOW
    expect(meter.peripheral.connected).toBe(true);
    const hungUp = nextEvent(meter.peripheral, 'disconnected');
    await expect
      .poll(() => {
        clock.advance(500);
        return meter.peripheral.connected;
      })
      .toBe(false);
    expect(clock.now() - NOW).toBeGreaterThanOrEqual(120_000);
    expect(clock.now() - NOW).toBeLessThanOrEqual(123_000);
    expect(await hungUp).toEqual(['device']);
    expect(meter.peripheral.advertising).toBe(false);

    const nextTest = log.nextTestAfter(clock.now());
    clock.advance(nextTest - clock.now() - 1);
    expect(meter.peripheral.advertising).toBe(false);
    clock.advance(1);
    expect(meter.peripheral.advertising).toBe(true);
  });
});
