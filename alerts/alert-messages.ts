/**
 * The `message` of each alert event: short, in words a nurse reads on a phone, with the
 * reading, the time in the clinic's time zone and the rule in words. Display only: every
 * number is rounded here, never before a comparison.
 */
import { unitLabel } from '../common/metrics.ts';
import { convertUnit } from '../common/units.ts';
import type { AlertRecord } from './alert-lifecycle.ts';
import {
  describeReadings,
  describeRule,
  formatLevel,
  formatMinutes,
  formatNumber,
} from './rule-description.ts';
import type { Episode, NoDataEvaluation, RuleEvaluation, TriggerReading } from './rule-evaluation.ts';
import { componentOf, type NoDataRule, type Rule } from './rule-schema.ts';

/** AlertEvent.message holds at most this many characters. */
const MAX_MESSAGE = 500;

export function formatTime(time: number | string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(new Date(time));
}

function withinLimit(message: string): string {
  return message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE - 3)}...`;
}

/** What a rule saw besides the reading: a rate, a window's mean, the change from a baseline. */
function describeDetail(reading: TriggerReading): string {
  const { ratePerMinute, mean, baseline } = reading;
  if (ratePerMinute !== undefined)
    return `, changing ${formatNumber(ratePerMinute)} ${unitLabel(reading.unit)}/min`;
  if (mean !== undefined) {
    return ` (mean ${formatLevel(mean.level, mean.unit)} of ${mean.readings} readings on ${mean.days} days)`;
  }
  if (baseline !== undefined) {
    // The part the rule watches: a diastolic rule's change is the diastolic's, not the systolic's.
    const component = componentOf(baseline.part);
    const now = component === undefined ? reading.value : reading.components?.[component];
    if (now === undefined) return '';
    const change = convertUnit(now, reading.unit, baseline.unit) - baseline.value;
    const what = baseline.part === undefined ? '' : `${baseline.part} `;
    return (
      `, ${what}${formatNumber(Math.abs(change))} ${unitLabel(baseline.unit)} ${change < 0 ? 'below' : 'above'} ` +
      `the baseline ${formatNumber(baseline.value)} ${unitLabel(baseline.unit)}`
    );
  }
  return '';
}

function describeReading(reading: TriggerReading, timeZone: string): string {
  // A blood pressure reads 185/115: the systolic value with its components.
  const parts = reading.components ? { systolic: reading.value, ...reading.components } : reading.value;
  const value = formatLevel(parts, reading.unit);
  const shown =
    reading.bound === 'below'
      ? `LO (below ${value}, the device's range)`
      : reading.bound === 'above'
        ? `HI (above ${value}, the device's range)`
        : value;
  return `${shown} at ${formatTime(reading.time, timeZone)}${describeDetail(reading)}`;
}

function describeSilence(rule: NoDataRule, evaluation: NoDataEvaluation, timeZone: string): string {
  const { lastDataAt, lastReading, lastUnreliable } = evaluation;
  // A no-data rule fires only once its source has sent something, so lastDataAt is set here.
  const since = lastDataAt === null ? 'never' : formatTime(lastDataAt, timeZone);
  const flagged =
    lastUnreliable && (lastReading === null || lastDataAt === null || lastUnreliable.time > lastDataAt)
      ? `; the device did send readings flagged ${lastUnreliable.flags.join(', ')}, the last at ${formatTime(lastUnreliable.time, timeZone)}`
      : '';
  return (
    `no reliable ${describeReadings(rule.readings)} reading since ${since} ` +
    `(expected within ${formatMinutes(rule.silentMinutes)})${flagged}.`
  );
}

