/**
 * What every simulated health device is: a VirtualPeripheral (its GATT database and radio
 * behaviour) driven by a model of the patient, with Device Information and a draining battery.
 * `start` begins its timers (measurements, battery notifications), `stop` ends them.
 */
import type { DeviceKind } from '../../common/device-kinds.ts';
import { VirtualPeripheral, type VirtualServiceDefinition } from '../ble/virtual-peripheral.ts';
import type { LocalTime } from './local-time.ts';
import type { SeededNoise } from './seeded-noise.ts';
import { ScheduledTasks, type SimulationClock } from './simulation-clock.ts';
import {
  type BatteryDrain,
  type DeviceIdentity,
  DrainingBattery,
  deviceInformationService,
} from './standard-services.ts';

export interface VirtualDevice {
  readonly kind: DeviceKind;
  readonly peripheral: VirtualPeripheral;
  readonly identity: DeviceIdentity;
  readonly battery: DrainingBattery;
  start(): void;
  stop(): void;
}

/** What every model is built from. */
export interface DeviceModelOptions {
  /** Bluetooth address, `aa:bb:cc:dd:ee:ff`. */
  address: string;
  /** Advertised name. */
  name: string;
  identity: DeviceIdentity;
  clock: SimulationClock;
  /** The patient's (and the device clock's) time zone. */
  local: LocalTime;
  /** This device's randomness (derived from the household seed). */
  noise: SeededNoise;
  battery: BatteryDrain;
  /** Signal strength at the gateway, dBm. */
  rssi?: number;
  advertisingIntervalMs?: number;
}

/** A model's parts: its peripheral (health service, Device Information, Battery), battery and timers. */
export interface ModelParts {
  peripheral: VirtualPeripheral;
  battery: DrainingBattery;
  tasks: ScheduledTasks;
}

export function modelParts(
  o: DeviceModelOptions,
  healthService: VirtualServiceDefinition,
  advertisedServices: readonly string[],
  otherServices: readonly VirtualServiceDefinition[] = [],
): ModelParts {
  const battery = new DrainingBattery(o.clock, o.battery);
  const peripheral = new VirtualPeripheral({
    address: o.address,
    addressType: 'random',
    name: o.name,
    advertisedServices,
    rssi: o.rssi,
    advertisingIntervalMs: o.advertisingIntervalMs,
    services: [healthService, deviceInformationService(o.identity), battery.service(), ...otherServices],
  });
  return { peripheral, battery, tasks: new ScheduledTasks() };
}

/** The device: `start` runs `begin` and the battery notifications, `stop` cancels every task. */
export function modelDevice(
  kind: DeviceKind,
  identity: DeviceIdentity,
  { peripheral, battery, tasks }: ModelParts,
  begin: () => void,
): VirtualDevice {
  return {
    kind,
    peripheral,
    identity,
    battery,
    start() {
      begin();
      tasks.add(battery.start(peripheral));
    },
    stop() {
      tasks.cancelAll();
    },
  };
}
