/**
 * The clinical read side (nurses and doctors, only for the patients of their care teams):
 * the ward view's tiles, the patient view (devices, adherence, 14-day glucose summary) and
 * its charts, downsampled by InfluxDB. Opening a patient view is audited.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PatientId } from '../common/contract.ts';
import type { InfluxConnection } from '../ingest/influx-connection.ts';
import { recordAudit } from '../records/audit-log.ts';
import { getPatient, isInCareTeamOf, listPatients } from '../records/patients.ts';
import type { RecordsDb } from '../records/records-db.ts';
import { AccessDenied, currentUser, requireRole } from './auth.ts';
import { summariseGlucose } from './glucose-summary.ts';
import {
  CHART_METRICS,
  CHART_RANGES,
  chartSeries,
  daysWithReadings,
  deviceStates,
  gatewayStates,
  glucoseValues,
  latestValues,
} from './readings-queries.ts';
import { type ActiveAlertSummary, composeWardTiles } from './ward-tiles.ts';

export interface ThresholdBand {
  ruleId: string;
  title: string;
  severity: string;
  direction: 'below' | 'above';
  /** In the chart's unit (glucose mg/dL). */
  level: number;
}

export interface PatientRoutesOptions {
  records: RecordsDb;
  influx: InfluxConnection;
  now: () => Date;
  timeZone: string;
  silentAfterMs: number;
  /** Active alerts by patient, from the alerts engine. */
  activeAlerts: (patientIds: readonly string[]) => Promise<Map<string, ActiveAlertSummary[]>>;
  /** The care plan's thresholds for a metric, drawn as bands on the charts. */
  thresholds: (patientId: string, metric: (typeof CHART_METRICS)[number]) => Promise<ThresholdBand[]>;
}

const DAY = 86_400_000;
/** How far back "latest" looks; older values are shown as absent rather than as current. */
const LATEST_WINDOW_MS = 30 * DAY;

export const patientRoutes: FastifyPluginAsyncZod<PatientRoutesOptions> = async (app, o) => {
  app.addHook('preHandler', requireRole('nurse', 'doctor'));

  /** Refuses a patient outside the user's care teams with the same answer as an unknown one. */
  const requirePatient = async (request: FastifyRequest, patientId: string) => {
    if (!(await isInCareTeamOf(o.records, currentUser(request).id, patientId))) {
      throw new AccessDenied(403, `patient '${patientId}' is not in your care teams`);
    }
  };

  app.get('/api/patients', async (request) => ({
    patients: (await listPatients(o.records, { careTeamsOf: currentUser(request).id })).map((p) => ({
      id: p.id,
      displayName: p.displayName,
    })),
  }));

  app.get('/api/ward', async (request) => {
    const patients = await listPatients(o.records, { careTeamsOf: currentUser(request).id });
    const ids = patients.map((p) => p.id);
    const nowMs = o.now().getTime();
    const [latest, hr, spo2, glucose, devices, gateways, alerts] = await Promise.all([
      latestValues(o.influx, ids, nowMs - LATEST_WINDOW_MS),
      chartSeries(o.influx, ids, 'heart_rate', '6h', nowMs),
      chartSeries(o.influx, ids, 'spo2', '6h', nowMs),
      chartSeries(o.influx, ids, 'glucose', '6h', nowMs),
      deviceStates(o.influx, ids, nowMs - LATEST_WINDOW_MS),
      gatewayStates(o.influx, [...new Set(patients.flatMap((p) => p.gatewayIds))], nowMs - LATEST_WINDOW_MS),
      o.activeAlerts(ids),
    ]);
    return {
      now: new Date(nowMs).toISOString(),
      tiles: composeWardTiles({
        patients,
        latest,
        sparklines: { heart_rate: hr, spo2, glucose },
        devices,
        gateways,
        alerts,
        nowMs,
        silentAfterMs: o.silentAfterMs,
      }),
    };
  });

  const patientParams = z.object({ patientId: PatientId });

  app.get('/api/patients/:patientId', { schema: { params: patientParams } }, async (request) => {
    const { patientId } = request.params;
    await requirePatient(request, patientId);
    const user = currentUser(request);
    const nowMs = o.now().getTime();
    const [patient, devices, adherenceDays, glucose, alerts] = await Promise.all([
      getPatient(o.records, patientId),
      deviceStates(o.influx, [patientId], nowMs - LATEST_WINDOW_MS),
      daysWithReadings(o.influx, patientId, nowMs, 30, o.timeZone),
      glucoseValues(o.influx, patientId, nowMs - 14 * DAY, nowMs),
      o.activeAlerts([patientId]),
    ]);
    await recordAudit(o.records, {
      actor: user.id,
      action: 'patient.view',
      targetType: 'patient',
      targetId: patientId,
    });
    return {
      patient: { id: patient.id, displayName: patient.displayName, gatewayIds: patient.gatewayIds },
      devices,
      adherence: { daysWithReadings: adherenceDays, ofDays: 30 },
      glucoseSummary: summariseGlucose(glucose.values, glucose.source, 14),
      activeAlerts: alerts.get(patientId) ?? [],
    };
  });

  app.get(
    '/api/patients/:patientId/chart',
    {
      schema: {
        params: patientParams,
        querystring: z.object({
          metric: z.enum(CHART_METRICS),
          range: z.enum(Object.keys(CHART_RANGES) as [keyof typeof CHART_RANGES]),
        }),
      },
    },
    async (request) => {
      const { patientId } = request.params;
      const { metric, range } = request.query;
      await requirePatient(request, patientId);
      const nowMs = o.now().getTime();
      const [series, thresholds] = await Promise.all([
        chartSeries(o.influx, [patientId], metric, range, nowMs),
        o.thresholds(patientId, metric),
      ]);
      return {
        metric,
        range,
        unit: metric === 'glucose' ? 'mg/dL' : metric === 'spo2' ? '%' : '/min',
        from: new Date(nowMs - CHART_RANGES[range].spanMs).toISOString(),
        to: new Date(nowMs).toISOString(),
        points: series.get(patientId) ?? [],
        thresholds,
      };
    },
  );
};
