/**
 * The server's system of record for everything that is not a time series: patients,
 * gateways and their credentials, users and sessions, care teams and plans, the alert
 * lifecycle and the audit log. These change, need transactions and must survive crashes.
 *
 * One SQL dialect, two engines:
 * - embedded PGlite (PostgreSQL compiled to WebAssembly) in a directory, the default: no
 *   server to install on a clinic's single machine; every commit is flushed to disk;
 * - a real PostgreSQL (`RPM_RECORDS_URL=postgres://...`) when one machine is outgrown.
 *
 * Only one process may open an embedded directory at a time (a lock file says which).
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import pg from 'pg';
import { migrate } from './migrations.ts';
import { isTransientDatabaseError } from './record-errors.ts';

export interface SqlClient {
  query<T extends object>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface RecordsDb extends SqlClient {
  readonly engine: 'pglite' | 'postgresql';
  /** Runs `work` in one transaction: all of it commits, or none of it. */
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Where the records are. A PostgreSQL server that takes longer than `queryTimeoutMs` to
 * answer a statement (hung, overloaded) fails it, naming the wait; the callers retry what
 * is safe to retry. The embedded engine runs in this process and cannot hang apart from it.
 */
export type RecordsLocation = { dataDir: string } | { url: string; queryTimeoutMs?: number };

/** Longest a records statement may wait for a PostgreSQL server, and for a connection. */
const QUERY_TIMEOUT_MS = 15_000;
const CONNECT_TIMEOUT_MS = 10_000;

export class RecordsDbLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `the records directory ${dir} is in use by process ${pid}; stop that server first (only one process may open it)`,
    );
    this.name = 'RecordsDbLockedError';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's lock file, replacing a stale one left by a process that died. */
function lockDirectory(dir: string): () => void {
  const file = join(dir, 'records.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(holder) && holder !== process.pid && processAlive(holder)) {
        throw new RecordsDbLockedError(dir, holder);
      }
      rmSync(file, { force: true });
    }
  }
  throw new RecordsDbLockedError(dir, -1);
}

const wrap = (q: PGlite | Transaction): SqlClient => ({
  query: async <T extends object>(sql: string, params?: readonly unknown[]) =>
    (await q.query<T>(sql, params ? [...params] : undefined)).rows,
});

async function openPglite(dataDir: string): Promise<RecordsDb> {
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDirectory(dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create({ dataDir: join(dataDir, 'pgdata') });
  } catch (err) {
    unlock();
    throw err;
  }
  return {
    engine: 'pglite',
    ...wrap(db),
    transaction: (work) => db.transaction((tx) => work(wrap(tx))),
    async close() {
      await db.close();
      unlock();
    },
  };
}

async function openPostgres(url: string, queryTimeoutMs: number): Promise<RecordsDb> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: Math.min(CONNECT_TIMEOUT_MS, queryTimeoutMs),
    // Client side, so a server that answers nothing at all still fails the statement.
    query_timeout: queryTimeoutMs,
  });
  // An idle connection the server dropped (restart, failover) is discarded by the pool and
  // the next query opens a new one; without this listener Node would treat it as a crash.
  pool.on('error', (err) => process.emitWarning(`records database: idle connection lost (${err.message})`));
  const query = async <T extends object>(
    client: pg.Pool | pg.PoolClient,
    sql: string,
    params?: readonly unknown[],
  ) => (await client.query(sql, params ? [...params] : undefined)).rows as T[];
  // Fail at start-up, with the server's own message, rather than at the first request.
  await query(pool, 'SELECT 1');
  return {
    engine: 'postgresql',
    query: (sql, params) => query(pool, sql, params),
    async transaction(work) {
      const client = await pool.connect();
      // A connection that timed out or broke is discarded rather than handed out again.
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work({ query: (sql, params) => query(client, sql, params) });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch((rollback: Error) => {
          broken = rollback;
        });
        if (isTransientDatabaseError(err)) broken ??= err as Error;
        throw err;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

/** Opens the records database and brings its schema up to date. */
export async function openRecordsDb(location: RecordsLocation): Promise<RecordsDb> {
  const db =
    'url' in location
      ? await openPostgres(location.url, location.queryTimeoutMs ?? QUERY_TIMEOUT_MS)
      : await openPglite(location.dataDir);
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
