/**
 * A server started while InfluxDB is down (issue 14, item 8): it serves logins, the alert
 * worklist and /health at once, says on /health and on the screens that need readings that
 * InfluxDB does not answer, and opens ingest (MQTT) when InfluxDB comes up: a gateway's
 * readings are then stored and fire their alert.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../common/contract.ts';
import { createLogger } from '../common/log.ts';
import { freePort, type PrivateInfluxd, startInfluxd } from '../scripts/private-influxd.ts';
import type { ServerConfig } from '../server/config.ts';
import { DEMO_PASSWORD, readDemoGateways } from '../server/demo-seed.ts';
import { type RunningServer, startServer } from '../server/start-server.ts';
import { connectGateway, lowOxygen, testServerConfig, uniqueDatabase } from './helpers.ts';
import { type HttpSession, login } from './http-session.ts';

const POLL = { timeout: 30_000, interval: 250 };

describe('a server started while InfluxDB is down', () => {
  let port: number;
  let config: ServerConfig;
  let server: RunningServer;
  let influxd: PrivateInfluxd | undefined;
  let gateway: MqttClient | undefined;
  let nurse: HttpSession;

  beforeAll(async () => {
    port = await freePort();
    config = testServerConfig(uniqueDatabase('absent'), {
      mode: 'demo',
      influx: { url: `http://127.0.0.1:${port}`, database: 'absent', flushMs: 20 },
      alerts: { tickSeconds: 1 },
    });
    server = await startServer(config, createLogger('test-server', config.logLevel));
  }, 60_000);

  afterAll(async () => {
    await gateway?.endAsync();
    await server?.close();
    await influxd?.stop();
  });

  const health = async () => {
    const started = performance.now();
    const res = await fetch(`${server.httpUrl}/health`);
    return { status: res.status, body: await res.json(), ms: performance.now() - started };
  };

  it('serves logins, the worklist and /health while ingest waits for InfluxDB', async () => {
    expect(server.mqttPort).toBeUndefined();
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ influx: 'unreachable', broker: 'unreachable' });
    expect(down.ms).toBeLessThan(1000);
    nurse = await login(server.httpUrl, 'nurse.ayesha', DEMO_PASSWORD);
    const worklist = await nurse.get('/api/alerts?scope=active');
    expect(worklist.status).toBe(200);
    expect(await worklist.json()).toEqual({ alerts: [] });
    const ward = await nurse.get('/api/ward');
    expect(ward.status).toBe(503);
    expect((await ward.json()).message).toBe(
      'readings are unavailable right now: the readings store (InfluxDB) does not answer',
    );
  });

  it("opens ingest once InfluxDB is up: a gateway's readings are stored and fire their alert", async () => {
    influxd = await startInfluxd(mkdtempSync(join(tmpdir(), 'rpm-absent-')), { port });
    await server.ingesting;
    expect(server.mqttPort).toBeGreaterThan(0);
    await expect.poll(async () => (await health()).status, POLL).toBe(200);
    const home = readDemoGateways(config.dataDir).find((g) => g.gatewayId === 'gw-home-1');
    if (!home) throw new Error('no demo gateway gw-home-1');
    const [patientId] = home.patientIds;
    if (!patientId) throw new Error('the demo gateway serves no patient');
    gateway = await connectGateway(server.mqttPort, home.gatewayId, home.secret);
    const readings = lowOxygen(patientId, { deviceId: 'ox-absent' });
    await gateway.publishAsync(
      topics.readings(home.gatewayId),
      JSON.stringify({ gatewayId: home.gatewayId, sentAt: new Date().toISOString(), readings }),
      { qos: 1 },
    );
    await expect
      .poll(async () => {
        const { alerts } = (await (await nurse.get('/api/alerts?scope=active')).json()) as {
          alerts: { patientId: string; ruleId: string }[];
        };
        return alerts.map((a) => `${a.patientId} ${a.ruleId}`);
      }, POLL)
      .toContain(`${patientId} general.spo2_low`);
    expect((await nurse.get('/api/ward')).status).toBe(200);
  }, 90_000);
});
