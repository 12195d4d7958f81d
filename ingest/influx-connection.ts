/**
 * One code path for InfluxDB 1.x, 2.x, 3.x and Cloud: writes go to the v1-compatible
 * `/write` endpoint (present on all of them; 2.x/Cloud map `db/rp` to a bucket) through
 * @influxdata/influxdb-client, and reads use InfluxQL on `/query` (3.x has no Flux, and
 * the client's QueryApi speaks only Flux).
 */
import { InfluxDB, setLogger, type WriteApi } from '@influxdata/influxdb-client';
import { StatusError } from '../common/status-error.ts';

// The write batcher logs every failure with its context; the library's own console
// logging would print each one again, unstructured.
setLogger({ error: () => {}, warn: () => {} });

export interface InfluxSettings {
  url: string;
  database: string;
  retentionPolicy?: string | undefined;
  token?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
}

/** A failed query; one to an InfluxDB that does not answer (status 0) is a 503 to the API. */
export class InfluxQueryError extends StatusError {
  readonly statusCode: 500 | 503;
  readonly code: string;
  constructor(
    readonly query: string,
    readonly status: number,
    detail: string,
  ) {
    super(`InfluxQL query failed (${status}): ${detail} [query: ${query.slice(0, 200)}]`);
    // Down or hung: the screens that need readings say so; the others keep working.
    this.statusCode = status === 0 ? 503 : 500;
    this.code = status === 0 ? 'RPM_READINGS_UNAVAILABLE' : 'RPM_READINGS_QUERY_FAILED';
    this.name = 'InfluxQueryError';
  }

  override answer(): string {
    return 'readings are unavailable right now: the readings store (InfluxDB) does not answer';
  }
}

export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

/** A row per value, keyed by column name, with the series' tags merged in. */
export type InfluxRow = Record<string, unknown>;

export interface InfluxConnection {
  readonly settings: InfluxSettings;
  /**
   * Server version from the `X-Influxdb-Version` header of /ping, e.g. `1.6.7~rc0`, `v2.7.4`,
   * `3.0.0`; `unknown` until `prepare` has reached the server.
   */
  readonly version: string;
  /**
   * Reads the server version and, on 1.x when asked, creates the database (`CREATE DATABASE`
   * is idempotent). Fails, naming why, while InfluxDB does not answer.
   */
  prepare(options: { createDatabase: boolean }): Promise<void>;
  /** A WriteApi pointed at `/write` with millisecond precision; the caller flushes explicitly. */
  createWriteApi(options: { lines: number; gzipThreshold?: number; maxRetries?: number }): WriteApi;
  /** Runs InfluxQL and returns the rows of the first statement. */
  query(influxql: string): Promise<InfluxRow[]>;
  /** Runs InfluxQL and returns the series of the first statement (for GROUP BY tag queries). */
  querySeries(influxql: string): Promise<InfluxSeries[]>;
  ping(): Promise<boolean>;
  /**
   * Deletes a measurement's points before a time (InfluxDB 1.x's InfluxQL DELETE);
   * `unsupported` on 2.x, 3.x and Cloud, whose InfluxQL has no DELETE (their bucket
   * retention does the job there).
   */
  deleteBefore(measurement: string, beforeMs: number): Promise<'deleted' | 'unsupported'>;
}

function authParams(s: InfluxSettings): URLSearchParams {
  const params = new URLSearchParams();
  // 1.x takes credentials as u/p parameters (1.6 has no Token scheme); 2.x/3.x take the token header.
  if (s.username && s.password) {
    params.set('u', s.username);
    params.set('p', s.password);
  }
  return params;
}

function headers(s: InfluxSettings): Record<string, string> {
  return s.token ? { Authorization: `Token ${s.token}` } : {};
}

/** InfluxQL identifier quoting. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** InfluxQL string literal quoting. */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A query (a screen's, a rebuild's) that InfluxDB has not answered in this long fails, naming why. */
const QUERY_TIMEOUT_MS = 15_000;
/** /ping is answered at once by a working InfluxDB; one that takes longer counts as unreachable. */
const PING_TIMEOUT_MS = 800;

