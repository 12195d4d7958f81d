/**
 * Composes the server: InfluxDB connection and write batcher, the ingest, the broker
 * (embedded aedes, or an external broker by configuration) and the HTTP API. Used by
 * server/main.ts and, in-process, by the integration tests.
 */
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Reading } from '../common/contract.ts';
import type { Logger } from '../common/log.ts';
import { connectInflux, type InfluxConnection } from '../ingest/influx-connection.ts';
import { createIngestMetrics } from '../ingest/ingest-metrics.ts';
import { ReadingsIngest } from '../ingest/readings-ingest.ts';
import { WriteBatcher } from '../ingest/write-batcher.ts';
import type { ServerConfig } from './config.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from './embedded-broker.ts';
import { registerHealthRoutes } from './health-routes.ts';

export interface RunningServer {
  httpUrl: string;
  mqttPort: number;
  influx: InfluxConnection;
  /** Observe readings once stored (tests, live feed). */
  onStored(listener: (readings: Reading[], gatewayId: string) => void): void;
  close(): Promise<void>;
}

async function connectWithRetry(config: ServerConfig, log: Logger): Promise<InfluxConnection> {
  let delay = 500;
  for (;;) {
    try {
      return await connectInflux(config.influx, { createDatabase: config.influx.createDatabase });
    } catch (err) {
      log.warn(
        { url: config.influx.url, err: (err as Error).message },
        `InfluxDB not reachable; retrying in ${delay} ms`,
      );
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }
}

export async function startServer(config: ServerConfig, log: Logger): Promise<RunningServer> {
  const influx = await connectWithRetry(config, log);
  log.info(
    { url: config.influx.url, version: influx.version, database: config.influx.database },
    'InfluxDB connected',
  );

  const metrics = createIngestMetrics();
  const batcher = new WriteBatcher(
    influx,
    {
      batchSize: config.influx.batchSize,
      flushMs: config.influx.flushMs,
      maxBacklogLines: config.influx.batchSize * 20,
    },
    log.child({ component: 'influx-writer' }),
  );
  batcher.onBatchWritten = (_lines, ms) => {
    metrics.batchSeconds.observe(ms / 1000);
    metrics.backlog.set(batcher.stats.backlogLines);
  };
  const storedListeners: ((readings: Reading[], gatewayId: string) => void)[] = [];
  const ingest = new ReadingsIngest({
    batcher,
    metrics,
    log: log.child({ component: 'ingest' }),
    onStored: (readings, gatewayId) => {
      for (const listener of storedListeners) listener(readings, gatewayId);
    },
  });

  if (config.mqtt.broker === 'external') {
    throw new Error('RPM_MQTT_BROKER=external is not available in this version; use the embedded broker');
  }
  const broker: EmbeddedBroker = await startEmbeddedBroker({
    host: config.mqtt.host,
    port: config.mqtt.port,
    tls:
      config.mqtt.tlsPort !== undefined && config.mqtt.tlsCertFile && config.mqtt.tlsKeyFile
        ? { port: config.mqtt.tlsPort, certFile: config.mqtt.tlsCertFile, keyFile: config.mqtt.tlsKeyFile }
        : undefined,
    maxPayloadBytes: config.mqtt.maxPayloadBytes,
    ingest,
    log,
  });

  const app = Fastify({ loggerInstance: log.child({ component: 'http' }) as FastifyBaseLogger });
  registerHealthRoutes(
    app,
    {
      broker: () => !broker.aedes.closed,
      influx: () => influx.ping(),
      influxRetrying: () => batcher.stats.retrying,
    },
    metrics.registry,
  );
  const address = await app.listen({ host: config.http.host, port: config.http.port });

  return {
    httpUrl: address,
    mqttPort: broker.port,
    influx,
    onStored: (listener) => storedListeners.push(listener),
    async close() {
      // Stop taking new work, store what was accepted (releasing held PUBACKs), then disconnect.
      await broker.stopAccepting();
      await app.close();
      await batcher.close();
      await broker.close();
    },
  };
}
