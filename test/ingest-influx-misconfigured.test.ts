/**
 * InfluxDB answers, but refuses our writes because of our settings: the database does not
 * exist (404), or it refuses our credentials (401) or our permissions (403). That is an
 * outage, not bad readings: nothing is acknowledged or dead-lettered meanwhile (the gateway
 * keeps its spool), /health says what to fix, and once it is fixed every reading is stored
 * exactly once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReadingInput, topics } from '../common/contract.ts';
import { connectInflux, type InfluxConnection, type InfluxSettings } from '../ingest/influx-connection.ts';
import { type PrivateInfluxd, startInfluxd } from '../scripts/private-influxd.ts';
import type { RunningServer } from '../server/start-server.ts';
import {
  connectGateway,
  influxUrl,
  oximeterReading,
  registerGateway,
  startTestServer,
  uniqueDatabase,
} from './helpers.ts';

const MESSAGES = 4;
const PER_MESSAGE = 5;

const reading = (patientId: string, n: number, over: Partial<ReadingInput> = {}) =>
  oximeterReading(n, { start: Date.UTC(2026, 10, 25, 6), patientId, ...over });

interface Health {
  status: string;
  influx: string;
  influxWrites?: string;
}
const health = async (server: RunningServer): Promise<{ code: number } & Health> => {
  const res = await fetch(`${server.httpUrl}/health`);
  return { code: res.status, ...((await res.json()) as Health) };
};

/**
 * Publishes MESSAGES batches of PER_MESSAGE valid readings, the last with one more reading
 * out of range (to be dead-lettered once InfluxDB takes writes); counts PUBACKs.
 */
function publishReadings(gateway: MqttClient, gatewayId: string, patientId: string) {
  const state = { acked: 0, done: Promise.resolve() };
  const sends = Array.from({ length: MESSAGES }, (_, m) => {
    const readings = Array.from({ length: PER_MESSAGE }, (_, k) => reading(patientId, m * PER_MESSAGE + k));
    if (m === MESSAGES - 1) readings.push(reading(patientId, 999, { value: 101 }));
    return gateway
      .publishAsync(
        topics.readings(gatewayId),
        JSON.stringify({ gatewayId, sentAt: new Date().toISOString(), readings }),
        { qos: 1 },
      )
      .then(() => {
        state.acked += 1;
      });
  });
  state.done = Promise.all(sends).then(() => undefined);
  return state;
}

async function expectStoredOnce(influx: InfluxConnection, patientId: string, gatewayId: string) {
  const [row] = await influx.query(`SELECT count(value) FROM spo2 WHERE patient = '${patientId}'`);
  expect(row?.count).toBe(MESSAGES * PER_MESSAGE);
  const dead = await influx.query(`SELECT reason, ref FROM dead_letter WHERE gateway = '${gatewayId}'`);
  expect(dead.map((d) => [d.reason, d.ref])).toEqual([['out_of_range', 'ox-1:spo2:999']]);
}

describe('InfluxDB without the configured database (404)', () => {
  let server: RunningServer;
  let database: string;

  beforeAll(async () => {
    database = uniqueDatabase('missing');
    server = await startTestServer(database, {
      influx: { url: influxUrl(), database, createDatabase: false, flushMs: 20 },
    });
  });
  afterAll(() => server?.close());

  it('holds every acknowledgement, reports why, and stores everything once the database exists', async () => {
    const secret = await registerGateway(server.records, 'GW-404', ['P-404']);
    const gateway = await connectGateway(server.mqttPort, 'GW-404', secret);
    const published = publishReadings(gateway, 'GW-404', 'P-404');

    await expect.poll(() => health(server), { timeout: 20_000 }).toMatchObject({ code: 503 });
    const degraded = await health(server);
    expect(degraded.influx).toBe('reachable, writes failing');
    expect(degraded.influxWrites).toMatch(
      new RegExp(`no database '${database}' \\(404: database not found.*check RPM_INFLUX_DATABASE`),
    );
    expect(published.acked).toBe(0);

    const admin = await connectInflux({ url: influxUrl(), database }, { createDatabase: true });
    await published.done;
    expect(published.acked).toBe(MESSAGES);
    await expectStoredOnce(admin, 'P-404', 'GW-404');
    await expect.poll(() => health(server), { timeout: 20_000 }).toMatchObject({ code: 200, status: 'ok' });
    await gateway.endAsync();
  }, 60_000);
});

describe('InfluxDB refusing our credentials (401) and then our permissions (403)', () => {
  const DATABASE = 'rpm_auth';
  const ADMIN: InfluxSettings = {
    url: '',
    database: DATABASE,
    username: 'admin',
    password: 'admin-password',
  };
  let influxd: PrivateInfluxd;
  let server: RunningServer;
  let admin: InfluxConnection;
  /** Runs an InfluxQL statement that changes the server (POST; 1.x takes u/p from the URL only). */
  const asAdmin = async (q: string) => {
    const auth = new URLSearchParams({ u: ADMIN.username ?? '', p: ADMIN.password ?? '' });
    const res = await fetch(`${influxd.url}/query?${auth}`, {
      method: 'POST',
      body: new URLSearchParams({ q }),
    });
    expect(await res.text()).not.toContain('"error"');
  };

  beforeAll(async () => {
    // influxd 1.x reads any setting from INFLUXDB_<SECTION>_<KEY>; the child inherits it.
    process.env.INFLUXDB_HTTP_AUTH_ENABLED = 'true';
    try {
      influxd = await startInfluxd(mkdtempSync(join(tmpdir(), 'rpm-influx-auth-')));
    } finally {
      delete process.env.INFLUXDB_HTTP_AUTH_ENABLED;
    }
    ADMIN.url = influxd.url;
    // With auth enabled and no users yet, influxd accepts only the creation of an admin.
    await asAdmin(`CREATE USER ${ADMIN.username} WITH PASSWORD '${ADMIN.password}' WITH ALL PRIVILEGES`);
    admin = await connectInflux(ADMIN, { createDatabase: true });
    server = await startTestServer(uniqueDatabase('auth'), {
      influx: {
        url: influxd.url,
        database: DATABASE,
        username: 'rpm',
        password: 'rpm-password',
        createDatabase: false,
        flushMs: 20,
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await influxd?.stop();
  });

  it('holds every acknowledgement, reports why, and stores everything once the account may write', async () => {
    const secret = await registerGateway(server.records, 'GW-401', ['P-401']);
    const gateway = await connectGateway(server.mqttPort, 'GW-401', secret);
    const published = publishReadings(gateway, 'GW-401', 'P-401');

    await expect.poll(() => health(server), { timeout: 20_000 }).toMatchObject({ code: 503 });
    expect((await health(server)).influxWrites).toMatch(
      /refuses our credentials \(401: authorization failed\); check RPM_INFLUX_USERNAME and RPM_INFLUX_PASSWORD/,
    );
    expect(published.acked).toBe(0);

    // The account exists now, but may not write yet.
    await asAdmin(`CREATE USER rpm WITH PASSWORD 'rpm-password'`);
    await expect
      .poll(async () => (await health(server)).influxWrites, { timeout: 20_000 })
      .toMatch(/does not let our account write to database 'rpm_auth' \(403/);
    expect(published.acked).toBe(0);

    await asAdmin(`GRANT ALL ON ${DATABASE} TO rpm`);
    await published.done;
    expect(published.acked).toBe(MESSAGES);
    await expectStoredOnce(admin, 'P-401', 'GW-401');
    await expect.poll(() => health(server), { timeout: 20_000 }).toMatchObject({ code: 200, status: 'ok' });
    await gateway.endAsync();
  }, 90_000);
});
