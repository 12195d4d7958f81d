/**
 * The shapes the dashboard API answers with, built from the server's own types (type-only
 * imports: nothing of the server is bundled into the page). `Json<T>` is what JSON makes of
 * a server type: dates travel as ISO strings.
 *
 * `Alert` follows the alerts API contract given to the dashboard while that API was being
 * built; once the API exports its answer's type, it should replace this one.
 */
import type { AlertsService } from '../../alerts/alerts-service.ts';
import type { AlertEventType, Severity } from '../../common/contract.ts';
import type { ChartPoint } from '../../ingest/readings-storage.ts';
import type { AuditEntry } from '../../records/audit-log.ts';
import type { Gateway } from '../../records/gateways.ts';
import type { Patient } from '../../records/patients.ts';
import type { SessionUser } from '../../records/sessions.ts';
import type { CareTeam } from '../../records/staff.ts';
import type { User } from '../../records/users.ts';
import type { ruleView } from '../alert-routes.ts';
import type { GlucoseSummary } from '../glucose-summary.ts';
import type { BloodPressureAverage } from '../home-figures.ts';
import type { LiveEvent } from '../live-feed.ts';
import type { ChartMetric, ChartRange, DeviceState } from '../readings-queries.ts';
import type { ActiveAlertSummary, WardTile } from '../ward-tiles.ts';

export type Json<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

export type {
  ActiveAlertSummary,
  BloodPressureAverage,
  ChartMetric,
  ChartPoint,
  ChartRange,
  DeviceState,
  GlucoseSummary,
  LiveEvent,
  SessionUser,
  Severity,
  WardTile,
};
export type Role = SessionUser['role'];

/** A care plan threshold drawn on a chart, in the chart's unit (glucose mg/dL). */
export type ThresholdBand = ReturnType<AlertsService['thresholds']>[number];

/** A change rule's band on a chart: from the lowest of its days to where it fires (weight +2 kg). */
export interface ChangeBand {
  ruleId: string;
  title: string;
  from: number;
  to: number;
  windowDays: number;
  by: number;
  direction: 'rising' | 'falling';
}

export interface SessionResponse {
  user: SessionUser;
  csrfToken: string;
}

export interface WardResponse {
  /** The server's clock when it answered (ISO), so ages are right even on a device with a wrong clock. */
  now: string;
  tiles: WardTile[];
}

export interface PatientViewResponse {
  patient: Pick<Patient, 'id' | 'displayName' | 'gatewayIds'>;
  devices: DeviceState[];
  adherence: { daysWithReadings: number; ofDays: number };
  glucoseSummary: GlucoseSummary | null;
  /** The 7- and 30-day home averages, those with readings. */
  bloodPressureAverages: BloodPressureAverage[];
  activeAlerts: ActiveAlertSummary[];
}

export interface ChartResponse {
  metric: ChartMetric;
  range: ChartRange;
  unit: string;
  from: string;
  to: string;
  points: ChartPoint[];
  thresholds: ThresholdBand[];
  bands: ChangeBand[];
}

export type AlertState = 'firing' | 'acknowledged' | 'resolved';

export interface AlertHistoryEntry {
  type: AlertEventType;
  at: string;
  by?: string;
  note?: string;
}

export interface Alert {
  alertId: string;
  patientId: string;
  patientName: string;
  ruleId: string;
  title: string;
  severity: Severity;
  state: AlertState;
  message: string;
  metric?: string;
  value?: number;
  /** A compound reading's other parts (a blood pressure's diastolic and mean), in `unit`. */
  components?: { diastolic?: number; mean?: number };
  unit?: string;
  /** The device's LO / HI: `value` is only a bound. */
  bound?: 'below' | 'above';
  firedAt: string;
  /** When the condition began (first reading of the run). */
  episodeStart: string;
  /** Its readings arrived after the paging window (gateway offline): recorded for review, nobody paged. */
  arrivedLate: boolean;
  escalationLevel: number;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  ackNote?: string;
  resolvedBy?: string;
  resolvedAt?: string;
  resolveNote?: string;
  snoozedUntil?: string;
  snoozedBy?: string;
  history: AlertHistoryEntry[];
}

/** A care plan rule as the dashboard shows it. */
export type CarePlanRule = ReturnType<typeof ruleView>;

export type RuleOverrides = Record<string, Record<string, unknown>>;

export interface CarePlanResponse {
  templates: string[];
  overrides: unknown;
  rules: CarePlanRule[];
}

export interface CarePlanTemplatesResponse {
  templates: { id: string; title: string; rules: CarePlanRule[] }[];
}

export type AdminPatient = Patient;
export type AdminGateway = Json<Gateway>;
export type AdminUser = User;
export type AdminCareTeam = CareTeam;
export type AdminAuditEntry = Json<AuditEntry>;

export interface GatewayCredentials {
  gatewayId: string;
  mqttUsername: string;
  mqttClientId: string;
  secret: string;
}
