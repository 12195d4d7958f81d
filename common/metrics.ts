/**
 * The metrics the platform carries, as data: for each metric the UCUM units it may
 * arrive in and the range a real measurement can have. A value outside the range is
 * not physiologically possible (or not a measurement at all) and is dead-lettered, never
 * stored. A device's "HI"/"LO" is sent as the range's limit with a flag saying so
 * (`result_above_device_range` / `result_below_device_range`, common/contract.ts).
 *
 * The ranges are deliberately wide: they exist to catch broken encoders and unit
 * mix-ups (a glucose in mmol/L sent as mg/dL), not to judge the patient. Clinical
 * thresholds live in the alert templates (alerts/), with their sources.
 */
import { z } from 'zod';

export const Metric = z.enum(['heart_rate', 'pulse_rate', 'spo2', 'glucose', 'battery']);
export type Metric = z.infer<typeof Metric>;

export const Unit = z.enum(['/min', '%', 'mg/dL', 'mmol/L']);
export type Unit = z.infer<typeof Unit>;

export interface UnitRange {
  unit: Unit;
  min: number;
  max: number;
}

/**
 * LOINC codes are from ../shared/clinical-reference.md (S1, S4, S5, S2); they are
 * carried in the documentation and exports, never used as keys.
 */
export const METRICS: Record<Metric, { description: string; units: readonly UnitRange[]; loinc?: string }> = {
  heart_rate: {
    description: 'Heart rate from a heart-rate sensor (strap, watch)',
    // 8867-4 Heart rate. Range: below 20 or above 300 /min is not a sensed heart rate.
    units: [{ unit: '/min', min: 20, max: 300 }],
    loinc: '8867-4',
  },
  pulse_rate: {
    description: 'Pulse rate from a pulse oximeter',
    units: [{ unit: '/min', min: 20, max: 300 }],
    loinc: '8867-4',
  },
  spo2: {
    description: 'Peripheral oxygen saturation by pulse oximetry',
    // 59408-5 Oxygen saturation in arterial blood by pulse oximetry. The whole 0-100 %:
    // oximeters display down to 0-1 % (Nonin 7500FO display range 0-100 %; Masimo SET module
    // measurement range 1-100 %), accuracy being specified for 70-100 % only (ISO 80601-2-61),
    // and a real severe hypoxaemia below 50 % must reach the nurse, not the dead letters.
    units: [{ unit: '%', min: 0, max: 100 }],
    loinc: '59408-5',
  },
  glucose: {
    description: 'Glucose concentration: capillary (meter) or interstitial (CGM)',
    // 10-1000 mg/dL spans every meter and CGM reporting range (typically 20-600 / 40-400).
    // The mmol/L range is the same span converted with 18.0156 (see common/units.ts).
    units: [
      { unit: 'mg/dL', min: 10, max: 1000 },
      { unit: 'mmol/L', min: 0.5, max: 55.5 },
    ],
    loinc: '2339-0',
  },
  battery: {
    description: 'Battery level of a device',
    units: [{ unit: '%', min: 0, max: 100 }],
  },
};

export type RangeProblem = { kind: 'unit'; allowed: Unit[] } | { kind: 'range'; min: number; max: number };

/** The limits of `metric` in `unit`; undefined when the unit does not fit the metric. */
export function metricRange(metric: Metric, unit: Unit): Readonly<UnitRange> | undefined {
  return METRICS[metric].units.find((r) => r.unit === unit);
}

/** Checks a value and unit against the metric table; undefined when acceptable. */
export function checkMetricValue(metric: Metric, unit: Unit, value: number): RangeProblem | undefined {
  const range = metricRange(metric, unit);
  if (!range) return { kind: 'unit', allowed: METRICS[metric].units.map((r) => r.unit) };
  if (value < range.min || value > range.max) return { kind: 'range', min: range.min, max: range.max };
  return undefined;
}
