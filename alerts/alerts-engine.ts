/**
 * The alerts engine: care plans, rule evaluation and alert lifecycles for many patients,
 * as one plain-JSON state and pure functions that return the next state and the alert
 * events to deliver. No I/O and no clock: every step receives `now`.
 *
 * Persistence and restart (the caller's part):
 * - After each step, persist the alerts and events it returned in the same transaction.
 *   Each step returns a new state object but keeps the object of every patient it did not
 *   change (`tick`) or had no reading for (`ingest`), so the caller persists per patient
 *   what changed, by identity. The evaluation state itself is not persisted: everything in
 *   it can be rebuilt (decided: a snapshot would be a second source of truth to keep in
 *   step with the records, and the rebuild below is tested at every point of an episode).
 * - At a restart, `rebuildEngine` starts from the care plans, the persisted
 *   alerts (active ones and those resolved within the replay window) and silences; then
 *   `ingest` the readings since `replayFrom(plans, now)` (from InfluxDB) and `tick`.
 *   Known alerts are neither fired again nor lost: an active alert keeps its id and can
 *   still resolve, a resolved episode seen again in the replay stays resolved, and a
 *   condition that was building up before the restart fires on time. Average and change
 *   rules rebuild their windows (7 days of blood pressure, 4 of weight) from the replay.
 * - Calendar days (a 7-day mean, a gain within 3 days) are counted in the policy's time
 *   zone, the clinic's: the engine knows no other (UTC by default).
 */
import { z } from 'zod';
import { isClinicallyReliable, PatientId, type Reading, UtcTimestamp } from '../common/contract.ts';
import { describeIssues } from '../common/describe-issues.ts';
import type { Metric } from '../common/metrics.ts';
import { StatusError } from '../common/status-error.ts';
import {
  type AlertChange,
  type AlertEmission,
  AlertPolicy,
  type AlertPolicyInput,
  AlertRecord,
  acknowledgeAlert,
  alertIdFor,
  endSnooze,
  isActive,
  type LifecycleContext,
  Note,
  openAlert,
  pageLateAlert,
  remindAlert,
  resolveAlert,
  Silence,
  snoozeAlert,
  UserId,
} from './alert-lifecycle.ts';
import { arrivedLateMessage, firedMessage, stillGoingOnMessage } from './alert-messages.ts';
import { CarePlan, type CarePlanInput, resolveCarePlan } from './care-plan.ts';
import {
  carryProgress,
  comesBefore,
  conditionStatus,
  considersReading,
  type Episode,
  type EvaluationStep,
  evaluateClock,
  evaluateReading,
  historyMinutes,
  type OfflineGateway,
  RuleEvaluation,
  restartEvaluation,
  resumeCleared,
  resumeFiring,
  showsCondition,
  startEvaluation,
  triggerOf,
} from './rule-evaluation.ts';
import { Rule, RuleId } from './rule-schema.ts';

const MINUTE_MS = 60_000;

/** What the engine knows of one of the patient's home gateways, from its status messages. */
export const GatewayLink = z.strictObject({
  online: z.boolean(),
  /** Since when it has been online (or offline): the status that changed it. */
  since: z.number().int(),
  /** The latest status received. */
  statusAt: z.number().int(),
  /** Readings waiting in its spool, as it last said: non-zero while it catches up. */
  spooled: z.number().int().nonnegative(),
});
export type GatewayLink = z.infer<typeof GatewayLink>;

export const PatientAlertState = z.strictObject({
  plan: CarePlan,
  /** The resolved rules, disabled ones included (the dashboard shows the whole plan). */
  rules: z.array(Rule),
  /** Evaluation state of each enabled rule, by rule id. */
  evaluations: z.record(RuleId, RuleEvaluation),
  /** Active alerts and those resolved within `resolvedRetentionMinutes`. */
  alerts: z.array(AlertRecord),
  silences: z.array(Silence),
  /** The patient's home gateways, by id. */
  gateways: z.record(z.string(), GatewayLink).default({}),
  /** When readings last arrived later than the paging window (a backlog): the home is catching up. */
  lateReadingsAt: z.number().int().nullable().default(null),
});
export type PatientAlertState = z.infer<typeof PatientAlertState>;

export const EngineState = z.strictObject({
  version: z.literal(1),
  policy: AlertPolicy,
  patients: z.record(PatientId, PatientAlertState),
  /** The patients each gateway served at its latest status, so a patient taken off it loses the link. */
  households: z.record(z.string(), z.array(PatientId)).default({}),
});
export type EngineState = z.infer<typeof EngineState>;

export interface EngineStep {
  state: EngineState;
  /** In the order they happened; route each (notification-routing.ts) and publish its event. */
  emissions: AlertEmission[];
}

