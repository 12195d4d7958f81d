import { afterEach, describe, expect, it } from 'vitest';
import { valueRecorder } from '../../ble/test-fixtures.ts';
import { decodeBodySensorLocation } from '../../gatt/body-sensor-location.ts';
import { decodeHeartRateMeasurement, type HeartRateMeasurement } from '../../gatt/heart-rate-measurement.ts';
import { connectTo, testModelOptions } from '../../simulator/device-test-fixtures.ts';
import { LocalTime } from '../../simulator/local-time.ts';
import { ManualClock } from '../../simulator/manual-clock.ts';
import { SeededNoise } from '../../simulator/seeded-noise.ts';
import { HeartRateTrace, RESTING_HEART } from './physiology.ts';
import { BeatTrain, createHeartRateStrap } from './simulated-strap.ts';

const NOON = Date.UTC(2026, 10, 24, 7, 0); // 12:00 in Karachi
const local = new LocalTime('Asia/Karachi');
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function beatsOver(seconds: number, seed = 'strap-test'): HeartRateMeasurement[] {
  const noise = new SeededNoise(seed);
  const train = new BeatTrain(new HeartRateTrace(noise, local, RESTING_HEART), noise);
  return Array.from({ length: seconds }, (_, i) => train.measurementAt(NOON + (i + 1) * 1000));
}

describe('heart-rate strap model', () => {
  it('sends RR intervals that add up to the time passed and agree with the heart rate it reports', () => {
    const measurements = beatsOver(600);
    const withContact = measurements.filter((m) => m.sensorContact === 'detected');
    const rrMs = withContact.flatMap((m) => m.rrIntervals.map((rr) => rr.ms));
    for (const m of withContact.filter((m) => m.rrIntervals.length > 0)) {
      const mean = m.rrIntervals.reduce((sum, rr) => sum + rr.ms, 0) / m.rrIntervals.length;
      expect(Math.abs(m.heartRate - 60_000 / mean)).toBeLessThanOrEqual(0.5);
    }
    // Beats in 10 minutes (less the seconds without contact) at 40-120 /min.
    const covered = rrMs.reduce((sum, ms) => sum + ms, 0);
    expect(covered).toBeGreaterThan(0.85 * 600_000);
    expect(covered).toBeLessThanOrEqual(600_000);
    expect(Math.min(...rrMs)).toBeGreaterThan(500);
    expect(Math.max(...rrMs)).toBeLessThan(1500);
  });

  it('flags lost skin contact now and then, keeping the last rate and sending no RR intervals', () => {
    const measurements = beatsOver(3600);
    const lost = measurements.filter((m) => m.sensorContact === 'not_detected');
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.length).toBeLessThan(measurements.length * 0.05);
    expect(lost.every((m) => m.rrIntervals.length === 0 && m.heartRate >= 40)).toBe(true);
  });

  it('is lower asleep than awake', () => {
    const noise = new SeededNoise('strap-test');
    const trace = new HeartRateTrace(noise, local, RESTING_HEART);
    const mean = (fromMs: number) =>
      Array.from({ length: 60 }, (_, i) => trace.bpmAt(fromMs + i * 60_000)).reduce((a, b) => a + b) / 60;
    const threeAm = Date.UTC(2026, 10, 24, 22, 0); // 03:00 in Karachi
    expect(mean(threeAm)).toBeLessThan(mean(NOON) - 4);
  });

  it('notifies byte-exact Heart Rate Measurements once a second over the radio, from the chest', async () => {
    const clock = new ManualClock(NOON);
    const strap = createHeartRateStrap(testModelOptions('c3:00:00:00:00:01', clock, 'strap-test'));
    strap.start();
    stops.push(async () => strap.stop());
    const { link, stop } = await connectTo(strap);
    stops.push(stop);
    const location = decodeBodySensorLocation(await link.read('180d', '2a38'));
    expect(location).toEqual({ ok: true, value: { location: 'chest' } });
    const values = valueRecorder();
    await link.subscribe('180d', '2a37', values.onValue);
    clock.advance(5_000);
    await values.until(5);
    const decoded = values.values.map((v) => decodeHeartRateMeasurement(v));
    expect(decoded.map((d) => d.ok && d.value)).toEqual(beatsOver(5));
  });
});
