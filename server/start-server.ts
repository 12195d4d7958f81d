/**
 * Composes the server: the records database, InfluxDB and the write batcher, the ingest,
 * the alerts engine with its notification channels, the broker (embedded aedes, or an
 * external broker by configuration) and the dashboard. Used by server/main.ts and,
 * in-process, by the integration tests.
 *
 * What needs only the records database starts first and does not wait for InfluxDB: logins,
 * the worklist, clinicians' actions, /health. Ingest (the MQTT broker) opens once InfluxDB
 * answers, after the alerts engine has replayed its recent readings; until then gateways
 * keep their readings (README, "When a part is down").
 */
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Gauge } from 'prom-client';
import { AlertsService } from '../alerts/alerts-service.ts';
import { alertEmailText } from '../alerts/notify/alert-email-text.ts';
import { DeliveryError } from '../alerts/notify/delivery-error.ts';
import { createEmailSender } from '../alerts/notify/email-sender.ts';
import { type DurableChannel, NotificationDispatcher } from '../alerts/notify/notification-dispatcher.ts';
import { sendWebhook } from '../alerts/notify/webhook-sender.ts';
import { retryWithBackoff } from '../common/backoff.ts';
import { isClinicallyReliable, type Reading } from '../common/contract.ts';
import type { Logger } from '../common/log.ts';
import { registerDashboard } from '../dashboard/dashboard-app.ts';
import { LiveFeed } from '../dashboard/live-feed.ts';
import { startDeadLetterRetention } from '../ingest/dead-letter-retention.ts';
import { startExternalSubscriber } from '../ingest/external-broker-subscriber.ts';
import { GatewayDirectory } from '../ingest/gateway-directory.ts';
import { type InfluxConnection, influxConnection } from '../ingest/influx-connection.ts';
import { createIngestMetrics } from '../ingest/ingest-metrics.ts';
import { ReadingsIngest } from '../ingest/readings-ingest.ts';
import { WriteBatcher } from '../ingest/write-batcher.ts';
import { openRecordsDb, type RecordsDb } from '../records/records-db.ts';
import { bootstrapAdmin } from './bootstrap-admin.ts';
import { alertRouting, type ServerConfig } from './config.ts';
import { refuseDemoAccounts, seedDemo } from './demo-seed.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from './embedded-broker.ts';
import { registerHealthRoutes } from './health-routes.ts';
import { writeMosquittoAuth } from './mosquitto-auth.ts';

export interface RunningServer {
  httpUrl: string;
  /** The embedded broker's port; undefined with an external broker, or until ingest is open. */
  readonly mqttPort: number | undefined;
  /** The embedded broker's TLS port, when a TLS listener is configured. */
  readonly mqttTlsPort: number | undefined;
  /**
   * Resolves once ingest is open (InfluxDB answered, the alerts engine replayed, the broker
   * listens). startServer returns with it open when InfluxDB answered its first try.
   */
  ingesting: Promise<void>;
  influx: InfluxConnection;
  records: RecordsDb;
  directory: GatewayDirectory;
  alerts: AlertsService;
  /** Observe readings once stored (tests, live feed). */
  onStored(listener: (readings: Reading[], gatewayId: string) => void): void;
  close(): Promise<void>;
}

interface BrokerSide {
  /** The embedded broker's MQTT port; undefined with an external broker. */
  port?: number | undefined;
  tlsPort?: number | undefined;
  reachable(): boolean;
  /** Publishes as the server, QoS 1 (alert events). */
  publish(topic: string, payload: string): Promise<void>;
  /** Embedded broker: publishes whose PUBACK waits for storage. */
  heldPublishes?: () => number;
  /** Ends a gateway's live session after its credentials were re-issued (embedded broker only). */
  disconnectGateway(gatewayId: string): void;
  stopAccepting(): Promise<void>;
  close(): Promise<void>;
}

async function startBroker(
  config: ServerConfig,
  ingest: ReadingsIngest,
  directory: GatewayDirectory,
  log: Logger,
): Promise<BrokerSide> {
  const m = config.mqtt;
  if (m.broker === 'external' && m.url) {
    const subscriber = await startExternalSubscriber({ ...m, url: m.url, ingest, log });
    return {
      reachable: subscriber.connected,
      publish: async (topic, payload) => {
        if (!subscriber.client.connected)
          throw new DeliveryError('mqtt', true, `broker ${m.url} not connected`);
        await subscriber.client.publishAsync(topic, payload, { qos: 1 });
      },
      // Mosquitto keeps a session opened with the old secret: README, Scaling out.
      disconnectGateway: () => undefined,
      stopAccepting: async () => {},
      close: () => subscriber.close(),
    };
  }
  const embedded: EmbeddedBroker = await startEmbeddedBroker({
    host: m.host,
    port: m.port,
    tls:
      m.tlsPort !== undefined && m.tlsCertFile && m.tlsKeyFile
        ? { port: m.tlsPort, certFile: m.tlsCertFile, keyFile: m.tlsKeyFile }
        : undefined,
    maxPayloadBytes: m.maxPayloadBytes,
    ingest,
    directory,
    subscriber:
      m.subscriberUsername && m.subscriberPassword
        ? { username: m.subscriberUsername, password: m.subscriberPassword }
        : undefined,
    log,
  });
  return {
    port: embedded.port,
    tlsPort: embedded.tlsPort,
    reachable: () => !embedded.aedes.closed,
    publish: embedded.publish,
    heldPublishes: embedded.heldPublishes,
    disconnectGateway: (gatewayId) => void embedded.disconnectGateway(gatewayId),
    stopAccepting: embedded.stopAccepting,
    close: embedded.close,
  };
}

