import { describe, expect, it } from 'vitest';
import {
  type AlertChange,
  type AlertRecord,
  acknowledgeAlert,
  alertIdFor,
  type LifecycleContext,
  openAlert,
  pageLateAlert,
  remindAlert,
  resolveAlert,
} from './alert-lifecycle.ts';
import { resolveCarePlan } from './care-plan.ts';
import { at } from './reading-trace.ts';
import type { Rule } from './rule-schema.ts';
import { WARD_POLICY } from './test-ward.ts';

const policy = WARD_POLICY;
const rules = resolveCarePlan({ patientId: 'p-001', templates: ['diabetes'] });

function ruleOf(id: string): Rule {
  const rule = rules.find((r) => r.id === id);
  if (!rule) throw new Error(`test setup: no rule ${id}`);
  return rule;
}

const ctx = (time: string, silenced = false): LifecycleContext => ({
  now: at(time).getTime(),
  policy,
  silenced,
});

function open(ruleId: string, time = '10:00', arrivedLate = false): AlertChange {
  const episode = { start: at('09:40').getTime(), trigger: null };
  return openAlert(
    { patientId: 'p-001', rule: ruleOf(ruleId), episode, message: 'test alert', arrivedLate },
    ctx(time),
  );
}

/** Reminds at each time; one line per event: `10:16 escalated level 1`. */
function remindAt(alert: AlertRecord, times: string[]): string[] {
  let current = alert;
  return times.flatMap((time) => {
    const change = remindAlert(current, ctx(time));
    current = change.alert;
    return change.emissions.map((e) => `${time} ${e.event.type} level ${e.escalationLevel}`);
  });
}

describe('alert ids', () => {
  it('depend only on patient, rule and episode start, so evaluating the same readings again gives the same id', () => {
    const first = open('diabetes.hypo_l2', '10:00');
    const later = open('diabetes.hypo_l2', '11:30');
    expect(later.alert.alertId).toBe(first.alert.alertId);
    expect(first.alert.alertId).toBe(alertIdFor('p-001', 'diabetes.hypo_l2', '2026-11-24T09:40:00.000Z'));
    expect(alertIdFor('p-001', 'diabetes.hypo_l2', '2026-11-24T09:45:00.000Z')).not.toBe(first.alert.alertId);
    expect(alertIdFor('p-002', 'diabetes.hypo_l2', '2026-11-24T09:40:00.000Z')).not.toBe(first.alert.alertId);
  });

  it('number the events of an alert in order, so each event id is unique and stable', () => {
    const fired = open('diabetes.hypo_l2');
    const acknowledged = acknowledgeAlert(fired.alert, { by: 'nurse.amina' }, ctx('10:05'));
    const resolved = resolveAlert(
      acknowledged.alert,
      { cause: 'condition_cleared', by: null, reading: null },
      ctx('10:30'),
    );
    const id = fired.alert.alertId;
    expect(
      [...fired.emissions, ...acknowledged.emissions, ...resolved.emissions].map((e) => e.event.eventId),
    ).toEqual([`${id}-0-fired`, `${id}-1-acknowledged`, `${id}-2-resolved`]);
  });
});

describe('reminders of an unacknowledged alert', () => {
  it('escalate a critical alert on a fixed schedule whatever the tick times, catching up after downtime, up to the top level', () => {
    const { alert } = open('diabetes.hypo_l2', '10:00');
    expect(remindAt(alert, ['10:03', '10:11', '10:16', '10:29', '11:30', '11:35', '12:00'])).toEqual([
      '10:11 renotified level 0',
      '10:16 escalated level 1',
      '10:29 renotified level 1',
      '11:30 escalated level 2',
      '11:30 escalated level 3',
      '11:35 renotified level 3',
      '12:00 renotified level 3',
    ]);
  });

  it('re-notify a warning every 30 minutes without escalating it, and leave an info alert alone', () => {
    expect(remindAt(open('diabetes.hypo_l1').alert, ['10:29', '10:30', '11:00', '11:45'])).toEqual([
      '10:30 renotified level 0',
      '11:00 renotified level 0',
      '11:45 renotified level 0',
    ]);
    expect(remindAt(open('diabetes.hyper_l1').alert, ['10:30', '12:00', '20:00'])).toEqual([]);
  });

  it('stop once the alert is acknowledged, and pause while it is snoozed', () => {
    const { alert } = open('diabetes.hypo_l2', '10:00');
    const acknowledged = acknowledgeAlert(alert, { by: 'nurse.amina', note: 'calling' }, ctx('10:05')).alert;
    expect(acknowledged).toMatchObject({
      status: 'acknowledged',
      nextEscalationAt: null,
      nextRenotifyAt: null,
    });
    expect(remindAt(acknowledged, ['10:10', '10:15', '11:00'])).toEqual([]);
    expect(remindAlert(alert, ctx('10:20', true)).emissions).toEqual([]);
  });

  it('are never sent for an episode whose readings arrived late, until a fresh reading pages it', () => {
    const late = open('diabetes.hypo_l2', '10:00', true);
    expect(late.emissions.map((e) => [e.event.type, e.silenced])).toEqual([['fired', true]]);
    expect(late.alert).toMatchObject({ arrivedLate: true, nextEscalationAt: null, nextRenotifyAt: null });
    expect(remindAt(late.alert, ['10:10', '10:20', '11:00'])).toEqual([]);
    const resolved = resolveAlert(
      late.alert,
      { cause: 'condition_cleared', by: null, reading: null },
      ctx('10:30'),
    );
    expect(resolved.emissions.map((e) => [e.event.type, e.silenced])).toEqual([['resolved', true]]);
    // Still going on at 10:30: it pages now, and is reminded and escalated from now.
    const paged = pageLateAlert(late.alert, 'still going on', ctx('10:30'));
    expect(paged.emissions.map((e) => [e.event.type, e.silenced, e.event.message])).toEqual([
      ['renotified', false, 'still going on'],
    ]);
    expect(remindAt(paged.alert, ['10:41', '10:46'])).toEqual([
      '10:41 renotified level 0',
      '10:46 escalated level 1',
    ]);
    const acknowledged = acknowledgeAlert(late.alert, { by: 'nurse.amina' }, ctx('10:20')).alert;
    expect(pageLateAlert(acknowledged, 'still going on', ctx('10:30')).emissions).toEqual([]);
  });

  it('are not sent for a resolved alert, and resolving or acknowledging it again changes nothing', () => {
    const { alert } = open('diabetes.hypo_l2', '10:00');
    const resolved = resolveAlert(
      alert,
      { cause: 'clinician', by: 'dr.bilal', note: 'seen', reading: null },
      ctx('10:05'),
    );
    expect(remindAt(resolved.alert, ['10:10', '10:20'])).toEqual([]);
    expect(
      resolveAlert(resolved.alert, { cause: 'clinician', by: 'dr.bilal', reading: null }, ctx('10:06')),
    ).toEqual({
      alert: resolved.alert,
      emissions: [],
    });
    expect(acknowledgeAlert(resolved.alert, { by: 'nurse.amina' }, ctx('10:07')).emissions).toEqual([]);
  });
});
