/**
 * The alerts engine at work on the server: readings in (once InfluxDB has them), clinician
 * actions and care-plan changes from the dashboard, a clock tick for silences, escalation
 * and re-notification; alert lifecycles, events and notifications out.
 *
 * - One step at a time (a queue): each step's alert records, events, snoozes and
 *   notification deliveries are written in ONE transaction before anyone hears of them;
 *   the live feed and the notification dispatcher go after the commit.
 * - Start-up, in two parts: from the records database alone (care plans, stored alerts
 *   and snoozes: the worklist and clinicians' actions work at once, even while InfluxDB is
 *   down), then, once InfluxDB answers (`watchReadings`), again with a replay of recent
 *   readings (each metric as far back as its rules look), so a restart in the middle of a
 *   sustained condition still fires on time, and an alert already fired is neither fired
 *   again nor forgotten. The clock starts after the replay.
 * - A write that fails for a passing reason (database down) is retried until it succeeds:
 *   the steps are idempotent, and later steps wait behind it; /health says so meanwhile.
 * - No poison step: a write the database refuses for good (a value it cannot take) is
 *   split by patient, the other patients' changes are stored, and the refused patient's
 *   step is left out, logged with its reason and shown on /health until a later step of
 *   that patient is stored.
 * - A shutdown ends the waiting of a retried step; what it held is done again from the
 *   durable state (InfluxDB's readings, the records) at the next start.
 */

import { retryWithBackoff } from '../common/backoff.ts';
import { type AlertEvent, type GatewayStatus, MAX_CLOCK_SKEW_MS, type Reading } from '../common/contract.ts';
import type { Logger } from '../common/log.ts';
import { METRICS, type Metric } from '../common/metrics.ts';
import { gatewayStates } from '../ingest/gateway-states.ts';
import type { InfluxConnection } from '../ingest/influx-connection.ts';
import { storedReadings } from '../ingest/readings-storage.ts';
import { recordAudit } from '../records/audit-log.ts';
import { listCareTeams } from '../records/care-teams.ts';
import { listGateways } from '../records/gateways.ts';
import { isTransientDatabaseError } from '../records/record-errors.ts';
import type { RecordsDb, SqlClient } from '../records/records-db.ts';
import type { AlertEmission, AlertPolicyInput, AlertRecord, Silence } from './alert-lifecycle.ts';
import {
  type AlertChanges,
  loadAlertsForRebuild,
  loadCarePlan,
  loadCarePlans,
  loadSilences,
  saveAlertChanges,
  saveCarePlan,
} from './alert-store.ts';
import {
  acknowledge,
  activeAlerts,
  createEngine,
  type EngineState,
  type EngineStep,
  type GatewayStatusInput,
  gatewayPatientsChanges,
  gatewayStatusChanges,
  ingestChanges,
  type OutOfOrder,
  type PatientAlertState,
  type PatientChanges,
  rebuildEngine,
  reevaluateChanges,
  reorderWindow,
  replayFrom,
  resolve,
  restoreGateways,
  setCarePlan,
  snooze,
  tick,
} from './alerts-engine.ts';
import type { CarePlanInput } from './care-plan.ts';
import {
  type Delivery,
  type RoutedTeam,
  type RoutingConfig,
  routeAlertEvent,
} from './notification-routing.ts';
import { type DurableChannel, enqueueDeliveries } from './notify/notification-dispatcher.ts';
import { historyMinutes } from './rule-evaluation.ts';
import { convertDifference, convertLevel, levelEntries, type Rule } from './rule-schema.ts';

export interface AlertsServiceOptions {
  records: RecordsDb;
  influx: InfluxConnection;
  policy: AlertPolicyInput;
  routing: RoutingConfig;
  now: () => Date;
  log: Logger;
  /** Called after each committed step with its events (live feed) and when deliveries are queued. */
  onEvents: (events: readonly AlertEvent[]) => void;
  onDeliveriesQueued: () => void;
  /** The notification channels that have a sender (email needs SMTP, the webhook a URL). */
  channels: ReadonlySet<DurableChannel>;
  tickMs: number;
  /** Readings waiting for evaluation beyond this make the engine rebuild from InfluxDB instead. */
  maxPendingReadings: number;
}

