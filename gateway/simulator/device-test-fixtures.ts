/**
 * Fixtures for the device model tests: a real noble on the virtual adapter, connected to one
 * simulated device through the gateway's BleCentral (the recorder of the values a device
 * sends is ble/test-fixtures.ts's valueRecorder). Not used by the gateway itself.
 */
import { BleCentral } from '../ble/ble-central.ts';
import type { ConnectedDevice } from '../ble/connected-device.ts';
import { virtualRadio } from '../ble/test-fixtures.ts';
import { CgmRecords, createCgmSensor } from '../profiles/cgm/simulated-sensor.ts';
import { GlucoseCurve } from './glucose-physiology.ts';
import { LocalTime } from './local-time.ts';
import { SeededNoise } from './seeded-noise.ts';
import type { SimulationClock } from './simulation-clock.ts';
import type { DeviceModelOptions, VirtualDevice } from './virtual-device.ts';

export const TEST_TIME_ZONE = 'Asia/Karachi';

/** A model's options for a test: a device at `address` in Karachi, fully charged now, advertising every 5 ms. */
export function testModelOptions(address: string, clock: SimulationClock, seed: string): DeviceModelOptions {
  const serial = address.replaceAll(':', '').slice(-8).toUpperCase();
  return {
    address,
    name: `Test device ${serial.slice(-4)}`,
    identity: { manufacturer: 'Simulated Medical Devices', model: 'T-1', serial, firmware: '1.0' },
    clock,
    local: new LocalTime(TEST_TIME_ZONE),
    noise: new SeededNoise(seed),
    battery: { fullAtMs: clock.now(), hoursPerPercent: 24, replacedBelowPercent: 10 },
    advertisingIntervalMs: 5,
  };
}

/** A CGM whose current session started at `sessionStartMs`, with or without E2E-CRC; started. */
export function testCgm(clock: SimulationClock, sessionStartMs: number, e2eCrc: boolean, seed: string) {
  const o = testModelOptions('c2:00:00:00:00:01', clock, seed);
  const records = new CgmRecords(
    new GlucoseCurve(o.noise.derive('glucose'), o.local),
    o.noise,
    sessionStartMs,
    !e2eCrc,
  );
  const device = createCgmSensor({ ...o, records, e2eCrc });
  device.start();
  return { device, records };
}

export const TEST_TIMING = {
  connectTimeoutMs: 2_000,
  operationTimeoutMs: 2_000,
  presenceWindowMs: 60_000,
  rssiIntervalMs: 60_000,
  backoff: { initialMs: 20, maxMs: 100 },
};

/** Connects a central to `device` and resolves with the connection, once discovered. */
export async function connectTo(
  device: VirtualDevice,
): Promise<{ link: ConnectedDevice; stop: () => Promise<void> }> {
  const radio = await virtualRadio([device.peripheral]);
  let connected: (link: ConnectedDevice) => void = () => {};
  const link = new Promise<ConnectedDevice>((resolve) => {
    connected = resolve;
  });
  const central = new BleCentral({
    noble: radio.noble,
    sessions: { [device.kind]: (d: ConnectedDevice) => connected(d) },
    timing: TEST_TIMING,
    random: () => 0.5,
  });
  central.setWantedDevices([{ id: device.peripheral.id, kind: device.kind }]);
  return { link: await link, stop: () => central.stop() };
}
