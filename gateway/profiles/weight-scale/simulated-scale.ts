/**
 * A simulated bathroom scale: Weight Scale service (0x181D, Weight Scale Service 1.0) with
 * Weight Measurement (0x2A9D, indicate) and Weight Scale Feature (0x2A9E, read: time stamp,
 * BMI when the patient's height is entered, 0.05 kg / 0.1 lb resolution), plus Device
 * Information and Battery. Not simulated: multiple users (User Data Service), so no user ID.
 *
 * The patient weighs every morning at about 07:00, as heart-failure self-care asks, and
 * skips a day now and then (measurement-times.ts). A measurement carries the weight in kg
 * (in lb on a model set to imperial units), the time stamp from the scale's clock (local
 * wall-clock time) and, with a height, the BMI and that height.
 *
 * Like a Weight Scale Profile scale it keeps what it measured while no gateway listened and
 * indicates it, oldest first, once one subscribes (stored-measurements.ts).
 */
import { convertUnit } from '../../../common/units.ts';
import {
  bodyHeight,
  bodyMassIndex,
  encodeWeightMeasurement,
  scaleWeight,
  WEIGHT_MEASUREMENT_UUID,
  WEIGHT_SCALE_SERVICE,
  type WeightMeasurement,
  type WeightUnits,
} from '../../gatt/weight-measurement.ts';
import {
  encodeWeightScaleFeature,
  type HeightResolution,
  WEIGHT_SCALE_FEATURE_UUID,
  type WeightResolution,
} from '../../gatt/weight-scale-feature.ts';
import type { LocalTime } from '../../simulator/local-time.ts';
import type { MeasurementPlan } from '../../simulator/measurement-times.ts';
import { type MeasuringDeviceOptions, measuringDevice } from '../../simulator/measuring-device.ts';
import type { VirtualDevice } from '../../simulator/virtual-device.ts';
import { BodyWeight, type WeightProfile } from './physiology.ts';

/** Every morning, +/- 15 minutes; one day in ten skipped. */
export const SCALE_PLAN: MeasurementPlan = { minutes: [7 * 60], spreadMinutes: 15, skipChance: 0.1 };

const WEIGHT_RESOLUTION: WeightResolution = { code: 4, kg: 0.05, lb: 0.1 };
/** Height as the patient enters it: whole centimetres or inches. */
const HEIGHT_RESOLUTION: HeightResolution = { code: 1, m: 0.01, in: 1 };
/** Both resolutions are ten steps of the fields (0.005 kg / 0.01 lb, 0.001 m / 0.1 in). */
const FIELD_STEPS_PER_RESOLUTION = 10;
const DEFAULT_MEMORY = 100;

export interface WeighingScaleOptions extends MeasuringDeviceOptions {
  profile?: WeightProfile;
  /** SI (kg, m; default) or imperial (lb, in). */
  units?: WeightUnits;
  /** The patient's height entered on the scale, m: measurements then carry BMI and height. */
  heightM?: number;
}

export interface WeighingScale extends VirtualDevice {
  /** The patient steps on the scale now and it shows `kg`: indicated, or stored for the gateway. */
  weigh(kg: number): void;
}

/** The Weight Measurement the scale sends for `kg` weighed at `atMs`. */
export function scaleMeasurement(
  kg: number,
  atMs: number,
  local: LocalTime,
  units: WeightUnits = 'SI',
  heightM?: number,
): WeightMeasurement {
  const si = units === 'SI';
  const shown = si ? kg / WEIGHT_RESOLUTION.kg : convertUnit(kg, 'kg', '[lb_av]') / WEIGHT_RESOLUTION.lb;
  const measurement: WeightMeasurement = {
    units,
    weight: scaleWeight(units, Math.round(shown) * FIELD_STEPS_PER_RESOLUTION),
    timestamp: local.dateTime(atMs),
  };
  if (heightM === undefined) return measurement;
  const height = si
    ? heightM / HEIGHT_RESOLUTION.m
    : heightM / convertUnit(HEIGHT_RESOLUTION.in, '[in_i]', 'm');
  return {
    ...measurement,
    bmiAndHeight: {
      bmi: bodyMassIndex(Math.round((kg / (heightM * heightM)) * 10)),
      height: bodyHeight(units, Math.round(height) * FIELD_STEPS_PER_RESOLUTION),
    },
  };
}

export function createWeighingScale(o: WeighingScaleOptions): WeighingScale {
  const weight = new BodyWeight(o.noise, o.profile);
  const encoded = (kg: number, atMs: number) =>
    encodeWeightMeasurement(scaleMeasurement(kg, atMs, o.local, o.units, o.heightM));
  const withHeight = o.heightM !== undefined;
  const feature = encodeWeightScaleFeature({
    features: withHeight ? ['time_stamp', 'bmi'] : ['time_stamp'],
    weightResolution: WEIGHT_RESOLUTION,
    heightResolution: withHeight ? HEIGHT_RESOLUTION : null,
  });
  const { device, record } = measuringDevice(
    o,
    {
      kind: 'weight_scale',
      serviceUuid: WEIGHT_SCALE_SERVICE,
      measurementUuid: WEIGHT_MEASUREMENT_UUID,
      readable: [{ uuid: WEIGHT_SCALE_FEATURE_UUID, properties: ['read'], onRead: () => feature }],
      plan: SCALE_PLAN,
      memorySize: DEFAULT_MEMORY,
    },
    (atMs) => encoded(weight.kgAt(atMs), atMs),
  );
  return { ...device, weigh: (kg) => record(encoded(kg, o.clock.now())) };
}
