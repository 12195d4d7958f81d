/**
 * The three values a ward tile shows, with their labels and units as a nurse reads them.
 * Values arrive in the stored units (glucose in mg/dL, see ingest/influx-schema.ts) and
 * are rounded here for display only.
 */
import type { WardTile } from './api-types.ts';

export const VITALS = ['heart_rate', 'spo2', 'glucose'] as const;
export type Vital = (typeof VITALS)[number];

export const VITAL_LABEL: Record<Vital, { name: string; unit: string }> = {
  heart_rate: { name: 'Heart rate', unit: 'bpm' },
  spo2: { name: 'SpO2', unit: '%' },
  glucose: { name: 'Glucose', unit: 'mg/dL' },
};

export function isVital(metric: string): metric is Vital {
  return (VITALS as readonly string[]).includes(metric);
}

/** Whole numbers: no device on the ward resolves a tenth of a beat, a percent or a mg/dL. */
export function formatVital(value: number): string {
  return String(Math.round(value));
}

/**
 * What a tile shows for a value: the number and its unit, or for a device's LO / HI (the
 * value is only a bound) "LO" / "HI" with the bound, e.g. LO "< 20 mg/dL". Never the bound
 * as if it were measured.
 */
export function vitalText(
  latest: { value: number; bound?: 'below' | 'above' },
  unit: string,
): { value: string; unit: string } {
  const number = formatVital(latest.value);
  if (latest.bound === 'below') return { value: 'LO', unit: `< ${number} ${unit}` };
  if (latest.bound === 'above') return { value: 'HI', unit: `> ${number} ${unit}` };
  return { value: number, unit };
}

/** The metric a tile's sparkline shows: glucose if the patient has any, else SpO2, else heart rate. */
export function primaryVital(tile: Pick<WardTile, 'latest' | 'sparklines'>): Vital {
  const has = (v: Vital) => tile.latest[v] !== undefined || tile.sparklines[v].length > 0;
  return has('glucose') ? 'glucose' : has('spo2') ? 'spo2' : 'heart_rate';
}
