/**
 * How often readings arrive from a device that monitors continuously, and so how far
 * apart two consecutive readings of a sustained run ("held for 15 min") may be before the
 * run counts as broken: by default twice the interval, which forgives exactly one lost
 * reading; a CGM's runs allow 20 min (the catalogue's reasons). Two spot checks hours apart
 * are two facts, not a condition held in between.
 *
 * The intervals are the metric catalogue's (common/metrics.ts: `continuousMinutes`, and
 * `cgmMinutes` for glucose from a CGM). Meter glucose, blood pressure, weight, temperature
 * (spot measurements) have none, so a sustained rule on them must state its own
 * `maxGapMinutes` (the rule schema refuses it otherwise).
 */
import { METRICS } from '../common/metrics.ts';
import type { ReadingSelection, Sustain } from './rule-schema.ts';

/**
 * The longest gap between consecutive readings of a run: the sustain's own, else the
 * catalogue's for the rule's readings (CGM glucose: 20 min, `cgmMaxGapMinutes`; other
 * continuous monitoring: twice its interval, which forgives exactly one lost reading). For
 * several metrics, the longest. The rule schema refuses a sustain on spot measurements that
 * states no gap, so a validated rule always has a number here.
 */
export function maxGapMinutes(sustain: Sustain, selection: ReadingSelection): number | undefined {
  if (sustain.maxGapMinutes !== undefined) return sustain.maxGapMinutes;
  let longest = 0;
  for (const metric of selection.metrics) {
    const row = METRICS[metric];
    const gap =
      selection.glucoseSource === 'cgm'
        ? (row.cgmMaxGapMinutes ?? (row.cgmMinutes && 2 * row.cgmMinutes))
        : row.continuousMinutes && 2 * row.continuousMinutes;
    if (gap === undefined) return undefined;
    longest = Math.max(longest, gap);
  }
  return longest;
}