const REPLAY_CHUNK = 200;
/**
 * Replays reach this much further back than the rules look, so a run that began just
 * before the window (or a reading every 5 minutes, as a CGM sends) is seen whole.
 */
const REPLAY_MARGIN_MINUTES = 10;

/**
 * A gateway's stored status is looked up this far back at a rebuild: one silent longer is
 * forgotten (its patients' devices are then simply silent). Two days of once-a-minute
 * statuses per gateway is what the query scans.
 */
const GATEWAY_LOOKBACK_MS = 2 * 24 * 60 * 60_000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const RETRY = { initialMs: 500, maxMs: 30_000 };

/** A step the records database could not take: since when, and why. */
export interface StepFailure {
  since: Date;
  reason: string;
}

export class AlertsService {
  private state: EngineState;
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private pending: Reading[] = [];
  private lastStepMs = 0;
  private drainQueued = false;
  private overflowed = false;
  private readonly teams = new Map<string, { teams: RoutedTeam[]; at: number }>();
  private readonly closing = new AbortController();
  /** A step being retried through an outage of the records database. */
  private retrying: StepFailure | undefined;
  /** Patients whose last step the database refused for good (see commit). */
  private readonly refused = new Map<string, StepFailure>();

  private constructor(
    private readonly o: AlertsServiceOptions,
    state: EngineState,
  ) {
    this.state = state;
  }

  /**
   * Builds the engine from the records database: care plans, stored alerts and snoozes. It
   * serves the worklist and clinicians' actions; readings and the clock wait for
   * `watchReadings`.
   */
  static async start(o: AlertsServiceOptions): Promise<AlertsService> {
    const service = new AlertsService(o, createEngine(o.policy));
    await service.enqueue(() => service.rebuild('records only'));
    return service;
  }

  /**
   * InfluxDB answers: the engine is rebuilt again with the recent stored readings, then the
   * clock starts. Retried while InfluxDB or the records fail, until the service closes.
   */
  async watchReadings(): Promise<void> {
    await retryWithBackoff(() => this.enqueue(() => this.rebuild('with readings')), {
      ...RETRY,
      signal: this.closing.signal,
      onFailure: (err, retryInMs) =>
        this.o.log.error({ err: (err as Error).message, retryInMs }, 'alerts: rebuild failed; retrying'),
    });
    this.timer = setInterval(() => this.tick(), this.o.tickMs);
  }

  /**
   * The engine as the records and InfluxDB say it should be: care plans, stored alerts and
   * snoozes, then each metric's recent readings replayed. At start-up, and again if the
   * alerts engine ever fell so far behind that it dropped its queue, or could not read the
   * records it needed to evaluate a batch. A no-data rule goes
   * on watching a source that has sent before (a replayed reading, or an alert of the
   * rule: see rebuildEngine) and still ignores one the patient never had.
   */
  private async rebuild(what: 'records only' | 'with readings'): Promise<void> {
    this.overflowed = false;
    const now = this.o.now();
    const plans = await loadCarePlans(this.o.records);
    for (const p of plans) {
      if (p.unreadable)
        this.o.log.error(
          { patientId: p.plan.patientId, problem: p.unreadable },
          'alerts: a stored care plan is unreadable; the patient is watched by the default templates until a doctor sets the plan again',
        );
    }
    const from = replayFrom(
      plans.map((p) => p.plan),
      now,
    );
    this.state = rebuildEngine({
      policy: this.o.policy,
      carePlans: plans.map((p) => p.plan),
      // Alerts resolved within the replayed span too, so a replay never fires them again.
      alerts: await loadAlertsForRebuild(
        this.o.records,
        new Date(from.getTime() - REPLAY_MARGIN_MINUTES * 60_000),
      ),
      silences: await loadSilences(this.o.records, now),
      replayFrom: from,
      onUnreadable: (what, row, problem) =>
        this.o.log.error(
          { what, problem: problem.slice(0, 500), row: JSON.stringify(row)?.slice(0, 300) },
          `alerts: a stored ${what} is unreadable; left out of the rebuild`,
        ),
    });
    if (what === 'records only') {
      this.o.log.info({ patients: plans.length }, 'alerts engine built from the records');
      return;
    }
    this.state = restoreGateways(this.state, await this.storedGatewayStatuses(now));
    const replayed = await this.replay(now);
    await this.apply((s) => tick(s, this.o.now()));
    this.o.log.info({ patients: plans.length, replayed }, 'alerts engine rebuilt');
  }

