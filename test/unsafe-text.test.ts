/**
 * One character must not stop a clinic (issue 14, item 1): a reading whose id holds a NUL or
 * half a character (a lone surrogate), sent by a registered gateway, used to make the
 * records database refuse the alert it fired, and the alerts service retried that step
 * forever; after a restart the rebuild met the same reading and the server never opened.
 * Now the contract refuses such text at the boundary, naming the field: the reading is
 * dead-lettered, every other patient's alert fires, a NUL in a nurse's note is a 400, and
 * the server restarts and serves.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RejectionMessage, topics } from '../common/contract.ts';
import { createLogger } from '../common/log.ts';
import type { ServerConfig } from '../server/config.ts';
import { DEMO_PASSWORD, readDemoGateways } from '../server/demo-seed.ts';
import { type RunningServer, startServer } from '../server/start-server.ts';
import { connectGateway, lowOxygen, testServerConfig, uniqueDatabase } from './helpers.ts';
import { type HttpSession, login } from './http-session.ts';

const POLL = { timeout: 30_000, interval: 250 };

describe('text that cannot be stored', () => {
  let config: ServerConfig;
  let server: RunningServer;
  let gateway: MqttClient;
  let nurse: HttpSession;
  const rejections: RejectionMessage[] = [];

  beforeAll(async () => {
    config = testServerConfig(uniqueDatabase('unsafe_text'), { mode: 'demo', alerts: { tickSeconds: 1 } });
    server = await startServer(config, createLogger('test-server', config.logLevel));
    const admin = await login(server.httpUrl, 'admin', DEMO_PASSWORD);
    for (const id of ['P-4001', 'P-4002']) {
      expect(
        (await admin.send('POST', '/api/admin/patients', { id, displayName: `Patient ${id}` })).status,
      ).toBe(201);
      expect((await admin.send('PUT', `/api/admin/gateways/gw-home-1/patients/${id}`)).status).toBe(200);
      expect((await admin.send('PUT', `/api/admin/care-teams/ward-a/patients/${id}`)).status).toBe(200);
    }
    const home = readDemoGateways(config.dataDir).find((g) => g.gatewayId === 'gw-home-1');
    if (!home) throw new Error('no demo gateway gw-home-1');
    gateway = await connectGateway(server.mqttPort, home.gatewayId, home.secret);
    await gateway.subscribeAsync(topics.rejections('gw-home-1'), { qos: 1 });
    gateway.on('message', (_topic, payload) =>
      rejections.push(RejectionMessage.parse(JSON.parse(payload.toString()))),
    );
    nurse = await login(server.httpUrl, 'nurse.ayesha', DEMO_PASSWORD);
  }, 60_000);

  afterAll(async () => {
    await gateway?.endAsync();
    await server?.close();
  });

  const activeAlerts = async () =>
    (
      (await (await nurse.get('/api/alerts?scope=active')).json()) as {
        alerts: { alertId: string; patientId: string; ruleId: string }[];
      }
    ).alerts;

  it('dead-letters a reading whose id holds a NUL or half a character, naming the field; every other alert fires', async () => {
    const poisoned = [
      ...lowOxygen('P-4001', { id: (t) => `ox-P-4001:spo2:${t}\u0000` }),
      ...lowOxygen('P-4001', { id: (t) => `ox-P-4001:spo2:${t}\ud800` }),
    ];
    const clean = lowOxygen('P-4002');
    await gateway.publishAsync(
      topics.readings('gw-home-1'),
      JSON.stringify({
        gatewayId: 'gw-home-1',
        sentAt: new Date().toISOString(),
        readings: [...poisoned, ...clean],
      }),
      { qos: 1 },
    );
    await expect.poll(() => rejections.flatMap((r) => r.readings).length, POLL).toBe(poisoned.length);
    const details = rejections.flatMap((r) => r.readings).map((r) => [r.reason, r.detail]);
    expect(details[0]).toEqual([
      'invalid_reading',
      expect.stringContaining('id: contains a NUL character (U+0000)'),
    ]);
    expect(details.at(-1)).toEqual([
      'invalid_reading',
      expect.stringContaining('id: contains half of a character (lone surrogate U+D800)'),
    ]);
    await expect
      .poll(async () => (await activeAlerts()).map((a) => `${a.patientId} ${a.ruleId}`), POLL)
      .toEqual(['P-4002 general.spo2_low']);
    expect(await server.influx.query("SELECT count(value) FROM spo2 WHERE patient = 'P-4001'")).toEqual([]);
  });

  it("refuses a NUL in a nurse's note with 400 naming the note, then takes a clean one", async () => {
    const [alert] = await activeAlerts();
    if (!alert) throw new Error('no alert to acknowledge');
    const refused = await nurse.send('POST', `/api/alerts/${alert.alertId}/acknowledge`, {
      note: 'seen\u0000',
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain('note');
    const accepted = await nurse.send('POST', `/api/alerts/${alert.alertId}/acknowledge`, {
      note: 'Seen, called',
    });
    expect(accepted.status).toBe(200);
  });

  it('starts again on the same data and serves: the alert still there, health ok', async () => {
    await gateway.endAsync();
    await server.close();
    server = await startServer(config, createLogger('test-server', config.logLevel));
    expect((await fetch(`${server.httpUrl}/health`)).status).toBe(200);
    nurse = await login(server.httpUrl, 'nurse.ayesha', DEMO_PASSWORD);
    expect((await activeAlerts()).map((a) => `${a.patientId} ${a.ruleId}`)).toEqual([
      'P-4002 general.spo2_low',
    ]);
  }, 60_000);
});
