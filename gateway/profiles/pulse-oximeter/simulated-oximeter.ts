/**
 * A simulated finger pulse oximeter: Pulse Oximeter service (0x1822) with PLX Continuous
 * Measurement (0x2A5F, notify, once a second), PLX Spot-Check Measurement (0x2A5E, indicate:
 * the patient's checks at about 08:00 and 20:00, with the device's timestamp) and PLX
 * Features (0x2A60), plus Device Information and Battery.
 *
 * Every measurement carries the measurement status and the device and sensor status, so a
 * questionable measurement or low perfusion reaches the gateway as a status bit (and becomes
 * a reading flag there), never as a silently wrong number. The pulse amplitude index falls
 * with perfusion.
 */
import { type MedicalNumber, medicalNumber } from '../../gatt/ieee11073.ts';
import {
  encodePlxContinuousMeasurement,
  PLX_CONTINUOUS_MEASUREMENT_UUID,
  type PlxContinuousMeasurement,
} from '../../gatt/plx-continuous-measurement.ts';
import {
  encodePlxFeatures,
  PLX_FEATURES_UUID,
  type PlxFeatures,
  PULSE_OXIMETER_SERVICE,
} from '../../gatt/plx-features.ts';
import {
  encodePlxSpotCheckMeasurement,
  PLX_SPOT_CHECK_MEASUREMENT_UUID,
  type PlxSpotCheckMeasurement,
} from '../../gatt/plx-spot-check-measurement.ts';
import type { PlxStatusFields } from '../../gatt/plx-status.ts';
import {
  type DeviceModelOptions,
  modelDevice,
  modelParts,
  type VirtualDevice,
} from '../../simulator/virtual-device.ts';
import { type OxygenProfile, OxygenTrace } from './physiology.ts';

const NOTIFY_INTERVAL_MS = 1000;
/** Spot checks: minutes after local midnight, each day's within +/- 10 minutes. */
const SPOT_CHECK_MINUTES = [8 * 60, 20 * 60] as const;

export const OXIMETER_FEATURES: PlxFeatures = {
  supportedFeatures: [
    'measurement_status',
    'device_and_sensor_status',
    'timestamp_for_spot_check',
    'pulse_amplitude_index',
  ],
  measurementStatusSupport: ['measurement_ongoing', 'validated_data', 'questionable_measurement_detected'],
  deviceAndSensorStatusSupport: ['poor_signal_detected', 'low_perfusion_detected'],
};

export interface PulseOximeterOptions extends DeviceModelOptions {
  profile?: OxygenProfile;
}

/** What the oximeter measures at a moment, in its own resolution (whole % and /min). */
export function oximeterReadingAt(
  trace: OxygenTrace,
  atMs: number,
): { spo2: MedicalNumber; pulseRate: MedicalNumber } & PlxStatusFields {
  const signal = trace.signalAt(atMs);
  const pai = signal.lowPerfusion
    ? medicalNumber(4, -1)
    : medicalNumber(Math.round(30 + 20 * Math.sin(atMs / 60_000)), -1);
  return {
    spo2: medicalNumber(Math.round(trace.spo2At(atMs)), 0),
    pulseRate: medicalNumber(Math.round(trace.pulseRateAt(atMs)), 0),
    measurementStatus: signal.questionable
      ? ['measurement_ongoing', 'questionable_measurement_detected']
      : ['measurement_ongoing', 'validated_data'],
    deviceAndSensorStatus: signal.lowPerfusion ? ['low_perfusion_detected'] : [],
    pulseAmplitudeIndex: pai,
  };
}

export function createPulseOximeter(o: PulseOximeterOptions): VirtualDevice {
  const trace = new OxygenTrace(o.noise, o.local, o.profile);
  const parts = modelParts(
    o,
    {
      uuid: PULSE_OXIMETER_SERVICE,
      characteristics: [
        { uuid: PLX_SPOT_CHECK_MEASUREMENT_UUID, properties: ['indicate'] },
        { uuid: PLX_CONTINUOUS_MEASUREMENT_UUID, properties: ['notify'] },
        {
          uuid: PLX_FEATURES_UUID,
          properties: ['read'],
          onRead: () => encodePlxFeatures(OXIMETER_FEATURES),
        },
      ],
    },
    [PULSE_OXIMETER_SERVICE],
  );
  const { peripheral, tasks } = parts;

  const spotCheckAfter = (afterMs: number): number => {
    const today = o.local.day(afterMs);
    for (const day of [today, today + 1]) {
      for (const [slot, minute] of SPOT_CHECK_MINUTES.entries()) {
        const at = o.local.instant(day, minute + o.noise.between(-10, 10, 'spot-check', slot, day));
        if (at > afterMs) return at;
      }
    }
    return o.local.instant(today + 2, SPOT_CHECK_MINUTES[0]);
  };
  const scheduleSpotCheck = (afterMs: number) => {
    const at = spotCheckAfter(afterMs);
    tasks.once(
      (run) => o.clock.at(at, run),
      () => {
        const measurement: PlxSpotCheckMeasurement = {
          ...oximeterReadingAt(trace, at),
          timestamp: o.local.dateTime(at),
          deviceClockNotSet: false,
        };
        void peripheral.indicate(
          PULSE_OXIMETER_SERVICE,
          PLX_SPOT_CHECK_MEASUREMENT_UUID,
          encodePlxSpotCheckMeasurement(measurement),
        );
        scheduleSpotCheck(at);
      },
    );
  };

  return modelDevice('pulse_oximeter', o.identity, parts, () => {
    tasks.add(
      o.clock.every(NOTIFY_INTERVAL_MS, () => {
        const { spo2, pulseRate, ...status } = oximeterReadingAt(trace, o.clock.now());
        const measurement: PlxContinuousMeasurement = { normal: { spo2, pulseRate }, ...status };
        const bytes = encodePlxContinuousMeasurement(measurement);
        peripheral.notify(PULSE_OXIMETER_SERVICE, PLX_CONTINUOUS_MEASUREMENT_UUID, bytes);
      }),
    );
    scheduleSpotCheck(o.clock.now());
  });
}
