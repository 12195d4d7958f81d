/**
 * Glucose unit conversion. mg/dL = mmol/L x 18.0156, from the molar mass of glucose
 * (C6H12O6, 180.156 g/mol; ../shared/ble-gatt-reference.md). Many consumer meters round the
 * factor to 18; we use 18.0156 everywhere and say so in the README, so a threshold of
 * 3.9 mmol/L is 70.26 mg/dL, not 70.2.
 *
 * Comparisons are done on the unrounded converted value; rounding is for display only.
 */
export const GLUCOSE_MGDL_PER_MMOLL = 18.0156;

export type GlucoseUnit = 'mg/dL' | 'mmol/L';

export function toMgdl(value: number, unit: GlucoseUnit): number {
  return unit === 'mg/dL' ? value : value * GLUCOSE_MGDL_PER_MMOLL;
}

export function toMmoll(value: number, unit: GlucoseUnit): number {
  return unit === 'mmol/L' ? value : value / GLUCOSE_MGDL_PER_MMOLL;
}

export function convertGlucose(value: number, from: GlucoseUnit, to: GlucoseUnit): number {
  return to === 'mg/dL' ? toMgdl(value, from) : toMmoll(value, from);
}
