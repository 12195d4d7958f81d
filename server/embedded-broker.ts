/**
 * The embedded MQTT broker (aedes) for small deployments. Its publish hook is where the
 * ingest runs: aedes 1.2 sends a QoS 1 PUBACK only after `authorizePublish` calls back
 * (lib/handlers/publish.js: authorizePublish, then enqueuePublish writes the PUBACK), so
 * holding that callback until InfluxDB has the readings means a gateway's PUBACK
 * promises storage. The gateway keeps its spool until then; no broker queue is needed
 * for durability. test/embedded-broker-ack.test.ts pins this behaviour.
 */

import { readFileSync } from 'node:fs';
import { createServer as createNetServer, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AuthorizePublishHandler } from 'aedes';
import { parseGatewayTopic, topics } from '../common/contract.ts';
import type { Logger } from '../common/log.ts';
import type { ReadingsIngest } from '../ingest/readings-ingest.ts';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  tls?: { port: number; certFile: string; keyFile: string } | undefined;
  maxPayloadBytes: number;
  ingest: ReadingsIngest;
  log: Logger;
}

export interface EmbeddedBroker {
  aedes: Aedes;
  port: number;
  tlsPort?: number | undefined;
  /** Stops accepting connections; existing clients stay until `close`. */
  stopAccepting(): Promise<void>;
  close(): Promise<void>;
}

class PublishRefused extends Error {
  constructor(clientId: string, topic: string, why: string) {
    super(`publish by '${clientId}' to '${topic}' refused: ${why}`);
    this.name = 'PublishRefused';
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Stops listening at once; resolves when the last connection has ended. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
}

export async function startEmbeddedBroker(o: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const log = o.log.child({ component: 'broker' });

  const authorizePublish: AuthorizePublishHandler = (client, packet, callback) => {
    // The server's own publishes (alerts, rejections) come with no client.
    if (!client) return callback(null);
    const topic = packet.topic;
    const target = parseGatewayTopic(topic);
    if (!target || target.kind === 'rejections') {
      return callback(
        new PublishRefused(
          client.id,
          topic,
          'gateways publish only rpm/v1/gw/{gatewayId}/readings or /status',
        ),
      );
    }
    if (packet.payload.length > o.maxPayloadBytes) {
      return callback(
        new PublishRefused(
          client.id,
          topic,
          `payload of ${packet.payload.length} bytes exceeds ${o.maxPayloadBytes}`,
        ),
      );
    }
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const ref = `${client.id}/${packet.messageId ?? 0}`;
    const work =
      target.kind === 'readings'
        ? o.ingest.handleReadings(target.gatewayId, payload, ref).then((outcome) => {
            if (outcome.rejection) {
              aedes.publish(
                {
                  cmd: 'publish',
                  topic: topics.rejections(target.gatewayId),
                  payload: Buffer.from(JSON.stringify(outcome.rejection)),
                  qos: 1,
                  retain: false,
                  dup: false,
                },
                () => {},
              );
            }
          })
        : o.ingest.handleStatus(target.gatewayId, payload, ref);
    work.then(
      () => callback(null),
      (err: Error) => {
        // Not acknowledged: the gateway keeps the message and sends it again.
        log.error(
          { err: err.message, clientId: client.id, topic },
          'ingest failed; message not acknowledged',
        );
        callback(err);
      },
    );
  };

  const aedes = await Aedes.createBroker({ authorizePublish, id: 'rpm-embedded' });
  aedes.on('clientError', (client, err) =>
    log.warn({ clientId: client.id, err: err.message }, 'client error'),
  );
  aedes.on('connectionError', (client, err) =>
    log.warn({ clientId: client.id, err: err.message }, 'connection error'),
  );

  const plain = createNetServer(aedes.handle);
  const port = await listen(plain, o.port, o.host);
  let tlsServer: Server | undefined;
  let tlsPort: number | undefined;
  if (o.tls) {
    tlsServer = createTlsServer(
      { cert: readFileSync(o.tls.certFile), key: readFileSync(o.tls.keyFile) },
      aedes.handle,
    );
    tlsPort = await listen(tlsServer, o.tls.port, o.host);
  }
  log.info({ port, tlsPort }, 'embedded MQTT broker listening');

  let serversClosed: Promise<unknown> | undefined;
  const stopAccepting = async () => {
    serversClosed ??= Promise.all([closeServer(plain), tlsServer ? closeServer(tlsServer) : undefined]);
  };
  return {
    aedes,
    port,
    tlsPort,
    stopAccepting,
    async close() {
      await stopAccepting();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await serversClosed;
    },
  };
}
