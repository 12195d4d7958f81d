/**
 * The ward view's tiles, as a pure function of what the server knows, sorted by what needs
 * attention first: an active critical alert, then a warning, then a silent patient, then
 * everyone else (within a group: the longest-standing alert or silence first, then name).
 *
 * "Silent" means the patient's gateway is offline, or nothing has arrived for
 * `silentAfterMs` (default 2 h: a meter used twice a day is not silent after an hour).
 * Device-level silences that matter clinically (a CGM that stopped) are no-data alerts.
 */

import { z } from 'zod';
import { Severity } from '../common/contract.ts';
import { SPARKLINE_METRICS, type SparklineMetric } from '../common/metrics.ts';
import { ChartPoint, PatientLatest } from '../ingest/readings-storage.ts';
import { WeightChange } from './home-figures.ts';
import { DeviceState } from './readings-queries.ts';

export const ActiveAlertSummary = z.object({
  alertId: z.string(),
  ruleId: z.string(),
  title: z.string(),
  severity: Severity,
  state: z.enum(['firing', 'acknowledged']),
  /** When it fired, ISO. */
  since: z.string(),
});
export type ActiveAlertSummary = z.infer<typeof ActiveAlertSummary>;

export const WardTile = z.object({
  patientId: z.string(),
  displayName: z.string(),
  attention: z.enum(['critical', 'warning', 'silent', 'ok']),
  latest: PatientLatest,
  /** Last 6 h of each metric, 10-minute means. */
  sparklines: z.record(z.enum(SPARKLINE_METRICS), z.array(ChartPoint)),
  /** Weight change by the weight-gain rule's arithmetic: kg, from the lowest of `days` days. */
  weightChange: WeightChange.optional(),
  devices: z.array(DeviceState.pick({ deviceId: true, kind: true, batteryPercent: true, connected: true })),
  gateways: z.array(z.object({ gatewayId: z.string(), online: z.boolean().nullable() })),
  alerts: z.array(ActiveAlertSummary),
  /** Newest sample time of any metric, ms; null when the patient never sent anything. */
  lastReadingAt: z.number().nullable(),
});
export type WardTile = z.infer<typeof WardTile>;

export interface WardInput {
  patients: { id: string; displayName: string; gatewayIds: string[] }[];
  latest: Map<string, PatientLatest>;
  sparklines: Record<SparklineMetric, Map<string, ChartPoint[]>>;
  weightChanges: Map<string, WeightChange>;
  devices: DeviceState[];
  gateways: Map<string, { online: boolean }>;
  alerts: Map<string, ActiveAlertSummary[]>;
  nowMs: number;
  silentAfterMs: number;
}

const RANK = { critical: 0, warning: 1, silent: 2, ok: 3 } as const;

export function composeWardTiles(input: WardInput): WardTile[] {
  const tiles = input.patients.map((p): WardTile & { sortKey: number } => {
    const latest = input.latest.get(p.id) ?? {};
    const times = Object.values(latest).map((v) => v.time);
    const lastReadingAt = times.length ? Math.max(...times) : null;
    const alerts = [...(input.alerts.get(p.id) ?? [])].sort((a, b) => a.since.localeCompare(b.since));
    const gateways = p.gatewayIds.map((gatewayId) => ({
      gatewayId,
      online: input.gateways.get(gatewayId)?.online ?? null,
    }));
    const silent =
      gateways.some((g) => g.online === false) ||
      lastReadingAt === null ||
      input.nowMs - lastReadingAt > input.silentAfterMs;
    const attention = alerts.some((a) => a.severity === 'critical')
      ? 'critical'
      : alerts.some((a) => a.severity === 'warning')
        ? 'warning'
        : silent
          ? 'silent'
          : 'ok';
    const oldestAlert = alerts[0] ? Date.parse(alerts[0].since) : Number.POSITIVE_INFINITY;
    const weightChange = input.weightChanges.get(p.id);
    return {
      patientId: p.id,
      displayName: p.displayName,
      attention,
      latest,
      sparklines: {
        heart_rate: input.sparklines.heart_rate.get(p.id) ?? [],
        spo2: input.sparklines.spo2.get(p.id) ?? [],
        glucose: input.sparklines.glucose.get(p.id) ?? [],
      },
      ...(weightChange && { weightChange }),
      devices: input.devices
        .filter((d) => d.patientId === p.id)
        .map((d) => ({
          deviceId: d.deviceId,
          kind: d.kind,
          batteryPercent: d.batteryPercent,
          connected: d.connected,
        })),
      gateways,
      alerts,
      lastReadingAt,
      sortKey: attention === 'silent' ? (lastReadingAt ?? 0) : oldestAlert,
    };
  });
  tiles.sort(
    (a, b) =>
      RANK[a.attention] - RANK[b.attention] ||
      a.sortKey - b.sortKey ||
      a.displayName.localeCompare(b.displayName),
  );
  return tiles.map(({ sortKey: _, ...tile }) => tile);
}
