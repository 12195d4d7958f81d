/**
 * What the screens read from InfluxDB besides the readings themselves (latest values and
 * chart series are ingest/readings-storage.ts), in InfluxQL (works on 1.x, 2.x through
 * DBRP, 3.x). Downsampling happens in InfluxDB (GROUP BY time): the browser never receives
 * raw points beyond the few hundred a chart can draw.
 */
import { z } from 'zod';
import { type Metric, VITAL_METRICS } from '../common/metrics.ts';
import type { InfluxConnection } from '../ingest/influx-connection.ts';
import { firstRow, finiteNumber as num, quoteString } from '../ingest/influx-connection.ts';
import { measurementsShownAs, tagIn } from '../ingest/readings-storage.ts';

/** Chart ranges and the bucket that keeps each to a few hundred points. */
export const CHART_RANGES = {
  '6h': { spanMs: 6 * 3600_000, bucket: '2m' },
  '24h': { spanMs: 24 * 3600_000, bucket: '10m' },
  '7d': { spanMs: 7 * 86400_000, bucket: '1h' },
  '30d': { spanMs: 30 * 86400_000, bucket: '4h' },
} as const;
type ChartRange = keyof typeof CHART_RANGES;

/** The time window and bucket of a chart range ending now. */
export function chartWindow(
  range: ChartRange,
  nowMs: number,
): { fromMs: number; toMs: number; bucket: string } {
  const { spanMs, bucket } = CHART_RANGES[range];
  return { fromMs: nowMs - spanMs, toMs: nowMs, bucket };
}

/** Glucose values (mg/dL) of one patient in a window, CGM when there is any, else meter. */
export async function glucoseValues(
  influx: InfluxConnection,
  patientId: string,
  fromMs: number,
  toMs: number,
): Promise<{ source: 'cgm' | 'meter'; values: number[] }> {
  const rows = await influx.query(
    `SELECT value, source FROM glucose WHERE patient = ${quoteString(patientId)} AND reliable = true
     AND time >= ${fromMs}ms AND time < ${toMs}ms`,
  );
  const cgm = rows.filter((r) => r.source === 'cgm');
  const chosen = cgm.length ? cgm : rows;
  return {
    source: cgm.length ? 'cgm' : 'meter',
    values: chosen.flatMap((r) => (typeof r.value === 'number' ? [r.value] : [])),
  };
}

/** The lowest or highest reliable value of one metric of a patient in [fromMs, toMs], if any. */
export async function extremeValue(
  influx: InfluxConnection,
  patientId: string,
  metric: Metric,
  which: 'min' | 'max',
  fromMs: number,
  toMs: number,
): Promise<number | undefined> {
  const series = await influx.querySeries(
    `SELECT ${which}(value) AS extreme FROM ${metric} WHERE patient = ${quoteString(patientId)}
     AND reliable = true AND time >= ${fromMs}ms AND time <= ${toMs}ms`,
  );
  return num(series[0] && firstRow(series[0])?.extreme);
}

/** Days (in the clinic's time zone) with at least one reading, over the last `days` days. */
export async function daysWithReadings(
  influx: InfluxConnection,
  patientId: string,
  nowMs: number,
  days: number,
  timeZone: string,
): Promise<number> {
  const series = await influx.querySeries(
    `SELECT count(value) FROM ${VITAL_METRICS.flatMap(measurementsShownAs).join(', ')} WHERE patient = ${quoteString(patientId)}
     AND time >= ${nowMs - days * 86400_000}ms AND time <= ${nowMs}ms GROUP BY time(1d) fill(none)
     tz(${quoteString(timeZone)})`,
  );
  // The window touches `days + 1` calendar days; the partial first one is not counted.
  const firstFullDay = nowMs - days * 86400_000;
  const daysSeen = new Set<number>();
  for (const s of series) {
    for (const v of s.values) if (num(v[1]) && Number(v[0]) >= firstFullDay) daysSeen.add(Number(v[0]));
  }
  return daysSeen.size;
}

/** A device's last reported state, as the patient view shows it. */
export const DeviceState = z.object({
  deviceId: z.string(),
  patientId: z.string(),
  gatewayId: z.string(),
  kind: z.string(),
  batteryPercent: z.number().nullable(),
  connected: z.boolean(),
  /** When the gateway last heard from the device, ms. */
  lastSeen: z.number().nullable(),
  /** When the gateway last reported on this device, ms. */
  reportedAt: z.number(),
});
export type DeviceState = z.infer<typeof DeviceState>;

/** Each device's last reported state (battery, connection), from the gateways' status messages. */
export async function deviceStates(
  influx: InfluxConnection,
  patientIds: readonly string[],
  sinceMs: number,
): Promise<DeviceState[]> {
  if (!patientIds.length) return [];
  const series = await influx.querySeries(
    `SELECT last(connected) AS connected, battery, last_seen_ms AS last_seen
     FROM device_status WHERE ${tagIn('patient', patientIds)} AND time >= ${sinceMs}ms
     GROUP BY patient, device, gateway, kind`,
  );
  return series.flatMap((s) => {
    const row = firstRow(s);
    const tags = s.tags ?? {};
    if (!row || !tags.patient || !tags.device || !tags.gateway) return [];
    return [
      {
        deviceId: tags.device,
        patientId: tags.patient,
        gatewayId: tags.gateway,
        kind: tags.kind ?? 'unknown',
        batteryPercent: num(row.battery) ?? null,
        connected: row.connected === true,
        lastSeen: num(row.last_seen) ?? null,
        reportedAt: num(row.time) ?? 0,
      },
    ];
  });
}
