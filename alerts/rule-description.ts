/**
 * Rules in words, for notifications, the dashboard and the README's template table:
 * `CGM glucose below 70 mg/dL for 15 min; clears at 70 mg/dL or above for 15 min`,
 * `blood pressure 7-day mean at or above 135/85 mm[Hg] (either part; at least 12 readings
 * on 4 days); clears at 130/80 mm[Hg] or below (both parts)`.
 * Numbers are rounded here for reading only; comparisons never see these strings.
 */
import { METRICS, unitLabel } from '../common/metrics.ts';
import {
  type Level,
  levelEntries,
  type NoDataRule,
  type Part,
  type ReadingSelection,
  type Rule,
  type Sustain,
} from './rule-schema.ts';
import { maxGapMinutes } from './sample-intervals.ts';

/** At most two decimals, trailing zeros dropped: 70.2594 -> "70.26", 70 -> "70". */
export function formatNumber(value: number): string {
  return String(Number(value.toFixed(2)));
}

/** 15 -> "15 min", 180 -> "3 h", 90 -> "90 min". */
export function formatMinutes(minutes: number): string {
  return minutes >= 60 && minutes % 60 === 0 ? `${minutes / 60} h` : `${formatNumber(minutes)} min`;
}

/**
 * A level, or a reading's parts, as a nurse reads them: "90 mmHg", "135/85 mmHg",
 * "135/85, mean 100 mmHg", "systolic 180, mean 130 mmHg".
 */
export function formatLevel(level: Level, unit: string): string {
  const entries = levelEntries(level);
  const parts = new Map(entries);
  const [systolic, diastolic, mean] = [parts.get('systolic'), parts.get('diastolic'), parts.get('mean')];
  const shown =
    systolic !== undefined && diastolic !== undefined
      ? [
          `${formatNumber(systolic)}/${formatNumber(diastolic)}`,
          ...(mean === undefined ? [] : [`mean ${formatNumber(mean)}`]),
        ]
      : entries.map(([part, value]) =>
          part === undefined || entries.length === 1 ? formatNumber(value) : `${part} ${formatNumber(value)}`,
        );
  return `${shown.join(', ')} ${unitLabel(unit)}`;
}

/** The readings a rule compares, with the part when it names exactly one: "blood pressure (systolic)". */
function describeCompared(selection: ReadingSelection, parts: readonly (Part | undefined)[]): string {
  const [only] = parts;
  return parts.length === 1 && only !== undefined
    ? `${describeReadings(selection)} (${only})`
    : describeReadings(selection);
}

const partsOfLevel = (level: Level) => levelEntries(level).map(([part]) => part);

/** A level on several parts holds on any one of them (`some`), and clears on every one. */
function partsNote(level: Level, some: boolean): string {
  const count = levelEntries(level).length;
  if (count < 2) return '';
  if (some) return count === 2 ? 'either part' : 'any part';
  return count === 2 ? 'both parts' : 'every part';
}

const inParentheses = (note: string) => (note === '' ? '' : ` (${note})`);

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
      const compared = describeCompared(rule.readings, partsOfLevel(rule.level));
      const comparison = `${rule.inclusive ? 'at or ' : ''}${rule.direction}`;
      const back = rule.direction === 'below' ? 'above' : 'below';
      const handOver = rule.handsOverTo ? `; where ${rule.handsOverTo} fires, it alerts instead` : '';
      const any = inParentheses(partsNote(rule.level, true));
      const every = inParentheses(partsNote(rule.clear.level, false));
      return (
        `${compared} ${comparison} ${formatLevel(rule.level, rule.unit)}${any}${describeSustain(rule.sustain, rule.readings)}${handOver}; ` +
        `clears at ${formatLevel(rule.clear.level, rule.unit)} or ${back}${every}${rule.clear.sustain ? describeSustain(rule.clear.sustain, rule.readings, rule.sustain && maxGapMinutes(rule.sustain, rule.readings)) : ''}`
      );
    }
    case 'average': {
      const compared = describeCompared(rule.readings, partsOfLevel(rule.level));
      const comparison = `${rule.inclusive ? 'at or ' : ''}${rule.direction}`;
      const back = rule.direction === 'below' ? 'above' : 'below';
      const any = partsNote(rule.level, true);
      const enough = `at least ${rule.minReadings} readings on ${rule.minDays} day${rule.minDays === 1 ? '' : 's'}`;
      return (
        `${compared} ${rule.windowDays}-day mean ${comparison} ${formatLevel(rule.level, rule.unit)} ` +
        `(${any === '' ? '' : `${any}; `}${enough}); ` +
        `clears at ${formatLevel(rule.clear.level, rule.unit)} or ${back}${inParentheses(partsNote(rule.clear.level, false))}`
      );
    }
    case 'change': {
      const compared = describeCompared(rule.readings, [rule.part]);
      const [change, extreme, from] =
        rule.direction === 'rising' ? ['rise', 'lowest', 'rose'] : ['fall', 'highest', 'fell'];
      const days = `${rule.windowDays} day${rule.windowDays === 1 ? '' : 's'}`;
      return (
        `${compared} ${change} of more than ${formatNumber(rule.by)} ${unitLabel(rule.unit)} within ${days} ` +
        `(latest reading against the ${extreme} of the ${days} before; a lone reading that jumps back does not count)` +
        `${describeSustain(rule.sustain, rule.readings)}; ` +
        `clears back within ${formatNumber(rule.clear.by)} ${unitLabel(rule.unit)} of the ${extreme} it ${from} from`
      );
    }
    case 'rate': {
      const gate = rule.gate
        ? ` while ${rule.gate.direction} ${formatNumber(rule.gate.level)} ${unitLabel(rule.unit)}`
        : '';
      const sustain = rule.sustain ? describeSustain(rule.sustain, rule.readings) : '';
      return (
        `${what} ${rule.direction} at ${formatNumber(rule.ratePerMinute)} ${unitLabel(rule.unit)}/min or faster ` +
        `(least-squares slope over ${formatMinutes(rule.windowMinutes)}, at least ${rule.minReadings} readings ` +
        `spanning ${formatMinutes(rule.minSpanMinutes)})${gate}${sustain}; ` +
        `clears when ${rule.direction} slower than ${formatNumber(rule.clearRatePerMinute)} ${unitLabel(rule.unit)}/min`
      );
    }
    case 'no_data':
      return describeNoData(rule, what);
    case 'schedule':
      return (
        `a ${what} measurement prescribed at ${rule.times.join(', ')} not taken from ${formatMinutes(rule.earlyMinutes)} before ` +
        `to ${formatMinutes(rule.lateMinutes)} after (watched once the device has sent a reading); clears with the next reading`
      );
  }
}

/** What a no-data rule watches: a silence, a device's faults, or the home gateway. */
function describeNoData(rule: NoDataRule, what: string): string {
  switch (rule.watch) {
    case 'faults':
      return `the ${what} device sending only readings it flags unreliable for ${formatMinutes(rule.silentMinutes)}; clears on a reliable reading, or when it stops sending for as long`;
    case 'gateway':
      return `the home gateway offline for ${formatMinutes(rule.silentMinutes)} (its last will, or no status); clears when it is back`;
    case 'silence':
      return `no reliable ${what} reading for more than ${formatMinutes(rule.silentMinutes)} (watched once it has sent a reading)`;
  }
}
