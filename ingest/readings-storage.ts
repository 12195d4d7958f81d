/**
 * Readings in InfluxDB, both ways: the one module that knows how a reading is stored (the
 * README's "Storage schema" documents it) and how it is read back, for the ingest (lines),
 * the alerts (replay after a restart), the dashboard (latest values, chart series) and the
 * live feed (values in the stored unit).
 *
 * - One measurement per metric (the catalogue's names, common/metrics.ts). Tags, all low
 *   cardinality: `patient`, `device`, `unit` (the stored unit), and for glucose `source`
 *   (meter|cgm, as the alerts engine classifies it). The point's time is the device's sample
 *   time, so a reading delivered twice overwrites itself: at-least-once delivery,
 *   exactly-once storage. Everything that may change between deliveries (the gateway that
 *   relayed it, flags) is a field, never a tag, so it cannot split the point in two.
 * - `value` and each component (`diastolic`, `mean`) in the metric's stored unit, converted
 *   exactly (common/units.ts); a reading sent in another unit keeps what was sent in
 *   `reported_unit`, `reported_value` and `reported_<component>`.
 * - Context as fields, one per context key (common/reading-context.ts), the glucose source
 *   as its tag.
 *
 * `rowToReading` is the complete inverse of `readingToLine` for a reading in its stored
 * form (`asStored`: glucose with its source said): a reading replayed after a restart is the
 * reading the alerts saw live.
 */
import { Point } from '@influxdata/influxdb-client';
import { z } from 'zod';
import {
  DeviceRangeBound,
  deviceRangeBound,
  glucoseSourceOf,
  isClinicallyReliable,
  Reading,
} from '../common/contract.ts';
import {
  ComponentName,
  componentsOf,
  METRICS,
  Metric,
  type Unit,
  VITAL_METRICS,
  type VitalMetric,
} from '../common/metrics.ts';
import { CONTEXT_FIELDS, type ReadingContext } from '../common/reading-context.ts';
import { convertUnit } from '../common/units.ts';
import {
  firstRow,
  type InfluxConnection,
  type InfluxRow,
  finiteNumber as num,
  quoteString,
} from './influx-connection.ts';

const PRECISION = { convertTime: (d: Date | number | string | undefined) => String(Number(d)) };

export function lineOf(point: Point): string {
  const text = point.toLineProtocol(PRECISION);
  if (text === undefined) throw new Error(`point for ${point.toString()} has no fields`);
  return text;
}

export interface StoredValue {
  value: number;
  unit: Unit;
  components: Partial<Record<ComponentName, number>>;
}

/** A reading's numbers in its metric's stored unit. */
export function storedValue(reading: Reading): StoredValue {
  const unit = METRICS[reading.metric].storedUnit;
  const components: Partial<Record<ComponentName, number>> = {};
  for (const [name] of componentsOf(reading.metric)) {
    const value = reading.components?.[name];
    if (value !== undefined) components[name] = convertUnit(value, reading.unit, unit);
  }
  return { value: convertUnit(reading.value, reading.unit, unit), unit, components };
}

/** The reading as it is stored and handed on: a glucose reading says its source. */
export function asStored(reading: Reading): Reading {
  if (reading.metric !== 'glucose' || reading.context.source !== undefined) return reading;
  return { ...reading, context: { ...reading.context, source: glucoseSourceOf(reading) } };
}

function writeContext(point: Point, context: ReadingContext): void {
  for (const { key, field, type } of CONTEXT_FIELDS) {
    const value: unknown = context[key];
    if (value === undefined) continue;
    if (type === 'numbers' && Array.isArray(value)) {
      if (value.length) point.stringField(field, value.join(','));
    } else if (type === 'int' && typeof value === 'number') point.intField(field, value);
    else if (type === 'float' && typeof value === 'number') point.floatField(field, value);
    else if (type === 'string' && typeof value === 'string') point.stringField(field, value);
  }
}

export function readingToLine(reading: Reading, gatewayId: string): string {
  const stored = storedValue(reading);
  const point = new Point(reading.metric)
    .tag('patient', reading.patientId)
    .tag('device', reading.deviceId)
    .tag('unit', stored.unit)
    .floatField('value', stored.value)
    .booleanField('reliable', isClinicallyReliable(reading))
    .stringField('reading_id', reading.id)
    .stringField('gateway', gatewayId)
    .timestamp(Date.parse(reading.time));
  // The alerts engine's own classification, so a rebuild from InfluxDB replays each value
  // under the rules it was first evaluated by.
  if (reading.metric === 'glucose') point.tag('source', glucoseSourceOf(reading));
  for (const [name, value] of Object.entries(stored.components)) point.floatField(name, value);
  if (stored.unit !== reading.unit) {
    point.stringField('reported_unit', reading.unit).floatField('reported_value', reading.value);
    for (const [name, value] of Object.entries(reading.components ?? {})) {
      point.floatField(`reported_${name}`, value);
    }
  }
  if (reading.flags.length) point.stringField('flags', reading.flags.join(','));
  writeContext(point, reading.context);
  return lineOf(point);
}

