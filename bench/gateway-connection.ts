/**
 * Logging in as a registered gateway, as gateway/reading-publisher.ts does: gateway id as
 * client id and username, the issued secret as password, clean session, no automatic
 * reconnect, `{ online: false }` as retained last will; then its rejections subscription and
 * its retained `online` status.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { topics } from '../common/contract.ts';
import type { GatewayLogin } from './load-plan.ts';

export async function connectAsGateway(mqttUrl: string, login: GatewayLogin): Promise<MqttClient> {
  const { gatewayId, secret } = login;
  const statusTopic = topics.status(gatewayId);
  const offline = Buffer.from(JSON.stringify({ gatewayId, online: false }));
  const client = await mqtt.connectAsync(mqttUrl, {
    clientId: gatewayId,
    username: gatewayId,
    password: secret,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    keepalive: 60,
    connectTimeout: 120_000,
    will: { topic: statusTopic, payload: offline, qos: 1, retain: true },
  });
  try {
    await client.subscribeAsync(topics.rejections(gatewayId), { qos: 1 });
    const status = { gatewayId, online: true, at: new Date().toISOString(), devices: [] };
    await client.publishAsync(statusTopic, JSON.stringify(status), { qos: 1, retain: true });
  } catch (err) {
    client.end(true);
    throw err;
  }
  return client;
}
