/**
 * The clinical read side (nurses and doctors, only for the patients of their care teams):
 * the ward view's tiles, the patient view (devices, adherence, 14-day glucose summary) and
 * its charts, downsampled by InfluxDB. Opening a patient view is audited.
 */

import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AlertsService } from '../alerts/alerts-service.ts';
import { PatientId } from '../common/contract.ts';
import { METRICS, type SparklineMetric } from '../common/metrics.ts';
import { gatewayStates } from '../ingest/gateway-states.ts';
import type { InfluxConnection } from '../ingest/influx-connection.ts';
import { chartSeries, latestValues, type UnreadableRow } from '../ingest/readings-storage.ts';
import { getPatient, isInCareTeamOf, listPatients } from '../records/patients.ts';
import type { RecordsDb } from '../records/records-db.ts';
import {
  ChartAnswer,
  ChartMetric,
  ChartRange,
  PatientListAnswer,
  PatientViewAnswer,
  WardAnswer,
} from './api-contract.ts';
import { currentUser, requireRole } from './auth.ts';
import { summariseGlucose } from './glucose-summary.ts';
import { bloodPressureAverages, weightChanges } from './home-figures.ts';
import {
  CHART_RANGES,
  chartWindow,
  daysWithReadings,
  deviceStates,
  extremeValue,
  glucoseValues,
} from './readings-queries.ts';
import { RequestRefused } from './request-refused.ts';
import type { ViewAudit } from './view-audit.ts';
import { type ActiveAlertSummary, composeWardTiles } from './ward-tiles.ts';

export interface PatientRoutesOptions {
  records: RecordsDb;
  influx: InfluxConnection;
  now: () => Date;
  timeZone: string;
  silentAfterMs: number;
  /** Active alerts and the care plans' thresholds (drawn as bands on the charts). */
  alerts: AlertsService;
  views: ViewAudit;
}

/** Each patient's active alerts, oldest first, as the ward tiles show them. */
function activeAlertsByPatient(
  alerts: AlertsService,
  patientIds: readonly string[],
): Map<string, ActiveAlertSummary[]> {
  const byPatient = new Map<string, ActiveAlertSummary[]>();
  for (const a of alerts.activeAlerts(patientIds)) {
    if (a.status === 'resolved') continue; // never (active alerts), but narrows the type
    const list = byPatient.get(a.patientId) ?? [];
    list.push({
      alertId: a.alertId,
      ruleId: a.ruleId,
      title: a.title,
      severity: a.severity,
      state: a.status,
      since: a.firedAt,
    });
    byPatient.set(a.patientId, list);
  }
  return byPatient;
}

const DAY = 86_400_000;
/** How far back "latest" looks; older values are shown as absent rather than as current. */
const LATEST_WINDOW_MS = 30 * DAY;