export interface ServerClock {
  /** The clock of alert lifecycles, notifications and the dashboard (tests move it forward). */
  now: () => Date;
}

export async function startServer(
  config: ServerConfig,
  log: Logger,
  clock: ServerClock = { now: () => new Date() },
): Promise<RunningServer> {
  const { now } = clock;
  const records = await openRecordsDb(
    config.records.url ? { url: config.records.url } : { dataDir: `${config.dataDir}/records` },
  );
  log.info({ engine: records.engine }, 'records database open');
  try {
    await bootstrapAdmin(records, config.admin, log);
    if (config.mode === 'demo') await seedDemo(records, config.dataDir, log);
    else await refuseDemoAccounts(records);
  } catch (err) {
    await records.close();
    throw err;
  }
  const directory = new GatewayDirectory(records);
  const influx = influxConnection(config.influx);
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
  const feed = new LiveFeed();
  const email = config.notify.smtpUrl
    ? createEmailSender(config.notify.smtpUrl, config.notify.emailFrom)
    : undefined;
  const { webhookSecret } = config.notify;
  let broker: BrokerSide | undefined;
  const dispatcher = new NotificationDispatcher({
    db: records,
    now,
    log: log.child({ component: 'notifications' }),
    senders: {
      mqtt: async (topic, event) => {
        if (!broker) throw new DeliveryError('mqtt', true, 'broker not started yet');
        await broker.publish(topic, JSON.stringify(event));
      },
      ...(email && {
        email: async (to, event) => {
          const { subject, text } = alertEmailText(event, {
            timeZone: config.timeZone,
            dashboardUrl: config.notify.dashboardUrl,
          });
          await email.send(to, subject, text);
        },
      }),
      ...(webhookSecret && {
        webhook: (url, event, deliveryId) =>
          sendWebhook(
            { url, secret: webhookSecret, timeoutMs: 10_000 },
            JSON.stringify({ deliveryId, event }),
            deliveryId,
            now().getTime(),
          ),
      }),
    },
  });
  const alerts = await AlertsService.start({
    records,
    influx,
    policy: {
      timeZone: config.timeZone,
      pagingWindowMinutes: config.alerts.pagingWindowMinutes,
      gatewayStatusMinutes: config.alerts.gatewayStatusMinutes,
      reorderHorizonMinutes: config.alerts.reorderHorizonMinutes,
      severities: {
        info: { renotifyMinutes: null, escalateAfterMinutes: null },
        warning: { renotifyMinutes: config.alerts.warningRenotifyMinutes, escalateAfterMinutes: null },
        critical: {
          renotifyMinutes: config.alerts.criticalRenotifyMinutes,
          escalateAfterMinutes: config.alerts.criticalEscalateMinutes,
        },
      },
    },
    routing: alertRouting(config),
    now,
    log: log.child({ component: 'alerts' }),
    onEvents: (events) => {
      for (const event of events) feed.publish({ type: 'alert', patientId: event.patientId, event });
    },
    onDeliveriesQueued: () => dispatcher.kick(),
    channels: new Set<DurableChannel>([
      'mqtt',
      ...(email ? ['email' as const] : []),
      ...(webhookSecret ? ['webhook' as const] : []),
    ]),
    tickMs: config.alerts.tickSeconds * 1000,
    maxPendingReadings: config.alerts.maxPendingReadings,
  });
  dispatcher.start();
  const storedListeners: ((readings: Reading[], gatewayId: string) => void)[] = [
    (readings) => feed.publishReadings(readings, isClinicallyReliable),
    (readings) => alerts.onReadingsStored(readings),
  ];
  const ingest = new ReadingsIngest({
    batcher,
    directory,
    metrics,
    now,
    maxReadingAgeDays: config.ingest.maxReadingAgeDays,
    maxDeadLettersPerMinute: config.ingest.maxDeadLettersPerMinute,
    log: log.child({ component: 'ingest' }),
    onStored: (readings, gatewayId) => {
      for (const listener of storedListeners) listener(readings, gatewayId);
    },
    onStatus: (status) => {
      directory.patientsOf(status.gatewayId).then(
        (patients) => {
          alerts.onGatewayStatus(status, [...patients]);
          feed.publish({ type: 'gateway', patientIds: [...patients], status });
        },
        (err: Error) =>
          log.warn(
            { err: err.message, gatewayId: status.gatewayId },
            'gateway status: its patients are unknown',
          ),
      );
    },
  });

  const { mosquittoAuthDir, username, password } = config.mqtt;
  const updateMosquittoAuth = async () => {
    if (mosquittoAuthDir && username && password) {
      await writeMosquittoAuth(records, { ingest: { username, password } }, mosquittoAuthDir);
    }
  };
  await updateMosquittoAuth();

  const app = Fastify({
    loggerInstance: log.child({ component: 'http' }) as FastifyBaseLogger,
    trustProxy: config.http.trustProxy,
  }).withTypeProvider<ZodTypeProvider>();
  await registerDashboard(app, {
    records,
    influx,
    feed,
    now,
    timeZone: config.timeZone,
    silentAfterMs: config.ward.silentAfterMinutes * 60_000,
    sessionTtlMs: config.http.sessionHours * 3_600_000,
    loginAttempts: config.http.loginAttempts,
    onGatewayChanged: async (gatewayId, change) => {
      directory.forget(gatewayId);
      await updateMosquittoAuth();
      // The README promises the old secret is locked out at once: its session too.
      if (change === 'credentials') broker?.disconnectGateway(gatewayId);
      if (change === 'patients')
        alerts.onGatewayPatients(gatewayId, [...(await directory.patientsOf(gatewayId))]);
    },
    alerts,
  });
  // After the dashboard: its page security (validation, answer schemas) covers these too.
  registerHealthRoutes(
    app,
    {
      broker: () => broker?.reachable() ?? false,
      influx: () => influx.ping(),
      influxWriteProblem: () => batcher.stats.problem,
      alertsProblem: () => alerts.problem(),
    },
    metrics.registry,
  );
  // What shows a falling-behind server without a profiler (bench/REPORT.md).
  new Gauge({
    name: 'rpm_alerts_pending_readings',
    help: 'Stored readings waiting for the alerts engine',
    registers: [metrics.registry],
    collect() {
      this.set(alerts.stats().pendingReadings);
    },
  });
  new Gauge({
    name: 'rpm_alerts_last_step_seconds',
    help: 'How long the last alerts engine step took, evaluation and storage',
    registers: [metrics.registry],
    collect() {
      this.set(alerts.stats().lastStepMs / 1000);
    },
  });
  if (config.mqtt.broker === 'embedded') {
    new Gauge({
      name: 'rpm_mqtt_publishes_held',
      help: 'Gateway publishes whose PUBACK waits for their readings to be stored (embedded broker)',
      registers: [metrics.registry],
      collect() {
        this.set(broker?.heldPublishes?.() ?? 0);
      },
    });
  }
  const address = await app.listen({ host: config.http.host, port: config.http.port });

  // Ingest opens once InfluxDB answers: retried until it does, or until the server closes.
  const opening = new AbortController();
  let deadLetterRetention: { close(): void } | undefined;
  let influxFailedOnce: () => void = () => undefined;
  const firstTryFailed = new Promise<void>((resolve) => {
    influxFailedOnce = resolve;
  });
  const ingesting = (async () => {
    await retryWithBackoff(() => influx.prepare({ createDatabase: config.influx.createDatabase }), {
      initialMs: 500,
      maxMs: 10_000,
      signal: opening.signal,
      onFailure: (err, retryInMs) => {
        influxFailedOnce();
        log.warn(
          { url: config.influx.url, err: (err as Error).message, retryInMs },
          'InfluxDB not reachable; ingest waits for it (logins, the worklist and /health are served meanwhile)',
        );
      },
    });
    log.info(
      { url: config.influx.url, version: influx.version, database: config.influx.database },
      'InfluxDB connected',
    );
    deadLetterRetention = startDeadLetterRetention({
      influx,
      retentionDays: config.ingest.deadLetterRetentionDays,
      now,
      log: log.child({ component: 'ingest' }),
    });
    await alerts.watchReadings();
    opening.signal.throwIfAborted();
    broker = await startBroker(config, ingest, directory, log);
  })();
  // Whatever happens to it is logged here; callers of `ingesting` see it too.
  ingesting.catch((err: Error) => {
    if (!opening.signal.aborted) log.error({ err: err.message }, 'ingest could not open');
  });
  await Promise.race([ingesting, firstTryFailed]);

  return {
    httpUrl: address,
    get mqttPort() {
      return broker?.port;
    },
    get mqttTlsPort() {
      return broker?.tlsPort;
    },
    ingesting,
    influx,
    records,
    directory,
    alerts,
    onStored: (listener) => storedListeners.push(listener),
    async close() {
      // Ingest still opening: nothing was received yet; stop it opening.
      opening.abort(new Error('the server is closing'));
      if (!broker) {
        await alerts.close();
        await ingesting.catch(() => undefined);
      }
      // Stop taking new work, store what was accepted (releasing held PUBACKs), evaluate
      // and notify what was stored, then disconnect.
      await broker?.stopAccepting();
      deadLetterRetention?.close();
      await app.close();
      await batcher.close();
      await alerts.close();
      await dispatcher.stop();
      await broker?.close();
      email?.close();
      await records.close();
    },
  };
}
