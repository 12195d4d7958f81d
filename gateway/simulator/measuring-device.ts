/**
 * What the simulated devices that indicate their measurements have in common (a cuff, a scale): a
 * health service with one measurement characteristic (indicate) and a few readable ones,
 * measurements taken on the patient's daily plan (measurement-times.ts), and a memory that
 * keeps each measurement until a gateway has confirmed it (stored-measurements.ts).
 */
import type { DeviceKind } from '../../common/device-kinds.ts';
import type { VirtualCharacteristicDefinition } from '../ble/virtual-peripheral.ts';
import { type MeasurementPlan, measureDaily, measurementTimes } from './measurement-times.ts';
import { StoredMeasurements } from './stored-measurements.ts';
import { type DeviceModelOptions, modelDevice, modelParts, type VirtualDevice } from './virtual-device.ts';

export interface MeasuringDeviceOptions extends DeviceModelOptions {
  /** Measurements kept until a gateway confirms them; a new one beyond this overwrites the oldest. */
  memorySize?: number;
  /**
   * The device was in use this many days before it was first heard: its memory holds the
   * measurements of the plan's times in those days (the demo's new gateway finds a week of
   * a cuff's readings waiting).
   */
  historyDays?: number;
}

export interface MeasuringDeviceSpec {
  kind: DeviceKind;
  serviceUuid: string;
  /** The measurement characteristic, indicated. */
  measurementUuid: string;
  /** The service's other characteristics (a feature), read-only. */
  readable: readonly VirtualCharacteristicDefinition[];
  plan: MeasurementPlan;
  /** The memory size when the options give none. */
  memorySize: number;
}

export interface MeasuringDevice {
  device: VirtualDevice;
  /** A measurement was taken: its encoded value is indicated, or stored until a gateway confirms it. */
  record(value: Uint8Array): void;
  /** How many measurements the device holds until a gateway confirms them. */
  waiting(): number;
}

/** The device, taking the measurement `scheduled(atMs)` at each time of the plan once started. */
export function measuringDevice(
  o: MeasuringDeviceOptions,
  spec: MeasuringDeviceSpec,
  scheduled: (atMs: number) => Uint8Array,
): MeasuringDevice {
  const { serviceUuid, measurementUuid } = spec;
  const parts = modelParts(
    o,
    {
      uuid: serviceUuid,
      characteristics: [{ uuid: measurementUuid, properties: ['indicate'] }, ...spec.readable],
    },
    [serviceUuid],
  );
  const memory = new StoredMeasurements({
    peripheral: parts.peripheral,
    serviceUuid,
    characteristicUuid: measurementUuid,
    capacity: o.memorySize ?? spec.memorySize,
  });
  const record = (value: Uint8Array) => memory.add(value);
  const nowMs = o.clock.now();
  const today = o.local.day(nowMs);
  for (let day = today - (o.historyDays ?? 0); day <= today && o.historyDays; day++) {
    for (const at of measurementTimes(spec.plan, o.noise, o.local, day))
      if (at <= nowMs) record(scheduled(at));
  }
  const device = modelDevice(spec.kind, o.identity, parts, () =>
    measureDaily(spec.plan, o, parts.tasks, (atMs) => record(scheduled(atMs))),
  );
  return { device, record, waiting: () => memory.waiting };
}