export const patientRoutes: FastifyPluginAsyncZod<PatientRoutesOptions> = async (app, o) => {
  app.addHook('preHandler', requireRole('nurse', 'doctor'));
  /** A stored row that is no reading (written by hand, or by an older version) is left out, and said. */
  const unreadable = (row: UnreadableRow) =>
    app.log.warn(row, 'a stored reading is unreadable: left out of a screen');

  /** Refuses a patient outside the user's care teams with the same answer as an unknown one. */
  const requirePatient = async (request: FastifyRequest, patientId: string) => {
    if (!(await isInCareTeamOf(o.records, currentUser(request).id, patientId))) {
      throw new RequestRefused(403, `patient '${patientId}' is not in your care teams`);
    }
  };

  app.get('/api/patients', { schema: { response: { 200: PatientListAnswer } } }, async (request) => ({
    patients: (await listPatients(o.records, { careTeamsOf: currentUser(request).id })).map((p) => ({
      id: p.id,
      displayName: p.displayName,
    })),
  }));

  app.get('/api/ward', { schema: { response: { 200: WardAnswer } } }, async (request) => {
    const user = currentUser(request);
    const patients = await listPatients(o.records, { careTeamsOf: user.id });
    const ids = patients.map((p) => p.id);
    await o.views.list(user.id, 'ward.view', ids);
    const nowMs = o.now().getTime();
    const alerts = activeAlertsByPatient(o.alerts, ids);
    const sparkline = (metric: SparklineMetric) =>
      chartSeries(o.influx, ids, metric, chartWindow('6h', nowMs));
    const [latest, weights, heartRate, spo2, glucose, devices, gateways] = await Promise.all([
      latestValues(o.influx, ids, nowMs - LATEST_WINDOW_MS),
      weightChanges(o.influx, ids, (id) => o.alerts.rulesOf(id), { nowMs, timeZone: o.timeZone }, unreadable),
      sparkline('heart_rate'),
      sparkline('spo2'),
      sparkline('glucose'),
      deviceStates(o.influx, ids, nowMs - LATEST_WINDOW_MS),
      gatewayStates(o.influx, [...new Set(patients.flatMap((p) => p.gatewayIds))], nowMs - LATEST_WINDOW_MS),
    ]);
    return {
      now: new Date(nowMs).toISOString(),
      tiles: composeWardTiles({
        patients,
        latest,
        sparklines: { heart_rate: heartRate, spo2, glucose },
        weightChanges: weights,
        devices,
        gateways,
        alerts,
        nowMs,
        silentAfterMs: o.silentAfterMs,
      }),
    };
  });

  const patientParams = z.object({ patientId: PatientId });

  app.get(
    '/api/patients/:patientId',
    { schema: { params: patientParams, response: { 200: PatientViewAnswer } } },
    async (request) => {
      const { patientId } = request.params;
      await requirePatient(request, patientId);
      const user = currentUser(request);
      const nowMs = o.now().getTime();
      const [patient, devices, adherenceDays, glucose, bpAverages] = await Promise.all([
        getPatient(o.records, patientId),
        deviceStates(o.influx, [patientId], nowMs - LATEST_WINDOW_MS),
        daysWithReadings(o.influx, patientId, nowMs, 30, o.timeZone),
        glucoseValues(o.influx, patientId, nowMs - 14 * DAY, nowMs),
        bloodPressureAverages(
          o.influx,
          patientId,
          o.alerts.rulesOf(patientId),
          { nowMs, timeZone: o.timeZone },
          [7, 30],
          unreadable,
        ),
      ]);
      await o.views.patient(user.id, 'patient.view', patientId);
      return {
        patient: { id: patient.id, displayName: patient.displayName, gatewayIds: patient.gatewayIds },
        devices,
        adherence: { daysWithReadings: adherenceDays, ofDays: 30 },
        glucoseSummary: summariseGlucose(glucose.values, glucose.source, 14),
        bloodPressureAverages: bpAverages,
        activeAlerts: activeAlertsByPatient(o.alerts, [patientId]).get(patientId) ?? [],
      };
    },
  );

  app.get(
    '/api/patients/:patientId/chart',
    {
      schema: {
        params: patientParams,
        querystring: z.object({ metric: ChartMetric, range: ChartRange }),
        response: { 200: ChartAnswer },
      },
    },
    async (request) => {
      const { patientId } = request.params;
      const { metric, range } = request.query;
      await requirePatient(request, patientId);
      await o.views.patient(currentUser(request).id, 'patient.chart.view', patientId, { metric, range });
      const nowMs = o.now().getTime();
      const series = await chartSeries(o.influx, [patientId], metric, chartWindow(range, nowMs));
      // A change rule's band: from the lowest (highest) of its days to where it fires.
      const bands = await Promise.all(
        o.alerts.changeLimits(patientId, metric).map(async (limit) => {
          const from = limit.direction === 'rising' ? 'min' : 'max';
          const base = await extremeValue(
            o.influx,
            patientId,
            metric,
            from,
            nowMs - limit.windowDays * DAY,
            nowMs,
          );
          if (base === undefined) return [];
          const edge = limit.direction === 'rising' ? base + limit.by : base - limit.by;
          return [
            {
              ruleId: limit.ruleId,
              title: limit.title,
              from: Math.min(base, edge),
              to: Math.max(base, edge),
              windowDays: limit.windowDays,
              by: limit.by,
              direction: limit.direction,
            },
          ];
        }),
      );
      return {
        metric,
        range,
        unit: METRICS[metric].storedUnit,
        from: new Date(nowMs - CHART_RANGES[range].spanMs).toISOString(),
        to: new Date(nowMs).toISOString(),
        points: series.get(patientId) ?? [],
        thresholds: o.alerts.thresholds(patientId, metric),
        bands: bands.flat(),
      };
    },
  );
};
