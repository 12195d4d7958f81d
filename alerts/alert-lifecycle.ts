/**
 * The life of one alert (one episode of one rule for one patient), as an explicit state
 * machine over a plain record:
 *
 *   firing --acknowledge--> acknowledged
 *   firing | acknowledged --condition cleared | clinician resolves | rule removed--> resolved
 *
 * While firing (not acknowledged) an alert is re-notified every `renotifyMinutes` and,
 * for the severities that escalate, climbs one escalation level every
 * `escalateAfterMinutes` (level n is due n intervals after firing) up to
 * `maxEscalationLevel`; notification routing turns the level into the next people in
 * the care team's order. Acknowledging stops both.
 *
 * Snooze (a silence on a patient's rule until a time): the alert keeps its state and
 * its condition is still evaluated; a new episode during the snooze is recorded (a
 * `fired` event marked silenced, shown on the dashboard, paging nobody). Re-notification
 * and escalation pause; when the snooze ends and the alert is still unacknowledged it is
 * re-notified at once and its escalation clock starts again.
 *
 * Ids are deterministic: alertId hashes patient, rule and episode start, so evaluating
 * the same readings again gives the same id; eventId is alertId + sequence + type.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AlertEvent, type AlertEventType, PatientId, Severity, UtcTimestamp } from '../common/contract.ts';
import { Metric } from '../common/metrics.ts';
import {
  acknowledgedMessage,
  escalatedMessage,
  reminderMessage,
  resolvedMessage,
  snoozedMessage,
  snoozeEndedMessage,
} from './alert-messages.ts';
import { type Episode, TriggerReading } from './rule-evaluation.ts';
import { type Rule, RuleId } from './rule-schema.ts';

const MINUTE_MS = 60_000;

export const UserId = z.string().min(1).max(64);
export const Note = z.string().max(1000);
const Minutes = z
  .number()
  .positive()
  .max(7 * 24 * 60);

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const SeverityPolicy = z.strictObject({
  /** Re-notify an unacknowledged alert this often; null: never. */
  renotifyMinutes: Minutes.nullable(),
  /** Escalate an unacknowledged alert one level this often; null: this severity never escalates. */
  escalateAfterMinutes: Minutes.nullable(),
});

/**
 * Operational defaults, not clinical thresholds: critical alerts are re-sent every 10
 * min and climb the care team every 15 min until someone acknowledges; warnings are
 * re-sent every 30 min; info is shown, never re-sent. Fewer, surer pages keep staff
 * answering them [K11][K13].
 */
export const AlertPolicy = z.strictObject({
  severities: z
    .strictObject({ info: SeverityPolicy, warning: SeverityPolicy, critical: SeverityPolicy })
    .default({
      info: { renotifyMinutes: null, escalateAfterMinutes: null },
      warning: { renotifyMinutes: 30, escalateAfterMinutes: null },
      critical: { renotifyMinutes: 10, escalateAfterMinutes: 15 },
    }),
  maxEscalationLevel: z.number().int().min(0).max(10).default(3),
  /** The longest snooze a clinician may set. */
  maxSnoozeMinutes: Minutes.default(24 * 60),
  /** Resolved alerts are kept this long so a replay of their readings does not fire them again. */
  resolvedRetentionMinutes: Minutes.default(48 * 60),
  /**
   * An episode whose readings reach the engine longer than this after they were taken (a
   * home gateway back from a power cut with its backlog, a server replaying after a restart)
   * happened while they were in transit: it is recorded for review and pages nobody, unless
   * a reading within this window shows it still going on (see AlertRecord.arrivedLate).
   */
  pagingWindowMinutes: Minutes.default(60),
  /**
   * A home gateway that sent no status for this long counts as offline, as if its last
   * will had come (ours sends one every minute; the broker sends the will when the
   * connection drops).
   */
  gatewayStatusMinutes: Minutes.default(10),
  /**
   * A reading that arrives after newer ones (a phone app sending newest first) re-evaluates
   * its rules over the stored readings, if it is at most this far behind the clock; an
   * older one is stored and shown but its span is not judged again.
   */
  reorderHorizonMinutes: Minutes.default(6 * 60),
  /** Times in messages are written in this IANA zone. */
  timeZone: z.string().refine(isTimeZone, 'expected an IANA time zone such as Asia/Karachi').default('UTC'),
});
export type AlertPolicy = z.infer<typeof AlertPolicy>;
export type AlertPolicyInput = z.input<typeof AlertPolicy>;