export const AcknowledgeAction = z.strictObject({
  alertId: z.string().min(1).max(128),
  by: UserId,
  note: Note.optional(),
});
export const ResolveAction = z.strictObject({
  alertId: z.string().min(1).max(128),
  by: UserId,
  /** Why a clinician closes it: required. */
  note: Note.min(1),
});
export const SnoozeAction = z.strictObject({
  patientId: PatientId,
  ruleId: RuleId,
  until: UtcTimestamp,
  by: UserId,
  note: Note.optional(),
});
export type AcknowledgeAction = z.input<typeof AcknowledgeAction>;
export type ResolveAction = z.input<typeof ResolveAction>;
export type SnoozeAction = z.input<typeof SnoozeAction>;

export type AlertActionProblem = 'invalid_action' | 'unknown_alert' | 'unknown_patient' | 'unknown_rule';

/** A clinician action the engine cannot carry out, with what it was about. */
export class AlertActionError extends StatusError {
  readonly statusCode: 400 | 404 | 409;
  readonly code: string;
  constructor(
    readonly problem: AlertActionProblem,
    readonly action: 'acknowledge' | 'resolve' | 'snooze',
    detail: string,
  ) {
    super(`${action} refused (${problem}): ${detail}`);
    this.statusCode = problem === 'invalid_action' ? 400 : problem === 'unknown_alert' ? 404 : 409;
    this.code = `RPM_${problem.toUpperCase()}`;
    this.name = 'AlertActionError';
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

export function createEngine(policy: AlertPolicyInput = {}): EngineState {
  return { version: 1, policy: AlertPolicy.parse(policy), patients: {}, households: {} };
}

// ---------------------------------------------------------------------------
// Working on one patient: each step copies the patient's state, then edits the copy.

function copyPatient(p: PatientAlertState): PatientAlertState {
  return {
    ...p,
    evaluations: { ...p.evaluations },
    alerts: [...p.alerts],
    silences: [...p.silences],
    gateways: { ...p.gateways },
  };
}

function isSilenced(p: PatientAlertState, ruleId: string, now: number): boolean {
  return p.silences.some((s) => s.ruleId === ruleId && Date.parse(s.until) > now);
}

function contextFor(state: EngineState, p: PatientAlertState, ruleId: string, now: number): LifecycleContext {
  return { now, policy: state.policy, silenced: isSilenced(p, ruleId, now) };
}

function activeIndex(p: PatientAlertState, ruleId: string): number {
  return p.alerts.findIndex((a) => a.ruleId === ruleId && isActive(a));
}

function commit(p: PatientAlertState, index: number, change: AlertChange, out: AlertEmission[]): void {
  if (index < 0) p.alerts.push(change.alert);
  else p.alerts[index] = change.alert;
  out.push(...change.emissions);
}

const episodeOf = (alert: AlertRecord): Episode => ({
  start: Date.parse(alert.episodeStart),
  trigger: alert.trigger,
});
const evaluatedUpTo = (alert: AlertRecord): number => Date.parse(alert.trigger?.time ?? alert.episodeStart);

/** Stores a rule's new evaluation state and turns its transition, if any, into alert events. */
function applyStep(
  state: EngineState,
  p: PatientAlertState,
  rule: Rule,
  step: EvaluationStep,
  now: number,
  out: AlertEmission[],
): void {
  p.evaluations[rule.id] = step.state;
  const { transition } = step;
  if (transition === null) return;
  const index = activeIndex(p, rule.id);
  const ctx = contextFor(state, p, rule.id, now);
  if (transition.type === 'cleared') {
    const alert = p.alerts[index];
    const resolution = { cause: 'condition_cleared' as const, by: null, reading: transition.reading };
    if (alert) commit(p, index, resolveAlert(alert, resolution, ctx), out);
    return;
  }
  // One alert per patient and rule while active.
  if (index >= 0) return;
  const alertId = alertIdFor(p.plan.patientId, rule.id, iso(transition.episodeStart));
  const resolved = p.alerts.find((a) => a.alertId === alertId)?.resolved;
  if (resolved) {
    // This episode was alerted on and resolved before (a replay after a restart). If a
    // clinician closed it, the condition must build up again after that.
    if (resolved.cause !== 'condition_cleared') {
      p.evaluations[rule.id] = restartEvaluation(step.state, Date.parse(resolved.at));
    }
    return;
  }
  const episode = { start: transition.episodeStart, trigger: transition.trigger };
  const { timeZone } = state.policy;
  const fired = firedMessage(rule, episode, step.state, timeZone);
  const arrivedLate =
    transition.trigger !== null && Date.parse(transition.trigger.time) < pagingFrom(state, now);
  const message = arrivedLate ? arrivedLateMessage(fired, now, timeZone) : fired;
  commit(p, -1, openAlert({ patientId: p.plan.patientId, rule, episode, message, arrivedLate }, ctx), out);
}

/** Readings taken before this reach the engine too late to page (AlertPolicy.pagingWindowMinutes). */
function pagingFrom(state: EngineState, now: number): number {
  return now - state.policy.pagingWindowMinutes * MINUTE_MS;
}

/** A fresh reading shows a late alert's episode still going on: it pages now. */
function pageIfStillGoing(
  state: EngineState,
  p: PatientAlertState,
  rule: Rule,
  reading: Reading,
  now: number,
  out: AlertEmission[],
): void {
  const index = activeIndex(p, rule.id);
  const alert = p.alerts[index];
  const evaluation = p.evaluations[rule.id];
  if (!alert?.arrivedLate || !evaluation || conditionStatus(evaluation).status !== 'firing') return;
  if (Date.parse(reading.time) < pagingFrom(state, now) || !isClinicallyReliable(reading)) return;
  if (!showsCondition(rule, reading)) return;
  const message = stillGoingOnMessage(alert, triggerOf(reading), state.policy.timeZone);
  commit(p, index, pageLateAlert(alert, message, contextFor(state, p, rule.id, now)), out);
}

/** After readings arrived late, the home counts as catching up for this long (more of its backlog may follow). */
const CATCH_UP_MS = 5 * MINUTE_MS;
/** A gateway reporting a spool counts as catching up for at most this long after it came back (a stuck spool must not hide a silent device). */
const MAX_CATCH_UP_MS = 30 * MINUTE_MS;

/** The patient's gateways that are offline now: their last will came, or no status for gatewayStatusMinutes. */
function offlineGateways(state: EngineState, p: PatientAlertState, now: number): OfflineGateway[] {
  const stale = state.policy.gatewayStatusMinutes * MINUTE_MS;
  return Object.entries(p.gateways).flatMap(([gatewayId, link]) => {
    if (!link.online) return [{ gatewayId, since: link.since }];
    return now - link.statusAt > stale ? [{ gatewayId, since: link.statusAt }] : [];
  });
}

/**
 * While a gateway of the patient's is offline or catching up (back online in the last few
 * minutes, its status reports spooled readings, or readings arrived later than the paging
 * window in the last few minutes), a device's silence says nothing about the patient:
 * no-data alerts wait.
 */
function silenceExplained(p: PatientAlertState, offline: readonly OfflineGateway[], now: number): boolean {
  if (offline.length > 0) return true;
  // Just back online, or still sending its spool (for a while): its backlog is on the way.
  const back = (link: GatewayLink) => now - link.since;
  const links = Object.values(p.gateways);
  if (links.some((link) => back(link) < CATCH_UP_MS || (link.spooled > 0 && back(link) < MAX_CATCH_UP_MS))) {
    return true;
  }
  return p.lateReadingsAt !== null && now - p.lateReadingsAt < CATCH_UP_MS;
}

/**
 * The clock: no-data rules fire when silent too long (unless the gateway explains the
 * silence) and clear when recent data arrived; gateway rules follow the gateways' status;
 * averages lose old days.
 */
function checkClock(state: EngineState, p: PatientAlertState, now: number, out: AlertEmission[]): void {
  const offline = offlineGateways(state, p, now);
  const explained = silenceExplained(p, offline, now);
  for (const rule of p.rules) {
    const evaluation = p.evaluations[rule.id];
    if (evaluation === undefined) continue;
    const step = evaluateClock(rule, evaluation, now, state.policy.timeZone, offline);
    // A silent device, or a measurement not taken, may be in the backlog still on its way.
    const watchesReadings = (rule.kind === 'no_data' && rule.watch === 'silence') || rule.kind === 'schedule';
    if (watchesReadings && explained && step.transition?.type === 'fired') continue;
    applyStep(state, p, rule, step, now, out);
  }
}

// ---------------------------------------------------------------------------
// Readings and the clock

/** Readings by sample time (then id, so equal times keep one order), each with its time parsed once. */
function inTimeOrder(readings: readonly Reading[]): { reading: Reading; time: number }[] {
  return readings
    .map((reading) => ({ reading, time: Date.parse(reading.time) }))
    .sort(
      (a, b) => a.time - b.time || (a.reading.id < b.reading.id ? -1 : a.reading.id > b.reading.id ? 1 : 0),
    );
}

/** One reading through one of the patient's rules: its step, its alert, and a late alert it shows still going on. */
function feedReading(
  state: EngineState,
  p: PatientAlertState,
  rule: Rule,
  reading: Reading,
  now: number,
  out: AlertEmission[],
): void {
  const evaluation = p.evaluations[rule.id];
  if (evaluation === undefined) return;
  applyStep(state, p, rule, evaluateReading(rule, evaluation, reading, state.policy.timeZone), now, out);
  pageIfStillGoing(state, p, rule, reading, now, out);
}

/** The patient's online gateways were heard from at `now` (a reading came through). */
function heardFrom(p: PatientAlertState, now: number): void {
  for (const [gatewayId, link] of Object.entries(p.gateways)) {
    if (link.online && link.statusAt < now) p.gateways[gatewayId] = { ...link, statusAt: now };
  }
}

/** The patients a step changed (each a new object) and the alert events it produced. */
export interface PatientChanges {
  patients: Record<string, PatientAlertState>;
  emissions: AlertEmission[];
  /** Readings that came after newer ones (ingestChanges only): re-evaluate them (reevaluateChanges). */
  outOfOrder?: OutOfOrder[];
}

/**
 * Feeds readings (any order: they are sorted by sample time; readings of patients
 * without a care plan are ignored) and returns only the patients they changed, so that a
 * caller holding many patients does work in proportion to the readings, not to everyone.
 * `replay`: readings read back from storage after a restart, not a home catching up.
 */
export function ingestChanges(
  state: EngineState,
  readings: readonly Reading[],
  now: Date,
  arrival: 'live' | 'replay' = 'live',
): PatientChanges {
  const nowMs = now.getTime();
  const lateBefore = pagingFrom(state, nowMs);
  const touched = new Map<string, PatientAlertState>();
  const emissions: AlertEmission[] = [];
  const outOfOrder: OutOfOrder[] = [];
  for (const { reading, time } of inTimeOrder(readings)) {
    const original = state.patients[reading.patientId];
    if (original === undefined) continue;
    const p = touched.get(reading.patientId) ?? copyPatient(original);
    touched.set(reading.patientId, p);
    // A live reading taken before the paging window is a backlog arriving: the home catches up.
    if (arrival === 'live' && time < lateBefore) p.lateReadingsAt = nowMs;
    for (const rule of p.rules) {
      const evaluation = p.evaluations[rule.id];
      if (evaluation === undefined || !considersReading(rule, reading)) continue;
      if (arrival === 'live' && comesBefore(evaluation, reading)) {
        noteOutOfOrder(outOfOrder, reading, rule.id);
        continue;
      }
      feedReading(state, p, rule, reading, nowMs, emissions);
    }
  }
  // Live readings are a sign of life of the gateways they came through (one that sends its
  // status only when it connects is not offline while its readings flow).
  if (arrival === 'live') for (const p of touched.values()) heardFrom(p, nowMs);
  for (const p of touched.values()) checkClock(state, p, nowMs, emissions);
  return { patients: Object.fromEntries(touched), emissions, outOfOrder };
}

/**
 * Readings of a patient that arrived after a newer one of the same rules was evaluated (a
 * phone app sending newest first, a second device, a resend): the caller re-evaluates
 * those rules over the stored readings (reevaluateChanges), so the alerts are those of the
 * readings in time order, as a rebuild from storage would give. One per patient and step.
 */
export interface OutOfOrder {
  patientId: string;
  /** The rules that passed over them. */
  ruleIds: string[];
  /** The earliest such reading. */
  time: number;
}

function noteOutOfOrder(list: OutOfOrder[], reading: Reading, ruleId: string): void {
  const time = Date.parse(reading.time);
  const known = list.find((o) => o.patientId === reading.patientId);
  if (!known) {
    list.push({ patientId: reading.patientId, ruleIds: [ruleId], time });
    return;
  }
  known.time = Math.min(known.time, time);
  if (!known.ruleIds.includes(ruleId)) known.ruleIds.push(ruleId);
}

/** The rules of the patient that re-evaluate. */
function reorderedRules(p: PatientAlertState, late: OutOfOrder): Rule[] {
  return p.rules.filter((rule) => late.ruleIds.includes(rule.id) && p.evaluations[rule.id]);
}

/**
 * What to read back from storage to re-evaluate: the metrics of the rules concerned and
 * the time from which they need readings (the earliest late reading less each rule's
 * history), or undefined when none of the patient's rules needs it. Re-evaluation reaches
 * back at most the policy's reorder horizon: a reading older than that is stored and
 * shown, and not judged again.
 */
export function reorderWindow(
  state: EngineState,
  late: OutOfOrder,
  now: Date,
): { metrics: Metric[]; fromMs: number } | undefined {
  const p = state.patients[late.patientId];
  if (p === undefined) return undefined;
  const rules = reorderedRules(p, late);
  if (rules.length === 0) return undefined;
  const horizon = now.getTime() - state.policy.reorderHorizonMinutes * MINUTE_MS;
  const history = Math.max(...rules.map((rule) => historyMinutes(rule))) * MINUTE_MS;
  return {
    metrics: [...new Set(rules.flatMap((rule) => rule.readings.metrics))],
    fromMs: Math.max(late.time - history, horizon),
  };
}

/**
 * Re-evaluates the patient's rules that passed over late readings, over the stored readings from
 * reorderWindow's start until now, in time order: each rule starts afresh, aligned with
 * its latest alert as after a restart (an active alert resumes, a resolved episode is not
 * raised again), so the result is what a rebuild from storage gives.
 */
export function reevaluateChanges(
  state: EngineState,
  late: OutOfOrder,
  stored: readonly Reading[],
  now: Date,
): PatientChanges {
  const original = state.patients[late.patientId];
  if (original === undefined) return { patients: {}, emissions: [], outOfOrder: [] };
  const nowMs = now.getTime();
  const p = copyPatient(original);
  const rules = reorderedRules(p, late);
  for (const rule of rules) {
    p.evaluations[rule.id] = alignedWithAlerts(startEvaluation(rule), p.alerts, rule.id);
  }
  const emissions: AlertEmission[] = [];
  for (const { reading } of inTimeOrder(stored.filter((r) => r.patientId === late.patientId))) {
    for (const rule of rules) {
      if (p.evaluations[rule.id] !== undefined && considersReading(rule, reading)) {
        feedReading(state, p, rule, reading, nowMs, emissions);
      }
    }
  }
  checkClock(state, p, nowMs, emissions);
  return { patients: { [late.patientId]: p }, emissions, outOfOrder: [] };
}

export interface GatewayStatusInput {
  gatewayId: string;
  online: boolean;
  /** Readings waiting in its spool (0 when the status does not say). */
  spooled: number;
  /** When the status arrived. */
  at: Date;
  /** Since when the gateway has been online (or offline), when known better than `at` (a rebuild). */
  since?: Date;
  /** The patients the gateway serves now. */
  patientIds: readonly string[];
}

/** Each patient's link to the gateway as this status says, and the patients it touched (copies). */
function linkPatients(
  state: EngineState,
  status: GatewayStatusInput,
  touched: Record<string, PatientAlertState>,
): EngineState['households'] {
  const at = status.at.getTime();
  const served = new Set(status.patientIds);
  for (const patientId of new Set([...(state.households[status.gatewayId] ?? []), ...served])) {
    const original = touched[patientId] ?? state.patients[patientId];
    if (original === undefined) continue;
    const p = touched[patientId] ?? copyPatient(original);
    const prior = p.gateways[status.gatewayId];
    if (served.has(patientId)) {
      const since = prior && prior.online === status.online ? prior.since : (status.since?.getTime() ?? at);
      p.gateways[status.gatewayId] = { online: status.online, since, statusAt: at, spooled: status.spooled };
    } else {
      delete p.gateways[status.gatewayId];
    }
    touched[patientId] = p;
  }
  return { ...state.households, [status.gatewayId]: [...served].sort() };
}

/**
 * A gateway's status (online with its spool, or its last will): the link of each patient
 * it serves, and its rules that follow gateways. A patient no longer on the gateway loses
 * the link. Returns the patients it changed and the households it serves.
 */
export function gatewayStatusChanges(
  state: EngineState,
  status: GatewayStatusInput,
  now: Date,
): PatientChanges & { households: EngineState['households'] } {
  const patients: Record<string, PatientAlertState> = {};
  const households = linkPatients(state, status, patients);
  const emissions: AlertEmission[] = [];
  for (const p of Object.values(patients)) checkClock(state, p, now.getTime(), emissions);
  return { patients, emissions, households };
}

/**
 * The gateways as their latest stored statuses say, after a rebuild (before the replay and
 * the tick that follows it): an outage that began before a restart is still one.
 */
export function restoreGateways(state: EngineState, statuses: readonly GatewayStatusInput[]): EngineState {
  const patients: Record<string, PatientAlertState> = {};
  let next = state;
  for (const status of statuses) next = { ...next, households: linkPatients(next, status, patients) };
  return { ...next, patients: { ...next.patients, ...patients } };
}

/**
 * The admin changed which patients a gateway serves: the patients taken off it lose the
 * link, the ones added get the gateway as the engine last knew it (until its next status).
 */
export function gatewayPatientsChanges(
  state: EngineState,
  gatewayId: string,
  patientIds: readonly string[],
  now: Date,
): PatientChanges & { households: EngineState['households'] } {
  const known = (state.households[gatewayId] ?? [])
    .map((id) => state.patients[id]?.gateways[gatewayId])
    .find((link) => link !== undefined);
  if (known === undefined) {
    return { patients: {}, emissions: [], households: { ...state.households, [gatewayId]: [...patientIds] } };
  }
  const { online, spooled, statusAt } = known;
  return gatewayStatusChanges(state, { gatewayId, online, spooled, at: new Date(statusAt), patientIds }, now);
}

/** gatewayStatusChanges as a whole step. */
export function gatewayStatus(state: EngineState, status: GatewayStatusInput, now: Date): EngineStep {
  const { patients, emissions, households } = gatewayStatusChanges(state, status, now);
  return { state: { ...state, households, patients: { ...state.patients, ...patients } }, emissions };
}

/** Feeds readings and returns the next state and the alerts they fire or resolve. */
export function ingest(
  state: EngineState,
  readings: readonly Reading[],
  now: Date,
  arrival: 'live' | 'replay' = 'live',
): EngineStep {
  const { patients, emissions } = ingestChanges(state, readings, now, arrival);
  return { state: { ...state, patients: { ...state.patients, ...patients } }, emissions };
}

/**
 * Advances the clock: snoozes that end, no-data rules, escalations and re-notifications
 * due, and forgetting resolved alerts older than the retention. Call it every minute or so.
 */
export function tick(state: EngineState, now: Date): EngineStep {
  const nowMs = now.getTime();
  const emissions: AlertEmission[] = [];
  const patients: Record<string, PatientAlertState> = {};
  const forgetBefore = nowMs - state.policy.resolvedRetentionMinutes * MINUTE_MS;
  for (const patientId of Object.keys(state.patients).sort()) {
    const original = state.patients[patientId];
    if (original === undefined) continue;
    const p = copyPatient(original);
    const ended = p.silences.filter((s) => Date.parse(s.until) <= nowMs);
    p.silences = p.silences.filter((s) => Date.parse(s.until) > nowMs);
    for (const silence of ended) {
      const index = activeIndex(p, silence.ruleId);
      const alert = p.alerts[index];
      if (alert) commit(p, index, endSnooze(alert, contextFor(state, p, silence.ruleId, nowMs)), emissions);
    }
    checkClock(state, p, nowMs, emissions);
    p.alerts.forEach((alert, index) => {
      commit(p, index, remindAlert(alert, contextFor(state, p, alert.ruleId, nowMs)), emissions);
    });
    p.alerts = p.alerts.filter((a) => a.resolved === null || Date.parse(a.resolved.at) >= forgetBefore);
    patients[patientId] = sameContent(original, p) ? original : p;
  }
  return { state: { ...state, patients }, emissions };
}

/** Whether an edited copy holds the very same alerts, silences and evaluation states. */
function sameContent(original: PatientAlertState, p: PatientAlertState): boolean {
  const same = <T>(a: readonly T[], b: readonly T[]) =>
    a.length === b.length && a.every((x, i) => x === b[i]);
  return (
    same(original.alerts, p.alerts) &&
    same(original.silences, p.silences) &&
    Object.entries(p.evaluations).every(([ruleId, evaluation]) => original.evaluations[ruleId] === evaluation)
  );
}

// ---------------------------------------------------------------------------
// Care plans

/** Canonical JSON (sorted keys) of what decides when a rule fires and clears. */
function conditionKey(rule: Rule): string {
  const { title, severity, enabled, source, ...condition } = rule;
  const canonical = (value: unknown): unknown =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.fromEntries(
          Object.entries(value)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([k, v]) => [k, canonical(v)]),
        )
      : value;
  return JSON.stringify(canonical(condition));
}

function evaluationFor(
  rule: Rule,
  previous: { rule: Rule | undefined; evaluation: RuleEvaluation | undefined },
  active: AlertRecord | undefined,
): RuleEvaluation {
  const { rule: oldRule, evaluation: old } = previous;
  if (oldRule && old && conditionKey(oldRule) === conditionKey(rule)) return old;
  const fresh =
    oldRule && old ? carryProgress(rule, { rule: oldRule, evaluation: old }) : startEvaluation(rule);
  return active ? resumeFiring(fresh, episodeOf(active), evaluatedUpTo(active)) : fresh;
}

/**
 * Sets or changes a patient's care plan (refused with a CarePlanError). Rules whose
 * condition did not change keep their state; a changed rule with an active alert keeps
 * the alert and resolves it under its new clear condition; the active alerts of rules
 * removed or disabled are resolved (`rule_removed`, by the clinician who changed the plan).
 */
export function setCarePlan(state: EngineState, input: CarePlanInput, now: Date, by: string): EngineStep {
  const { patient, emissions } = carePlanChange(state, input, now, by);
  return {
    state: { ...state, patients: { ...state.patients, [patient.plan.patientId]: patient } },
    emissions,
  };
}

/** setCarePlan for one patient, without copying everyone else's state. */
function carePlanChange(
  state: EngineState,
  input: CarePlanInput,
  now: Date,
  by: string,
): { patient: PatientAlertState; emissions: AlertEmission[] } {
  const rules = resolveCarePlan(input);
  const plan = CarePlan.parse(input);
  const nowMs = now.getTime();
  const old = state.patients[plan.patientId];
  const p: PatientAlertState = old
    ? { ...copyPatient(old), plan, rules }
    : { plan, rules, evaluations: {}, alerts: [], silences: [], gateways: {}, lateReadingsAt: null };
  const enabled = rules.filter((rule) => rule.enabled);
  p.evaluations = Object.fromEntries(
    enabled.map((rule) => [
      rule.id,
      evaluationFor(
        rule,
        {
          rule: old?.rules.find((r) => r.id === rule.id && r.enabled),
          evaluation: old?.evaluations[rule.id],
        },
        p.alerts.find((a) => a.ruleId === rule.id && isActive(a)),
      ),
    ]),
  );
  const emissions: AlertEmission[] = [];
  p.alerts.forEach((alert, index) => {
    if (!isActive(alert) || enabled.some((rule) => rule.id === alert.ruleId)) return;
    const note = rules.some((rule) => rule.id === alert.ruleId)
      ? 'rule disabled in the care plan'
      : 'rule removed from the care plan';
    const ctx = contextFor(state, p, alert.ruleId, nowMs);
    commit(p, index, resolveAlert(alert, { cause: 'rule_removed', by, note, reading: null }, ctx), emissions);
  });
  return { patient: p, emissions };
}

// ---------------------------------------------------------------------------
// Clinician actions

function parseAction<T>(schema: z.ZodType<T>, input: unknown, action: AlertActionError['action']): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const detail = describeIssues(parsed.error, 'action');
  throw new AlertActionError('invalid_action', action, detail);
}

