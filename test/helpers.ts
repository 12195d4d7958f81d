/** Shared test plumbing: the private influxd, a fresh database per test file, an in-process server. */
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { inject } from 'vitest';
import { createLogger } from '../common/log.ts';
import { connectInflux, type InfluxConnection } from '../ingest/influx-connection.ts';
import { ServerConfig } from '../server/config.ts';
import { type RunningServer, startServer } from '../server/start-server.ts';

export const influxUrl = (): string => inject('influxUrl');

/** A database name no other test uses, so files run in any order and in parallel. */
export function uniqueDatabase(label: string): string {
  return `test_${label.replace(/[^a-z0-9]/gi, '_')}_${randomBytes(4).toString('hex')}`;
}

export async function influxFor(database: string): Promise<InfluxConnection> {
  return connectInflux({ url: influxUrl(), database }, { createDatabase: true });
}

export function testServerConfig(database: string, overrides: Record<string, unknown> = {}): ServerConfig {
  return ServerConfig.parse({
    logLevel: 'silent',
    dataDir: `/tmp/${database}`,
    http: { host: '127.0.0.1', port: 0 },
    mqtt: { host: '127.0.0.1', port: 0 },
    influx: { url: influxUrl(), database, flushMs: 20 },
    ...overrides,
  });
}

export async function startTestServer(
  database: string,
  overrides: Record<string, unknown> = {},
): Promise<RunningServer> {
  const config = testServerConfig(database, overrides);
  return startServer(config, createLogger('test-server', config.logLevel));
}

export async function connectClient(
  port: number | undefined,
  options: mqtt.IClientOptions = {},
): Promise<MqttClient> {
  if (port === undefined) throw new Error('this server has no embedded broker');
  return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, ...options });
}
