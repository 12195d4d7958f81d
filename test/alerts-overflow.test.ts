/**
 * When readings wait for evaluation beyond their bound (the records database stalled),
 * the alerts engine drops the queue and rebuilds from InfluxDB: memory stays bounded and
 * the alert still fires, once.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertEvent, AlertEvent as AlertEventSchema, topics } from '../common/contract.ts';
import type { RunningServer } from '../server/start-server.ts';
import {
  connectGateway,
  MQTT_WITH_SUBSCRIBER,
  registerGateway,
  SUBSCRIBER,
  startTestServer,
  subscriberClientId,
  uniqueDatabase,
} from './helpers.ts';

describe('an alerts engine that fell too far behind', () => {
  let server: RunningServer;
  let subscriber: mqtt.MqttClient;
  const events: AlertEvent[] = [];

  beforeAll(async () => {
    server = await startTestServer(uniqueDatabase('alerts_overflow'), {
      mqtt: MQTT_WITH_SUBSCRIBER,
      alerts: { tickSeconds: 1, maxPendingReadings: 5 },
    });
    subscriber = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, {
      ...SUBSCRIBER,
      clientId: subscriberClientId(SUBSCRIBER),
      reconnectPeriod: 0,
    });
    await subscriber.subscribeAsync(topics.allAlerts, { qos: 1 });
    subscriber.on('message', (_t, payload) =>
      events.push(AlertEventSchema.parse(JSON.parse(String(payload)))),
    );
  });
  afterAll(async () => {
    await subscriber?.endAsync();
    await server?.close();
  });

  it('rebuilds from InfluxDB and still fires the alert once', async () => {
    const secret = await registerGateway(server.records, 'GW-OVER', ['P-OVER']);
    const gateway = await connectGateway(server.mqttPort, 'GW-OVER', secret);
    const start = Date.now() - 7 * 60_000;
    // Seven minutes of SpO2 at 89 % in one message: more readings than the queue may hold.
    const readings = Array.from({ length: 15 }, (_, i) => ({
      id: `ox:spo2:${i}`,
      patientId: 'P-OVER',
      deviceId: 'ox',
      metric: 'spo2',
      value: 89,
      unit: '%',
      time: new Date(start + i * 30_000).toISOString(),
    }));
    await gateway.publishAsync(
      topics.readings('GW-OVER'),
      JSON.stringify({ gatewayId: 'GW-OVER', sentAt: new Date().toISOString(), readings }),
      { qos: 1 },
    );
    await gateway.endAsync();
    await expect
      .poll(() => events.map((e) => `${e.patientId} ${e.ruleId} ${e.type}`), { timeout: 15_000 })
      .toEqual(['P-OVER general.spo2_low fired']);
    await new Promise((r) => setTimeout(r, 2000));
    expect(events).toHaveLength(1);
  });
});