  /** Each registered gateway's latest stored status, with the patients it serves now. */
  private async storedGatewayStatuses(now: Date): Promise<GatewayStatusInput[]> {
    const gateways = (await listGateways(this.o.records)).filter((g) => g.patientIds.length > 0);
    const stored = await gatewayStates(
      this.o.influx,
      gateways.map((g) => g.id),
      now.getTime() - GATEWAY_LOOKBACK_MS,
    );
    return gateways.flatMap((g) => {
      const s = stored.get(g.id);
      if (!s) return [];
      // Online since before the restart (not just back); offline since its will arrived.
      const since = new Date(s.online ? 0 : s.at);
      const { online, spooled } = s;
      return [{ gatewayId: g.id, online, spooled, at: new Date(s.at), since, patientIds: g.patientIds }];
    });
  }

  /**
   * A gateway's status, as the ingest received it (now): the engine follows each home's
   * gateway (offline alerts; no-data alerts held while it is offline or catching up).
   */
  onGatewayStatus(status: GatewayStatus, patientIds: readonly string[]): void {
    const { gatewayId, online } = status;
    this.gatewayStep(gatewayId, patientIds, 'status', (now) =>
      gatewayStatusChanges(
        this.state,
        { gatewayId, online, spooled: status.spooled ?? 0, at: now, patientIds },
        now,
      ),
    );
  }

  /** The admin changed the patients a gateway serves (see gatewayPatientsChanges). */
  onGatewayPatients(gatewayId: string, patientIds: readonly string[]): void {
    this.gatewayStep(gatewayId, patientIds, 'patients change', (now) =>
      gatewayPatientsChanges(this.state, gatewayId, patientIds, now),
    );
  }

  /** A step on a gateway's households: its patients' plans first, then the change, committed. */
  private gatewayStep(
    gatewayId: string,
    patientIds: readonly string[],
    what: string,
    change: (now: Date) => PatientChanges & { households: EngineState['households'] },
  ): void {
    void this.enqueue(async () => {
      await this.ensurePlans(patientIds);
      const changes = change(this.o.now());
      await this.commit(changes);
      this.state = { ...this.state, households: changes.households };
    }).catch((err: Error) =>
      this.o.log.error({ err: err.message, gatewayId }, `alerts: gateway ${what} failed`),
    );
  }

  /** Replays each metric's recent readings, as far back as the rules on it look. */
  private async replay(now: Date): Promise<number> {
    const windows = new Map<Metric, number>();
    for (const p of Object.values(this.state.patients)) {
      for (const rule of p.rules.filter((r) => r.enabled)) {
        for (const metric of rule.readings.metrics) {
          windows.set(
            metric,
            Math.max(windows.get(metric) ?? 0, historyMinutes(rule) + REPLAY_MARGIN_MINUTES),
          );
        }
      }
    }
    const patients = Object.keys(this.state.patients);
    let count = 0;
    for (const [metric, minutes] of windows) {
      for (let i = 0; i < patients.length; i += REPLAY_CHUNK) {
        const chunk = patients.slice(i, i + REPLAY_CHUNK);
        const readings = await storedReadings(
          this.o.influx,
          metric,
          chunk,
          now.getTime() - minutes * 60_000,
          now.getTime(),
          (row) => this.o.log.warn(row, 'alerts: a stored reading is unreadable, left out of the rebuild'),
        );
        count += readings.length;
        if (readings.length) await this.commit(ingestChanges(this.state, readings, now, 'replay'));
      }
    }
    return count;
  }

