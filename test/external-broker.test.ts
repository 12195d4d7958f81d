import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReadingInput, RejectionMessage, topics } from '../common/contract.ts';
import { connectInflux, type InfluxConnection } from '../ingest/influx-connection.ts';
import type { RunningServer } from '../server/start-server.ts';
import { influxUrl, startTestServer, uniqueDatabase } from './helpers.ts';
import { type PrivateMosquitto, startMosquitto } from './mosquitto.ts';

const reading = (n: number, over: Partial<ReadingInput> = {}): ReadingInput => ({
  id: `ox-1:spo2:${n}`,
  patientId: 'P200',
  deviceId: 'ox-1',
  metric: 'spo2',
  value: 90 + (n % 10),
  unit: '%',
  time: new Date(Date.UTC(2026, 10, 24, 9, 0, 0, n)).toISOString(),
  ...over,
});
const batch = (readings: ReadingInput[]) =>
  JSON.stringify({ gatewayId: 'GW200', sentAt: new Date().toISOString(), readings });

describe('ingest from an external Mosquitto 2 broker', () => {
  let mosquitto: PrivateMosquitto;
  let database: string;
  let influx: InfluxConnection;
  let server: RunningServer | undefined;
  let gateway: mqtt.MqttClient;

  const startServer = () =>
    startTestServer(database, {
      logLevel: process.env.TEST_LOG ?? 'silent',
      mqtt: { broker: 'external', url: mosquitto.url, clientId: 'ingest-test' },
    });
  const count = async () =>
    Number((await influx.query("SELECT count(value) FROM spo2 WHERE patient = 'P200'"))[0]?.count ?? 0);

  beforeAll(async () => {
    mosquitto = await startMosquitto(mkdtempSync(join(tmpdir(), 'rpm-mosquitto-')));
    database = uniqueDatabase('external');
    influx = await connectInflux({ url: influxUrl(), database }, { createDatabase: true });
    server = await startServer();
    gateway = await mqtt.connectAsync(mosquitto.url, {
      clientId: 'GW200',
      clean: false,
      reconnectPeriod: 200,
    });
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
      batch([reading(1), reading(2, { value: 30 }), reading(3)]),
      { qos: 1 },
    );
    await expect.poll(count, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => rejections.length).toBe(1);
    expect(rejections[0]?.readings).toMatchObject([{ index: 1, reason: 'out_of_range' }]);
  });

  it('delivers every reading published while the ingest was down, once it is back', async () => {
    await server?.close();
    server = undefined;
    for (let i = 0; i < 50; i++) {
      await gateway.publishAsync(
        topics.readings('GW200'),
        batch([reading(100 + i * 2), reading(101 + i * 2)]),
        { qos: 1 },
      );
    }
    expect(await count()).toBe(2);
    server = await startServer();
    await expect.poll(count, { timeout: 15_000 }).toBe(102);
  });

  it('loses nothing across a broker restart', async () => {
    await mosquitto.stop();
    await mosquitto.start();
    await expect.poll(() => gateway.connected, { timeout: 10_000 }).toBe(true);
    await gateway.publishAsync(topics.readings('GW200'), batch([reading(500), reading(501)]), { qos: 1 });
    await expect.poll(count, { timeout: 15_000 }).toBe(104);
  });
});
