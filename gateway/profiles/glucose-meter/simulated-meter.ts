/**
 * A simulated Bluetooth glucose meter: Glucose service (0x1808) with Glucose Measurement
 * (0x2A18, notify), Glucose Measurement Context (0x2A34, notify: the meal), Glucose Feature
 * (0x2A51) and the Record Access Control Point (0x2A52), plus Device Information and Battery.
 * Measurement, context and control point need an encrypted (bonded) link, as the Glucose
 * Profile requires; the gateway pairs on first use.
 *
 * Records (simulated-meter-log.ts) go to the gateway only through the control point: "report
 * records >= N" (or all), "number of records", "abort"; the meter also answers "no records
 * found" and refuses what it does not implement (record-access-server.ts). It reports mg/dL
 * (kg/L on the air) or mmol/L (mol/L) depending on the model, capillary plasma from the
 * finger, with the test time on its own clock as base time and a zero time offset; that clock
 * may be set wrong (`clockAheadMs`), and may be offered as Current Time (`currentTime`).
 *
 * Radio behaviour like a real meter: it wakes after each test, at power-up and every
 * `wakeEveryMs` (a clock check), stays awake (advertising, or connected to the gateway) for
 * `awakeMs`, longer while a transfer runs, then ends the connection and sleeps (no
 * advertising). Keeping an idle link until then, rather than hanging up right after the
 * transfer, means the gateway sees a device that has been quiet for a while go away, and
 * waits to hear it again instead of trying to connect to a meter that is asleep.
 */
import { encodeGlucoseFeature, GLUCOSE_FEATURE_UUID } from '../../gatt/glucose-feature.ts';
import {
  encodeGlucoseMeasurement,
  GLUCOSE_MEASUREMENT_UUID,
  GLUCOSE_SERVICE,
  type GlucoseMeasurement,
} from '../../gatt/glucose-measurement.ts';
import {
  encodeGlucoseMeasurementContext,
  GLUCOSE_MEASUREMENT_CONTEXT_UUID,
} from '../../gatt/glucose-measurement-context.ts';
import { medicalNumber } from '../../gatt/ieee11073.ts';
import type { LocalTime } from '../../simulator/local-time.ts';
import { GLUCOSE_RACP_ERRORS, RecordAccessServer } from '../../simulator/record-access-server.ts';
import type { Cancel } from '../../simulator/simulation-clock.ts';
import { currentTimeService } from '../../simulator/standard-services.ts';
import {
  type DeviceModelOptions,
  type ModelParts,
  modelDevice,
  modelParts,
  type VirtualDevice,
} from '../../simulator/virtual-device.ts';
import type { MeterLog, MeterRecord } from './simulated-meter-log.ts';

/** The meter flags its results "device battery low" below this charge. */
const BATTERY_LOW_PERCENT = 10;
/** A transfer still running when the meter should sleep gets this much longer (radio pace). */
const TRANSFER_GRACE_MS = 2_000;

export interface GlucoseMeterOptions extends DeviceModelOptions {
  log: MeterLog;
  /** How long the meter stays awake after waking (radio pace; default 2 minutes). */
  awakeMs?: number;
  /** The meter wakes this often on its own (radio pace; default 10 minutes). */
  wakeEveryMs?: number;
  /** How far the meter's clock runs ahead of true time, ms (default 0: set right). */
  clockAheadMs?: number;
  /** The meter offers its clock as Current Time (0x1805/0x2A2B); default false, as on most cheap meters. */
  currentTime?: boolean;
}

