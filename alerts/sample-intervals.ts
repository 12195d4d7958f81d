/**
 * How often readings arrive from a device that monitors continuously, and so how far
 * apart two consecutive readings of a sustained run ("held for 15 min") may be before the
 * run counts as broken: by default twice the interval, which forgives exactly one lost
 * reading. Two spot checks hours apart are two facts, not a condition held in between.
 *
 * The intervals are the metric catalogue's (common/metrics.ts: `continuousMinutes`, and
 * `cgmMinutes` for glucose from a CGM). Meter glucose, blood pressure, weight, temperature
 * (spot measurements) have none, so a sustained rule on them must state its own
 * `maxGapMinutes` (the rule schema refuses it otherwise).
 */
import { METRICS } from '../common/metrics.ts';
import type { ReadingSelection, Sustain } from './rule-schema.ts';

/** The expected minutes between readings of this selection, if it is continuously monitored. */
function expectedSampleMinutes(selection: ReadingSelection): number | undefined {
  let longest = 0;
  for (const metric of selection.metrics) {
    const row = METRICS[metric];
    const minutes = selection.glucoseSource === 'cgm' ? row.cgmMinutes : row.continuousMinutes;
    if (minutes === undefined) return undefined;
    longest = Math.max(longest, minutes);
  }
  return longest;
}

/**
 * The longest gap between consecutive readings of a run: the sustain's own, else twice
 * the expected interval of the rule's readings. The rule schema refuses a sustain that
 * has neither, so a validated rule always has a number here.
 */
export function maxGapMinutes(sustain: Sustain, selection: ReadingSelection): number | undefined {
  const interval = expectedSampleMinutes(selection);
  return sustain.maxGapMinutes ?? (interval === undefined ? undefined : 2 * interval);
}
