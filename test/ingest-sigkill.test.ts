/**
 * The server is killed with SIGKILL in the middle of a stream from a gateway (its real
 * disk spool and publisher), and started again on the same data: every reading the
 * gateway appended is stored exactly once (counted in InfluxDB), none lost, none doubled.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../common/log.ts';
import { ReadingPublisher } from '../gateway/reading-publisher.ts';
import { ReadingSpool } from '../gateway/spool/reading-spool.ts';
import type { InfluxConnection } from '../ingest/influx-connection.ts';
import { openRecordsDb } from '../records/records-db.ts';
import { freePort } from '../scripts/private-influxd.ts';
import {
  freshDataDir,
  influxFor,
  influxUrl,
  oximeterReading,
  registerGateway,
  uniqueDatabase,
} from './helpers.ts';

const TOTAL = 20_000;
const CHUNK = 100;

const reading = (n: number) =>
  oximeterReading(n, { start: Date.UTC(2026, 10, 23), patientId: 'P-KILL', deviceId: 'ox-9' });

describe('the server killed with SIGKILL mid-stream', () => {
  let database: string;
  let influx: InfluxConnection;
  let env: NodeJS.ProcessEnv;
  let server: ChildProcess | undefined;
  let secret: string;
  let mqttPort: number;

  const startServerProcess = async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    await vi.waitFor(
      () => {
        if (!out.includes('server ready')) throw new Error(`server not ready yet:\n${out.slice(-2000)}`);
      },
      { timeout: 30_000, interval: 100 },
    );
    return child;
  };
  const count = async () =>
    Number((await influx.query("SELECT count(value) FROM spo2 WHERE patient = 'P-KILL'"))[0]?.count ?? 0);

  beforeAll(async () => {
    database = uniqueDatabase('sigkill');
    influx = await influxFor(database);
    const dataDir = freshDataDir();
    const records = await openRecordsDb({ dataDir: join(dataDir, 'records') });
    secret = await registerGateway(records, 'GW-KILL', ['P-KILL']);
    await records.close();
    mqttPort = await freePort();
    env = {
      PATH: process.env.PATH,
      RPM_INFLUX_URL: influxUrl(),
      RPM_INFLUX_DATABASE: database,
      RPM_DATA_DIR: dataDir,
      RPM_HTTP_PORT: '0',
      RPM_MQTT_HOST: '127.0.0.1',
      RPM_MQTT_PORT: String(mqttPort),
      RPM_LOG_LEVEL: 'info',
    };
    server = await startServerProcess();
  });
  afterAll(() => {
    server?.kill('SIGKILL');
  });

  it('stores every reading the gateway spooled exactly once', async () => {
    const log = createLogger('test-gateway', 'silent');
    const spool = await ReadingSpool.open({
      dir: mkdtempSync(join(tmpdir(), 'rpm-kill-spool-')),
      maxBytes: 64 * 1024 * 1024,
      whenFull: 'refuse-new',
      log,
    });
    const publisher = ReadingPublisher.start({
      gatewayId: 'GW-KILL',
      mqtt: { url: `mqtt://127.0.0.1:${mqttPort}`, username: 'GW-KILL', password: secret },
      publish: { batchSize: 200, maxInFlight: 8, streamWindowMs: 20, encoding: 'series' },
      spool,
      log,
      reconnectMinMs: 100,
      reconnectMaxMs: 500,
    });
    const appending = (async () => {
      for (let n = 0; n < TOTAL; n += CHUNK) {
        await spool.append(Array.from({ length: CHUNK }, (_, k) => reading(n + k)));
        await sleep(5);
      }
    })();

    await expect.poll(() => publisher.state().publishedReadings, { timeout: 20_000 }).toBeGreaterThan(4000);
    server?.kill('SIGKILL');
    const acknowledgedBeforeKill = publisher.state().publishedReadings;
    await sleep(2000);
    expect(await count()).toBeGreaterThanOrEqual(acknowledgedBeforeKill);
    server = await startServerProcess();

    await appending;
    await expect.poll(() => spool.pending, { timeout: 60_000 }).toBe(0);
    await publisher.close();
    expect(await count()).toBe(TOTAL);
  }, 120_000);
});