function locateAlert(state: EngineState, alertId: string, action: AlertActionError['action']) {
  for (const p of Object.values(state.patients)) {
    const index = p.alerts.findIndex((a) => a.alertId === alertId);
    const alert = p.alerts[index];
    if (alert) return { p: copyPatient(p), index, alert };
  }
  throw new AlertActionError(
    'unknown_alert',
    action,
    `no alert ${alertId} (unknown, or resolved and forgotten)`,
  );
}

function withPatient(state: EngineState, p: PatientAlertState): EngineState {
  return { ...state, patients: { ...state.patients, [p.plan.patientId]: p } };
}

/** Acknowledges a firing alert: re-notification and escalation stop. Acknowledging again changes nothing. */
export function acknowledge(state: EngineState, input: AcknowledgeAction, now: Date): EngineStep {
  const action = parseAction(AcknowledgeAction, input, 'acknowledge');
  const { p, index, alert } = locateAlert(state, action.alertId, 'acknowledge');
  const emissions: AlertEmission[] = [];
  const ctx = contextFor(state, p, alert.ruleId, now.getTime());
  commit(p, index, acknowledgeAlert(alert, { by: action.by, note: action.note }, ctx), emissions);
  return { state: withPatient(state, p), emissions };
}

/**
 * A clinician closes an alert (with a note). If the condition persists it must hold for
 * its full sustain again, on readings after now, before a new alert (a new episode) fires.
 */
