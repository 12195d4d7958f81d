/**
 * The ward log the engine tests read: the engine run minute by minute over a span, each
 * minute's readings ingested, a clinician's planned action, then the clock; every event
 * written as a line a nurse would read, `02:50 escalated diabetes.hypo_l2 -> dr.bilal`
 * (`2026-11-27 07:00 fired ...` on a day other than the trace day).
 */
import type { Reading } from '../common/contract.ts';
import type { AlertEmission } from './alert-lifecycle.ts';
import {
  acknowledge,
  activeAlerts,
  createEngine,
  type EngineState,
  type EngineStep,
  ingest,
  rebuildEngine,
  replayFrom,
  setCarePlan,
  tick,
} from './alerts-engine.ts';
import type { CarePlanInput } from './care-plan.ts';
import { RoutingConfig, routeAlertEvent } from './notification-routing.ts';
import { at, stamp } from './reading-trace.ts';
import { formatNumber } from './rule-description.ts';
import { WARD_POLICY, WARD_TEAM } from './test-ward.ts';

const MINUTE = 60_000;

const routing = RoutingConfig.parse({
  default: { info: ['live_feed'], warning: ['email', 'live_feed'], critical: ['email', 'mqtt', 'live_feed'] },
});

/** `02:50 escalated diabetes.hypo_l2 -> dr.bilal`: time, type, rule, value (fired, resolved), who gets an email. */
export function line(emission: AlertEmission, options: { values: boolean } = { values: true }): string {
  const { event } = emission;
  const shown =
    options.values && (event.type === 'fired' || event.type === 'resolved') && event.value !== undefined;
  const value = shown ? ` ${formatNumber(event.value ?? 0)} ${event.unit}` : '';
  const emails = routeAlertEvent(emission, WARD_TEAM, routing).flatMap((d) =>
    d.channel === 'email' ? [d.userId] : [],
  );
  return (
    `${stamp(event.at)} ${event.type} ${event.ruleId}${value}` +
    `${emails.length ? ` -> ${emails.join(', ')}` : ''}${emission.silenced ? ' (silenced)' : ''}`
  );
}

export function engineWith(plans: CarePlanInput[], since = '01:30'): EngineState {
  let state = createEngine(WARD_POLICY);
  for (const plan of plans) state = setCarePlan(state, plan, at(since), 'dr.bilal').state;
  return state;
}

export type Action = (state: EngineState, now: Date) => EngineStep;

export interface Run {
  state: EngineState;
  emissions: AlertEmission[];
}

/**
 * Runs the engine minute by minute over [from, to]: each minute the readings sampled in it
 * are ingested, then the action planned for that minute (keyed by its `stamp`) runs, then
 * the clock ticks.
 */
export function simulate(
  start: EngineState,
  run: { from: string; to: string; readings: readonly Reading[]; actions?: Record<string, Action> },
): Run {
  let state = start;
  const emissions: AlertEmission[] = [];
  const apply = (step: EngineStep) => {
    state = step.state;
    emissions.push(...step.emissions);
  };
  for (let now = at(run.from).getTime(); now <= at(run.to).getTime(); now += MINUTE) {
    const clock = new Date(now);
    const sampled = run.readings.filter(
      (r) => Date.parse(r.time) > now - MINUTE && Date.parse(r.time) <= now,
    );
    apply(ingest(state, sampled, clock));
    const action = run.actions?.[stamp(now)];
    if (action) apply(action(state, clock));
    apply(tick(state, clock));
  }
  return { state, emissions };
}

/**
 * A server restart at `restartAt`: the engine rebuilt from what `before` had persisted
 * (alerts, snoozes), then the stored readings sampled from `replayFrom` until the restart
 * replayed, as InfluxDB would give them.
 */
export function restarted(
  plan: CarePlanInput,
  before: EngineState,
  restartAt: Date,
  stored: readonly Reading[],
): EngineStep {
  const from = replayFrom([plan], restartAt).getTime();
  const persisted = Object.values(before.patients);
  const rebuilt = rebuildEngine({
    policy: WARD_POLICY,
    carePlans: [plan],
    alerts: persisted.flatMap((p) => p.alerts),
    silences: persisted.flatMap((p) => p.silences),
    replayFrom: new Date(from),
    onUnreadable: (what, _row, problem) => {
      throw new Error(`the simulated ${what} does not validate: ${problem}`);
    },
  });
  const replayed = stored.filter(
    (r) => Date.parse(r.time) >= from && Date.parse(r.time) < restartAt.getTime(),
  );
  return ingest(rebuilt, replayed, restartAt, 'replay');
}

/** The ward log of one plan, set when the run starts. */
export function wardLog(plan: CarePlanInput, run: Parameters<typeof simulate>[1]): Run {
  return simulate(engineWith([plan], run.from), run);
}

/**
 * The same run with the server restarted after `restartAfter` (rebuilt from the persisted
 * alerts and the readings InfluxDB holds since replayFrom, then on to the end): every
 * event, before, during the replay and after.
 */
export function withRestart(
  plan: CarePlanInput,
  run: Parameters<typeof simulate>[1],
  restartAfter: string,
): AlertEmission[] {
  const restartAt = at(restartAfter).getTime() + MINUTE;
  const before = wardLog(plan, { ...run, to: restartAfter });
  const replay = restarted(plan, before.state, new Date(restartAt), run.readings);
  const after = simulate(replay.state, { ...run, from: stamp(restartAt) });
  return [...before.emissions, ...replay.emissions, ...after.emissions];
}

export function alertOf(state: EngineState, ruleId: string) {
  const alert = activeAlerts(state, 'p-001').find((a) => a.ruleId === ruleId);
  if (!alert) throw new Error(`test setup: no active alert for ${ruleId}`);
  return alert;
}

export const acknowledgeRule =
  (ruleId: string, by: string): Action =>
  (state, now) =>
    acknowledge(state, { alertId: alertOf(state, ruleId).alertId, by }, now);
