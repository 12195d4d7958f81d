/**
 * The 14-day glucose summary of the patient view, per the International Consensus on Time
 * in Range (Battelino et al., Diabetes Care 2019 [K3] in ../shared/clinical-reference.md):
 * time below range (< 54 and 54-69 mg/dL), in range (70-180), above range (181-250 and
 * > 250), mean glucose, the glucose management indicator and the coefficient of variation.
 *
 * - Percentages are of readings, which for a CGM sampling every 5 minutes is time.
 * - GMI (%) = 3.31 + 0.02392 x mean glucose in mg/dL (Bergenstal RM et al., "Glucose
 *   Management Indicator (GMI)", Diabetes Care 2018;41:2275-2280), reported only from CGM
 *   data: the formula was derived from CGM means, not from spot meter tests.
 * - CV = 100 x SD / mean; <= 36 % is considered stable [K3].
 * - [K3] asks for >= 14 days with >= 70 % of possible CGM readings; `sufficientData` says
 *   whether that holds, and the screen says so when it does not.
 */

import { z } from 'zod';
import { GlucoseSource } from '../alerts/rule-schema.ts';

export const TIR_BANDS_MGDL = { veryLow: 54, low: 70, high: 180, veryHigh: 250 } as const;
const CGM_READINGS_PER_DAY = 288; // one every 5 minutes

export const GlucoseSummary = z.object({
  source: GlucoseSource,
  readings: z.number(),
  days: z.number(),
  /** Percent of readings, rounded to one decimal for display. */
  veryLowPercent: z.number(),
  lowPercent: z.number(),
  inRangePercent: z.number(),
  highPercent: z.number(),
  veryHighPercent: z.number(),
  meanMgdl: z.number(),
  /** Glucose management indicator, %; CGM only. */
  gmiPercent: z.number().nullable(),
  cvPercent: z.number().nullable(),
  /** >= 70 % of the possible CGM readings over the days [K3]; a meter never qualifies. */
  sufficientData: z.boolean(),
});
export type GlucoseSummary = z.infer<typeof GlucoseSummary>;

const round1 = (x: number) => Math.round(x * 10) / 10;

export function summariseGlucose(
  values: readonly number[],
  source: 'cgm' | 'meter',
  days: number,
): GlucoseSummary | null {
  const n = values.length;
  if (n === 0) return null;
  const count = (test: (v: number) => boolean) => values.filter(test).length;
  const pct = (k: number) => round1((100 * k) / n);
  const { veryLow, low, high, veryHigh } = TIR_BANDS_MGDL;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  return {
    source,
    readings: n,
    days,
    veryLowPercent: pct(count((v) => v < veryLow)),
    lowPercent: pct(count((v) => v >= veryLow && v < low)),
    inRangePercent: pct(count((v) => v >= low && v <= high)),
    highPercent: pct(count((v) => v > high && v <= veryHigh)),
    veryHighPercent: pct(count((v) => v > veryHigh)),
    meanMgdl: round1(mean),
    gmiPercent: source === 'cgm' ? round1(3.31 + 0.02392 * mean) : null,
    cvPercent: n > 1 ? round1((100 * Math.sqrt(variance)) / mean) : null,
    sufficientData: source === 'cgm' && n >= 0.7 * CGM_READINGS_PER_DAY * days,
  };
}