export function resolve(state: EngineState, input: ResolveAction, now: Date): EngineStep {
  const action = parseAction(ResolveAction, input, 'resolve');
  const { p, index, alert } = locateAlert(state, action.alertId, 'resolve');
  if (!isActive(alert)) return { state, emissions: [] };
  const nowMs = now.getTime();
  const emissions: AlertEmission[] = [];
  const ctx = contextFor(state, p, alert.ruleId, nowMs);
  const resolution = { cause: 'clinician' as const, by: action.by, note: action.note, reading: null };
  commit(p, index, resolveAlert(alert, resolution, ctx), emissions);
  const evaluation = p.evaluations[alert.ruleId];
  if (evaluation) p.evaluations[alert.ruleId] = restartEvaluation(evaluation, nowMs);
  return { state: withPatient(state, p), emissions };
}

/**
 * Snoozes a patient's rule until a time (replacing an earlier snooze of the same rule, so
 * it can also be shortened). The rule is still evaluated and alerts are still recorded;
 * nobody is notified until it ends.
 */
export function snooze(state: EngineState, input: SnoozeAction, now: Date): EngineStep {
  const action = parseAction(SnoozeAction, input, 'snooze');
  const nowMs = now.getTime();
  const original = state.patients[action.patientId];
  if (original === undefined) {
    throw new AlertActionError('unknown_patient', 'snooze', `patient ${action.patientId} has no care plan`);
  }
  if (!original.rules.some((rule) => rule.id === action.ruleId)) {
    throw new AlertActionError(
      'unknown_rule',
      'snooze',
      `patient ${action.patientId} has no rule ${action.ruleId}`,
    );
  }
  const until = Date.parse(action.until);
  const longest = state.policy.maxSnoozeMinutes;
  if (until <= nowMs || until > nowMs + longest * MINUTE_MS) {
    throw new AlertActionError(
      'invalid_action',
      'snooze',
      `until ${action.until} must be after now (${iso(nowMs)}) and at most ${longest} min later`,
    );
  }
  const p = copyPatient(original);
  const silence: Silence = { ...action, until: iso(until), at: iso(nowMs) };
  p.silences = [...p.silences.filter((s) => s.ruleId !== action.ruleId), silence];
  const emissions: AlertEmission[] = [];
  const index = activeIndex(p, action.ruleId);
  const alert = p.alerts[index];
  if (alert)
    commit(p, index, snoozeAlert(alert, silence, contextFor(state, p, action.ruleId, nowMs)), emissions);
  return { state: withPatient(state, p), emissions };
}

