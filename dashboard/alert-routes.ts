/**
 * The alert worklist and the doctor's inbox (nurses and doctors, their care teams'
 * patients only): list alerts, acknowledge, resolve with a note, snooze a patient's rule
 * for a while; and the care plan: read by both, changed only by a doctor, validated by the
 * alerts engine and audited.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AlertRecord } from '../alerts/alert-lifecycle.ts';
import { listStoredAlerts, loadStoredAlert, type StoredAlert } from '../alerts/alert-store.ts';
import type { AlertsService } from '../alerts/alerts-service.ts';
import { CarePlan, RuleOverride, resolveCarePlan } from '../alerts/care-plan.ts';
import { TEMPLATES, TemplateId } from '../alerts/care-plan-templates.ts';
import { describeRule } from '../alerts/rule-description.ts';
import { levelEntries, type Part, type Rule } from '../alerts/rule-schema.ts';
import { SOURCE_LABELS } from '../alerts/source-keys.ts';
import { PatientId } from '../common/contract.ts';
import { text } from '../common/text.ts';
import { isInCareTeamOf, listPatients } from '../records/patients.ts';
import type { RecordsDb } from '../records/records-db.ts';
import {
  AlertAnswer,
  AlertsAnswer,
  type AlertView,
  CarePlanAnswer,
  CarePlanTemplatesAnswer,
  type RuleView,
} from './api-contract.ts';
import { currentUser, requireRole } from './auth.ts';
import { RequestRefused } from './request-refused.ts';
import type { ViewAudit } from './view-audit.ts';

export interface AlertRoutesOptions {
  records: RecordsDb;
  alerts: AlertsService;
  now: () => Date;
  views: ViewAudit;
}

const DAY_MS = 86_400_000;

function levelParts(rule: Rule): Part[] {
  if (rule.kind !== 'threshold' && rule.kind !== 'average') return [];
  return levelEntries(rule.level).flatMap(([part]) => (part === undefined ? [] : [part]));
}

export function ruleView(rule: Rule): RuleView {
  return {
    ruleId: rule.id,
    title: rule.title,
    metric: rule.readings.metrics[0],
    kind: rule.kind,
    severity: rule.severity,
    enabled: rule.enabled,
    summary: describeRule(rule),
    /** The parts a level names, in order (a blood pressure's systolic and diastolic); none for a scalar. */
    levelParts: levelParts(rule),
    source: rule.source.map((key) => `${key}: ${SOURCE_LABELS[key]}`).join('; '),
  };
}