function readContext(row: InfluxRow): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  for (const { key, field, type } of CONTEXT_FIELDS) {
    const value = row[field];
    if (value === null || value === undefined) continue;
    context[key] = type === 'numbers' && typeof value === 'string' ? value.split(',').map(Number) : value;
  }
  if (typeof row.source === 'string') context.source = row.source;
  return context;
}

/** A stored row (SELECT * of one measurement) as the reading that was stored, or why it is not one. */
export function rowToReading(metric: Metric, row: InfluxRow): Reading | string {
  const reported = typeof row.reported_unit === 'string';
  const part = (name: string) => row[reported ? `reported_${name}` : name];
  const components: Record<string, unknown> = {};
  for (const [name] of componentsOf(metric)) {
    const value = part(name);
    if (typeof value === 'number') components[name] = value;
  }
  const parsed = Reading.safeParse({
    id: row.reading_id,
    patientId: row.patient,
    deviceId: row.device,
    metric,
    value: part('value'),
    ...(Object.keys(components).length ? { components } : {}),
    unit: reported ? row.reported_unit : row.unit,
    time: typeof row.time === 'number' ? new Date(row.time).toISOString() : undefined,
    flags: typeof row.flags === 'string' && row.flags ? row.flags.split(',') : [],
    context: readContext(row),
  });
  return parsed.success ? parsed.data : z.prettifyError(parsed.error);
}

/** A stored row that is not a reading the contract takes (written by hand, or by an older version). */
export interface UnreadableRow {
  metric: Metric;
  readingId: string | undefined;
  time: number | undefined;
  reason: string;
}

/** An InfluxQL regex condition matching exactly these tag values. */
export const tagIn = (tag: string, values: readonly string[]): string =>
  `${tag} =~ /^(${values.map((v) => v.replace(/[.\\^$|?*+()[\]{}/-]/g, '\\$&')).join('|')})$/`;

/** The stored readings of one metric for these patients in [fromMs, toMs], oldest first; a row that is none is told to `onUnreadable`. */
export async function storedReadings(
  influx: InfluxConnection,
  metric: Metric,
  patientIds: readonly string[],
  fromMs: number,
  toMs: number,
  onUnreadable: (row: UnreadableRow) => void,
): Promise<Reading[]> {
  if (!patientIds.length) return [];
  const rows = await influx.query(
    `SELECT * FROM ${metric} WHERE time >= ${fromMs}ms AND time <= ${toMs}ms
     AND (${patientIds.map((id) => `patient = ${quoteString(id)}`).join(' OR ')})`,
  );
  return rows.flatMap((row) => {
    const reading = rowToReading(metric, row);
    if (typeof reading !== 'string') return [reading];
    onUnreadable({
      metric,
      readingId: typeof row.reading_id === 'string' ? row.reading_id : undefined,
      time: typeof row.time === 'number' ? row.time : undefined,
      reason: reading,
    });
    return [];
  });
}

/** The measurements a vital's screens read: its own, and any that stands in for it (a pulse for a heart rate). */
export function measurementsShownAs(metric: VitalMetric): Metric[] {
  return Metric.options.filter((m) => m === metric || METRICS[m].standsInFor === metric);
}

/** Which vital a measurement is shown as. */
function shownAs(measurement: string): VitalMetric | undefined {
  return VITAL_METRICS.find((vital) => measurementsShownAs(vital).some((m) => m === measurement));
}

/** A vital's latest value, as the ward tiles show it. */
export const LatestValue = z.object({
  /** In the stored unit. */
  value: z.number(),
  components: z.partialRecord(ComponentName, z.number()).optional(),
  /** Sample time, ms. */
  time: z.number(),
  reliable: z.boolean(),
  /** The device's LO / HI: `value` is a bound, not a measurement. */
  bound: DeviceRangeBound.optional(),
  /** A cuff saw an irregular pulse with this blood pressure. */
  irregularPulse: z.boolean().optional(),
  /** Glucose from a CGM: its trend. */
  trendMgdlPerMin: z.number().optional(),
  source: z.string().optional(),
});
export type LatestValue = z.infer<typeof LatestValue>;

export const PatientLatest = z.partialRecord(z.enum(VITAL_METRICS), LatestValue);
export type PatientLatest = z.infer<typeof PatientLatest>;

const COMPONENT_FIELDS = [...new Set(VITAL_METRICS.flatMap((m) => componentsOf(m).map(([name]) => name)))];

