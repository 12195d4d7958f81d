/**
 * What a failed InfluxDB write means for the lines in it, decided from the HTTP status:
 *
 * - `content`: InfluxDB refuses these lines themselves; 400 (malformed, field type
 *   conflict, outside the retention policy on 1.x) and 422 (2.x/Cloud: points rejected for
 *   schema conflicts or retention, per InfluxData's "Troubleshoot issues writing data").
 *   Sending them again cannot succeed, so the refused ones are found and dead-lettered.
 * - `too_large` (413): the request body is over InfluxDB's limit; smaller batches will do.
 * - `outage`: everything else (network, 5xx, 429, and 401/403/404, which are about our
 *   settings, not the readings). Retried until InfluxDB takes the lines, holding
 *   acknowledgements meanwhile: a wrong token or a missing database must never turn
 *   readings into dead letters the gateway then deletes from its spool.
 */
import { HttpError } from '@influxdata/influxdb-client';
import type { InfluxSettings } from './influx-connection.ts';

export type WriteFailure =
  | { kind: 'content'; detail: string }
  | { kind: 'too_large'; detail: string }
  /** `reason` is for people (logs, /health); `misconfigured` when a setting must change. */
  | { kind: 'outage'; reason: string; misconfigured: boolean };

const CONTENT_STATUSES = new Set([400, 422]);

/** InfluxDB's own message, e.g. `database not found: "rpm"` from `{"error": "..."}`. */
function influxMessage(err: HttpError): string {
  const body = err.body ?? '';
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object') {
      const { error, message } = parsed as { error?: unknown; message?: unknown };
      if (typeof error === 'string') return error;
      if (typeof message === 'string') return message;
    }
  } catch {
    // not JSON: use the text as it is
  }
  return (body || err.message).slice(0, 500);
}

type Credentials = Pick<InfluxSettings, 'token' | 'username'>;

function credentialSettings(s: Credentials): string {
  if (s.token) return 'RPM_INFLUX_TOKEN';
  if (s.username) return 'RPM_INFLUX_USERNAME and RPM_INFLUX_PASSWORD';
  return 'RPM_INFLUX_TOKEN (2.x, 3.x, Cloud) or RPM_INFLUX_USERNAME and RPM_INFLUX_PASSWORD (1.x)';
}

export function classifyWriteFailure(
  err: unknown,
  settings: Pick<InfluxSettings, 'database' | 'retentionPolicy' | 'token' | 'username'>,
): WriteFailure {
  if (!(err instanceof HttpError)) {
    const message = err instanceof Error ? err.message : String(err);
    return { kind: 'outage', reason: `InfluxDB unreachable: ${message}`, misconfigured: false };
  }
  const status = err.statusCode;
  const said = influxMessage(err);
  if (CONTENT_STATUSES.has(status)) return { kind: 'content', detail: `InfluxDB ${status}: ${said}` };
  if (status === 413) return { kind: 'too_large', detail: `InfluxDB ${status}: ${said}` };
  const database = `'${settings.database}'`;
  switch (status) {
    case 401:
      return {
        kind: 'outage',
        reason: `InfluxDB refuses our credentials (401: ${said}); check ${credentialSettings(settings)}`,
        misconfigured: true,
      };
    case 403:
      return {
        kind: 'outage',
        reason: `InfluxDB does not let our account write to database ${database} (403: ${said}); grant write access to the account of ${credentialSettings(settings)}`,
        misconfigured: true,
      };
    case 404:
      return {
        kind: 'outage',
        reason: `InfluxDB has no database ${database} (404: ${said}); check RPM_INFLUX_DATABASE, or create it (RPM_INFLUX_CREATE_DATABASE on 1.x; the bucket and its DBRP mapping on 2.x/Cloud)`,
        misconfigured: true,
      };
    case 429:
      return {
        kind: 'outage',
        reason: `InfluxDB limits our write rate (429: ${said})`,
        misconfigured: false,
      };
  }
  // 1.x answers a write to a missing retention policy with 500.
  if (/retention policy not found/i.test(said)) {
    return {
      kind: 'outage',
      reason: `InfluxDB has no retention policy ${settings.retentionPolicy ? `'${settings.retentionPolicy}'` : '(the default)'} on database ${database} (${status}: ${said}); check RPM_INFLUX_RETENTION_POLICY`,
      misconfigured: true,
    };
  }
  return {
    kind: 'outage',
    reason: `InfluxDB fails writes (${status}: ${said})`,
    misconfigured: status < 500,
  };
}
