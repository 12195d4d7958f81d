/**
 * The alerts engine's records in the records database: care plans, alert lifecycles,
 * their events (the history shown on the dashboard and the payload of notifications) and
 * snoozes. The engine's rule windows are not stored: they are rebuilt from InfluxDB on
 * start-up (alerts-service.ts).
 */

import { z } from 'zod';
import { AlertEvent } from '../common/contract.ts';
import type { SqlClient } from '../records/records-db.ts';
import { AlertRecord, type Silence } from './alert-lifecycle.ts';
import { CarePlan, type CarePlanInput, resolveCarePlan } from './care-plan.ts';

/** Every patient is watched by the general adult template until a doctor sets a care plan. */
export const DEFAULT_TEMPLATES = ['general_adult'] as const;

export interface StoredCarePlan {
  plan: CarePlan;
  /** When monitoring under this plan began. */
  since: Date;
  updatedBy: string | null;
  /**
   * Why the stored plan could not be used (written by another version, naming a template
   * that is gone): the patient is then watched by the default templates, never by no plan.
   */
  unreadable?: string;
}

const defaultPlan = (patientId: string): CarePlan => ({
  patientId,
  templates: [...DEFAULT_TEMPLATES],
  overrides: {},
});

interface PlanRow {
  id: string;
  created_at: Date;
  plan: unknown;
  updated_at: Date | null;
  updated_by: string | null;
}

function toStored(r: PlanRow): StoredCarePlan {
  const byDefault = { plan: defaultPlan(r.id), since: r.created_at, updatedBy: null };
  if (!r.plan) return byDefault;
  const parsed = CarePlan.safeParse(r.plan);
  if (!parsed.success) return { ...byDefault, unreadable: z.prettifyError(parsed.error) };
  try {
    resolveCarePlan(parsed.data);
  } catch (err) {
    return { ...byDefault, unreadable: (err as Error).message };
  }
  return { plan: parsed.data, since: r.updated_at ?? r.created_at, updatedBy: r.updated_by };
}

const SELECT_PLANS = `SELECT p.id, p.created_at, c.plan, c.updated_at, c.updated_by
  FROM patients p LEFT JOIN care_plans c ON c.patient_id = p.id`;

export async function loadCarePlans(db: SqlClient): Promise<StoredCarePlan[]> {
  return (await db.query<PlanRow>(`${SELECT_PLANS} ORDER BY p.id`)).map(toStored);
}

/** The patient's care plan, or undefined for a patient who is not registered. */
export async function loadCarePlan(db: SqlClient, patientId: string): Promise<StoredCarePlan | undefined> {
  const [row] = await db.query<PlanRow>(`${SELECT_PLANS} WHERE p.id = $1`, [patientId]);
  return row && toStored(row);
}

export async function saveCarePlan(db: SqlClient, plan: CarePlanInput, by: string, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO care_plans (patient_id, plan, updated_at, updated_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (patient_id) DO UPDATE SET plan = EXCLUDED.plan, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
    [plan.patientId, plan, at, by],
  );
}

/** Alerts still active, and those resolved since `since` (what a rebuild needs). */
export async function loadAlertsForRebuild(db: SqlClient, since: Date): Promise<unknown[]> {
  const rows = await db.query<{ record: unknown }>(
    `SELECT record FROM alerts WHERE state <> 'resolved' OR updated_at >= $1`,
    [since],
  );
  return rows.map((r) => r.record);
}

export async function loadSilences(db: SqlClient, now: Date): Promise<unknown[]> {
  return (
    await db.query<{ silence: unknown }>('SELECT silence FROM alert_silences WHERE until > $1', [now])
  ).map((r) => r.silence);
}

export interface AlertChanges {
  alerts: readonly AlertRecord[];
  events: readonly AlertEvent[];
  /** The full, current set of silences of each patient whose silences changed. */
  silences: ReadonlyMap<string, readonly Silence[]>;
}

