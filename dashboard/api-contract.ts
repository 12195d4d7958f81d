/**
 * What the dashboard API answers, route by route, as zod schemas: each route declares its
 * answer (`schema.response`), fastify-type-provider-zod checks the handler's object against
 * it at compile time and encodes it at run time (a field the schema does not name is not
 * sent), and the browser code's types are these schemas' (dashboard/ui/api-types.ts), so a
 * field is named once, here or in the record it comes from.
 *
 * Errors are not listed per route: every refusal is `ErrorAnswer` (dashboard-app.ts).
 */
import { z } from 'zod';
import { AlertStatus } from '../alerts/alert-lifecycle.ts';
import { TemplateId } from '../alerts/care-plan-templates.ts';
import { TriggerReading } from '../alerts/rule-evaluation.ts';
import { Part, RuleKind } from '../alerts/rule-schema.ts';
import { AlertEvent, GatewayId, Severity } from '../common/contract.ts';
import { CHART_METRICS, Metric, Unit } from '../common/metrics.ts';
import { ChartPoint } from '../ingest/readings-storage.ts';
import { AuditEntry } from '../records/audit-log.ts';
import { Gateway } from '../records/gateways.ts';
import { Patient } from '../records/patients.ts';
import { SessionUser } from '../records/sessions.ts';
import { CareTeam } from '../records/staff.ts';
import { User } from '../records/users.ts';
import { GlucoseSummary } from './glucose-summary.ts';
import { BloodPressureAverage } from './home-figures.ts';
import { CHART_RANGES, DeviceState } from './readings-queries.ts';
import { ActiveAlertSummary, WardTile } from './ward-tiles.ts';

/** Every refusal, whatever the route: the message names the field or rule. */
export const ErrorAnswer = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  /** Stable, for programs: RPM_INVALID_REQUEST, RPM_NOT_FOUND, ... (README, Integrator). */
  code: z.string(),
  message: z.string(),
});

/** A change that has nothing more to say. */
export const Done = z.object({ ok: z.literal(true) });
/** A record created under the id the request gave. */
export const Created = z.object({ id: z.string() });

// --- sessions -------------------------------------------------------------------------

export const LoginAnswer = z.object({ user: SessionUser });
export const SessionAnswer = z.object({
  user: SessionUser,
  /** Sent back in `x-csrf-token` on every change. */
  csrfToken: z.string(),
});

// --- administration -------------------------------------------------------------------

export const PatientsAnswer = z.object({ patients: z.array(Patient) });
export const GatewaysAnswer = z.object({ gateways: z.array(Gateway) });
export const UsersAnswer = z.object({ users: z.array(User) });
export const CareTeamsAnswer = z.object({ careTeams: z.array(CareTeam) });
export const AuditAnswer = z.object({ entries: z.array(AuditEntry) });
/** A gateway's MQTT login: the only time its secret exists in clear. */
export const GatewayCredentials = z.object({
  gatewayId: GatewayId,
  mqttUsername: z.string(),
  mqttClientId: z.string(),
  secret: z.string(),
});

// --- clinical views -------------------------------------------------------------------

export const PatientListAnswer = z.object({
  patients: z.array(Patient.pick({ id: true, displayName: true })),
});

export const WardAnswer = z.object({
  /** The server's clock when it answered (ISO), so ages are right even on a device with a wrong clock. */
  now: z.string(),
  tiles: z.array(WardTile),
});

export const PatientViewAnswer = z.object({
  patient: Patient.pick({ id: true, displayName: true, gatewayIds: true }),
  devices: z.array(DeviceState),
  adherence: z.object({ daysWithReadings: z.number(), ofDays: z.number() }),
  glucoseSummary: GlucoseSummary.nullable(),
  /** The 7- and 30-day home averages, those with readings. */
  bloodPressureAverages: z.array(BloodPressureAverage),
  activeAlerts: z.array(ActiveAlertSummary),
});

