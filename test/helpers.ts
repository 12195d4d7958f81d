/** Shared test plumbing: the private influxd, a fresh database per test file, an in-process server. */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { inject } from 'vitest';
import { AlertEvent, type ReadingInput, topics } from '../common/contract.ts';
import { createLogger } from '../common/log.ts';
import { connectInflux, type InfluxConnection } from '../ingest/influx-connection.ts';
import { assignPatientToGateway, createGateway, issueGatewayCredentials } from '../records/gateways.ts';
import { createPatient } from '../records/patients.ts';
import type { RecordsDb } from '../records/records-db.ts';
import { ServerConfig } from '../server/config.ts';
import { type RunningServer, type ServerClock, startServer } from '../server/start-server.ts';

export const influxUrl = (): string => inject('influxUrl');

/** A database name no other test uses, so files run in any order and in parallel. */
export function uniqueDatabase(label: string): string {
  return `test_${label.replace(/[^a-z0-9]/gi, '_')}_${randomBytes(4).toString('hex')}`;
}

export async function influxFor(database: string): Promise<InfluxConnection> {
  return connectInflux({ url: influxUrl(), database }, { createDatabase: true });
}

/** A server data directory holding a fresh copy of the migrated records template. */
export function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rpm-server-'));
  cpSync(inject('recordsTemplateDir'), join(dir, 'records'), { recursive: true });
  return dir;
}

export function testServerConfig(database: string, overrides: Record<string, unknown> = {}): ServerConfig {
  return ServerConfig.parse({
    logLevel: process.env.TEST_LOG ?? 'silent',
    dataDir: freshDataDir(),
    http: { host: '127.0.0.1', port: 0 },
    mqtt: { host: '127.0.0.1', port: 0 },
    influx: { url: influxUrl(), database, flushMs: 20 },
    // The tests' traces are dated in November 2026; a server on the real clock must still
    // take them in years to come (the 90-day default is tested in common/contract.test.ts).
    ingest: { maxReadingAgeDays: 3650, maxDeadLettersPerMinute: 120, deadLetterRetentionDays: 3650 },
    ...overrides,
  });
}

export async function startTestServer(
  database: string,
  overrides: Record<string, unknown> = {},
  clock?: ServerClock,
): Promise<RunningServer> {
  const config = testServerConfig(database, overrides);
  return startServer(config, createLogger('test-server', config.logLevel), clock);
}

/**
 * Registers a gateway serving `patientIds` (creating the patients that do not exist yet)
 * and returns its MQTT secret.
 */
export async function registerGateway(
  records: RecordsDb,
  gatewayId: string,
  patientIds: string[],
): Promise<string> {
  await createGateway(records, { id: gatewayId }, 'test');
  for (const patientId of patientIds) {
    const exists = await records.query('SELECT 1 FROM patients WHERE id = $1', [patientId]);
    if (!exists.length)
      await createPatient(records, { id: patientId, displayName: `Patient ${patientId}` }, 'test');
    await assignPatientToGateway(records, gatewayId, patientId, 'test');
  }
  return issueGatewayCredentials(records, gatewayId, 'test');
}

/** Connects to the embedded broker as a registered gateway (client id = username = gateway id). */
export async function connectGateway(
  port: number | undefined,
  gatewayId: string,
  secret: string,
  options: mqtt.IClientOptions = {},
): Promise<MqttClient> {
  return connectClient(port, { clientId: gatewayId, username: gatewayId, password: secret, ...options });
}

/** The read-only subscriber account the integration tests configure (RPM_MQTT_SUBSCRIBER_*). */
export const SUBSCRIBER = { username: 'integration', password: 'integration-password-1' };

/** An embedded broker on a free local port with the subscriber account. */
export const MQTT_WITH_SUBSCRIBER = {
  host: '127.0.0.1',
  port: 0,
  subscriberUsername: SUBSCRIBER.username,
  subscriberPassword: SUBSCRIBER.password,
};

/**
 * Subscribes with the read-only subscriber account to every patient's alert events;
 * `events` (a new list, or one kept across server restarts) fills as they arrive,
 * validated against the contract.
 */
export async function subscribeToAlertEvents(
  port: number | undefined,
  account: { username: string; password: string },
  events: AlertEvent[] = [],
): Promise<{ client: MqttClient; events: AlertEvent[] }> {
  const client = await connectClient(port, { ...account, clientId: subscriberClientId(account) });
  await client.subscribeAsync(topics.allAlerts, { qos: 1 });
  client.on('message', (_topic, payload) => events.push(AlertEvent.parse(JSON.parse(String(payload)))));
  return { client, events };
}

export async function connectClient(
  port: number | undefined,
  options: mqtt.IClientOptions = {},
): Promise<MqttClient> {
  if (port === undefined) throw new Error('this server has no embedded broker');
  return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, ...options });
}

/** The subscriber account's own client id: its username and a suffix, as the broker requires. */
export const subscriberClientId = (account: { username: string }) =>
  `${account.username}-${Math.random().toString(16).slice(2, 10)}`;

/**
 * Reading `n` of a test pulse oximeter: SpO2 90-99 %, one every `stepMs` (1 s) from
 * `start`, with the id `{deviceId}:spo2:{n}` as the gateway makes it; `over` sets any field.
 */
export function oximeterReading(
  n: number,
  { start, stepMs = 1000, ...over }: Partial<ReadingInput> & { start: number; stepMs?: number },
): ReadingInput {
  const deviceId = over.deviceId ?? 'ox-1';
  return {
    id: `${deviceId}:spo2:${n}`,
    patientId: 'P-1',
    deviceId,
    metric: 'spo2',
    value: 90 + (n % 10),
    unit: '%',
    time: new Date(start + n * stepMs).toISOString(),
    ...over,
  };
}

/**
 * SpO2 of 86 % once a minute for the 8 minutes up to `endMs`: `general.spo2_low` (critical)
 * for a general adult. Device `ox-{patientId}` unless given; ids as the gateway makes them
 * unless `id` says otherwise.
 */
export function lowOxygen(
  patientId: string,
  { endMs = Date.now(), deviceId = `ox-${patientId}`, id = (t: number) => `${deviceId}:spo2:${t}` } = {},
): ReadingInput[] {
  return Array.from({ length: 9 }, (_, i) => endMs - (8 - i) * 60_000).map((t) => ({
    id: id(t),
    patientId,
    deviceId,
    metric: 'spo2',
    value: 86,
    unit: '%',
    time: new Date(t).toISOString(),
  }));
}
