import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReadingInput, RejectionMessage, topics } from '../common/contract.ts';
import { createLogger } from '../common/log.ts';
import { connectInflux, type InfluxConnection } from '../ingest/influx-connection.ts';
import { openRecordsDb } from '../records/records-db.ts';
import type { ServerConfig } from '../server/config.ts';
import { writeMosquittoAuth } from '../server/mosquitto-auth.ts';
import { type RunningServer, startServer } from '../server/start-server.ts';
import {
  freshDataDir,
  influxUrl,
  oximeterReading,
  registerGateway,
  testServerConfig,
  uniqueDatabase,
} from './helpers.ts';
import { type PrivateMosquitto, startMosquitto } from './mosquitto.ts';

const reading = (n: number, over: Partial<ReadingInput> = {}) =>
  oximeterReading(n, { start: Date.UTC(2026, 10, 24, 9), stepMs: 1, patientId: 'P200', ...over });
const batch = (readings: ReadingInput[], gatewayId = 'GW200') =>
  JSON.stringify({ gatewayId, sentAt: new Date().toISOString(), readings });

const ingestAccount = { username: 'rpm-ingest', password: 'ingest-password-for-tests' };

describe('ingest from an external Mosquitto 2 broker', () => {
  let mosquitto: PrivateMosquitto;
  let database: string;
  let dataDir: string;
  let influx: InfluxConnection;
  let server: RunningServer | undefined;
  let gateway: mqtt.MqttClient;
  const secrets: Record<string, string> = {};

  const configFor = (clientId: string, dir = dataDir, extra: Record<string, unknown> = {}): ServerConfig =>
    testServerConfig(database, {
      dataDir: dir,
      mqtt: { broker: 'external', url: mosquitto.url, clientId, ...ingestAccount, ...extra },
    });
  const start = (config: ServerConfig) => startServer(config, createLogger('test-server', config.logLevel));
  const count = async () =>
    Number((await influx.query("SELECT count(value) FROM spo2 WHERE patient = 'P200'"))[0]?.count ?? 0);
  const connectAs = (gatewayId: string, password = secrets[gatewayId]) =>
    mqtt.connectAsync(mosquitto.url, {
      clientId: gatewayId,
      username: gatewayId,
      password,
      clean: false,
      reconnectPeriod: 200,
    });

  beforeAll(async () => {
    mosquitto = await startMosquitto(mkdtempSync(join(tmpdir(), 'rpm-mosquitto-')));
    database = uniqueDatabase('external');
    dataDir = freshDataDir();
    const records = await openRecordsDb({ dataDir: join(dataDir, 'records') });
    secrets.GW200 = await registerGateway(records, 'GW200', ['P200']);
    secrets.GW201 = await registerGateway(records, 'GW201', ['P201']);
    await writeMosquittoAuth(records, { ingest: ingestAccount }, mosquitto.authDir);
    await records.close();
    await mosquitto.start();
    influx = await connectInflux({ url: influxUrl(), database }, { createDatabase: true });
    server = await start(configFor('ingest-test'));
    gateway = await connectAs('GW200');
  });
  afterAll(async () => {
    await gateway?.endAsync();
    await server?.close();
    await mosquitto?.stop();
  });

  it('stores valid readings and tells the gateway about the refused one', async () => {
    const rejections: RejectionMessage[] = [];
    await gateway.subscribeAsync(topics.rejections('GW200'), { qos: 1 });
    gateway.on('message', (_t, payload) =>
      rejections.push(RejectionMessage.parse(JSON.parse(payload.toString()))),
    );
    await gateway.publishAsync(
      topics.readings('GW200'),
      batch([reading(1), reading(2, { value: 101 }), reading(3)]),
      {
        qos: 1,
      },
    );
    await expect.poll(count, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => rejections.length).toBe(1);
    expect(rejections[0]?.readings).toMatchObject([{ index: 1, reason: 'out_of_range' }]);
  });

  it('refuses a client without valid credentials', async () => {
    await expect(
      mqtt.connectAsync(mosquitto.url, { clientId: 'stranger', reconnectPeriod: 0 }),
    ).rejects.toThrow(/Not authorized|Bad username or password/);
    await expect(
      mqtt.connectAsync(mosquitto.url, { username: 'GW200', password: 'guess', reconnectPeriod: 0 }),
    ).rejects.toThrow(/Not authorized|Bad username or password/);
  });

  it("stores nothing a gateway publishes on another gateway's topic or for another gateway's patient", async () => {
    const other = await connectAs('GW201');
    // Mosquitto drops a publish its ACL forbids (MQTT 3.1.1 has no way to say so).
    await other.publishAsync(topics.readings('GW200'), batch([reading(7)]), { qos: 1 });
    // On its own topic, for a patient of GW200: the ingest refuses it.
    await other.publishAsync(topics.readings('GW201'), batch([reading(8)], 'GW201'), { qos: 1 });
    await gateway.publishAsync(topics.readings('GW200'), batch([reading(9)]), { qos: 1 });
    await expect.poll(count, { timeout: 10_000 }).toBe(3);
    await expect
      .poll(() => influx.query("SELECT reason, ref FROM dead_letter WHERE gateway = 'GW201'"))
      .toMatchObject([{ reason: 'patient_not_on_gateway', ref: 'ox-1:spo2:8' }]);
    expect(await influx.query("SELECT value FROM spo2 WHERE time = '2026-11-24T09:00:00.007Z'")).toEqual([]);
    await other.endAsync();
  });

  it('delivers every reading published while the ingest was down, once it is back', async () => {
    const before = await count();
    await server?.close();
    server = undefined;
    for (let i = 0; i < 50; i++) {
      await gateway.publishAsync(
        topics.readings('GW200'),
        batch([reading(100 + i * 2), reading(101 + i * 2)]),
        {
          qos: 1,
        },
      );
    }
    expect(await count()).toBe(before);
    server = await start(configFor('ingest-test'));
    await expect.poll(count, { timeout: 15_000 }).toBe(before + 100);
  });

  it('keeps what waits for the stopped ingest across a broker restart and stores it once', async () => {
    // The ingest's persistent session (clean: false) outlives it: Mosquitto queues for it.
    await server?.close();
    server = undefined;
    const before = await count();
    const messages = 20;
    for (let i = 0; i < messages; i++) {
      const n = 500 + i * 2;
      await gateway.publishAsync(topics.readings('GW200'), batch([reading(n), reading(n + 1)]), { qos: 1 });
    }
    // Acknowledged by Mosquitto, stored nowhere yet: the queue is the only copy.
    expect(await count()).toBe(before);
    await mosquitto.stop(); // SIGTERM: Mosquitto saves its persistence file
    await mosquitto.start();
    server = await start(configFor('ingest-test'));
    await expect.poll(count, { timeout: 15_000 }).toBe(before + messages * 2);
  });

  it('shares the stream between two replicas through $share, each message stored once', async () => {
    await server?.close();
    server = undefined;
    // Each replica is its own process in production, sharing a PostgreSQL records database;
    // here each has a copy of the same registry.
    const replicaDir = freshDataDir();
    cpSync(join(dataDir, 'records'), join(replicaDir, 'records'), { recursive: true });
    const replicas = [
      await start(configFor('ingest-a', dataDir, { sharedGroup: 'ingest' })),
      await start(configFor('ingest-b', replicaDir, { sharedGroup: 'ingest' })),
    ];
    const storedBy = [0, 0];
    for (const [i, replica] of replicas.entries()) {
      replica.onStored((readings) => {
        storedBy[i] = (storedBy[i] ?? 0) + readings.length;
      });
    }
    const before = await count();
    const messages = 200;
    for (let i = 0; i < messages; i++) {
      const n = 1000 + i * 5;
      await gateway.publishAsync(
        topics.readings('GW200'),
        batch([0, 1, 2, 3, 4].map((k) => reading(n + k))),
        { qos: 1 },
      );
    }
    await expect.poll(count, { timeout: 20_000 }).toBe(before + messages * 5);
    // Every message went to exactly one replica, and both took a share.
    expect((storedBy[0] ?? 0) + (storedBy[1] ?? 0)).toBe(messages * 5);
    expect(storedBy[0]).toBeGreaterThan(0);
    expect(storedBy[1]).toBeGreaterThan(0);
    for (const r of replicas) await r.close();
  });
});