export const AlertStatus = z.enum(['firing', 'acknowledged', 'resolved']);
export const ResolutionCause = z.enum(['condition_cleared', 'clinician', 'rule_removed']);
export type ResolutionCause = z.infer<typeof ResolutionCause>;

/** One alert as the caller persists it (PostgreSQL) and the dashboard shows it. */
export const AlertRecord = z.strictObject({
  alertId: z.string().min(1).max(128),
  patientId: PatientId,
  ruleId: RuleId,
  title: z.string().min(1),
  severity: Severity,
  metric: Metric,
  status: AlertStatus,
  /** When the condition began (first reading of the run; for no-data, the last data). */
  episodeStart: UtcTimestamp,
  /** When the engine raised it (its clock, not the reading's). */
  firedAt: UtcTimestamp,
  trigger: TriggerReading.nullable(),
  escalationLevel: z.number().int().min(0),
  nextEscalationAt: UtcTimestamp.nullable(),
  nextRenotifyAt: UtcTimestamp.nullable(),
  acknowledged: z.strictObject({ by: UserId, at: UtcTimestamp, note: Note.optional() }).nullable(),
  resolved: z
    .strictObject({
      cause: ResolutionCause,
      at: UtcTimestamp,
      by: UserId.nullable(),
      note: Note.optional(),
      /** The reading that satisfied the clear condition. */
      reading: TriggerReading.nullable(),
    })
    .nullable(),
  /** Events emitted so far, i.e. the next event's sequence number. */
  eventCount: z.number().int().min(0),
  /**
   * The episode's readings arrived more than the policy's paging window after they were
   * taken: recorded and shown for review, notifying nobody, never reminded nor escalated.
   * A fresh reading that shows it still going on pages it after all (pageLateAlert).
   */
  arrivedLate: z.boolean().default(false),
});
export type AlertRecord = z.infer<typeof AlertRecord>;

/** A snooze of one patient's rule. */
export const Silence = z.strictObject({
  patientId: PatientId,
  ruleId: RuleId,
  until: UtcTimestamp,
  by: UserId,
  at: UtcTimestamp,
  note: Note.optional(),
});
export type Silence = z.infer<typeof Silence>;

/** What the engine hands to routing: the contract event plus what the contract lacks. */
export const AlertEmission = z.strictObject({
  event: AlertEvent,
  /** The step of the care team's escalation order this event is for (0: first line). */
  escalationLevel: z.number().int().min(0),
  /** The patient's rule is snoozed: record and show the event, notify nobody. */
  silenced: z.boolean(),
});
export type AlertEmission = z.infer<typeof AlertEmission>;

export interface LifecycleContext {
  now: number;
  policy: AlertPolicy;
  silenced: boolean;
}

export interface AlertChange {
  alert: AlertRecord;
  emissions: AlertEmission[];
}

const iso = (ms: number) => new Date(ms).toISOString();

export function alertIdFor(patientId: string, ruleId: string, episodeStart: string): string {
  return createHash('sha256').update(`${patientId}\n${ruleId}\n${episodeStart}`).digest('hex').slice(0, 32);
}

export function eventIdFor(alertId: string, sequence: number, type: AlertEventType): string {
  return `${alertId}-${sequence}-${type}`;
}

export function isActive(alert: AlertRecord): boolean {
  return alert.status !== 'resolved';
}

interface EventFields {
  message: string;
  reading?: TriggerReading | null;
  by?: string;
  note?: string;
  until?: string;
  silenced?: boolean;
}

function emit(
  alert: AlertRecord,
  type: AlertEventType,
  ctx: LifecycleContext,
  fields: EventFields,
): AlertChange {
  const reading = fields.reading ?? undefined;
  const event: AlertEvent = {
    alertId: alert.alertId,
    eventId: eventIdFor(alert.alertId, alert.eventCount, type),
    type,
    patientId: alert.patientId,
    ruleId: alert.ruleId,
    severity: alert.severity,
    metric: reading?.metric ?? alert.metric,
    ...(reading && { value: reading.value, unit: reading.unit }),
    ...(reading?.components && { components: reading.components }),
    message: fields.message,
    at: iso(ctx.now),
    ...(fields.by === undefined ? {} : { by: fields.by }),
    ...(fields.note === undefined ? {} : { note: fields.note }),
    ...(fields.until === undefined ? {} : { until: fields.until }),
  };
  const silenced = fields.silenced ?? (ctx.silenced || alert.arrivedLate);
  return {
    alert: { ...alert, eventCount: alert.eventCount + 1 },
    emissions: [{ event, escalationLevel: alert.escalationLevel, silenced }],
  };
}

