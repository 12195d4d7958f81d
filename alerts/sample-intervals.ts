/**
 * How often readings arrive from a device that monitors continuously, and so how far
 * apart two consecutive readings of a sustained run ("held for 15 min") may be before the
 * run counts as broken: by default twice the interval, which forgives exactly one lost
 * reading. Two spot checks hours apart are two facts, not a condition held in between.
 *
 * Project defaults (PROJECT), from the devices this project pairs with:
 * - CGM glucose: one reading every 5 minutes (gateway/devices/cgm-sensor.ts; Nightscout
 *   calls a CGM stale after 15 min, three missed readings [NS1]). Default gap: 10 min.
 * - SpO2 and pulse: continuous oximeters and heart-rate straps notify every second; a
 *   stream with at least a reading a minute is continuous monitoring. Default gap: 2 min.
 * - Meter glucose (spot tests) and anything else: no continuous interval, so a sustained
 *   rule on them must state its own `maxGapMinutes` (the rule schema refuses it otherwise).
 */
import type { Metric } from '../common/metrics.ts';
import type { ReadingSelection, Sustain } from './rule-schema.ts';

const CONTINUOUS_VITALS: ReadonlySet<Metric> = new Set(['spo2', 'heart_rate', 'pulse_rate']);
const CGM_INTERVAL_MINUTES = 5;
const CONTINUOUS_VITALS_INTERVAL_MINUTES = 1;

/** The expected minutes between readings of this selection, if it is continuously monitored. */
function expectedSampleMinutes(selection: ReadingSelection): number | undefined {
  if (selection.glucoseSource === 'cgm') return CGM_INTERVAL_MINUTES;
  if (selection.metrics.every((metric) => CONTINUOUS_VITALS.has(metric))) {
    return CONTINUOUS_VITALS_INTERVAL_MINUTES;
  }
  return undefined;
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
