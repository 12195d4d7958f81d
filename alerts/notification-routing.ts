/**
 * Who hears about an alert event, and how: pure routing from an emission (event,
 * escalation level, silenced) to deliveries. The senders (SMTP, webhook, MQTT, the
 * dashboard's live feed) are the caller's; a delivery is identified by event id, channel
 * and recipient, so a notification log can make sure nothing is sent twice.
 *
 * - Paging events (`fired`, `renotified`, `escalated`) go on the channels configured for
 *   the care team and severity. Email reaches the members of the escalation tier the
 *   alert has reached: tier 0 (the lowest `escalationOrder`) first, level n the n-th next
 *   tier, the last tier when the level goes beyond it. The webhook (one URL, e.g. a
 *   paging or SMS bridge), the MQTT topic and the live feed get every paging event once.
 * - Updates (`acknowledged`, `snoozed`, `resolved`) go on the `updates` channels; by
 *   email to every tier paged so far, so that whoever was called learns it is handled.
 * - Silenced events (the rule is snoozed) only go to the record channels (MQTT topic and
 *   live feed): the dashboard shows them, nobody is notified.
 */
import { z } from 'zod';
import { type AlertEvent, topics } from '../common/contract.ts';
import { type CareTeam, CareTeamId, type CareTeamMember } from '../records/staff.ts';
import { type AlertEmission, UserId } from './alert-lifecycle.ts';

export const Channel = z.enum(['email', 'webhook', 'mqtt', 'live_feed']);
export type Channel = z.infer<typeof Channel>;

/** Channels that record the event for everyone watching rather than notify a person. */
const RECORD_CHANNELS: ReadonlySet<Channel> = new Set<Channel>(['mqtt', 'live_feed']);

/** What routing needs of a care team (records/staff.ts): its id and its members. */
export type RoutedTeam = Pick<CareTeam, 'id' | 'members'>;

const channelList = z
  .array(Channel)
  .refine((list) => new Set(list).size === list.length, 'a channel is listed twice');
const SeverityChannels = z.strictObject({ info: channelList, warning: channelList, critical: channelList });

const DEFAULT_CHANNELS: z.input<typeof SeverityChannels> = {
  info: ['mqtt', 'live_feed'],
  warning: ['email', 'mqtt', 'live_feed'],
  critical: ['email', 'mqtt', 'live_feed'],
};

export const RoutingConfig = z
  .strictObject({
    /** Channels per severity for paging events, unless the care team has its own (add `webhook` with a URL). */
    default: SeverityChannels.default(DEFAULT_CHANNELS),
    careTeams: z.record(CareTeamId, SeverityChannels).default({}),
    /** Channels for acknowledged, snoozed and resolved events. */
    updates: channelList.default(['mqtt', 'live_feed']),
    /** Where webhook deliveries go (RPM_NOTIFY_WEBHOOK_URL); required when any route uses the webhook. */
    webhookUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .superRefine((config, ctx) => {
    const routes = [config.default, ...Object.values(config.careTeams)].flatMap((r) => [
      ...r.info,
      ...r.warning,
      ...r.critical,
    ]);
    if (config.webhookUrl === undefined && [...routes, ...config.updates].includes('webhook')) {
      ctx.addIssue({
        code: 'custom',
        path: ['webhookUrl'],
        message: 'a route uses the webhook channel but no webhookUrl is set',
      });
    }
  });
export type RoutingConfig = z.infer<typeof RoutingConfig>;

/** One event to send on one channel to one recipient (the notification log's unit). */
export const Delivery = z.strictObject({
  eventId: z.string(),
  channel: Channel,
  /** email: the member's address; webhook: the URL; mqtt: the topic; live_feed: the care team id. */
  recipient: z.string(),
  /** email: the care team member it is for. */
  userId: UserId.optional(),
});
export type Delivery = z.infer<typeof Delivery>;

/** Members grouped by escalation order, lowest first. */
function escalationTiers(team: RoutedTeam): CareTeamMember[][] {
  const orders = [...new Set(team.members.map((m) => m.escalationOrder))].sort((a, b) => a - b);
  return orders.map((order) => team.members.filter((m) => m.escalationOrder === order));
}

const PAGING = new Set(['fired', 'renotified', 'escalated']);

function deliveriesOn(
  channel: Channel,
  event: AlertEvent,
  people: readonly CareTeamMember[],
  team: RoutedTeam,
  config: RoutingConfig,
): Delivery[] {
  const { eventId } = event;
  switch (channel) {
    case 'email':
      // A member without an address is reached on the dashboard only.
      return people.flatMap((m) =>
        m.email ? [{ eventId, channel, recipient: m.email, userId: m.userId }] : [],
      );
    case 'webhook':
      return config.webhookUrl === undefined ? [] : [{ eventId, channel, recipient: config.webhookUrl }];
    case 'mqtt':
      return [{ eventId, channel, recipient: topics.alerts(event.patientId) }];
    case 'live_feed':
      return [{ eventId, channel, recipient: team.id }];
  }
}

export function routeAlertEvent(
  emission: AlertEmission,
  team: RoutedTeam,
  config: RoutingConfig,
): Delivery[] {
  const { event } = emission;
  const paging = PAGING.has(event.type);
  const configured = paging ? (config.careTeams[team.id] ?? config.default)[event.severity] : config.updates;
  const channels = emission.silenced ? configured.filter((c) => RECORD_CHANNELS.has(c)) : configured;
  const tiers = escalationTiers(team);
  const reached = Math.min(emission.escalationLevel, tiers.length - 1);
  const people = paging ? (tiers[reached] ?? []) : tiers.slice(0, reached + 1).flat();
  return channels.flatMap((channel) => deliveriesOn(channel, event, people, team, config));
}