function then(first: AlertChange, next: (alert: AlertRecord) => AlertChange): AlertChange {
  const second = next(first.alert);
  return { alert: second.alert, emissions: [...first.emissions, ...second.emissions] };
}

/** The first time after `now` on the schedule due, due + every, due + 2 every, ... */
function nextOnSchedule(due: number, everyMinutes: number, now: number): number {
  const every = everyMinutes * MINUTE_MS;
  return due + (Math.floor((now - due) / every) + 1) * every;
}

/** Renotification and escalation due times counted from `from`. */
function reminderSchedule(alert: AlertRecord, from: number, policy: AlertPolicy) {
  const { renotifyMinutes, escalateAfterMinutes } = policy.severities[alert.severity];
  const escalates = escalateAfterMinutes !== null && alert.escalationLevel < policy.maxEscalationLevel;
  return {
    nextRenotifyAt: renotifyMinutes === null ? null : iso(from + renotifyMinutes * MINUTE_MS),
    nextEscalationAt: escalates ? iso(from + escalateAfterMinutes * MINUTE_MS) : null,
  };
}

/** `arrivedLate`: the episode's readings came after the paging window (AlertRecord.arrivedLate). */
export function openAlert(
  input: { patientId: string; rule: Rule; episode: Episode; message: string; arrivedLate: boolean },
  ctx: LifecycleContext,
): AlertChange {
  const { patientId, rule, episode, arrivedLate } = input;
  const episodeStart = iso(episode.start);
  const draft: AlertRecord = {
    alertId: alertIdFor(patientId, rule.id, episodeStart),
    patientId,
    ruleId: rule.id,
    title: rule.title,
    severity: rule.severity,
    metric: episode.trigger?.metric ?? rule.readings.metrics[0],
    status: 'firing',
    episodeStart,
    firedAt: iso(ctx.now),
    trigger: episode.trigger,
    escalationLevel: 0,
    nextEscalationAt: null,
    nextRenotifyAt: null,
    acknowledged: null,
    resolved: null,
    eventCount: 0,
    arrivedLate,
  };
  const alert = arrivedLate ? draft : { ...draft, ...reminderSchedule(draft, ctx.now, ctx.policy) };
  return emit(alert, 'fired', ctx, { message: input.message, reading: episode.trigger });
}

export function acknowledgeAlert(
  alert: AlertRecord,
  action: { by: string; note?: string },
  ctx: LifecycleContext,
): AlertChange {
  if (alert.status !== 'firing') return { alert, emissions: [] };
  const acknowledged: AlertRecord = {
    ...alert,
    status: 'acknowledged',
    acknowledged: {
      by: action.by,
      at: iso(ctx.now),
      ...(action.note === undefined ? {} : { note: action.note }),
    },
    nextEscalationAt: null,
    nextRenotifyAt: null,
  };
  return emit(acknowledged, 'acknowledged', ctx, {
    message: acknowledgedMessage(alert, action.by),
    by: action.by,
    note: action.note,
  });
}

export function resolveAlert(
  alert: AlertRecord,
  resolution: { cause: ResolutionCause; by: string | null; note?: string; reading: TriggerReading | null },
  ctx: LifecycleContext,
): AlertChange {
  if (!isActive(alert)) return { alert, emissions: [] };
  const resolved: AlertRecord = {
    ...alert,
    status: 'resolved',
    resolved: {
      cause: resolution.cause,
      at: iso(ctx.now),
      by: resolution.by,
      ...(resolution.note === undefined ? {} : { note: resolution.note }),
      reading: resolution.reading,
    },
    nextEscalationAt: null,
    nextRenotifyAt: null,
  };
  return emit(resolved, 'resolved', ctx, {
    message: resolvedMessage(resolved, ctx.policy.timeZone),
    reading: resolution.reading,
    by: resolution.by ?? undefined,
    note: resolution.note,
  });
}