  /**
   * New readings, as stored. They wait in one queue and are evaluated together, one engine
   * step and one transaction for whatever arrived meanwhile, so the cost follows the
   * readings, not the number of messages. If the queue ever exceeds its bound (the records
   * database stopped answering for long), it is dropped and the engine is rebuilt from
   * InfluxDB once it can be: memory stays bounded and no alert is lost.
   */
  onReadingsStored(readings: readonly Reading[]): void {
    if (this.overflowed) return;
    if (this.pending.length + readings.length > this.o.maxPendingReadings) {
      this.rebuildFromInflux(
        { limit: this.o.maxPendingReadings },
        'alerts: evaluation fell too far behind; rebuilding the engine from InfluxDB',
      );
      return;
    }
    this.pending.push(...readings);
    if (this.drainQueued) return;
    this.drainQueued = true;
    void this.enqueue(async () => {
      this.drainQueued = false;
      const batch = this.pending;
      this.pending = [];
      try {
        await this.ensurePlans(batch.map((r) => r.patientId));
        const now = this.o.now();
        const step = ingestChanges(this.state, batch, now);
        await this.commit(step);
        for (const late of step.outOfOrder ?? []) await this.reevaluate(late, batch, now);
      } catch (err) {
        // The readings are stored: the rebuild evaluates them from InfluxDB, none is lost.
        this.rebuildFromInflux(
          { readings: batch.length, err: (err as Error).message },
          'alerts: readings not evaluated (records database); rebuilding the engine from InfluxDB',
        );
      }
    });
  }

  /**
   * Readings that came after newer ones: their rules judge again the stored readings in time
   * order (reevaluateChanges), so the outcome is the same whatever order they arrived in.
   */
  private async reevaluate(late: OutOfOrder, batch: readonly Reading[], now: Date): Promise<void> {
    const window = reorderWindow(this.state, late, now);
    if (window === undefined) return;
    // The batch itself too: a store that is slow to show what it acknowledged (InfluxDB 3.x,
    // Cloud) must not hide the very readings that came out of order.
    const readings = new Map<string, Reading>();
    for (const r of batch) if (r.patientId === late.patientId) readings.set(r.id, r);
    try {
      for (const metric of window.metrics) {
        const stored = await storedReadings(
          this.o.influx,
          metric,
          [late.patientId],
          window.fromMs,
          now.getTime() + MAX_CLOCK_SKEW_MS,
          (row) =>
            this.o.log.warn(row, 'alerts: a stored reading is unreadable, left out of a re-evaluation'),
        );
        for (const r of stored) readings.set(r.id, r);
      }
    } catch (err) {
      // The rules keep the readings as they came; nothing else waits on this.
      this.o.log.error(
        { err: (err as Error).message, patientId: late.patientId },
        'alerts: cannot read back readings that came out of order; they are stored, not re-evaluated',
      );
      return;
    }
    this.o.log.info(
      { patientId: late.patientId, rules: late.ruleIds, readings: readings.size },
      'alerts: readings out of order; re-evaluating their rules',
    );
    await this.commit(reevaluateChanges(this.state, late, [...readings.values()], now));
  }

  /** Drops what waits and rebuilds the engine from the records and InfluxDB (which hold every stored reading). */
  private rebuildFromInflux(detail: Record<string, unknown>, message: string): void {
    this.overflowed = true;
    this.pending = [];
    this.o.log.error(detail, message);
    void this.enqueue(() => this.rebuild('with readings')).catch((err: Error) =>
      this.o.log.error({ err: err.message }, 'alerts: rebuild failed'),
    );
  }

  private tick(): void {
    void this.enqueue(() => this.apply((s) => tick(s, this.o.now()))).catch((err: Error) =>
      this.o.log.error({ err: err.message }, 'alerts: tick failed'),
    );
  }

