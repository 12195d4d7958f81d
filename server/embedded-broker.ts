/**
 * The embedded MQTT broker (aedes) for small deployments. Its publish hook is where the
 * ingest runs: aedes 1.2 sends a QoS 1 PUBACK only after `authorizePublish` calls back
 * (lib/handlers/publish.js: authorizePublish, then enqueuePublish writes the PUBACK), so
 * holding that callback until InfluxDB has the readings means a gateway's PUBACK
 * promises storage. The gateway keeps its spool until then; no broker queue is needed
 * for durability. test/embedded-broker-ack.test.ts pins this behaviour.
 *
 * Who may do what (mqtt-access.ts decides; this file enforces):
 * - a gateway logs in with its id as username (and MQTT client id) and its issued secret;
 *   it may publish only its own readings and status, and subscribe only to its own
 *   rejections;
 * - the optional read-only subscriber account (integrations) may subscribe to alert events
 *   and gateway status only (never readings or rejections) and publish nothing; its MQTT
 *   client ids are its own, the username or `<username>-<anything>` (several integrations),
 *   so it can never take a gateway's client id and push that gateway off;
 * - anyone else is refused at CONNECT.
 */

import { readFileSync } from 'node:fs';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import {
  Aedes,
  type AuthenticateHandler,
  type AuthorizePublishHandler,
  type AuthorizeSubscribeHandler,
  type Client,
} from 'aedes';
import { topics } from '../common/contract.ts';
import { FailureThrottle } from '../common/failure-throttle.ts';
import type { Logger } from '../common/log.ts';
import type { GatewayDirectory } from '../ingest/gateway-directory.ts';
import type { ReadingsIngest } from '../ingest/readings-ingest.ts';
import { secretMatches, sha256Hex } from '../records/gateway-credentials.ts';
import { type MqttIdentity, publishDecision, subscribeAllowed } from './mqtt-access.ts';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  tls?: { port: number; certFile: string; keyFile: string } | undefined;
  maxPayloadBytes: number;
  ingest: ReadingsIngest;
  directory: Pick<GatewayDirectory, 'authenticate'>;
  /** The read-only integration account, when configured. */
  subscriber?: { username: string; password: string } | undefined;
  log: Logger;
}

export interface EmbeddedBroker {
  aedes: Aedes;
  port: number;
  tlsPort?: number | undefined;
  /** Publishes as the server (alert events, rejections), QoS 1. */
  publish(topic: string, payload: string): Promise<void>;
  /** Gateway publishes whose PUBACK is held until their readings are stored. */
  heldPublishes(): number;
  /** Ends a gateway's live session (its credentials were re-issued): it must log in again. */
  disconnectGateway(gatewayId: string): boolean;
  /** Stops accepting connections; existing clients stay until `close`. */
  stopAccepting(): Promise<void>;
  close(): Promise<void>;
}

