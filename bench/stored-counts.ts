/**
 * Counting what InfluxDB stored: `SELECT count("value")` per measurement over a range of
 * sample times, for the patients whose ids start with a prefix. The count is InfluxDB's own
 * answer, not what the generator believes it sent.
 */
import { type InfluxConnection, quoteIdent } from '../ingest/influx-connection.ts';

export interface StoredCount {
  total: number;
  byMeasurement: Record<string, number>;
  /** Wall-clock time (ms since epoch) halfway through the query, and how long it took. */
  atMs: number;
  tookMs: number;
}

export async function countStored(
  influx: InfluxConnection,
  o: { measurements: readonly string[]; patientPrefix: string; fromMs: number; toMs: number },
): Promise<StoredCount> {
  const prefix = o.patientPrefix.replace(/[^A-Za-z0-9_-]/g, '');
  const started = Date.now();
  const series = await influx.querySeries(
    `SELECT count("value") FROM ${o.measurements.map(quoteIdent).join(',')}
     WHERE "patient" =~ /^${prefix}/ AND time >= ${o.fromMs}ms AND time <= ${o.toMs}ms`,
  );
  const finished = Date.now();
  const byMeasurement = Object.fromEntries(o.measurements.map((m) => [m, 0]));
  for (const s of series) {
    const countAt = s.columns.indexOf('count');
    const value = s.values[0]?.[countAt];
    byMeasurement[s.name] = typeof value === 'number' ? value : 0;
  }
  return {
    total: Object.values(byMeasurement).reduce((a, b) => a + b, 0),
    byMeasurement,
    atMs: (started + finished) / 2,
    tookMs: finished - started,
  };
}