// ---------------------------------------------------------------------------
// Queries and rebuilding after a restart

export function activeAlerts(state: EngineState, patientId?: string): AlertRecord[] {
  const patients = patientId === undefined ? Object.values(state.patients) : [state.patients[patientId]];
  return patients.flatMap((p) => p?.alerts.filter(isActive) ?? []);
}

/** Where a replay must start for these care plans: the longest history any of their rules needs. */
export function replayFrom(carePlans: readonly CarePlanInput[], now: Date): Date {
  const minutes = carePlans
    .flatMap((plan) => resolveCarePlan(plan))
    .filter((rule) => rule.enabled)
    .reduce((longest, rule) => Math.max(longest, historyMinutes(rule)), 0);
  return new Date(now.getTime() - minutes * MINUTE_MS);
}

export interface RebuildInput {
  policy?: AlertPolicyInput;
  carePlans: readonly CarePlanInput[];
  /** Persisted alerts: the active ones and those resolved since `replayFrom`. */
  alerts: readonly unknown[];
  silences: readonly unknown[];
  /** Start of the readings about to be replayed (see replayFrom). */
  replayFrom: Date;
  /**
   * Told of a stored alert or silence that does not validate (written by another version,
   * edited by hand): it is left out and the rebuild goes on, so one bad row never keeps the
   * server from starting.
   */
  onUnreadable: (what: 'alert' | 'silence', row: unknown, problem: string) => void;
}

