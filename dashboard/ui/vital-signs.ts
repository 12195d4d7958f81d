/**
 * The vital signs as a nurse reads them, from the metric catalogue (common/metrics.ts): their
 * labels, units and precision. Values arrive in the stored units (glucose in mg/dL, pressures
 * in mmHg, weight in kg, temperature in °C; ingest/readings-storage.ts) and are rounded here
 * for display only.
 */
import {
  METRICS,
  SPARKLINE_METRICS,
  type SparklineMetric,
  VITAL_METRICS,
  type VitalMetric,
} from '../../common/metrics.ts';
import type { WardTile } from './api-types.ts';

export const VITALS = VITAL_METRICS;
export type Vital = VitalMetric;

export function vitalLabel(vital: Vital): { name: string; unit: string } {
  return { name: METRICS[vital].label, unit: METRICS[vital].displayUnit };
}

export function isVital(metric: string): metric is Vital {
  return VITALS.some((v) => v === metric);
}

/** At the catalogue's precision: no device resolves a tenth of a beat, a percent or a mg/dL; a scale does a tenth of a kg. */
export function formatVital(value: number, vital: Vital): string {
  return value.toFixed(METRICS[vital].precision);
}

/**
 * What a tile shows for a value: the number (a blood pressure as systolic/diastolic) and its
 * unit, or for a device's LO / HI (the value is only a bound) "LO" / "HI" with the bound,
 * e.g. LO "< 20 mg/dL". Never the bound as if it were measured.
 */
export function vitalText(
  latest: { value: number; bound?: 'below' | 'above'; components?: { diastolic?: number } },
  vital: Vital,
): { value: string; unit: string } {
  const { unit } = vitalLabel(vital);
  const number = formatVital(latest.value, vital);
  if (latest.bound === 'below') return { value: 'LO', unit: `< ${number} ${unit}` };
  if (latest.bound === 'above') return { value: 'HI', unit: `> ${number} ${unit}` };
  const diastolic = latest.components?.diastolic;
  return { value: diastolic === undefined ? number : `${number}/${formatVital(diastolic, vital)}`, unit };
}

/** The metric a tile's sparkline shows: glucose if the patient has any, else SpO2, else heart rate. */
export function primaryVital(tile: Pick<WardTile, 'latest' | 'sparklines'>): SparklineMetric {
  const has = (v: SparklineMetric) => tile.latest[v] !== undefined || tile.sparklines[v].length > 0;
  return [...SPARKLINE_METRICS].reverse().find(has) ?? 'heart_rate';
}