  /** A patient registered after start-up gets their stored (or default) plan before their first reading. */
  private async ensurePlans(patientIds: readonly string[]): Promise<void> {
    for (const patientId of new Set(patientIds)) {
      if (this.state.patients[patientId]) continue;
      const stored = await loadCarePlan(this.o.records, patientId);
      if (stored) this.state = setCarePlan(this.state, stored.plan, stored.since, 'registry').state;
    }
  }

  /** One step at a time; between steps the event loop serves MQTT, PUBACKs and HTTP. */
  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.then(
      () => yieldToEventLoop(),
      () => yieldToEventLoop(),
    );
    return result;
  }

  /** Applies an engine step over the whole state (clock, actions, care plans) and persists what it changed. */
  private apply(change: (s: EngineState) => EngineStep, extra?: (tx: SqlClient) => Promise<void>) {
    const { state, emissions } = change(this.state);
    const patients = Object.fromEntries(
      Object.entries(state.patients).filter(([id, p]) => this.state.patients[id] !== p),
    );
    return this.commit({ patients, emissions }, extra);
  }

  /**
   * Persists a step (see store). A step the database refuses for good is split by patient:
   * the others are stored, the refused patient's part is left out and recorded (logged,
   * on /health) — unless the step is a clinician's action (`extra`), whose refusal goes
   * back to them.
   */
  private async commit(
    step: PatientChanges,
    extra?: (tx: SqlClient) => Promise<void>,
  ): Promise<AlertEmission[]> {
    const patientIds = Object.keys(step.patients);
    try {
      return await this.store(step, extra);
    } catch (err) {
      if (this.closing.signal.aborted || extra) throw err;
      if (patientIds.length === 1) {
        this.refusedStep(patientIds, err);
        return [];
      }
    }
    this.o.log.warn(
      { patients: patientIds.length },
      'alerts: a step was refused; storing it patient by patient',
    );
    const emissions: AlertEmission[] = [];
    for (const patientId of patientIds) {
      const part: PatientChanges = {
        patients: { [patientId]: step.patients[patientId] as PatientAlertState },
        emissions: step.emissions.filter((e) => e.event.patientId === patientId),
      };
      try {
        emissions.push(...(await this.store(part)));
      } catch (err) {
        if (this.closing.signal.aborted) throw err;
        this.refusedStep([patientId], err);
      }
    }
    return emissions;
  }

  private refusedStep(patientIds: readonly string[], err: unknown): void {
    const reason = (err as Error).message;
    for (const patientId of patientIds) {
      if (!this.refused.has(patientId)) this.refused.set(patientId, { since: this.o.now(), reason });
      this.o.log.error(
        { patientId, err: reason },
        "alerts: the records database refused this patient's step; their other steps go on",
      );
    }
  }

  /**
   * Persists the changed patients' alerts, events, snoozes and deliveries in one
   * transaction (retrying through an outage: the writes are idempotent), then makes them
   * the engine's state and tells the live feed and the dispatcher.
   */
  private async store(
    step: PatientChanges,
    extra?: (tx: SqlClient) => Promise<void>,
  ): Promise<AlertEmission[]> {
    const started = performance.now();
    const { emissions } = step;
    const changes = this.changesOf(step);
    let deliveries: Delivery[] = [];
    await retryWithBackoff(
      async () => {
        deliveries = await this.deliveriesFor(emissions);
        await this.o.records.transaction(async (tx) => {
          await saveAlertChanges(tx, changes, this.o.now());
          await enqueueDeliveries(
            tx,
            deliveries.map((d) => ({
              eventId: d.eventId,
              channel: d.channel as DurableChannel,
              recipient: d.recipient,
            })),
            this.o.now(),
          );
          await extra?.(tx);
        });
      },
      {
        ...RETRY,
        signal: this.closing.signal,
        retryable: isTransientDatabaseError,
        onFailure: (err, retryInMs) => {
          const reason = (err as Error).message;
          this.retrying ??= { since: this.o.now(), reason };
          this.o.log.error({ err: reason, retryInMs }, 'alerts: cannot store a step; retrying');
        },
      },
    ).finally(() => {
      this.retrying = undefined;
    });
    Object.assign(this.state.patients, step.patients);
    for (const patientId of Object.keys(step.patients)) this.refused.delete(patientId);
    this.lastStepMs = performance.now() - started;
    if (changes.events.length) this.o.onEvents(changes.events);
    if (deliveries.length) this.o.onDeliveriesQueued();
    for (const e of emissions) {
      this.o.log.info(
        {
          alertId: e.event.alertId,
          patientId: e.event.patientId,
          ruleId: e.event.ruleId,
          type: e.event.type,
        },
        'alert event',
      );
    }
    return emissions;
  }

  /** What a step changed, looking only at the patients it changed. */
  private changesOf({ patients, emissions }: PatientChanges): AlertChanges {
    const alerts: AlertRecord[] = [];
    const silences = new Map<string, readonly Silence[]>();
    for (const [patientId, p] of Object.entries(patients)) {
      const old = this.state.patients[patientId];
      const known = new Set(old?.alerts ?? []);
      alerts.push(...p.alerts.filter((a) => !known.has(a)));
      if (JSON.stringify(old?.silences ?? []) !== JSON.stringify(p.silences))
        silences.set(patientId, p.silences);
    }
    return { alerts, events: emissions.map((e) => e.event), silences };
  }

  private async careTeamsOf(patientId: string): Promise<RoutedTeam[]> {
    const cached = this.teams.get(patientId);
    if (cached && this.o.now().getTime() - cached.at < 60_000) return cached.teams;
    const teams = await listCareTeams(this.o.records, { patientId });
    this.teams.set(patientId, { teams, at: this.o.now().getTime() });
    return teams;
  }

  /** The durable deliveries of these emissions (email, webhook, MQTT), for each care team. */
  private async deliveriesFor(emissions: readonly AlertEmission[]): Promise<Delivery[]> {
    const out = new Map<string, Delivery>();
    for (const emission of emissions) {
      const teams = await this.careTeamsOf(emission.event.patientId);
      // A patient in no care team still has their events recorded on MQTT and the dashboard.
      const routes = teams.length ? teams : [{ id: 'unassigned', members: [] }];
      for (const team of routes) {
        for (const d of routeAlertEvent(emission, team, this.o.routing)) {
          if (this.o.channels.has(d.channel as DurableChannel))
            out.set(`${d.eventId}|${d.channel}|${d.recipient}`, d);
        }
      }
    }
    return [...out.values()];
  }

  // -------------------------------------------------------------------------
  // Clinician actions (the dashboard checks roles and care teams first)

  acknowledge(alertId: string, by: string, note: string | undefined): Promise<AlertEmission[]> {
    return this.enqueue(() =>
      this.apply(
        (s) => acknowledge(s, { alertId, by, ...(note && { note }) }, this.o.now()),
        (tx) =>
          recordAudit(tx, { actor: by, action: 'alert.acknowledge', targetType: 'alert', targetId: alertId }),
      ),
    );
  }

  resolve(alertId: string, by: string, note: string): Promise<AlertEmission[]> {
    return this.enqueue(() =>
      this.apply(
        (s) => resolve(s, { alertId, by, note }, this.o.now()),
        (tx) =>
          recordAudit(tx, { actor: by, action: 'alert.resolve', targetType: 'alert', targetId: alertId }),
      ),
    );
  }

  snooze(
    patientId: string,
    ruleId: string,
    until: Date,
    by: string,
    note: string | undefined,
  ): Promise<AlertEmission[]> {
    return this.enqueue(() =>
      this.apply(
        (s) =>
          snooze(
            s,
            { patientId, ruleId, until: until.toISOString(), by, ...(note && { note }) },
            this.o.now(),
          ),
        (tx) =>
          recordAudit(tx, {
            actor: by,
            action: 'alert.snooze',
            targetType: 'patient',
            targetId: patientId,
            detail: { ruleId, until: until.toISOString() },
          }),
      ),
    );
  }

  /** Sets a patient's care plan (validated by the engine; CarePlanError when refused), audited. */
  setCarePlan(plan: CarePlanInput, by: string): Promise<Rule[]> {
    return this.enqueue(async () => {
      const before = this.state.patients[plan.patientId]?.plan;
      await this.apply(
        (s) => setCarePlan(s, plan, this.o.now(), by),
        async (tx) => {
          await saveCarePlan(tx, plan, by, this.o.now());
          await recordAudit(tx, {
            actor: by,
            action: 'care_plan.update',
            targetType: 'patient',
            targetId: plan.patientId,
            detail: { before: before ?? null, after: plan },
          });
        },
      );
      return this.rulesOf(plan.patientId);
    });
  }

  // -------------------------------------------------------------------------
  // Reads for the dashboard (from the engine's memory; the records hold the history)

  rulesOf(patientId: string): Rule[] {
    return this.state.patients[patientId]?.rules ?? [];
  }

  planOf(patientId: string): CarePlanInput | undefined {
    return this.state.patients[patientId]?.plan;
  }

  activeAlerts(patientIds: readonly string[]): AlertRecord[] {
    return patientIds.flatMap((id) => activeAlerts(this.state, id));
  }

  silenceOf(patientId: string, ruleId: string): Silence | undefined {
    const now = this.o.now().getTime();
    return this.state.patients[patientId]?.silences.find(
      (s) => s.ruleId === ruleId && Date.parse(s.until) > now,
    );
  }

  /**
   * Threshold rules of a metric as levels in its stored unit (the charts' unit: glucose
   * mg/dL, pressures mm[Hg]); a blood-pressure rule gives one line per part it names.
   */
  thresholds(patientId: string, metric: Metric) {
    const unit = METRICS[metric].storedUnit;
    return this.rulesOf(patientId).flatMap((rule) =>
      rule.enabled && rule.kind === 'threshold' && rule.readings.metrics.includes(metric)
        ? levelEntries(convertLevel(rule.level, rule.unit, unit)).map(([part, level]) => ({
            ruleId: rule.id,
            title: rule.title,
            severity: rule.severity,
            direction: rule.direction,
            level,
            unit,
            ...(part && { part }),
          }))
        : [],
    );
  }

  /**
   * Change rules of a scalar metric (a weight gain), for the chart's band: how far from the
   * lowest (or highest) of how many days a change fires, in the stored unit.
   */
  changeLimits(patientId: string, metric: Metric) {
    const unit = METRICS[metric].storedUnit;
    return this.rulesOf(patientId).flatMap((rule) =>
      rule.enabled &&
      rule.kind === 'change' &&
      rule.part === undefined &&
      rule.readings.metrics.includes(metric)
        ? [
            {
              ruleId: rule.id,
              title: rule.title,
              direction: rule.direction,
              by: convertDifference(rule.by, rule.unit, unit),
              windowDays: rule.windowDays,
            },
          ]
        : [],
    );
  }

  /** For /metrics: readings waiting for evaluation, and how long the last step took to store. */
  stats(): { pendingReadings: number; lastStepMs: number } {
    return { pendingReadings: this.pending.length, lastStepMs: this.lastStepMs };
  }

  /**
   * Why alert steps are not being stored, for /health: a records outage being waited out,
   * or patients whose last step was refused; undefined while every step is stored.
   */
  problem(): string | undefined {
    const problems: string[] = [];
    if (this.retrying)
      problems.push(
        `steps wait for the records database since ${this.retrying.since.toISOString()}: ${this.retrying.reason}`,
      );
    if (this.refused.size) {
      const [patientId, first] = [...this.refused][0] as [string, StepFailure];
      problems.push(
        `the records database refused the last step of ${this.refused.size} patient(s), ${patientId} first, since ${first.since.toISOString()}: ${first.reason}`,
      );
    }
    return problems.length ? problems.join('; ') : undefined;
  }

  /** Stops the clock and waits for the queued steps; a step waiting out an outage gives up (see the header). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.closing.abort(new Error('the alerts service is closing'));
    await this.queue;
  }
}
