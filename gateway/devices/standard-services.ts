/**
 * The services every simulated device offers besides its health service: Device Information
 * (0x180A: manufacturer, model, serial, firmware) and Battery (0x180F: Battery Level, read
 * and notify), with a battery that drains slowly with simulated time and is replaced (or
 * recharged) when it gets low.
 */
import type { VirtualPeripheral, VirtualServiceDefinition } from '../ble/virtual-peripheral.ts';
import { BATTERY_LEVEL_UUID, encodeBatteryLevel } from '../gatt/battery-level.ts';
import {
  encodeDeviceInformationString,
  FIRMWARE_REVISION_UUID,
  MANUFACTURER_NAME_UUID,
  MODEL_NUMBER_UUID,
  SERIAL_NUMBER_UUID,
} from '../gatt/device-information.ts';
import { BATTERY_SERVICE, DEVICE_INFORMATION_SERVICE } from '../sessions/service-uuids.ts';
import { HOUR_MS, MINUTE_MS } from './local-time.ts';
import type { Cancel, SimulationClock } from './simulation-clock.ts';

export interface DeviceIdentity {
  manufacturer: string;
  model: string;
  serial: string;
  firmware: string;
}

export function deviceInformationService(identity: DeviceIdentity): VirtualServiceDefinition {
  const text = (value: string) => ({
    properties: ['read'] as const,
    onRead: () => encodeDeviceInformationString(value),
  });
  return {
    uuid: DEVICE_INFORMATION_SERVICE,
    characteristics: [
      { uuid: MANUFACTURER_NAME_UUID, ...text(identity.manufacturer) },
      { uuid: MODEL_NUMBER_UUID, ...text(identity.model) },
      { uuid: SERIAL_NUMBER_UUID, ...text(identity.serial) },
      { uuid: FIRMWARE_REVISION_UUID, ...text(identity.firmware) },
    ],
  };
}

export interface BatteryDrain {
  /** When the battery was last full (simulated time). */
  fullAtMs: number;
  /** Simulated hours per percent of charge. */
  hoursPerPercent: number;
  /** The battery is replaced or recharged to 100 % when it would drop below this. */
  replacedBelowPercent: number;
}

/** Battery Level at a simulated time: 100 % at `fullAtMs`, one percent less every `hoursPerPercent`. */
export function batteryPercentAt(drain: BatteryDrain, atMs: number): number {
  const span = 100 - drain.replacedBelowPercent + 1;
  const spent = Math.floor(Math.max(0, atMs - drain.fullAtMs) / HOUR_MS / drain.hoursPerPercent);
  return 100 - (spent % span);
}

export class DrainingBattery {
  #notified: number | undefined;

  constructor(
    private readonly clock: SimulationClock,
    private readonly drain: BatteryDrain,
  ) {}

  get percent(): number {
    return batteryPercentAt(this.drain, this.clock.now());
  }

  service(): VirtualServiceDefinition {
    return {
      uuid: BATTERY_SERVICE,
      characteristics: [
        {
          uuid: BATTERY_LEVEL_UUID,
          properties: ['read', 'notify'],
          onRead: () => encodeBatteryLevel({ percent: this.percent }),
        },
      ],
    };
  }

  /** Notifies the level once a minute (radio pace) when it changed since the last notification. */
  start(peripheral: VirtualPeripheral): Cancel {
    return this.clock.every(MINUTE_MS, () => {
      const percent = this.percent;
      if (percent === this.#notified) return;
      if (peripheral.notify(BATTERY_SERVICE, BATTERY_LEVEL_UUID, encodeBatteryLevel({ percent }))) {
        this.#notified = percent;
      }
    });
  }
}
