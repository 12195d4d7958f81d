/**
 * What the screens read from InfluxDB, in InfluxQL (works on 1.x, 2.x through DBRP, 3.x).
 * Downsampling happens in InfluxDB (GROUP BY time): the browser never receives raw points
 * beyond the few hundred a chart can draw. Glucose is stored in mg/dL (see
 * ingest/influx-schema.ts).
 */
import { type DeviceRangeBound, deviceRangeBound } from '../common/contract.ts';
import type { InfluxConnection, InfluxSeries } from '../ingest/influx-connection.ts';
import { quoteString } from '../ingest/influx-connection.ts';

export const CHART_METRICS = ['heart_rate', 'spo2', 'glucose'] as const;
export type ChartMetric = (typeof CHART_METRICS)[number];

/** Chart ranges and the bucket that keeps each to a few hundred points. */
export const CHART_RANGES = {
  '6h': { spanMs: 6 * 3600_000, bucket: '2m' },
  '24h': { spanMs: 24 * 3600_000, bucket: '10m' },
  '7d': { spanMs: 7 * 86400_000, bucket: '1h' },
  '30d': { spanMs: 30 * 86400_000, bucket: '4h' },
} as const;
export type ChartRange = keyof typeof CHART_RANGES;

export interface LatestValue {
  value: number;
  time: number;
  reliable: boolean;
  /** The device's LO / HI: `value` is a bound, not a measurement. */
  bound?: DeviceRangeBound;
}

export interface PatientLatest {
  heart_rate?: LatestValue;
  spo2?: LatestValue;
  glucose?: LatestValue & { trendMgdlPerMin?: number; source?: string };
}

export interface ChartPoint {
  time: number;
  mean: number;
  min: number;
  max: number;
}

/** An InfluxQL regex condition matching exactly these tag values. */
const tagIn = (tag: string, values: readonly string[]) =>
  `${tag} =~ /^(${values.map((v) => v.replace(/[.\\^$|?*+()[\]{}/-]/g, '\\$&')).join('|')})$/`;
const patientFilter = (ids: readonly string[]) => tagIn('patient', ids);

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function firstRow(series: InfluxSeries): Record<string, unknown> | undefined {
  const values = series.values[0];
  if (!values) return undefined;
  return Object.fromEntries(series.columns.map((c, i) => [c, values[i]]));
}

/** The latest heart rate, SpO2 and glucose of each patient, with their sample times. */
export async function latestValues(
  influx: InfluxConnection,
  patientIds: readonly string[],
  sinceMs: number,
): Promise<Map<string, PatientLatest>> {
  const result = new Map<string, PatientLatest>(patientIds.map((id) => [id, {}]));
  if (!patientIds.length) return result;
  // One selector only: with two (last(value), last(reliable)) InfluxDB 1.x answers the start
  // of the time range instead of the point's time. A plain field beside a single selector
  // comes from the same point.
  const series = await influx.querySeries(
    `SELECT last(value) AS value, reliable, flags FROM heart_rate, pulse_rate, spo2, glucose
     WHERE ${patientFilter(patientIds)} AND time >= ${sinceMs}ms GROUP BY patient`,
  );
  for (const s of series) {
    const row = firstRow(s);
    const patient = s.tags?.patient;
    const latest = patient ? result.get(patient) : undefined;
    const value = num(row?.value);
    const time = num(row?.time);
    if (!latest || value === undefined || time === undefined) continue;
    const bound = deviceRangeBound(typeof row?.flags === 'string' ? row.flags.split(',') : []);
    const entry = { value, time, reliable: row?.reliable !== false, ...(bound && { bound }) };
    // A patient with only an oximeter has a pulse rate and no heart rate: show the newer.
    const slot = s.name === 'pulse_rate' ? 'heart_rate' : s.name;
    if (slot === 'heart_rate' || slot === 'spo2' || slot === 'glucose') {
      const current = latest[slot];
      if (!current || current.time < time) latest[slot] = entry;
    }
  }
  // The CGM trend belongs with the latest CGM reading, if it is the latest glucose.
  const trends = await influx.querySeries(
    `SELECT last(trend) AS trend FROM glucose WHERE ${patientFilter(patientIds)} AND source = 'cgm'
     AND time >= ${sinceMs}ms GROUP BY patient`,
  );
  for (const s of trends) {
    const row = firstRow(s);
    const glucose = s.tags?.patient ? result.get(s.tags.patient)?.glucose : undefined;
    const trend = num(row?.trend);
    if (glucose && trend !== undefined && num(row?.time) === glucose.time) {
      glucose.trendMgdlPerMin = trend;
      glucose.source = 'cgm';
    }
  }
  return result;
}

