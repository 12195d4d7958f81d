import { describe, expect, it } from 'vitest';
import { alertStatusText, describeHistoryEntry, isSnoozed } from './alert-wording.ts';
import type { Alert } from './api-types.ts';
import { formatClock } from './time-ago.ts';

const NOW = Date.parse('2026-11-26T10:00:00Z');
const clock = (iso: string) => formatClock(Date.parse(iso));

const base: Alert = {
  alertId: 'a1',
  patientId: 'P-1001',
  patientName: 'Amina Bibi',
  ruleId: 'diabetes.hypo_l2',
  title: 'Very low glucose (level 2) on CGM',
  severity: 'critical',
  state: 'firing',
  message: '',
  firedAt: '2026-11-26T09:40:00Z',
  episodeStart: '2026-11-26T09:25:00Z',
  arrivedLate: false,
  escalationLevel: 0,
  history: [],
};

describe('describeHistoryEntry', () => {
  it('says who did what, when, with the note', () => {
    expect(
      describeHistoryEntry({
        type: 'acknowledged',
        at: '2026-11-26T09:45:00Z',
        by: 'nurse.ayesha',
        note: 'Called her',
      }),
    ).toBe(`Acknowledged by nurse.ayesha, ${clock('2026-11-26T09:45:00Z')}: Called her`);
    expect(describeHistoryEntry({ type: 'fired', at: '2026-11-26T09:40:00Z' })).toBe(
      `Alert started, ${clock('2026-11-26T09:40:00Z')}`,
    );
  });
});

describe('alertStatusText', () => {
  it('says an alert nobody acted on is not acknowledged, and how far it escalated', () => {
    expect(alertStatusText({ ...base, escalationLevel: 2 }, NOW)).toBe(
      'Not acknowledged; escalated to level 2',
    );
  });

  it('says who acknowledged and until when it is snoozed', () => {
    const acked: Alert = {
      ...base,
      state: 'acknowledged',
      acknowledgedBy: 'nurse.ayesha',
      acknowledgedAt: '2026-11-26T09:45:00Z',
      snoozedUntil: '2026-11-26T10:45:00Z',
      snoozedBy: 'nurse.ayesha',
    };
    expect(alertStatusText(acked, NOW)).toBe(
      `Acknowledged by nurse.ayesha, ${clock('2026-11-26T09:45:00Z')}; snoozed until ${clock('2026-11-26T10:45:00Z')} by nurse.ayesha`,
    );
  });

  it('no longer calls an alert snoozed once the snooze has run out', () => {
    expect(isSnoozed({ state: 'firing', snoozedUntil: '2026-11-26T09:59:00Z' }, NOW)).toBe(false);
    expect(isSnoozed({ state: 'firing', snoozedUntil: '2026-11-26T10:01:00Z' }, NOW)).toBe(true);
  });
});