async function runQuery(
  s: InfluxSettings,
  influxql: string,
  method: 'GET' | 'POST',
): Promise<InfluxSeries[]> {
  const params = new URLSearchParams();
  params.set('db', s.database);
  if (s.retentionPolicy) params.set('rp', s.retentionPolicy);
  params.set('epoch', 'ms');
  params.set('q', influxql);
  // 1.x reads u/p from the URL only, also on a POST (a form body's credentials are ignored).
  const url = new URL(`${s.url}/query?${authParams(s)}`);
  const init: RequestInit = { method, headers: headers(s) };
  if (method === 'POST') init.body = params;
  else for (const [key, value] of params) url.searchParams.set(key, value);
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) });
    text = await res.text();
  } catch (err) {
    // A hung InfluxDB (stopped, overloaded) answers nothing: say so, rather than wait for ever.
    const why =
      (err as Error).name === 'TimeoutError'
        ? `no answer within ${QUERY_TIMEOUT_MS / 1000} s`
        : (err as Error).message;
    throw new InfluxQueryError(influxql, 0, why);
  }
  if (!res.ok) throw new InfluxQueryError(influxql, res.status, text.slice(0, 500));
  const body = JSON.parse(text) as {
    results?: { error?: string; series?: InfluxSeries[] }[];
    error?: string;
  };
  const first = body.results?.[0];
  const error = body.error ?? first?.error;
  if (error) throw new InfluxQueryError(influxql, res.status, error);
  return first?.series ?? [];
}

/** A finite number, or undefined for anything else InfluxDB may answer (null, a string). */
export const finiteNumber = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** The first row of a series, by column name. */
export function firstRow(series: InfluxSeries): InfluxRow | undefined {
  const values = series.values[0];
  if (!values) return undefined;
  return Object.fromEntries(series.columns.map((c, i) => [c, values[i]]));
}

export function rowsOf(series: InfluxSeries[]): InfluxRow[] {
  return series.flatMap((s) =>
    s.values.map((values) => {
      const row: InfluxRow = { ...s.tags };
      s.columns.forEach((column, i) => {
        row[column] = values[i];
      });
      return row;
    }),
  );
}

export async function detectVersion(url: string): Promise<string> {
  const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) });
  return res.headers.get('x-influxdb-version') ?? 'unknown';
}

/**
 * A connection that has not contacted InfluxDB yet: `prepare` reaches it. The server opens
 * its screens with one before InfluxDB answers (README, "When a part is down"). On 2.x/Cloud
 * the bucket and its DBRP mapping must exist (docker-compose.yml creates them); on 3.x the
 * database is created by the first write.
 */
export function influxConnection(settings: InfluxSettings): InfluxConnection {
  let version = 'unknown';
  const is1x = () => /^v?1\./.test(version);
  const client = new InfluxDB({ url: settings.url, token: settings.token, timeout: 30_000 });
  const writePath = (() => {
    const params = authParams(settings);
    params.set('db', settings.database);
    if (settings.retentionPolicy) params.set('rp', settings.retentionPolicy);
    params.set('precision', 'ms');
    return `/write?${params}`;
  })();
  return {
    settings,
    get version() {
      return version;
    },
    async prepare({ createDatabase }) {
      version = await detectVersion(settings.url);
      if (is1x() && createDatabase) {
        await runQuery(settings, `CREATE DATABASE ${quoteIdent(settings.database)}`, 'POST');
      }
    },
    createWriteApi({ lines, gzipThreshold = 1000, maxRetries = 0 }) {
      const api = client.getWriteApi('', settings.database, 'ms', {
        // The caller batches and flushes explicitly: one request for all its lines.
        batchSize: lines + 1,
        flushInterval: 0,
        maxRetries,
        gzipThreshold,
        maxBufferLines: lines + 1,
      });
      api.path = writePath;
      return api;
    },
    query: async (influxql) => rowsOf(await runQuery(settings, influxql, 'GET')),
    async deleteBefore(measurement, beforeMs) {
      if (!is1x()) return 'unsupported';
      await runQuery(
        settings,
        `DELETE FROM ${quoteIdent(measurement)} WHERE time < ${Math.floor(beforeMs)}ms`,
        'POST',
      );
      return 'deleted';
    },
    querySeries: (influxql) => runQuery(settings, influxql, 'GET'),
    async ping() {
      try {
        // Within the second /health has to answer in.
        return (
          (await fetch(`${settings.url}/ping`, { signal: AbortSignal.timeout(PING_TIMEOUT_MS) })).status ===
          204
        );
      } catch {
        return false;
      }
    },
  };
}

/** A connection that has reached InfluxDB (tests, benchmarks, tools). */
export async function connectInflux(
  settings: InfluxSettings,
  options: { createDatabase: boolean },
): Promise<InfluxConnection> {
  const connection = influxConnection(settings);
  await connection.prepare(options);
  return connection;
}
