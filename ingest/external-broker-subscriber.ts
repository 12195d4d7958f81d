/**
 * The ingest as a subscriber of an external broker (Mosquitto, EMQX, HiveMQ): a
 * persistent session (clean: false) with QoS 1 subscriptions, optionally shared
 * (`$share/{group}/...`) between replicas.
 *
 * Ack after write without stalling: mqtt.js 5.16 handles incoming packets one at a
 * time and sends a QoS 1 PUBACK when `handleMessage` calls back, through the client's
 * `_sendPacket`. Holding that callback would process one message per InfluxDB round
 * trip. Instead `handleMessage` calls back at once and the PUBACK for that message id
 * is held in `_sendPacket` until the ingest has stored the message. mqtt.js has no
 * public manual-ack API, so the version is pinned (package.json) and
 * test/external-broker.test.ts checks that a message is stored before its PUBACK and
 * redelivered when the ingest dies before acknowledging it.
 */
import mqtt, { type IPublishPacket, type MqttClient, type Packet } from 'mqtt';
import { parseGatewayTopic, topics } from '../common/contract.ts';
import type { Logger } from '../common/log.ts';
import type { ReadingsIngest } from './readings-ingest.ts';

export interface ExternalBrokerOptions {
  url: string;
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
  sharedGroup?: string | undefined;
  ingest: ReadingsIngest;
  log: Logger;
}

type SendPacket = (packet: Packet, cb?: (err?: Error) => void, ...rest: unknown[]) => void;

export interface ExternalBrokerSubscriber {
  client: MqttClient;
  connected(): boolean;
  close(): Promise<void>;
}

export async function startExternalSubscriber(o: ExternalBrokerOptions): Promise<ExternalBrokerSubscriber> {
  const log = o.log.child({ component: 'mqtt-subscriber' });
  const client = mqtt.connect(o.url, {
    clientId: o.clientId,
    clean: false,
    username: o.username,
    password: o.password,
    reconnectPeriod: 1000,
    protocolVersion: 4,
    manualConnect: true,
  });

  const work = new Map<number, Promise<void>>();
  const internals = client as unknown as { _sendPacket: SendPacket };
  const send = internals._sendPacket.bind(client);
  internals._sendPacket = (packet, cb, ...rest) => {
    const pending =
      packet.cmd === 'puback' && packet.messageId !== undefined ? work.get(packet.messageId) : undefined;
    if (!pending || packet.messageId === undefined) return send(packet, cb, ...rest);
    work.delete(packet.messageId);
    const connection = client.stream;
    cb?.(); // mqtt.js may go on to the next packet now
    pending.then(
      () => {
        // An ack belongs to the connection that delivered the message; after a reconnect
        // the broker redelivers, and the repeat is harmless (idempotent storage).
        if (client.stream === connection && client.connected) send(packet, undefined, ...rest);
      },
      (err: Error) => {
        log.error(
          { err: err.message, messageId: packet.messageId },
          'ingest failed; dropping the connection so the broker redelivers',
        );
        if (client.stream === connection) connection.destroy();
      },
    );
  };

  client.handleMessage = (packet: IPublishPacket, callback) => {
    const target = parseGatewayTopic(packet.topic);
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const ref = `${packet.topic}#${packet.messageId ?? 0}`;
    let job: Promise<void> | undefined;
    if (target?.kind === 'readings' || target?.kind === 'series') {
      job = o.ingest
        .handleReadings(target.gatewayId, payload, ref, undefined, target.kind)
        .then(async (outcome) => {
          if (outcome.rejection) {
            await client.publishAsync(
              topics.rejections(target.gatewayId),
              JSON.stringify(outcome.rejection),
              {
                qos: 1,
              },
            );
          }
        });
    } else if (target?.kind === 'status') {
      job = o.ingest.handleStatus(target.gatewayId, payload, ref).then(() => undefined);
    }
    if (job && packet.qos > 0 && packet.messageId !== undefined) work.set(packet.messageId, job);
    callback();
  };

  client.on('error', (err) => log.warn({ err: err.message }, 'MQTT error'));
  client.on('offline', () => log.warn({ url: o.url }, 'broker unreachable; reconnecting'));
  client.on('connect', (connack) =>
    log.info({ url: o.url, sessionPresent: connack.sessionPresent }, 'connected to broker'),
  );

  const subscribed = new Promise<void>((resolve) => {
    client.on('connect', () => {
      const prefix = o.sharedGroup ? `$share/${o.sharedGroup}/` : '';
      client.subscribe(
        [`${prefix}${topics.allReadings}`, `${prefix}${topics.allSeries}`, `${prefix}${topics.allStatus}`],
        { qos: 1 },
        (err) => {
          if (err) log.error({ err: err.message }, 'subscription refused');
          else resolve();
        },
      );
    });
  });
  client.connect();
  await subscribed;

  return {
    client,
    connected: () => client.connected,
    async close() {
      await Promise.allSettled(work.values());
      // Let held PUBACKs leave before the socket closes.
      await new Promise((r) => setImmediate(r));
      await client.endAsync();
    },
  };
}
