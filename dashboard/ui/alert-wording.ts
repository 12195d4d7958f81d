/**
 * Alerts in words: severity and state labels, who did what and when, and the snooze
 * choices. Pure: the clock is passed in.
 */
import type { Alert, AlertHistoryEntry, Severity } from './api-types.ts';
import { formatClock } from './time-ago.ts';

export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'CRITICAL',
  warning: 'WARNING',
  info: 'INFO',
};

/** The snooze durations offered, in minutes. */
export const SNOOZE_CHOICES: readonly { minutes: number; label: string }[] = [
  { minutes: 30, label: '30 min' },
  { minutes: 60, label: '1 hour' },
  { minutes: 240, label: '4 hours' },
  { minutes: 1440, label: '24 hours' },
];

const EVENT_WORDS: Record<AlertHistoryEntry['type'], string> = {
  fired: 'Alert started',
  renotified: 'Reminder sent',
  escalated: 'Escalated',
  acknowledged: 'Acknowledged',
  snoozed: 'Snoozed',
  resolved: 'Resolved',
};

/** "Acknowledged by nurse.ayesha, 26 Nov, 14:02: Called her, eating now". */
export function describeHistoryEntry(entry: AlertHistoryEntry): string {
  const by = entry.by ? ` by ${entry.by}` : '';
  const note = entry.note ? `: ${entry.note}` : '';
  return `${EVENT_WORDS[entry.type]}${by}, ${formatClock(Date.parse(entry.at))}${note}`;
}

export function isSnoozed(alert: Pick<Alert, 'snoozedUntil' | 'state'>, nowMs: number): boolean {
  return alert.state !== 'resolved' && !!alert.snoozedUntil && Date.parse(alert.snoozedUntil) > nowMs;
}

/** Where the alert stands, in a few words. */
export function alertStatusText(alert: Alert, nowMs: number): string {
  if (alert.state === 'resolved') {
    return `Resolved${alert.resolvedBy ? ` by ${alert.resolvedBy}` : ''}${alert.resolvedAt ? `, ${formatClock(Date.parse(alert.resolvedAt))}` : ''}`;
  }
  const snooze =
    isSnoozed(alert, nowMs) && alert.snoozedUntil
      ? `; snoozed until ${formatClock(Date.parse(alert.snoozedUntil))}${alert.snoozedBy ? ` by ${alert.snoozedBy}` : ''}`
      : '';
  if (alert.state === 'acknowledged') {
    return `Acknowledged${alert.acknowledgedBy ? ` by ${alert.acknowledgedBy}` : ''}${alert.acknowledgedAt ? `, ${formatClock(Date.parse(alert.acknowledgedAt))}` : ''}${snooze}`;
  }
  const escalated = alert.escalationLevel > 0 ? `; escalated to level ${alert.escalationLevel}` : '';
  return `Not acknowledged${escalated}${snooze}`;
}
