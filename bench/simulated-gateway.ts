/**
 * One simulated home gateway on its own MQTT connection, publishing as
 * gateway/reading-publisher.ts does: it logs in with its id and issued secret (last will on
 * its status topic), subscribes to its rejections, publishes its retained status, then sends
 * its readings as `{ gatewayId, sentAt, readings }` batches at QoS 1, at most `batchSize`
 * readings per message and at most `maxInFlight` messages awaiting PUBACK. Readings that
 * cannot go yet wait in memory, as they would in the gateway's disk spool, and go out in
 * larger batches once PUBACKs return: a server that falls behind shows as a growing backlog.
 *
 * Paced (the real load): the schedule hands it each second of readings. Flood (the broker
 * ceiling): it keeps its in-flight window full, one simulated second per message.
 */
import type { MqttClient } from 'mqtt';
import { RejectionMessage, topics } from '../common/contract.ts';
import { connectAsGateway } from './gateway-connection.ts';
import { jsonPayload } from './json-payload.ts';
import type { GatewayLogin } from './load-plan.ts';
import type { WindowStats } from './load-worker-protocol.ts';
import { PUBACK_BYTES, publishPacketBytes } from './mqtt-packet-size.ts';
import { readingsInSecond, secondOfReadings } from './vital-sign-readings.ts';

/** What a generator process counts afresh in each measurement window. */
export type WindowCounters = Pick<
  WindowStats,
  | 'generatedReadings'
  | 'publishedMessages'
  | 'publishedReadings'
  | 'payloadBytes'
  | 'mqttBytes'
  | 'ackedMessages'
  | 'ackedReadings'
>;

export function newWindowCounters(): WindowCounters {
  return {
    generatedReadings: 0,
    publishedMessages: 0,
    publishedReadings: 0,
    payloadBytes: 0,
    mqttBytes: 0,
    ackedMessages: 0,
    ackedReadings: 0,
  };
}

/** Shared by all gateways of a generator process. */
export interface LoadCounters {
  window: WindowCounters;
  /** Messages published while this is set have their publish -> PUBACK time (ms) recorded. */
  recording: boolean;
  windowLatenciesMs: number[];
  /** Since start: readings acknowledged, readings (or whole messages) refused, connections dropped. */
  totalAckedReadings: number;
  refused: number;
  connectionErrors: number;
}

export function newLoadCounters(): LoadCounters {
  return {
    window: newWindowCounters(),
    recording: false,
    windowLatenciesMs: [],
    totalAckedReadings: 0,
    refused: 0,
    connectionErrors: 0,
  };
}

export interface SimulatedGatewayOptions {
  maxInFlight: number;
  batchSize: number;
  counters: LoadCounters;
  random: () => number;
}

export class SimulatedGateway {
  private client: MqttClient | undefined;
  /**
   * Seconds whose readings wait to be published, oldest first. The readings themselves are
   * made when they are sent: a backlog of minutes across thousands of gateways costs a
   * number per second, not megabytes of JSON.
   */
  private pending: number[] = [];
  private pendingCount = 0;
  private inFlight = 0;
  private inFlightReadings = 0;
  private floodMs: number | undefined;
  private readonly readingsTopic: string;

  constructor(
    readonly login: GatewayLogin,
    private readonly o: SimulatedGatewayOptions,
  ) {
    this.readingsTopic = topics.readings(login.gatewayId);
  }

  /** Readings waiting to be published or awaiting their PUBACK. */
  get unacknowledgedReadings(): number {
    return this.pendingCount + this.inFlightReadings;
  }

  get atInFlightLimit(): boolean {
    return this.inFlight >= this.o.maxInFlight;
  }

  async connect(mqttUrl: string): Promise<void> {
    const client = await connectAsGateway(mqttUrl, this.login);
    this.client = client;
    client.on('close', () => {
      if (this.client !== client) return;
      // The broker dropped us (e.g. no keepalive answer): what was not acknowledged stays so.
      this.o.counters.connectionErrors++;
      this.client = undefined;
    });
    client.on('message', (_topic, payload) => this.onRejection(payload));
  }

  /** The second starting at `timeMs` of every patient of this gateway is due. */
  produceSecond(timeMs: number): void {
    const count = readingsInSecond(this.login.patients, timeMs);
    this.pending.push(timeMs);
    this.pendingCount += count;
    this.o.counters.window.generatedReadings += count;
    this.pump();
  }

  /** Keeps the in-flight window full from `startMs` on, one second of readings per message. */
  startFlood(startMs: number): void {
    this.floodMs = startMs;
    this.refill();
  }

  /** No new readings from now on (those waiting still go). */
  stopProducing(): void {
    this.floodMs = undefined;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.endAsync(true);
  }

  private refill(): void {
    while (this.floodMs !== undefined && this.inFlight < this.o.maxInFlight && this.client) {
      this.floodMs += 1000;
      this.produceSecond(this.floodMs);
    }
  }

  private pump(): void {
    const client = this.client;
    while (client && this.pending.length > 0 && this.inFlight < this.o.maxInFlight)
      this.send(client, this.nextBatch());
  }

  /** The oldest waiting seconds, whole, up to `batchSize` readings (at least one second). */
  private nextBatch(): string[] {
    const batch: string[] = [];
    const { patients } = this.login;
    for (let timeMs = this.pending[0]; timeMs !== undefined; timeMs = this.pending[0]) {
      const count = readingsInSecond(patients, timeMs);
      if (batch.length > 0 && batch.length + count > this.o.batchSize) break;
      this.pending.shift();
      this.pendingCount -= count;
      for (const patient of patients) {
        for (const reading of secondOfReadings(patient, timeMs, this.o.random))
          batch.push(JSON.stringify(reading));
      }
    }
    return batch;
  }

  private send(client: MqttClient, batch: string[]): void {
    const { counters } = this.o;
    const payload = `{"gatewayId":"${this.login.gatewayId}","sentAt":"${new Date().toISOString()}","readings":[${batch.join(',')}]}`;
    const bytes = Buffer.byteLength(payload);
    counters.window.publishedMessages++;
    counters.window.publishedReadings += batch.length;
    counters.window.payloadBytes += bytes;
    counters.window.mqttBytes += publishPacketBytes(this.readingsTopic, bytes, 1) + PUBACK_BYTES;
    this.inFlight++;
    this.inFlightReadings += batch.length;
    const latencies = counters.recording ? counters.windowLatenciesMs : undefined;
    const sentAt = performance.now();
    client.publish(this.readingsTopic, payload, { qos: 1 }, (err) => {
      this.inFlight--;
      if (err) {
        // The connection is gone (counted on close): these readings were not acknowledged.
        return;
      }
      this.inFlightReadings -= batch.length;
      counters.window.ackedMessages++;
      counters.window.ackedReadings += batch.length;
      counters.totalAckedReadings += batch.length;
      latencies?.push(performance.now() - sentAt);
      if (this.floodMs === undefined) this.pump();
      else this.refill();
    });
  }

  private onRejection(payload: Buffer): void {
    const parsed = RejectionMessage.safeParse(jsonPayload(payload));
    // An unreadable notice still says the server refused something.
    this.o.counters.refused += parsed.success && !parsed.data.message ? parsed.data.readings.length : 1;
  }
}
