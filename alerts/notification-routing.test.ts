import { describe, expect, it } from 'vitest';
import type { AlertEvent, AlertEventType, Severity } from '../common/contract.ts';
import type { AlertEmission } from './alert-lifecycle.ts';
import { RoutingConfig, routeAlertEvent } from './notification-routing.ts';
import { WARD_TEAM } from './test-ward.ts';

const team = WARD_TEAM;
const config = RoutingConfig.parse({
  webhookUrl: 'https://pager.clinic.example/hook',
  default: {
    info: ['mqtt', 'live_feed'],
    warning: ['email', 'mqtt', 'live_feed'],
    critical: ['email', 'webhook', 'mqtt', 'live_feed'],
  },
});

function emission(
  type: AlertEventType,
  severity: Severity,
  escalationLevel = 0,
  silenced = false,
): AlertEmission {
  const event: AlertEvent = {
    alertId: 'a1',
    eventId: `a1-0-${type}`,
    type,
    patientId: 'p-001',
    ruleId: 'diabetes.hypo_l2',
    severity,
    message: 'test',
    at: '2026-11-24T02:35:00.000Z',
  };
  return { event, escalationLevel, silenced };
}

/** `email amina@clinic.example` per delivery. */
const deliveries = (e: AlertEmission, routing = config) =>
  routeAlertEvent(e, team, routing).map((d) => `${d.channel} ${d.recipient}`);

describe('notification routing', () => {
  it('pages the first tier of the care team by email and webhook, and records on MQTT and the live feed', () => {
    expect(deliveries(emission('fired', 'critical'))).toEqual([
      'email amina@clinic.example',
      'email sana@clinic.example',
      'webhook https://pager.clinic.example/hook',
      'mqtt rpm/v1/alerts/p-001',
      'live_feed ward-a',
    ]);
  });

  it('sends escalation level n to the n-th next people in the order, and the last ones beyond the end', () => {
    const emails = (level: number) =>
      deliveries(emission('escalated', 'critical', level)).filter((d) => d.startsWith('email'));
    expect(emails(1)).toEqual(['email bilal@clinic.example']);
    expect(emails(2)).toEqual(['email chaudhry@clinic.example']);
    expect(emails(5)).toEqual(['email chaudhry@clinic.example']);
  });

  it('re-notifies whoever the alert has reached', () => {
    expect(deliveries(emission('renotified', 'critical', 1)).filter((d) => d.startsWith('email'))).toEqual([
      'email bilal@clinic.example',
    ]);
  });

  it('by default shows info alerts on the dashboard without emailing anyone, and emails warnings', () => {
    const defaults = RoutingConfig.parse({});
    expect(deliveries(emission('fired', 'info'), defaults)).toEqual([
      'mqtt rpm/v1/alerts/p-001',
      'live_feed ward-a',
    ]);
    expect(deliveries(emission('fired', 'warning'), defaults)).toEqual([
      'email amina@clinic.example',
      'email sana@clinic.example',
      'mqtt rpm/v1/alerts/p-001',
      'live_feed ward-a',
    ]);
  });

  it('sends nothing to anyone for a silenced (snoozed) event, but still records it', () => {
    expect(deliveries(emission('fired', 'critical', 0, true))).toEqual([
      'mqtt rpm/v1/alerts/p-001',
      'live_feed ward-a',
    ]);
  });

  it('sends updates to everyone paged so far when the care team wants them by email', () => {
    const routing = RoutingConfig.parse({ updates: ['email', 'live_feed'] });
    expect(deliveries(emission('acknowledged', 'critical', 1), routing)).toEqual([
      'email amina@clinic.example',
      'email sana@clinic.example',
      'email bilal@clinic.example',
      'live_feed ward-a',
    ]);
  });

  it('uses a care team’s own channels when it has them', () => {
    const routing = RoutingConfig.parse({
      webhookUrl: 'https://pager.clinic.example/hook',
      careTeams: { 'ward-a': { info: [], warning: ['live_feed'], critical: ['webhook'] } },
    });
    expect(deliveries(emission('fired', 'warning'), routing)).toEqual(['live_feed ward-a']);
    expect(deliveries(emission('fired', 'critical'), routing)).toEqual([
      'webhook https://pager.clinic.example/hook',
    ]);
  });

  it('pages a member without an email address on the dashboard only, and the rest of the tier by email', () => {
    const members = WARD_TEAM.members.map((m) => (m.userId === 'nurse.amina' ? { ...m, email: null } : m));
    const noAddress = { ...WARD_TEAM, members };
    const sent = routeAlertEvent(emission('fired', 'critical'), noAddress, config).map(
      (d) => `${d.channel} ${d.recipient}`,
    );
    expect(sent.filter((d) => d.startsWith('email'))).toEqual(['email sana@clinic.example']);
    expect(sent).toContain('live_feed ward-a');
  });

  it('refuses a routing entry for a care team id the records cannot hold', () => {
    const result = RoutingConfig.safeParse({
      careTeams: { 'Ward:A': { info: [], warning: [], critical: [] } },
    });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['careTeams.Ward:A']);
  });

  it('refuses a configuration that routes to a webhook without its URL, or to an unknown channel', () => {
    const noUrl = RoutingConfig.safeParse({
      careTeams: { 'ward-a': { info: [], warning: [], critical: ['webhook'] } },
    });
    expect(noUrl.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['webhookUrl', 'a route uses the webhook channel but no webhookUrl is set'],
    ]);
    const sms = RoutingConfig.safeParse({ updates: ['sms'] });
    expect(sms.success).toBe(false);
    expect(sms.error?.issues[0]?.path).toEqual(['updates', 0]);
  });
});
