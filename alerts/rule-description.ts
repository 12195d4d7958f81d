/**
 * Rules in words, for notifications, the dashboard and the README's template table:
 * `CGM glucose below 70 mg/dL for 15 min; clears at 70 mg/dL or above for 15 min`.
 * Numbers are rounded here for reading only; comparisons never see these strings.
 */
import { METRICS } from '../common/metrics.ts';
import type { ReadingSelection, Rule, Sustain } from './rule-schema.ts';
import { maxGapMinutes } from './sample-intervals.ts';

/** At most two decimals, trailing zeros dropped: 70.2594 -> "70.26", 70 -> "70". */
export function formatNumber(value: number): string {
  return String(Number(value.toFixed(2)));
}

/** 15 -> "15 min", 180 -> "3 h", 90 -> "90 min". */
export function formatMinutes(minutes: number): string {
  return minutes >= 60 && minutes % 60 === 0 ? `${minutes / 60} h` : `${formatNumber(minutes)} min`;
}

export function describeReadings(selection: ReadingSelection): string {
  const metrics = selection.metrics.map((m) => METRICS[m].words).join(' or ');
  return selection.glucoseSource === undefined
    ? metrics
    : `${selection.glucoseSource === 'cgm' ? 'CGM' : 'meter'} ${metrics}`;
}

/** `shownGap`: a gap already stated for the rule (the clear sustain repeats only a different one). */
function describeSustain(
  sustain: Sustain | undefined,
  selection: ReadingSelection,
  shownGap?: number,
): string {
  if (sustain === undefined) return ' (one reading)';
  const parts: string[] = [];
  if (sustain.minutes !== undefined) parts.push(formatMinutes(sustain.minutes));
  if (sustain.readings !== undefined) {
    parts.push(`${sustain.readings} consecutive reading${sustain.readings === 1 ? '' : 's'}`);
  }
  const gap = maxGapMinutes(sustain, selection);
  const apart =
    gap === undefined || gap === shownGap ? '' : ` (readings at most ${formatMinutes(gap)} apart)`;
  return ` for ${parts.join(sustain.join === 'and' ? ' and ' : ' or ')}${apart}`;
}

export function describeRule(rule: Rule): string {
  const what = describeReadings(rule.readings);
  switch (rule.kind) {
    case 'threshold': {
      const comparison = `${rule.inclusive ? 'at or ' : ''}${rule.direction}`;
      const back = rule.direction === 'below' ? 'above' : 'below';
      const handOver = rule.handsOverTo ? `; where ${rule.handsOverTo} fires, it alerts instead` : '';
      return (
        `${what} ${comparison} ${formatNumber(rule.level)} ${rule.unit}${describeSustain(rule.sustain, rule.readings)}${handOver}; ` +
        `clears at ${formatNumber(rule.clear.level)} ${rule.unit} or ${back}${rule.clear.sustain ? describeSustain(rule.clear.sustain, rule.readings, rule.sustain && maxGapMinutes(rule.sustain, rule.readings)) : ''}`
      );
    }
    case 'rate': {
      const gate = rule.gate
        ? ` while ${rule.gate.direction} ${formatNumber(rule.gate.level)} ${rule.unit}`
        : '';
      const sustain = rule.sustain ? describeSustain(rule.sustain, rule.readings) : '';
      return (
        `${what} ${rule.direction} at ${formatNumber(rule.ratePerMinute)} ${rule.unit}/min or faster ` +
        `(least-squares slope over ${formatMinutes(rule.windowMinutes)}, at least ${rule.minReadings} readings ` +
        `spanning ${formatMinutes(rule.minSpanMinutes)})${gate}${sustain}; ` +
        `clears when ${rule.direction} slower than ${formatNumber(rule.clearRatePerMinute)} ${rule.unit}/min`
      );
    }
    case 'no_data':
      return `no reliable ${what} reading for more than ${formatMinutes(rule.silentMinutes)} (watched once it has sent a reading)`;
  }
}
