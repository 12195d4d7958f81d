/**
 * Moves readings from the gateway's disk spool (reading-spool.ts) to the broker, per the wire
 * contract: batches at QoS 1, compact series on `rpm/v1/gw/{id}/series` (series-batch.ts) or
 * JSON `{ gatewayId, sentAt, readings }` on `rpm/v1/gw/{id}/readings` (RPM_PUBLISH_ENCODING),
 * each acknowledged in the spool only when its PUBACK arrives. Streamed readings wait up to
 * the stream window to go together; a spot measurement goes at once. A server that withholds PUBACK
 * (its InfluxDB is down) stalls the pipe at `maxInFlight` messages; nothing is dropped.
 *
 * Connections are explicit: one mqtt.js client per connection, clean session, no automatic
 * reconnect. mqtt.js keeps QoS 1 messages in its own store to resend after a reconnect; this
 * publisher never lets it. It publishes only while connected, and when a connection closes,
 * every batch still awaiting PUBACK goes back to the spool (`release`) and the client is
 * discarded with its store; the next connection sends those readings again, in order. A
 * reading may thus arrive twice, which is harmless: its id is an idempotency key and the
 * server stores by device, metric and sample time. At most `maxInFlight` readings messages,
 * one status and one subscription are outstanding per connection, far below the 65,535
 * message ids MQTT allows. Reconnects back off exponentially with jitter.
 *
 * Also: the MQTT last will `{"gatewayId":...,"online":false}` (retained, QoS 1) on the status
 * topic; the retained status, republished on every connection (the will may have replaced
 * it); refusals from the server on the rejections topic, logged by reading id and reason only
 * (their detail can quote a patient's value, so it is not logged). Refused readings were
 * acknowledged by the server and are not sent again.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { type GatewayStatus, MAX_PAYLOAD_BYTES, RejectionMessage, topics } from '../common/contract.ts';
import type { Logger } from '../common/log.ts';
import { encodeSeriesBatch } from '../common/series-batch.ts';
import type { GatewayConfig } from './config.ts';
import type { ReadingSpool, SpoolBatch } from './spool/reading-spool.ts';

export interface ReadingPublisherOptions {
  gatewayId: string;
  mqtt: GatewayConfig['mqtt'];
  publish: GatewayConfig['publish'];
  /** The publisher takes the spool over: `close` closes it. */
  spool: ReadingSpool;
  log: Logger;
  now?: () => Date;
  /** Jitter for reconnect delays, in [0, 1). */
  random?: () => number;
  /** Reconnect delay: from `reconnectMinMs` (default 1 s), doubling up to `reconnectMaxMs` (default 60 s). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** MQTT keepalive, seconds (default 60). */
  keepaliveSeconds?: number;
  /** Connection attempt timeout (default 30 s). */
  connectTimeoutMs?: number;
  /** `close` waits at most this long for PUBACKs, then as long again for the offline status and the disconnect (default 5 s). */
  closeTimeoutMs?: number;
}

/** For the gateway's status page. */
export interface PublisherState {
  connected: boolean;
  /** Readings in the spool not yet acknowledged by the broker. */
  spooled: number;
  inFlightMessages: number;
  /** When the broker last acknowledged a readings batch (null: not since start). */
  lastPublishAt: string | null;
  /** Since start: readings acknowledged by the broker, and readings it refused (see the log). */
  publishedReadings: number;
  refusedReadings: number;
}

export interface PublishedBatch {
  readings: number;
  firstSeq: number;
  lastSeq: number;
}

export type PublisherEvents = {
  connect: [];
  disconnect: [];
  /** A readings batch was acknowledged by the broker. */
  published: [PublishedBatch];
  /** The server refused readings (already logged). */
  refused: [RejectionMessage];
};

export class PublisherSetupError extends Error {
  constructor(
    readonly setting: string,
    readonly value: string,
    readonly problem: string,
  ) {
    super(`${setting} = ${JSON.stringify(value)}: ${problem}`);
    this.name = 'PublisherSetupError';
  }
}

export class StatusForOtherGatewayError extends Error {
  constructor(
    readonly gatewayId: string,
    readonly statusGatewayId: string,
  ) {
    super(`gateway ${gatewayId} cannot publish the status of gateway ${statusGatewayId}`);
    this.name = 'StatusForOtherGatewayError';
  }
}