/** Each patient's latest value of every vital (common/metrics.ts VITAL_METRICS), with its sample time. */
export async function latestValues(
  influx: InfluxConnection,
  patientIds: readonly string[],
  sinceMs: number,
): Promise<Map<string, PatientLatest>> {
  const result = new Map<string, PatientLatest>(patientIds.map((id) => [id, {}]));
  if (!patientIds.length) return result;
  const measurements = VITAL_METRICS.flatMap(measurementsShownAs);
  // One selector only: with two (last(value), last(reliable)) InfluxDB 1.x answers the start
  // of the time range instead of the point's time. Plain fields beside a single selector
  // come from the same point.
  const series = await influx.querySeries(
    `SELECT last(value) AS value, reliable, flags, trend, source, ${COMPONENT_FIELDS.join(', ')}
     FROM ${measurements.join(', ')}
     WHERE ${tagIn('patient', patientIds)} AND time >= ${sinceMs}ms GROUP BY patient`,
  );
  for (const s of series) {
    const row = firstRow(s);
    const latest = s.tags?.patient ? result.get(s.tags.patient) : undefined;
    const vital = shownAs(s.name);
    const value = num(row?.value);
    const time = num(row?.time);
    if (!row || !latest || !vital || value === undefined || time === undefined) continue;
    const flags = typeof row.flags === 'string' ? row.flags.split(',') : [];
    const bound = deviceRangeBound(flags);
    const components: Partial<Record<ComponentName, number>> = {};
    for (const [name] of componentsOf(vital)) {
      const part = num(row[name]);
      if (part !== undefined) components[name] = part;
    }
    const trend = num(row.trend);
    const entry: LatestValue = {
      value,
      time,
      reliable: row.reliable !== false,
      ...(Object.keys(components).length && { components }),
      ...(bound && { bound }),
      ...(flags.includes('irregular_pulse') && { irregularPulse: true }),
      ...(trend !== undefined && row.source === 'cgm' && { trendMgdlPerMin: trend, source: 'cgm' }),
    };
    // A patient with only an oximeter has a pulse rate and no heart rate: show the newer.
    const current = latest[vital];
    if (!current || current.time < time) latest[vital] = entry;
  }
  return result;
}

/** A bucket of a chart: mean, min and max of the value, and of each component. */
const Spread = z.object({ mean: z.number(), min: z.number(), max: z.number() });
export const ChartPoint = Spread.extend({
  /** The bucket's start, ms. */
  time: z.number(),
  components: z.partialRecord(ComponentName, Spread).optional(),
});
export type ChartPoint = z.infer<typeof ChartPoint>;

/** Downsampled series (mean, min, max per `bucket`) of one vital for each patient over [fromMs, toMs]. */
export async function chartSeries(
  influx: InfluxConnection,
  patientIds: readonly string[],
  metric: VitalMetric,
  window: { fromMs: number; toMs: number; bucket: string },
  options: { reliableOnly?: boolean } = {},
): Promise<Map<string, ChartPoint[]>> {
  const result = new Map<string, ChartPoint[]>(patientIds.map((id) => [id, []]));
  if (!patientIds.length) return result;
  const parts = ['value', ...componentsOf(metric).map(([name]) => name)];
  const selectors = parts.flatMap((p) => ['mean', 'min', 'max'].map((f) => `${f}(${p}) AS ${p}_${f}`));
  const series = await influx.querySeries(
    `SELECT ${selectors.join(', ')} FROM ${measurementsShownAs(metric).join(', ')}
     WHERE ${tagIn('patient', patientIds)} AND time >= ${window.fromMs}ms AND time <= ${window.toMs}ms
     ${options.reliableOnly ? 'AND reliable = true' : ''}
     GROUP BY time(${window.bucket}), patient fill(none)`,
  );
  // The vital's own measurement first: its bucket wins where a stand-in measured too.
  const order: readonly string[] = measurementsShownAs(metric);
  const sorted = [...series].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  for (const s of sorted) {
    const points = s.tags?.patient ? result.get(s.tags.patient) : undefined;
    if (!points) continue;
    const taken = new Set(points.map((p) => p.time));
    for (const values of s.values) {
      const row: InfluxRow = Object.fromEntries(s.columns.map((c, i) => [c, values[i]]));
      const stats = (part: string) => {
        const [mean, min, max] = ['mean', 'min', 'max'].map((f) => num(row[`${part}_${f}`]));
        return mean === undefined || min === undefined || max === undefined ? undefined : { mean, min, max };
      };
      const time = num(row.time);
      const value = stats('value');
      if (time === undefined || !value || taken.has(time)) continue;
      const components: NonNullable<ChartPoint['components']> = {};
      for (const [name] of componentsOf(metric)) {
        const part = stats(name);
        if (part) components[name] = part;
      }
      points.push({ time, ...value, ...(Object.keys(components).length && { components }) });
    }
    points.sort((a, b) => a.time - b.time);
  }
  return result;
}
