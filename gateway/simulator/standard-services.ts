/**
 * The services every simulated device offers besides its health service: Device Information
 * (0x180A: manufacturer, model, serial, firmware) and Battery (0x180F: Battery Level, read
 * and notify), with a battery that drains slowly with simulated time and is replaced (or
 * recharged) when it gets low. Some also offer Current Time (0x1805), their clock, which may
 * be set wrong.
 */
import type { VirtualPeripheral, VirtualServiceDefinition } from '../ble/virtual-peripheral.ts';
import { BATTERY_LEVEL_UUID, BATTERY_SERVICE, encodeBatteryLevel } from '../gatt/battery-level.ts';
import { CURRENT_TIME_SERVICE, CURRENT_TIME_UUID, encodeCurrentTime } from '../gatt/current-time.ts';
import {
  DEVICE_INFORMATION_SERVICE,
  encodeDeviceInformationString,
  FIRMWARE_REVISION_UUID,
  MANUFACTURER_NAME_UUID,
  MODEL_NUMBER_UUID,
  SERIAL_NUMBER_UUID,
} from '../gatt/device-information.ts';
import { HOUR_MS, type LocalTime, MINUTE_MS } from './local-time.ts';
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

/** Current Time Service with Current Time (read): the device clock, `clockAheadMs` ahead of true time. */
export function currentTimeService(
  clock: SimulationClock,
  local: LocalTime,
  clockAheadMs: number,
): VirtualServiceDefinition {
  const read = () => {
    const deviceMs = clock.now() + clockAheadMs;
    const weekday = new Date(local.wallMs(deviceMs)).getUTCDay(); // 0 Sunday
    return encodeCurrentTime({
      dateTime: local.dateTime(deviceMs),
      dayOfWeek: weekday === 0 ? 7 : weekday,
      fractions256: Math.floor(((((deviceMs % 1000) + 1000) % 1000) * 256) / 1000),
      adjustReason: 0,
    });
  };
  return {
    uuid: CURRENT_TIME_SERVICE,
    characteristics: [{ uuid: CURRENT_TIME_UUID, properties: ['read'], onRead: read }],
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