/** Tells whoever follows the alert that a clinician snoozed it; the snooze itself is the caller's record. */
export function snoozeAlert(alert: AlertRecord, silence: Silence, ctx: LifecycleContext): AlertChange {
  if (!isActive(alert)) return { alert, emissions: [] };
  return emit(alert, 'snoozed', ctx, {
    message: snoozedMessage(alert, silence.by, silence.until, ctx.policy.timeZone),
    by: silence.by,
    note: silence.note,
    until: silence.until,
    silenced: false,
  });
}

/**
 * A late alert (arrivedLate) that a fresh reading shows still going on: it pages now, as
 * a notification saying since when, and is reminded and escalated from now on. An alert
 * someone has acknowledged already is in hand and pages nobody.
 */
export function pageLateAlert(alert: AlertRecord, message: string, ctx: LifecycleContext): AlertChange {
  if (alert.status !== 'firing' || !alert.arrivedLate) return { alert, emissions: [] };
  const paging = { ...alert, arrivedLate: false, ...reminderSchedule(alert, ctx.now, ctx.policy) };
  return emit(paging, 'renotified', ctx, { message, reading: alert.trigger });
}

/** The snooze ended: an unacknowledged alert is re-notified now and its escalation clock restarts. */
export function endSnooze(alert: AlertRecord, ctx: LifecycleContext): AlertChange {
  if (alert.status !== 'firing' || alert.arrivedLate) return { alert, emissions: [] };
  const rescheduled = { ...alert, ...reminderSchedule(alert, ctx.now, ctx.policy) };
  return emit(rescheduled, 'renotified', ctx, {
    message: snoozeEndedMessage(alert, ctx.policy.timeZone),
    reading: alert.trigger,
    silenced: false,
  });
}

function escalate(alert: AlertRecord, due: number, ctx: LifecycleContext): AlertChange {
  const { escalateAfterMinutes, renotifyMinutes } = ctx.policy.severities[alert.severity];
  const level = alert.escalationLevel + 1;
  const escalated: AlertRecord = {
    ...alert,
    escalationLevel: level,
    nextEscalationAt:
      escalateAfterMinutes !== null && level < ctx.policy.maxEscalationLevel
        ? iso(due + escalateAfterMinutes * MINUTE_MS)
        : null,
    // An escalation is itself a notification: the next reminder follows it.
    nextRenotifyAt: renotifyMinutes === null ? null : iso(nextOnSchedule(due, renotifyMinutes, ctx.now)),
  };
  return emit(escalated, 'escalated', ctx, {
    message: escalatedMessage(escalated, ctx.policy.timeZone),
    reading: alert.trigger,
  });
}

/**
 * Escalations and re-notifications due by `ctx.now` for an unacknowledged alert. Each
 * escalation level due is emitted (after downtime several can be due at once); at most
 * one re-notification, and none when an escalation just went out.
 */
export function remindAlert(alert: AlertRecord, ctx: LifecycleContext): AlertChange {
  if (alert.status !== 'firing' || ctx.silenced) return { alert, emissions: [] };
  let change: AlertChange = { alert, emissions: [] };
  let due = dueTime(alert.nextEscalationAt, ctx.now);
  while (due !== undefined) {
    const at = due;
    change = then(change, (current) => escalate(current, at, ctx));
    due = dueTime(change.alert.nextEscalationAt, ctx.now);
  }
  if (change.emissions.length > 0) return change;
  const renotifyDue = dueTime(alert.nextRenotifyAt, ctx.now);
  const { renotifyMinutes } = ctx.policy.severities[alert.severity];
  if (renotifyDue === undefined || renotifyMinutes === null) return change;
  const rescheduled = {
    ...alert,
    nextRenotifyAt: iso(nextOnSchedule(renotifyDue, renotifyMinutes, ctx.now)),
  };
  return emit(rescheduled, 'renotified', ctx, {
    message: reminderMessage(alert, ctx.policy.timeZone),
    reading: alert.trigger,
  });
}

function dueTime(at: string | null, now: number): number | undefined {
  if (at === null) return undefined;
  const due = Date.parse(at);
  return due <= now ? due : undefined;
}