export const alertRoutes: FastifyPluginAsyncZod<AlertRoutesOptions> = async (app, o) => {
  app.addHook('preHandler', requireRole('nurse', 'doctor'));

  const requirePatient = async (request: FastifyRequest, patientId: string) => {
    if (!(await isInCareTeamOf(o.records, currentUser(request).id, patientId))) {
      throw new RequestRefused(403, `patient '${patientId}' is not in your care teams`);
    }
  };

  const view = ({ record: a, patientName, events }: StoredAlert): AlertView => {
    const fired = events.find((e) => e.type === 'fired');
    const silence = o.alerts.silenceOf(a.patientId, a.ruleId);
    return {
      alertId: a.alertId,
      patientId: a.patientId,
      patientName,
      ruleId: a.ruleId,
      title: a.title,
      severity: a.severity,
      state: a.status,
      message: fired?.message ?? a.title,
      metric: a.metric,
      // bound: the device's LO / HI, where value is only a bound (the message says "LO ...").
      ...(a.trigger && {
        value: a.trigger.value,
        components: a.trigger.components,
        unit: a.trigger.unit,
        bound: a.trigger.bound,
      }),
      firedAt: a.firedAt,
      episodeStart: a.episodeStart,
      // Its readings arrived after the paging window (a gateway back from a power cut): for review.
      arrivedLate: a.arrivedLate,
      escalationLevel: a.escalationLevel,
      ...(a.acknowledged && {
        acknowledgedBy: a.acknowledged.by,
        acknowledgedAt: a.acknowledged.at,
        ackNote: a.acknowledged.note,
      }),
      ...(a.resolved && {
        resolvedBy: a.resolved.by ?? undefined,
        resolvedAt: a.resolved.at,
        resolveNote: a.resolved.note,
      }),
      ...(silence && a.status !== 'resolved' && { snoozedUntil: silence.until, snoozedBy: silence.by }),
      history: events.map((e) => ({ type: e.type, at: e.at, by: e.by, note: e.note })),
    };
  };

  const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

  app.get(
    '/api/alerts',
    {
      schema: {
        querystring: z.object({
          scope: z.enum(['active', 'recent']).default('active'),
          patientId: PatientId.optional(),
        }),
        response: { 200: AlertsAnswer },
      },
    },
    async (request) => {
      const { scope, patientId } = request.query;
      const user = currentUser(request);
      const visible = (await listPatients(o.records, { careTeamsOf: user.id })).map((p) => p.id);
      if (patientId && !visible.includes(patientId)) await requirePatient(request, patientId);
      const ids = patientId ? [patientId] : visible;
      if (patientId) await o.views.patient(user.id, 'alerts.view', patientId, { scope });
      else await o.views.list(user.id, 'alerts.list.view', visible);
      const stored = await listStoredAlerts(o.records, ids, scope, new Date(o.now().getTime() - 7 * DAY_MS));
      const alerts = stored.map(view);
      if (scope === 'active') {
        alerts.sort(
          (a, b) =>
            SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.firedAt.localeCompare(b.firedAt),
        );
      }
      return { alerts };
    },
  );

  /**
   * Loads an alert the user may act on, or refuses with 404: another team's alert is
   * answered as an unknown one, so ids tell nothing about other teams' patients.
   */
  const alertFor = async (request: FastifyRequest, alertId: string): Promise<AlertRecord> => {
    const stored = await loadStoredAlert(o.records, alertId);
    const visible = stored
      ? await isInCareTeamOf(o.records, currentUser(request).id, stored.record.patientId)
      : false;
    if (!stored || !visible) throw new RequestRefused(404, `alert '${alertId}' does not exist`);
    return stored.record;
  };
  const answer = async (alertId: string): Promise<AlertAnswer> => {
    const stored = await loadStoredAlert(o.records, alertId);
    if (!stored) throw new RequestRefused(404, `alert '${alertId}' does not exist`);
    return { alert: view(stored) };
  };
  const params = z.object({ alertId: text().min(1).max(128) });
  const note = text().trim().max(1000);

  app.post(
    '/api/alerts/:alertId/acknowledge',
    { schema: { params, body: z.strictObject({ note: note.optional() }), response: { 200: AlertAnswer } } },
    async (request) => {
      const alert = await alertFor(request, request.params.alertId);
      if (alert.status === 'resolved') throw new RequestRefused(409, 'this alert is already resolved');
      await o.alerts.acknowledge(alert.alertId, currentUser(request).id, request.body.note || undefined);
      return answer(alert.alertId);
    },
  );

  app.post(
    '/api/alerts/:alertId/resolve',
    {
      schema: {
        params,
        body: z.strictObject({ note: note.min(1, 'say why the alert can be closed') }),
        response: { 200: AlertAnswer },
      },
    },
    async (request) => {
      const alert = await alertFor(request, request.params.alertId);
      if (alert.status === 'resolved') throw new RequestRefused(409, 'this alert is already resolved');
      await o.alerts.resolve(alert.alertId, currentUser(request).id, request.body.note);
      return answer(alert.alertId);
    },
  );

  app.post(
    '/api/alerts/:alertId/snooze',
    {
      schema: {
        params,
        body: z.strictObject({
          minutes: z
            .number()
            .int()
            .min(5)
            .max(24 * 60),
          note: note.optional(),
        }),
        response: { 200: AlertAnswer },
      },
    },
    async (request) => {
      const alert = await alertFor(request, request.params.alertId);
      if (alert.status === 'resolved') throw new RequestRefused(409, 'this alert is already resolved');
      const until = new Date(o.now().getTime() + request.body.minutes * 60_000);
      await o.alerts.snooze(
        alert.patientId,
        alert.ruleId,
        until,
        currentUser(request).id,
        request.body.note || undefined,
      );
      return answer(alert.alertId);
    },
  );

  const patientParams = z.object({ patientId: PatientId });
  const planView = (patientId: string): CarePlanAnswer => {
    const plan = o.alerts.planOf(patientId);
    return {
      templates: plan?.templates ?? [],
      overrides: plan?.overrides ?? {},
      rules: o.alerts.rulesOf(patientId).map(ruleView),
    };
  };

  app.get(
    '/api/patients/:patientId/care-plan',
    { schema: { params: patientParams, response: { 200: CarePlanAnswer } } },
    async (request) => {
      await requirePatient(request, request.params.patientId);
      await o.views.patient(currentUser(request).id, 'care_plan.view', request.params.patientId);
      return planView(request.params.patientId);
    },
  );

  app.put(
    '/api/patients/:patientId/care-plan',
    {
      preHandler: requireRole('doctor'),
      schema: {
        params: patientParams,
        body: z.strictObject({
          templates: z.array(TemplateId).min(1),
          overrides: z.record(text(), RuleOverride).default({}),
        }),
        response: { 200: CarePlanAnswer },
      },
    },
    async (request) => {
      const { patientId } = request.params;
      await requirePatient(request, patientId);
      await o.alerts.setCarePlan({ patientId, ...request.body }, currentUser(request).id);
      return planView(patientId);
    },
  );

  app.get(
    '/api/care-plan-templates',
    { schema: { response: { 200: CarePlanTemplatesAnswer } } },
    async () => ({
      templates: TemplateId.options.map((id) => ({
        id,
        title: TEMPLATES[id].title,
        rules: resolveCarePlan(CarePlan.parse({ patientId: 'template', templates: [id] })).map(ruleView),
      })),
    }),
  );
};