export function firedMessage(
  rule: Rule,
  episode: Episode,
  evaluation: RuleEvaluation,
  timeZone: string,
): string {
  if (rule.kind === 'no_data' && evaluation.kind === 'no_data') {
    const { gateway } = evaluation;
    if (rule.watch === 'gateway' && gateway) {
      return withinLimit(
        `${rule.title}: ${gateway.id} offline since ${formatTime(gateway.since, timeZone)}: power or ` +
          'internet. Readings are kept on the gateway and will arrive when it is back; device alerts wait until then.',
      );
    }
    const fault = evaluation.lastUnreliable;
    if (rule.watch === 'faults' && fault) {
      return withinLimit(
        `${rule.title}: ${fault.deviceId} reports ${fault.flags.join(', ')} since ` +
          `${formatTime(fault.since, timeZone)}, and no reliable ${describeReadings(rule.readings)} reading since.`,
      );
    }
    return withinLimit(`${rule.title}: ${describeSilence(rule, evaluation, timeZone)}`);
  }
  if (rule.kind === 'schedule') {
    return withinLimit(
      `${rule.title}: no ${describeReadings(rule.readings)} reading for the measurement prescribed at ` +
        `${formatTime(episode.start, timeZone)}. Rule: ${describeRule(rule)}.`,
    );
  }
  const reading = episode.trigger ? `${describeReading(episode.trigger, timeZone)}; ` : '';
  return withinLimit(
    `${rule.title}: ${reading}condition since ${formatTime(episode.start, timeZone)}. Rule: ${describeRule(rule)}.`,
  );
}

/** A fired alert's message for an episode whose readings arrived after the paging window. */
export function arrivedLateMessage(fired: string, arrivedAt: number, timeZone: string): string {
  return withinLimit(
    `Happened while the readings were in transit (a gateway offline, or the server restarting); they arrived ${formatTime(arrivedAt, timeZone)}. For review: nobody was paged. ${fired}`,
  );
}

/** A late alert that a fresh reading shows still going on (pageLateAlert). */
export function stillGoingOnMessage(alert: AlertRecord, reading: TriggerReading, timeZone: string): string {
  return withinLimit(
    `${alert.title}: still going on, since ${formatTime(alert.episodeStart, timeZone)} ` +
      `(its first readings arrived late); now ${describeReading(reading, timeZone)}.`,
  );
}

export function reminderMessage(alert: AlertRecord, timeZone: string): string {
  return withinLimit(
    `Not yet acknowledged: ${alert.title} (alert since ${formatTime(alert.firedAt, timeZone)}).`,
  );
}

export function escalatedMessage(alert: AlertRecord, timeZone: string): string {
  return withinLimit(
    `Escalated to level ${alert.escalationLevel}: ${alert.title} has not been acknowledged ` +
      `(alert since ${formatTime(alert.firedAt, timeZone)}).`,
  );
}

export function acknowledgedMessage(alert: AlertRecord, by: string): string {
  return withinLimit(`${alert.title}: acknowledged by ${by}.`);
}

export function snoozedMessage(alert: AlertRecord, by: string, until: string, timeZone: string): string {
  return withinLimit(`${alert.title}: notifications snoozed by ${by} until ${formatTime(until, timeZone)}.`);
}

export function snoozeEndedMessage(alert: AlertRecord, timeZone: string): string {
  return withinLimit(
    `Snooze ended: ${alert.title} is still active and not acknowledged (alert since ${formatTime(alert.firedAt, timeZone)}).`,
  );
}

export function resolvedMessage(alert: AlertRecord, timeZone: string): string {
  const resolved = alert.resolved;
  if (resolved === null) return withinLimit(`${alert.title}: resolved.`);
  switch (resolved.cause) {
    case 'condition_cleared':
      return withinLimit(
        resolved.reading
          ? `${alert.title}: resolved, ${describeReading(resolved.reading, timeZone)}.`
          : `${alert.title}: resolved.`,
      );
    case 'clinician':
      return withinLimit(`${alert.title}: resolved by ${resolved.by ?? 'a clinician'}.`);
    case 'rule_removed':
      return withinLimit(
        `${alert.title}: closed because the rule left the care plan${resolved.by ? ` (${resolved.by})` : ''}.`,
      );
  }
}