/** The rows that validate; each one that does not is reported and left out. */
function readableRows<T>(
  schema: z.ZodType<T>,
  rows: readonly unknown[],
  report: (row: unknown, problem: string) => void,
): T[] {
  return rows.flatMap((row) => {
    const parsed = schema.safeParse(row);
    if (parsed.success) return [parsed.data];
    report(row, z.prettifyError(parsed.error));
    return [];
  });
}

/**
 * A fresh evaluation of a rule aligned with its latest alert (see rebuildEngine): an
 * active alert resumes firing after its trigger reading; after a resolved one only
 * readings later than its resolution decide.
 */
function alignedWithAlerts(
  evaluation: RuleEvaluation,
  alerts: readonly AlertRecord[],
  ruleId: string,
): RuleEvaluation {
  const latest = alerts
    .filter((a) => a.ruleId === ruleId)
    .sort((a, b) => Number(isActive(a)) - Number(isActive(b)) || a.firedAt.localeCompare(b.firedAt))
    .at(-1);
  if (latest === undefined) return evaluation;
  const { resolved } = latest;
  if (resolved === null) return resumeFiring(evaluation, episodeOf(latest), evaluatedUpTo(latest));
  const at = Date.parse(resolved.reading?.time ?? resolved.at);
  return resolved.cause === 'condition_cleared'
    ? resumeCleared(evaluation, at)
    : restartEvaluation(evaluation, at);
}