class MqttRefused extends Error {
  constructor(
    clientId: string,
    what: string,
    why: string,
    readonly returnCode?: number,
  ) {
    super(`${what} by '${clientId}' refused: ${why}`);
    this.name = 'MqttRefused';
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

interface PacketParser {
  packet: { length: number };
  _parseLength(): boolean;
  emit(event: 'error', err: Error): boolean;
}

/**
 * Refuses an oversized packet as soon as its length header arrives, before its body is
 * buffered: aedes 1.2 has no packet-size limit of its own (its mqtt-packet parser reads
 * the remaining length in `_parseLength`). The parser error closes the connection.
 */
function limitPacketSize(client: Client, maxBytes: number): void {
  const parser = (client as unknown as { _parser: PacketParser })._parser;
  const parseLength = parser._parseLength.bind(parser);
  parser._parseLength = () => {
    const complete = parseLength();
    if (complete && parser.packet.length > maxBytes) {
      parser.emit(
        'error',
        new Error(`packet of ${parser.packet.length} bytes exceeds the limit of ${maxBytes}`),
      );
      return false;
    }
    return complete;
  };
}

/**
 * Refused connects from one address within a minute before it is refused without a lookup.
 * A gateway with a mistyped secret retries every few seconds and stays below it; a flood
 * does not. Homes behind one carrier-grade NAT share an address: they share this too.
 */
const REFUSED_CONNECTS_PER_MINUTE = 30;

export async function startEmbeddedBroker(o: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const log = o.log.child({ component: 'broker' });
  // Compared as SHA-256 digests with timingSafeEqual: equal lengths, no timing hint.
  const subscriberSha256 = o.subscriber && sha256Hex(o.subscriber.password);
  const identities = new WeakMap<Client, MqttIdentity>();
  const refusals = new FailureThrottle({ max: REFUSED_CONNECTS_PER_MINUTE, windowMs: 60_000, now: Date.now });
  let held = 0;
  /**
   * Aborted when a client goes away: its held publishes stop waiting for room in the write
   * backlog (it will send them again), so an InfluxDB outage with reconnecting gateways
   * does not pile up payloads of dead connections.
   */
  const connections = new WeakMap<Client, AbortController>();
  const signalOf = (client: Client) => {
    let controller = connections.get(client);
    if (!controller) {
      controller = new AbortController();
      connections.set(client, controller);
    }
    return controller.signal;
  };

  const authenticate: AuthenticateHandler = (client, username, password, callback) => {
    const secret = password?.toString('utf8') ?? '';
    const address = client.conn && 'remoteAddress' in client.conn ? String(client.conn.remoteAddress) : '';
    const refuse = (why: string) => {
      refusals.failed(address);
      log.warn({ clientId: client.id, username }, `connection refused: ${why}`);
      callback(Object.assign(new MqttRefused(client.id, 'connect', why), { returnCode: 4 }), false);
    };
    // An address that keeps failing is refused before any lookup: a flood of refused
    // connects costs the records database nothing.
    if (refusals.waitMs(address) > 0) {
      return callback(
        Object.assign(new MqttRefused(client.id, 'connect', 'too many refused connects'), { returnCode: 3 }),
        false,
      );
    }
    if (!username) return refuse('no username');
    if (o.subscriber && subscriberSha256 && username === o.subscriber.username) {
      if (!secretMatches(secret, subscriberSha256)) return refuse('bad credentials');
      if (client.id !== username && !client.id.startsWith(`${username}-`)) {
        return refuse(`the subscriber's MQTT client id must be '${username}' or start with '${username}-'`);
      }
      identities.set(client, { kind: 'subscriber' });
      return callback(null, true);
    }
    if (client.id !== username) return refuse('a gateway must use its gateway id as MQTT client id');
    o.directory.authenticate(username, secret).then(
      (ok) => {
        if (!ok) return refuse('bad credentials');
        identities.set(client, { kind: 'gateway', gatewayId: username });
        callback(null, true);
      },
      (err: Error) => {
        log.error({ err: err.message, clientId: client.id }, 'cannot check credentials');
        callback(
          Object.assign(new MqttRefused(client.id, 'connect', 'server unavailable'), { returnCode: 3 }),
          false,
        );
      },
    );
  };

  const authorizeSubscribe: AuthorizeSubscribeHandler = (client, sub, callback) => {
    const identity = client && identities.get(client);
    if (identity && subscribeAllowed(identity, sub.topic)) return callback(null, sub);
    log.warn({ clientId: client?.id, topic: sub.topic }, 'subscription refused');
    callback(null, null);
  };

  const authorizePublish: AuthorizePublishHandler = (client, packet, callback) => {
    // The server's own publishes (alerts, rejections) come with no client.
    if (!client) return callback(null);
    const topic = packet.topic;
    const identity = identities.get(client);
    const decision = identity
      ? publishDecision(identity, topic)
      : ({ allowed: false, why: 'not authenticated' } as const);
    if (!decision.allowed) {
      log.warn({ clientId: client.id, topic, why: decision.why }, 'publish refused; disconnecting');
      return callback(new MqttRefused(client.id, `publish to '${topic}'`, decision.why));
    }
    const { target } = decision;
    if (packet.payload.length > o.maxPayloadBytes) {
      return callback(
        new MqttRefused(
          client.id,
          `publish to '${topic}'`,
          `payload of ${packet.payload.length} bytes exceeds ${o.maxPayloadBytes}`,
        ),
      );
    }
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const ref = `${client.id}/${packet.messageId ?? 0}`;
    const work =
      target.kind === 'readings' || target.kind === 'series'
        ? o.ingest
            .handleReadings(target.gatewayId, payload, ref, signalOf(client), target.kind)
            .then(async (outcome) => {
              if (outcome.rejection) {
                await publish(topics.rejections(target.gatewayId), JSON.stringify(outcome.rejection));
              }
            })
        : o.ingest.handleStatus(target.gatewayId, payload, ref, signalOf(client));
    held += 1;
    work.then(
      () => {
        held -= 1;
        callback(null);
      },
      (err: Error) => {
        held -= 1;
        // Not acknowledged: the gateway keeps the message and sends it again.
        if (signalOf(client).aborted) {
          log.debug({ clientId: client.id, topic }, 'sender gone; message left unacknowledged');
        } else {
          log.error(
            { err: err.message, clientId: client.id, topic },
            'ingest failed; message not acknowledged',
          );
        }
        callback(err);
      },
    );
  };

  const aedes = await Aedes.createBroker({
    authenticate,
    authorizePublish,
    authorizeSubscribe,
    id: 'rpm-embedded',
    maxClientsIdLength: 64,
  });
  /** Each gateway's live session, by gateway id (a second connection with the id takes over). */
  const sessions = new Map<string, Client>();
  aedes.on('client', (client) => {
    if (identities.get(client)?.kind === 'gateway') sessions.set(client.id, client);
  });
  aedes.on('clientDisconnect', (client) => {
    if (sessions.get(client.id) === client) sessions.delete(client.id);
    connections.get(client)?.abort(new Error(`client ${client.id} disconnected`));
  });
  aedes.on('clientError', (client, err) =>
    log.warn({ clientId: client.id, err: err.message }, 'client error'),
  );
  aedes.on('connectionError', (client, err) =>
    log.warn({ clientId: client.id, err: err.message }, 'connection error'),
  );

  const publish = (topic: string, payload: string) =>
    new Promise<void>((resolve, reject) =>
      aedes.publish(
        { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false },
        (err) => (err ? reject(err) : resolve()),
      ),
    );

  // MQTT framing adds the topic and a few header bytes to the payload.
  const maxPacketBytes = o.maxPayloadBytes + 1024;
  const handle = (socket: Socket) => limitPacketSize(aedes.handle(socket), maxPacketBytes);
  const plain = createNetServer(handle);
  const port = await listen(plain, o.port, o.host);
  let tlsServer: Server | undefined;
  let tlsPort: number | undefined;
  if (o.tls) {
    tlsServer = createTlsServer(
      { cert: readFileSync(o.tls.certFile), key: readFileSync(o.tls.keyFile) },
      handle,
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
    publish,
    heldPublishes: () => held,
    stopAccepting,
    disconnectGateway(gatewayId) {
      const client = sessions.get(gatewayId);
      if (!client) return false;
      log.info(
        { clientId: gatewayId },
        'credentials re-issued: disconnecting the session opened with the old ones',
      );
      client.close();
      return true;
    },
    async close() {
      await stopAccepting();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await serversClosed;
    },
  };
}