const ENVELOPE_END = Buffer.from('}');

function envelopeStart(gatewayId: string, sentAt: string): Buffer {
  return Buffer.from(
    `{"gatewayId":${JSON.stringify(gatewayId)},"sentAt":${JSON.stringify(sentAt)},"readings":`,
  );
}

/** Resolves with the work's result, or 'timeout' after `ms`. */
async function within<T>(ms: number, work: Promise<T>): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class ReadingPublisher extends EventEmitter<PublisherEvents> {
  private readonly o: ReadingPublisherOptions;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly ca: Buffer | undefined;
  private readonly maxBatchBytes: number;
  private readonly readingsTopic: string;
  private readonly seriesTopic: string;
  private readonly statusTopic: string;
  private readonly rejectionsTopic: string;

  private client: MqttClient | undefined;
  private connected = false;
  /** Batches published on the current connection and not yet acknowledged, by spool batch id. */
  private readonly inFlight = new Map<number, SpoolBatch>();
  private readonly inFlightSettled = new Set<() => void>();
  private pumping = false;
  private pumpAgain = false;
  private lingerTimer: NodeJS.Timeout | undefined;
  private lingerDue = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failedAttempts = 0;
  private lastStatus: GatewayStatus | undefined;
  private stopping = false;
  private closed: Promise<void> | undefined;
  private lastPublishAt: Date | null = null;
  private publishedReadings = 0;
  private refusedReadings = 0;
  private readonly onReadable = () => this.pump();

  private constructor(o: ReadingPublisherOptions) {
    super();
    this.o = o;
    this.log = o.log.child({ component: 'publisher', gatewayId: o.gatewayId });
    this.now = o.now ?? (() => new Date());
    this.random = o.random ?? Math.random;
    this.ca = o.mqtt.caFile ? ReadingPublisher.readCa(o.mqtt.caFile) : undefined;
    // sentAt is always 24 characters (toISOString of a year 1970-9999).
    this.maxBatchBytes =
      MAX_PAYLOAD_BYTES - envelopeStart(o.gatewayId, new Date(0).toISOString()).length - ENVELOPE_END.length;
    this.readingsTopic = topics.readings(o.gatewayId);
    this.seriesTopic = topics.series(o.gatewayId);
    this.statusTopic = topics.status(o.gatewayId);
    this.rejectionsTopic = topics.rejections(o.gatewayId);
  }

  /** Starts connecting (and reconnecting until `close`); readings flow as soon as a connection is up. */
  static start(o: ReadingPublisherOptions): ReadingPublisher {
    const publisher = new ReadingPublisher(o);
    o.spool.on('readable', publisher.onReadable);
    publisher.connect();
    return publisher;
  }

  private static readCa(file: string): Buffer {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new PublisherSetupError('RPM_MQTT_CA_FILE', file, `cannot read it (${(err as Error).message})`);
    }
  }

  state(): PublisherState {
    return {
      connected: this.connected,
      spooled: this.o.spool.pending,
      inFlightMessages: this.inFlight.size,
      lastPublishAt: this.lastPublishAt?.toISOString() ?? null,
      publishedReadings: this.publishedReadings,
      refusedReadings: this.refusedReadings,
    };
  }

  /**
   * Publishes the gateway status, retained, QoS 1, and keeps it to publish again on every
   * connection. Resolves 'published' on PUBACK, 'deferred' when offline (sent on connection).
   */
  async publishStatus(status: GatewayStatus): Promise<'published' | 'deferred'> {
    if (status.gatewayId !== this.o.gatewayId) {
      throw new StatusForOtherGatewayError(this.o.gatewayId, status.gatewayId);
    }
    this.lastStatus = status;
    return this.sendStatus(status);
  }

  /**
   * Stops taking batches, waits (bounded) for PUBACKs in flight, publishes `online: false`,
   * disconnects and closes the spool. Readings not acknowledged stay on disk for next time.
   */
  close(): Promise<void> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  // ---------------------------------------------------------------------------------------
  // Connection

  private connect(): void {
    const { gatewayId, mqtt: m } = this.o;
    const will = { gatewayId, online: false };
    const client = mqtt.connect(m.url, {
      clientId: gatewayId,
      username: m.username,
      password: m.password,
      ca: this.ca,
      protocolVersion: 4,
      clean: true,
      // Reconnection, resending and subscriptions are this class's job, per connection.
      reconnectPeriod: 0,
      resubscribe: false,
      queueQoSZero: false,
      keepalive: this.o.keepaliveSeconds ?? 60,
      connectTimeout: this.o.connectTimeoutMs ?? 30_000,
      will: { topic: this.statusTopic, payload: Buffer.from(JSON.stringify(will)), qos: 1, retain: true },
    });
    this.client = client;
    client.on('connect', () => this.onConnect(client));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', (err) => this.log.warn({ err: err.message, broker: this.brokerHost() }, 'MQTT error'));
    client.on('close', () => this.onClose(client));
  }

  /** The broker's host and port, for logs (the URL itself may carry credentials). */
  private brokerHost(): string {
    return new URL(this.o.mqtt.url).host;
  }

  private onConnect(client: MqttClient): void {
    if (client !== this.client) return;
    this.connected = true;
    this.failedAttempts = 0;
    this.log.info({ broker: this.brokerHost(), spooled: this.o.spool.pending }, 'connected to the broker');
    client.subscribe(this.rejectionsTopic, { qos: 1 }, (err) => {
      if (err) this.log.warn({ err: err.message }, 'subscribing to rejections failed');
    });
    void this.sendStatus(
      this.lastStatus ?? {
        gatewayId: this.o.gatewayId,
        online: true,
        at: this.now().toISOString(),
        devices: [],
      },
    );
    this.emit('connect');
    this.pump();
  }

  private onClose(client: MqttClient): void {
    if (client !== this.client) return;
    this.client = undefined;
    const wasConnected = this.connected;
    this.connected = false;
    const released = this.inFlight.size;
    for (const batch of this.inFlight.values()) this.o.spool.release(batch);
    this.inFlight.clear();
    this.notifyInFlightSettled();
    // Discard the client with its store: nothing of this connection is ever resent by mqtt.js.
    client.end(true);
    if (wasConnected) {
      this.log.warn(
        { broker: this.brokerHost(), releasedMessages: released },
        'disconnected from the broker',
      );
      this.emit('disconnect');
    }
    if (this.stopping) return;
    const ceiling = Math.min(
      this.o.reconnectMaxMs ?? 60_000,
      (this.o.reconnectMinMs ?? 1000) * 2 ** this.failedAttempts,
    );
    this.failedAttempts = Math.min(this.failedAttempts + 1, 30);
    this.reconnectTimer = setTimeout(() => this.connect(), ceiling / 2 + (this.random() * ceiling) / 2);
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (topic !== this.rejectionsTopic) return;
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      json = undefined;
    }
    const parsed = RejectionMessage.safeParse(json);
    if (!parsed.success) {
      this.log.warn({ topic }, 'unreadable rejection message ignored');
      return;
    }
    const rejection = parsed.data;
    if (rejection.message) {
      this.log.error({ reason: rejection.message.reason }, 'the server refused a whole readings message');
    }
    for (const r of rejection.readings) {
      this.log.warn({ readingId: r.readingId, reason: r.reason }, 'the server refused a reading');
    }
    this.refusedReadings += rejection.readings.length;
    this.emit('refused', rejection);
  }

  private sendStatus(status: GatewayStatus): Promise<'published' | 'deferred'> {
    const client = this.client;
    if (!client || !this.connected) return Promise.resolve('deferred');
    return new Promise((resolve) => {
      client.publish(this.statusTopic, JSON.stringify(status), { qos: 1, retain: true }, (err) => {
        if (err)
          this.log.warn({ err: err.message }, 'status not acknowledged; sent again on the next connection');
        resolve(err ? 'deferred' : 'published');
      });
    });
  }

  // ---------------------------------------------------------------------------------------
  // Readings

  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    this.pumpBatches()
      .catch((err: Error) => this.log.error({ err: err.message }, 'reading batches from the spool failed'))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.pump();
        }
      });
  }

  private async pumpBatches(): Promise<void> {
    const { batchSize, maxInFlight } = this.o.publish;
    while (this.connected && !this.stopping && this.inFlight.size < maxInFlight) {
      const available = this.o.spool.available;
      if (available === 0) return;
      // A partial batch of streamed readings waits for more; a spot measurement goes at once.
      if (available < batchSize && !this.lingerDue && !this.o.spool.spotWaiting) {
        this.startLinger();
        if (!this.lingerDue) return;
      }
      const batch = await this.o.spool.nextBatch(batchSize, this.maxBatchBytes);
      if (!batch) return;
      if (batch.count < batchSize) this.lingerDue = false;
      const client = this.client;
      if (!client || !this.connected || this.stopping) {
        this.o.spool.release(batch);
        return;
      }
      this.send(client, batch);
    }
  }

  /** A partial batch of streamed readings waits `streamWindowMs` for more before it goes. */
  private startLinger(): void {
    const { streamWindowMs } = this.o.publish;
    if (streamWindowMs === 0) {
      this.lingerDue = true;
      return;
    }
    this.lingerTimer ??= setTimeout(() => {
      this.lingerTimer = undefined;
      this.lingerDue = true;
      this.pump();
    }, streamWindowMs);
  }

  /** As a compact series batch when configured and possible, else as the JSON batch. */
  private send(client: MqttClient, batch: SpoolBatch): void {
    const sentAt = this.now();
    const compact =
      this.o.publish.encoding === 'series' ? encodeSeriesBatch(sentAt, batch.readings()) : undefined;
    const [topic, payload] = compact
      ? [this.seriesTopic, compact]
      : [
          this.readingsTopic,
          Buffer.concat([
            envelopeStart(this.o.gatewayId, sentAt.toISOString()),
            batch.readingsJson,
            ENVELOPE_END,
          ]),
        ];
    this.inFlight.set(batch.id, batch);
    client.publish(topic, payload, { qos: 1 }, (err) => this.settle(batch, err));
  }

  private settle(batch: SpoolBatch, err: Error | undefined): void {
    // A batch no longer in the map was released when its connection closed.
    if (this.inFlight.get(batch.id) !== batch) return;
    this.inFlight.delete(batch.id);
    if (err) {
      this.o.spool.release(batch);
      this.log.warn(
        { err: err.message, readings: batch.count },
        'batch not acknowledged; it will be sent again',
      );
    } else {
      this.o.spool.ack(batch);
      this.lastPublishAt = this.now();
      this.publishedReadings += batch.count;
      this.emit('published', { readings: batch.count, firstSeq: batch.firstSeq, lastSeq: batch.lastSeq });
    }
    this.notifyInFlightSettled();
    this.pump();
  }

  private notifyInFlightSettled(): void {
    if (this.inFlight.size > 0) return;
    for (const resolve of this.inFlightSettled) resolve();
    this.inFlightSettled.clear();
  }

  private async shutDown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.lingerTimer);
    clearTimeout(this.reconnectTimer);
    this.o.spool.off('readable', this.onReadable);
    const timeoutMs = this.o.closeTimeoutMs ?? 5000;
    if (this.inFlight.size > 0) {
      const settled = new Promise<void>((resolve) => this.inFlightSettled.add(resolve));
      if ((await within(timeoutMs, settled)) === 'timeout') {
        this.log.warn(
          { inFlightMessages: this.inFlight.size },
          'closing with batches unacknowledged; they stay spooled',
        );
      }
    }
    await within(
      timeoutMs,
      this.sendStatus({
        gatewayId: this.o.gatewayId,
        online: false,
        at: this.now().toISOString(),
        devices: [],
      }),
    );
    for (const batch of this.inFlight.values()) this.o.spool.release(batch);
    this.inFlight.clear();
    const client = this.client;
    if (client && this.connected) {
      // A clean DISCONNECT needs mqtt.js's outgoing messages settled; they are released above.
      for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
      if ((await within(timeoutMs, client.endAsync())) === 'timeout') client.end(true);
    } else {
      client?.end(true); // still connecting: mqtt.js would hold a DISCONNECT until connected
    }
    this.client = undefined;
    this.connected = false;
    await this.o.spool.close();
    this.log.info({ spooled: this.o.spool.pending }, 'publisher closed');
  }
}