/**
 * An engine rebuilt from persisted records, to be followed by `ingest(replayed readings)`
 * and `tick`. Each rule is aligned with the latest alert of its patient and rule: an
 * active alert resumes firing after its trigger reading; after a resolved one only
 * readings later than its resolution decide (average and change rules still take the
 * earlier replayed readings into their windows; after a clinician's resolution an average
 * starts a new window). A no-data rule watches its source again if
 * a replayed reading shows the source sends, or if the rule had an alert (the source had
 * sent before it fell silent): silent since the episode began (active) or since the
 * resolution. This covers every source that ever sent: a replay reaches back at least
 * the silence window, and a source silent for longer has an alert, active or resolved
 * within that window (a clinician's resolution starts a new silence, which fires again).
 */
export function rebuildEngine(input: RebuildInput): EngineState {
  const alerts = readableRows(AlertRecord, input.alerts, (row, why) => input.onUnreadable('alert', row, why));
  const silences = readableRows(Silence, input.silences, (row, why) =>
    input.onUnreadable('silence', row, why),
  );
  const empty = createEngine(input.policy);
  const planned: Record<string, PatientAlertState> = {};
  for (const plan of input.carePlans) {
    const { patient } = carePlanChange(empty, plan, input.replayFrom, 'rebuild');
    planned[patient.plan.patientId] = patient;
  }
  const state: EngineState = { ...empty, patients: planned };
  const patients: Record<string, PatientAlertState> = {};
  for (const [patientId, original] of Object.entries(state.patients)) {
    const p = copyPatient(original);
    p.alerts = alerts.filter((a) => a.patientId === patientId);
    p.silences = silences.filter((s) => s.patientId === patientId);
    for (const [ruleId, evaluation] of Object.entries(p.evaluations)) {
      p.evaluations[ruleId] = alignedWithAlerts(evaluation, p.alerts, ruleId);
    }
    patients[patientId] = p;
  }
  return { ...state, patients };
}