/** Writes one engine step's changes; idempotent, so a retried write changes nothing. */
export async function saveAlertChanges(tx: SqlClient, changes: AlertChanges, now: Date): Promise<void> {
  for (const a of changes.alerts) {
    await tx.query(
      `INSERT INTO alerts (alert_id, patient_id, rule_id, severity, state, fired_at, updated_at, record)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (alert_id) DO UPDATE SET severity = EXCLUDED.severity, state = EXCLUDED.state,
         updated_at = EXCLUDED.updated_at, record = EXCLUDED.record`,
      [a.alertId, a.patientId, a.ruleId, a.severity, a.status, a.firedAt, now, a],
    );
  }
  for (const e of changes.events) {
    await tx.query(
      `INSERT INTO alert_events (event_id, alert_id, patient_id, type, at, event) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (event_id) DO NOTHING`,
      [e.eventId, e.alertId, e.patientId, e.type, e.at, e],
    );
  }
  for (const [patientId, silences] of changes.silences) {
    await tx.query('DELETE FROM alert_silences WHERE patient_id = $1', [patientId]);
    for (const s of silences) {
      await tx.query(
        'INSERT INTO alert_silences (patient_id, rule_id, until, silence) VALUES ($1, $2, $3, $4)',
        [s.patientId, s.ruleId, s.until, s],
      );
    }
  }
}

export interface StoredAlert {
  record: AlertRecord;
  patientName: string;
  events: AlertEvent[];
}

/**
 * Stored alerts and events as the engine defines them; a row that does not validate
 * (another version's, edited by hand) is left out of the screens rather than breaking them
 * for everyone (the engine's rebuild logs it, see alerts-service.ts).
 */
const readable = <T>(schema: z.ZodType<T>, value: unknown): T[] => {
  const parsed = schema.safeParse(value);
  return parsed.success ? [parsed.data] : [];
};

/** Alerts of these patients: `active` (not resolved) or `recent` (fired in the last `days`). */
export async function listStoredAlerts(
  db: SqlClient,
  patientIds: readonly string[],
  scope: 'active' | 'recent',
  since: Date,
): Promise<StoredAlert[]> {
  if (!patientIds.length) return [];
  const rows = (
    await db.query<{ record: unknown; display_name: string }>(
      `SELECT a.record, p.display_name FROM alerts a JOIN patients p ON p.id = a.patient_id
     WHERE a.patient_id = ANY($1) AND ${scope === 'active' ? "a.state <> 'resolved'" : 'a.fired_at >= $2'}
     ORDER BY a.fired_at DESC LIMIT 500`,
      scope === 'active' ? [patientIds] : [patientIds, since],
    )
  ).flatMap((r) => readable(AlertRecord, r.record).map((record) => ({ record, name: r.display_name })));
  const events = rows.length
    ? await db.query<{ alert_id: string; event: unknown }>(
        'SELECT alert_id, event FROM alert_events WHERE alert_id = ANY($1) ORDER BY at, event_id',
        [rows.map((r) => r.record.alertId)],
      )
    : [];
  return rows.map((r) => ({
    record: r.record,
    patientName: r.name,
    events: events
      .filter((e) => e.alert_id === r.record.alertId)
      .flatMap((e) => readable(AlertEvent, e.event)),
  }));
}

export async function loadStoredAlert(db: SqlClient, alertId: string): Promise<StoredAlert | undefined> {
  const [first] = await db.query<{ record: unknown; display_name: string }>(
    'SELECT a.record, p.display_name FROM alerts a JOIN patients p ON p.id = a.patient_id WHERE a.alert_id = $1',
    [alertId],
  );
  const [record] = readable(AlertRecord, first?.record);
  if (!first || !record) return undefined;
  const events = await db.query<{ event: unknown }>(
    'SELECT event FROM alert_events WHERE alert_id = $1 ORDER BY at, event_id',
    [alertId],
  );
  return {
    record,
    patientName: first.display_name,
    events: events.flatMap((e) => readable(AlertEvent, e.event)),
  };
}
