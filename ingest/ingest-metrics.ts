/** Prometheus metrics of the ingest (served on /metrics by the server). */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export function createIngestMetrics(registry: Registry = new Registry()) {
  return {
    registry,
    received: new Counter({
      name: 'rpm_readings_received_total',
      help: 'Readings received in batch messages',
      registers: [registry],
    }),
    written: new Counter({
      name: 'rpm_readings_written_total',
      help: 'Readings stored in InfluxDB',
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'rpm_dead_letters_total',
      help: 'Messages or readings refused, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    deadLettersDropped: new Counter({
      name: 'rpm_dead_letters_dropped_total',
      help: 'Dead letters not stored because their gateway exceeded its limit per minute, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'rpm_influx_batch_seconds',
      help: 'Time to write one batch to InfluxDB, retries included',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
      registers: [registry],
    }),
    backlog: new Gauge({
      name: 'rpm_ingest_backlog_lines',
      help: 'Lines waiting to be written to InfluxDB',
      registers: [registry],
    }),
  };
}
export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
