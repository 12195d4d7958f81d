/**
 * A simulated upper-arm blood pressure monitor for home use: Blood Pressure service (0x1810,
 * Blood Pressure Service 1.1.1) with Blood Pressure Measurement (0x2A35, indicate) and Blood
 * Pressure Feature (0x2A49, read: body movement and irregular pulse detection), plus Device
 * Information and Battery. Not simulated: Intermediate Cuff Pressure (0x2A36), user IDs,
 * cuff fit and measurement position detection.
 *
 * The patient measures in the morning (about 07:30) and in the evening (about 21:00), skips
 * a session now and then and often takes a second reading a few minutes after the first, as
 * home monitoring guidelines advise (measurement-times.ts). A measurement carries systolic,
 * diastolic and mean arterial pressure in mmHg (in kPa, to 0.1, on a model set to kPa), the
 * time stamp from the cuff's clock (local wall-clock time), the pulse rate and the
 * measurement status: body movement or an irregular pulse when the cuff detected one.
 *
 * Like a Blood Pressure Profile sensor it keeps what it measured while no gateway listened
 * and indicates it, oldest first, once one subscribes (stored-measurements.ts).
 */
import { convertUnit } from '../../../common/units.ts';
import {
  BLOOD_PRESSURE_FEATURE_UUID,
  type BloodPressureFeatureName,
  encodeBloodPressureFeature,
} from '../../gatt/blood-pressure-feature.ts';
import {
  BLOOD_PRESSURE_MEASUREMENT_UUID,
  BLOOD_PRESSURE_SERVICE,
  type BloodPressureMeasurement,
  type BloodPressureMeasurementStatus,
  type BloodPressureUnit,
  encodeBloodPressureMeasurement,
} from '../../gatt/blood-pressure-measurement.ts';
import { medicalNumber } from '../../gatt/ieee11073.ts';
import type { LocalTime } from '../../simulator/local-time.ts';
import type { MeasurementPlan } from '../../simulator/measurement-times.ts';
import { type MeasuringDeviceOptions, measuringDevice } from '../../simulator/measuring-device.ts';
import type { VirtualDevice } from '../../simulator/virtual-device.ts';
import { type BloodPressureProfile, BloodPressureTrace, type CuffReading } from './physiology.ts';

/** Morning and evening, +/- 20 minutes; a second reading 1-5 minutes later in 40 % of sessions. */
export const CUFF_PLAN: MeasurementPlan = {
  minutes: [7 * 60 + 30, 21 * 60],
  spreadMinutes: 20,
  skipChance: 0.1,
  repeat: { chance: 0.4, afterMinutes: [1, 5] },
};

export const CUFF_FEATURES: BloodPressureFeatureName[] = [
  'body_movement_detection',
  'irregular_pulse_detection',
];
/** Measurements the cuff keeps for the gateway unless told otherwise. */
const DEFAULT_MEMORY = 100;

export interface BloodPressureCuffOptions extends MeasuringDeviceOptions {
  profile?: BloodPressureProfile;
  /** What the cuff shows and sends (default mmHg). */
  unit?: BloodPressureUnit;
}

/** A reading to take now: pressures in mmHg; pulse and findings default to the patient's pulse and none. */
export type CuffInput = Pick<CuffReading, 'systolic' | 'diastolic'> & Partial<CuffReading>;

export interface BloodPressureCuff extends VirtualDevice {
  /** The patient measures now and the cuff shows `reading`: indicated, or stored for the gateway. */
  measure(reading: CuffInput): void;
  /** How many readings the cuff keeps for a gateway (a week of them, in a test's household). */
  waiting(): number;
}

/** The Blood Pressure Measurement the cuff sends for `reading` taken at `atMs`. */
export function cuffMeasurement(
  reading: CuffReading,
  atMs: number,
  local: LocalTime,
  unit: BloodPressureUnit = 'mmHg',
): BloodPressureMeasurement {
  // Oscillometric cuffs measure the mean pressure; a third of the way from diastolic to systolic.
  const mean = Math.round(reading.diastolic + (reading.systolic - reading.diastolic) / 3);
  const pressure = (mmHg: number) =>
    unit === 'mmHg'
      ? medicalNumber(mmHg, 0)
      : medicalNumber(Math.round(convertUnit(mmHg, 'mm[Hg]', 'kPa') * 10), -1);
  const status: BloodPressureMeasurementStatus[] = [];
  if (reading.bodyMovement) status.push('body_movement_detected');
  if (reading.irregularPulse) status.push('irregular_pulse_detected');
  return {
    unit,
    systolic: pressure(reading.systolic),
    diastolic: pressure(reading.diastolic),
    meanArterialPressure: pressure(mean),
    timestamp: local.dateTime(atMs),
    pulseRate: medicalNumber(reading.pulseRate, 0),
    measurementStatus: status,
    pulseRateRange: 'within', // pulse rate range detection is not a feature of this cuff
  };
}

export function createBloodPressureCuff(o: BloodPressureCuffOptions): BloodPressureCuff {
  const trace = new BloodPressureTrace(o.noise, o.local, o.profile);
  const encoded = (reading: CuffReading, atMs: number) =>
    encodeBloodPressureMeasurement(cuffMeasurement(reading, atMs, o.local, o.unit));
  const { device, record, waiting } = measuringDevice(
    o,
    {
      kind: 'blood_pressure_monitor',
      serviceUuid: BLOOD_PRESSURE_SERVICE,
      measurementUuid: BLOOD_PRESSURE_MEASUREMENT_UUID,
      readable: [
        {
          uuid: BLOOD_PRESSURE_FEATURE_UUID,
          properties: ['read'],
          onRead: () => encodeBloodPressureFeature({ features: CUFF_FEATURES }),
        },
      ],
      plan: CUFF_PLAN,
      memorySize: DEFAULT_MEMORY,
    },
    (atMs) => encoded(trace.readingAt(atMs), atMs),
  );
  return {
    ...device,
    waiting,
    measure(reading) {
      const now = o.clock.now();
      const usual = trace.readingAt(now);
      record(
        encoded({ pulseRate: usual.pulseRate, bodyMovement: false, irregularPulse: false, ...reading }, now),
      );
    },
  };
}