/** The vitals that have a chart (the catalogue's `chart`). */
export const ChartMetric = z.enum(CHART_METRICS);
export const ChartRange = z.enum(Object.keys(CHART_RANGES) as [keyof typeof CHART_RANGES]);

/** A care plan threshold drawn on a chart, in the chart's unit (glucose mg/dL). */
export const ThresholdBand = z.object({
  ruleId: z.string(),
  title: z.string(),
  severity: Severity,
  direction: z.enum(['below', 'above']),
  level: z.number(),
  unit: Unit,
  /** Which part of a compound reading (a blood pressure's diastolic); absent: the value. */
  part: Part.optional(),
});

/** A change rule's band on a chart: from the lowest of its days to where it fires (weight +2 kg). */
export const ChangeBand = z.object({
  ruleId: z.string(),
  title: z.string(),
  from: z.number(),
  to: z.number(),
  windowDays: z.number(),
  by: z.number(),
  direction: z.enum(['rising', 'falling']),
});

export const ChartAnswer = z.object({
  metric: ChartMetric,
  range: ChartRange,
  unit: Unit,
  /** The window, ISO. */
  from: z.string(),
  to: z.string(),
  points: z.array(ChartPoint),
  thresholds: z.array(ThresholdBand),
  bands: z.array(ChangeBand),
});

// --- alerts and care plans ------------------------------------------------------------

/** An alert as the worklist shows it: its record, flattened, with its history. */
export const AlertView = z.object({
  alertId: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  ruleId: z.string(),
  title: z.string(),
  severity: Severity,
  state: AlertStatus,
  message: z.string(),
  metric: Metric.optional(),
  /** The reading that fired it, in `unit`... */
  value: z.number().optional(),
  /** ...with a compound reading's other parts (a blood pressure's diastolic and mean). */
  components: TriggerReading.shape.components,
  unit: Unit.optional(),
  /** The device's LO / HI: `value` is only a bound (the message says "LO ..."). */
  bound: TriggerReading.shape.bound,
  firedAt: z.string(),
  /** When the condition began (first reading of the run). */
  episodeStart: z.string(),
  /** Its readings arrived after the paging window (gateway offline): recorded for review, nobody paged. */
  arrivedLate: z.boolean(),
  escalationLevel: z.number(),
  acknowledgedBy: z.string().optional(),
  acknowledgedAt: z.string().optional(),
  ackNote: z.string().optional(),
  resolvedBy: z.string().optional(),
  resolvedAt: z.string().optional(),
  resolveNote: z.string().optional(),
  snoozedUntil: z.string().optional(),
  snoozedBy: z.string().optional(),
  history: z.array(AlertEvent.pick({ type: true, at: true, by: true, note: true })),
});
export type AlertView = z.infer<typeof AlertView>;

export const AlertsAnswer = z.object({ alerts: z.array(AlertView) });
export const AlertAnswer = z.object({ alert: AlertView });
export type AlertAnswer = z.infer<typeof AlertAnswer>;

/** A care plan rule as the dashboard shows it. */
export const RuleView = z.object({
  ruleId: z.string(),
  title: z.string(),
  metric: Metric,
  kind: RuleKind,
  severity: Severity,
  enabled: z.boolean(),
  summary: z.string(),
  /** The parts a level names, in order (a blood pressure's systolic and diastolic); none for a scalar. */
  levelParts: z.array(Part),
  /** The guideline behind it, cited. */
  source: z.string(),
});
export type RuleView = z.infer<typeof RuleView>;

export const CarePlanAnswer = z.object({
  templates: z.array(TemplateId),
  /** The doctor's changes to the templates' rules, by rule id. */
  overrides: z.record(z.string(), z.record(z.string(), z.unknown())),
  rules: z.array(RuleView),
});
export type CarePlanAnswer = z.infer<typeof CarePlanAnswer>;

export const CarePlanTemplatesAnswer = z.object({
  templates: z.array(z.object({ id: TemplateId, title: z.string(), rules: z.array(RuleView) })),
});
