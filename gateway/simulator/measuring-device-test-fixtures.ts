/**
 * Fixtures for the tests of the devices that indicate stored measurements (a cuff, a
 * scale): the day the tests start on, a gateway-side central subscribed to a device's
 * measurements, and a bench that starts one kind of device on a manual clock and knows when
 * its patient measures. Not used by the gateway itself.
 */
import { afterEach } from 'vitest';
import { valueRecorder } from '../ble/test-fixtures.ts';
import { connectTo, TEST_TIME_ZONE, testModelOptions } from './device-test-fixtures.ts';
import { LocalTime } from './local-time.ts';
import { ManualClock } from './manual-clock.ts';
import { type MeasurementPlan, measurementTimes } from './measurement-times.ts';
import { SeededNoise } from './seeded-noise.ts';
import type { DeviceModelOptions, VirtualDevice } from './virtual-device.ts';

const local = new LocalTime(TEST_TIME_ZONE);
const day = local.day(Date.UTC(2026, 10, 24, 12));

/** The patient's zone (that of testModelOptions' devices), and the local day the tests start on (2026-11-24) and its midnight. */
export const BENCH_TIME = { local, day, midnight: local.instant(day, 0) };

/** Time enough for anything still on its way over the virtual radio to arrive. */
const RADIO_SETTLE_MS = 50;

/**
 * Connects a central to `device` and subscribes to `measurementUuid`. `allReceived(count)`
 * resolves with the values once `count` have arrived and no more followed; `stop` disconnects.
 */
export async function subscribeToMeasurements(
  device: VirtualDevice,
  serviceUuid: string,
  measurementUuid: string,
) {
  const { link, stop } = await connectTo(device);
  const received = valueRecorder();
  await link.subscribe(serviceUuid, measurementUuid, received.onValue);
  const allReceived = async (count: number): Promise<readonly Buffer[]> => {
    await received.until(count);
    await new Promise((resolve) => setTimeout(resolve, RADIO_SETTLE_MS));
    return received.values;
  };
  return { link, allReceived, stop };
}

export interface BenchSpec<D extends VirtualDevice, E> {
  address: string;
  seed: string;
  serviceUuid: string;
  measurementUuid: string;
  create: (base: DeviceModelOptions, extra: E) => D;
}

/**
 * One kind of device for the tests of a file: `start` creates one on a manual clock at
 * `startMs` and starts it, `subscribe` connects a central to it, `plannedTimes` says when
 * its patient measures on local days `fromDay` to `toDay` (exclusive). What the tests started
 * is stopped after each one.
 */
export function measuringDeviceBench<D extends VirtualDevice, E>(spec: BenchSpec<D, E>) {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });
  return {
    start(startMs: number, extra: E) {
      const clock = new ManualClock(startMs);
      const device = spec.create(testModelOptions(spec.address, clock, spec.seed), extra);
      device.start();
      stops.push(async () => device.stop());
      return { device, clock };
    },
    async subscribe(device: D) {
      const central = await subscribeToMeasurements(device, spec.serviceUuid, spec.measurementUuid);
      stops.push(central.stop);
      return central;
    },
    plannedTimes(plan: MeasurementPlan, fromDay: number, toDay: number): number[] {
      const noise = new SeededNoise(spec.seed);
      return Array.from({ length: toDay - fromDay }, (_, i) =>
        measurementTimes(plan, noise, local, fromDay + i),
      ).flat();
    },
  };
}
