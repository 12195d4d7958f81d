/**
 * The read-only subscriber account of the embedded broker (an integration) sees alert
 * events and gateway status, never a gateway's readings or rejections: those carry every
 * patient's measurements.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../common/contract.ts';
import type { RunningServer } from '../server/start-server.ts';
import {
  connectClient,
  connectGateway,
  MQTT_WITH_SUBSCRIBER,
  registerGateway,
  SUBSCRIBER,
  startTestServer,
  subscriberClientId,
  uniqueDatabase,
} from './helpers.ts';

describe('the read-only subscriber account', () => {
  let server: RunningServer;
  let subscriber: MqttClient;
  let gateway: MqttClient;
  const received: string[] = [];

  beforeAll(async () => {
    server = await startTestServer(uniqueDatabase('subscriber_access'), {
      mqtt: MQTT_WITH_SUBSCRIBER,
    });
    const secret = await registerGateway(server.records, 'GW-SUB', ['P-SUB']);
    gateway = await connectGateway(server.mqttPort, 'GW-SUB', secret);
    subscriber = await connectClient(server.mqttPort, {
      ...SUBSCRIBER,
      clientId: subscriberClientId(SUBSCRIBER),
    });
    subscriber.on('message', (topic) => received.push(topic));
  });
  afterAll(async () => {
    await subscriber?.endAsync();
    await gateway?.endAsync();
    await server?.close();
  });

  it("may not take a gateway's client id: refused, and the gateway stays connected", async () => {
    await expect(connectClient(server.mqttPort, { ...SUBSCRIBER, clientId: 'GW-SUB' })).rejects.toThrow(
      /Bad username or password|Not authorized/,
    );
    await expect(connectClient(server.mqttPort, { ...SUBSCRIBER, clientId: 'mqttjs_1234' })).rejects.toThrow(
      /Bad username or password|Not authorized/,
    );
    expect(gateway.connected).toBe(true);
  });

  it('is refused with a wrong password', async () => {
    await expect(
      connectClient(server.mqttPort, { username: SUBSCRIBER.username, password: 'integration-password-2' }),
    ).rejects.toThrow(/Bad username or password|Not authorized/);
  });

  it.each([
    topics.allReadings,
    topics.readings('GW-SUB'),
    topics.rejections('+'),
    topics.rejections('GW-SUB'),
    `${topics.gatewayScope('+')}#`,
    'rpm/v1/#',
    '#',
  ])('may not subscribe to %s', async (filter) => {
    await expect(subscriber.subscribeAsync(filter, { qos: 1 })).rejects.toThrow(/Subscribe error/);
  });

  it("receives gateway status and alerts but none of the gateway's readings", async () => {
    await subscriber.subscribeAsync([topics.alerts('#'), topics.allStatus], { qos: 1 });
    const reading = {
      id: 'ox:spo2:1',
      patientId: 'P-SUB',
      deviceId: 'ox',
      metric: 'spo2',
      value: 97,
      unit: '%',
      time: new Date(Date.now() - 60_000).toISOString(),
    };
    await gateway.publishAsync(
      topics.readings('GW-SUB'),
      JSON.stringify({ gatewayId: 'GW-SUB', sentAt: new Date().toISOString(), readings: [reading] }),
      { qos: 1 },
    );
    await gateway.publishAsync(
      topics.status('GW-SUB'),
      JSON.stringify({ gatewayId: 'GW-SUB', online: true, devices: [] }),
      { qos: 1 },
    );
    // The status comes after the readings from the same gateway: once it is here, a
    // forwarded reading would be too (had any subscription above been granted).
    await expect.poll(() => received).toContain(topics.status('GW-SUB'));
    expect(received).toEqual([topics.status('GW-SUB')]);
  });
});