/** The Glucose Measurement a record is sent as (context follows for a patient test). */
export function meterMeasurement(
  record: MeterRecord,
  local: LocalTime,
  batteryLow: boolean,
  clockAheadMs = 0,
): GlucoseMeasurement {
  const inMgdl = record.unit === 'mg/dL';
  return {
    sequenceNumber: record.sequenceNumber,
    baseTime: local.dateTime(record.atMs + clockAheadMs),
    timeOffsetMinutes: 0,
    concentration: {
      // mg/dL = kg/L x 10^5; mmol/L = mol/L x 10^3.
      value: medicalNumber(record.value.mantissa, record.value.exponent - (inMgdl ? 5 : 3)),
      unit: inMgdl ? 'kg/L' : 'mol/L',
      type: record.controlSolution ? 'control_solution' : 'capillary_plasma',
      location: record.controlSolution ? 'control_solution' : 'finger',
    },
    ...(batteryLow ? { sensorStatus: ['device_battery_low' as const] } : {}),
    contextFollows: !record.controlSolution,
  };
}

export function createGlucoseMeter(o: GlucoseMeterOptions): VirtualDevice {
  const held = () => o.log.recordsAt(o.clock.now());
  const send = (sequenceNumber: number): boolean => {
    const record = held().find((r) => r.sequenceNumber === sequenceNumber);
    const { peripheral, battery } = parts;
    if (!peripheral.connected || !record) return false;
    const measurement = meterMeasurement(
      record,
      o.local,
      battery.percent < BATTERY_LOW_PERCENT,
      o.clockAheadMs,
    );
    peripheral.notify(GLUCOSE_SERVICE, GLUCOSE_MEASUREMENT_UUID, encodeGlucoseMeasurement(measurement));
    if (measurement.contextFollows) {
      const context = encodeGlucoseMeasurementContext({ sequenceNumber, meal: record.meal });
      peripheral.notify(GLUCOSE_SERVICE, GLUCOSE_MEASUREMENT_CONTEXT_UUID, context);
    }
    return true;
  };
  let cancelSleep: Cancel = () => {};
  const sleepAfter = (delayMs: number) => {
    cancelSleep();
    cancelSleep = parts.tasks.add(o.clock.after(delayMs, sleep));
  };
  const recordAccess = new RecordAccessServer({
    serviceUuid: GLUCOSE_SERVICE,
    measurementUuid: GLUCOSE_MEASUREMENT_UUID,
    records: { keys: () => held().map((r) => r.sequenceNumber), send },
    operators: ['all_records', 'greater_than_or_equal_to'],
    errors: GLUCOSE_RACP_ERRORS,
  });
  function sleep(): void {
    if (recordAccess.busy) {
      sleepAfter(TRANSFER_GRACE_MS);
      return;
    }
    parts.peripheral.disconnect();
    parts.peripheral.powerOff();
  }
  const wake = () => {
    parts.peripheral.powerOn();
    sleepAfter(o.awakeMs ?? 120_000);
  };
  const parts: ModelParts = modelParts(
    o,
    {
      uuid: GLUCOSE_SERVICE,
      characteristics: [
        { uuid: GLUCOSE_MEASUREMENT_UUID, properties: ['notify'], encrypted: true },
        { uuid: GLUCOSE_MEASUREMENT_CONTEXT_UUID, properties: ['notify'], encrypted: true },
        {
          uuid: GLUCOSE_FEATURE_UUID,
          properties: ['read'],
          onRead: () =>
            encodeGlucoseFeature({
              features: ['low_battery_detection', 'sensor_strip_insertion_error_detection', 'time_fault'],
            }),
        },
        recordAccess.characteristic(),
      ],
    },
    [GLUCOSE_SERVICE],
    o.currentTime ? [currentTimeService(o.clock, o.local, o.clockAheadMs ?? 0)] : [],
  );
  recordAccess.attach(parts.peripheral);
  const scheduleNextTest = (afterMs: number) => {
    const at = o.log.nextTestAfter(afterMs);
    parts.tasks.once(
      (run) => o.clock.at(at, run),
      () => {
        wake();
        scheduleNextTest(at);
      },
    );
  };
  return modelDevice('glucose_meter', o.identity, parts, () => {
    wake();
    scheduleNextTest(o.clock.now());
    parts.tasks.add(o.clock.every(o.wakeEveryMs ?? 600_000, wake));
  });
}