/** Downsampled series (mean, min, max per bucket) of one metric for each patient. */
export async function chartSeries(
  influx: InfluxConnection,
  patientIds: readonly string[],
  metric: ChartMetric,
  range: ChartRange,
  nowMs: number,
  options: { reliableOnly?: boolean } = {},
): Promise<Map<string, ChartPoint[]>> {
  const result = new Map<string, ChartPoint[]>(patientIds.map((id) => [id, []]));
  if (!patientIds.length) return result;
  const { spanMs, bucket } = CHART_RANGES[range];
  // Heart rate charts fall back on an oximeter's pulse rate where no heart-rate sensor sent.
  const from = metric === 'heart_rate' ? 'heart_rate, pulse_rate' : metric;
  const series = await influx.querySeries(
    `SELECT mean(value) AS mean, min(value) AS min, max(value) AS max FROM ${from}
     WHERE ${patientFilter(patientIds)} AND time >= ${nowMs - spanMs}ms AND time <= ${nowMs}ms
     ${options.reliableOnly ? 'AND reliable = true' : ''}
     GROUP BY time(${bucket}), patient fill(none)`,
  );
  // heart_rate sorts before pulse_rate: its bucket wins where both measured.
  for (const s of [...series].sort((a, b) => a.name.localeCompare(b.name))) {
    const points = s.tags?.patient ? result.get(s.tags.patient) : undefined;
    if (!points) continue;
    const taken = new Set(points.map((p) => p.time));
    const at = (c: string) => s.columns.indexOf(c);
    for (const v of s.values) {
      const [time, mean, min, max] = [v[at('time')], v[at('mean')], v[at('min')], v[at('max')]].map(num);
      if (
        time !== undefined &&
        mean !== undefined &&
        min !== undefined &&
        max !== undefined &&
        !taken.has(time)
      ) {
        points.push({ time, mean, min, max });
      }
    }
    points.sort((a, b) => a.time - b.time);
  }
  return result;
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

/** Days (in the clinic's time zone) with at least one reading, over the last `days` days. */
export async function daysWithReadings(
  influx: InfluxConnection,
  patientId: string,
  nowMs: number,
  days: number,
  timeZone: string,
): Promise<number> {
  const series = await influx.querySeries(
    `SELECT count(value) FROM heart_rate, pulse_rate, spo2, glucose WHERE patient = ${quoteString(patientId)}
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

export interface DeviceState {
  deviceId: string;
  patientId: string;
  gatewayId: string;
  kind: string;
  batteryPercent: number | null;
  connected: boolean;
  lastSeen: number | null;
  /** When the gateway last reported on this device. */
  reportedAt: number;
}

/** Each device's last reported state (battery, connection), from the gateways' status messages. */
export async function deviceStates(
  influx: InfluxConnection,
  patientIds: readonly string[],
  sinceMs: number,
): Promise<DeviceState[]> {
  if (!patientIds.length) return [];
  const series = await influx.querySeries(
    `SELECT last(connected) AS connected, battery, last_seen_ms AS last_seen
     FROM device_status WHERE ${patientFilter(patientIds)} AND time >= ${sinceMs}ms
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

/** Each gateway's last known connectivity (its retained status, or its last will). */
export async function gatewayStates(
  influx: InfluxConnection,
  gatewayIds: readonly string[],
  sinceMs: number,
): Promise<Map<string, { online: boolean; at: number }>> {
  const result = new Map<string, { online: boolean; at: number }>();
  if (!gatewayIds.length) return result;
  const series = await influx.querySeries(
    `SELECT last(online) AS online FROM gateway_status WHERE ${tagIn('gateway', gatewayIds)} AND time >= ${sinceMs}ms GROUP BY gateway`,
  );
  for (const s of series) {
    const row = firstRow(s);
    if (s.tags?.gateway && row)
      result.set(s.tags.gateway, { online: row.online === true, at: num(row.time) ?? 0 });
  }
  return result;
}
