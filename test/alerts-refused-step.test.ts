/**
 * No poison step (issue 14): a step of the alerts engine that the records database refuses
 * for good is isolated to the patient it belongs to. The other patients' alerts fire, the
 * refused patient is named on /health, a restart on the same data starts and serves, and
 * the patient's alerts are stored again once the database takes them. One bad stored row
 * (an alert, a care plan) never keeps the server from starting.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReadingInput, topics } from '../common/contract.ts';
import { createLogger } from '../common/log.ts';
import type { ServerConfig } from '../server/config.ts';
import { DEMO_PASSWORD, readDemoGateways } from '../server/demo-seed.ts';
import { type RunningServer, startServer } from '../server/start-server.ts';
import { connectGateway, lowOxygen, testServerConfig, uniqueDatabase } from './helpers.ts';
import { type HttpSession, login } from './http-session.ts';

const POLL = { timeout: 30_000, interval: 250 };
/** A database rule the alerts engine cannot satisfy for one patient: its writes fail for good. */
const REFUSE = "ALTER TABLE alerts ADD CONSTRAINT refuses_p4101 CHECK (patient_id <> 'P-4101')";

describe('a step the records database refuses', () => {
  let config: ServerConfig;
  let server: RunningServer;
  let gateway: MqttClient;
  let nurse: HttpSession;
  let doctor: HttpSession;

  const start = async () => {
    server = await startServer(config, createLogger('test-server', config.logLevel));
    const home = readDemoGateways(config.dataDir).find((g) => g.gatewayId === 'gw-home-1');
    if (!home) throw new Error('no demo gateway gw-home-1');
    gateway = await connectGateway(server.mqttPort, home.gatewayId, home.secret);
    nurse = await login(server.httpUrl, 'nurse.ayesha', DEMO_PASSWORD);
    doctor = await login(server.httpUrl, 'dr.farooq', DEMO_PASSWORD);
  };
  const stop = async () => {
    await gateway.endAsync();
    await server.close();
  };

  beforeAll(async () => {
    config = testServerConfig(uniqueDatabase('refused_step'), { mode: 'demo', alerts: { tickSeconds: 1 } });
    server = await startServer(config, createLogger('test-server', config.logLevel));
    const admin = await login(server.httpUrl, 'admin', DEMO_PASSWORD);
    for (const id of ['P-4101', 'P-4102', 'P-4103']) {
      expect(
        (await admin.send('POST', '/api/admin/patients', { id, displayName: `Patient ${id}` })).status,
      ).toBe(201);
      expect((await admin.send('PUT', `/api/admin/gateways/gw-home-1/patients/${id}`)).status).toBe(200);
      expect((await admin.send('PUT', `/api/admin/care-teams/ward-a/patients/${id}`)).status).toBe(200);
    }
    await server.close();
    await start();
  }, 60_000);

  afterAll(async () => {
    await gateway?.endAsync();
    await server?.close();
  });

  const publish = (readings: ReadingInput[]) =>
    gateway.publishAsync(
      topics.readings('gw-home-1'),
      JSON.stringify({ gatewayId: 'gw-home-1', sentAt: new Date().toISOString(), readings }),
      { qos: 1 },
    );
  const activeAlerts = async () =>
    (
      (await (await nurse.get('/api/alerts?scope=active')).json()) as {
        alerts: { patientId: string; ruleId: string }[];
      }
    ).alerts
      .map((a) => `${a.patientId} ${a.ruleId}`)
      .sort();
  const health = async () => {
    const res = await fetch(`${server.httpUrl}/health`);
    return { status: res.status, body: (await res.json()) as { alerts?: string } };
  };

  it("stores the other patients' alerts and names the refused patient on /health", async () => {
    await server.records.query(REFUSE);
    await publish([...lowOxygen('P-4101'), ...lowOxygen('P-4102')]);
    await expect.poll(activeAlerts, POLL).toEqual(['P-4102 general.spo2_low']);
    await expect.poll(async () => (await health()).status, POLL).toBe(503);
    expect((await health()).body.alerts).toMatch(
      /refused the last step of 1 patient\(s\), P-4101 first, since .*refuses_p4101/,
    );
    // Later steps go on.
    await publish(lowOxygen('P-4103'));
    await expect.poll(activeAlerts, POLL).toEqual(['P-4102 general.spo2_low', 'P-4103 general.spo2_low']);
  });

  it('starts again on the same data and serves, still naming the refused patient', async () => {
    await stop();
    await start();
    expect(await activeAlerts()).toEqual(['P-4102 general.spo2_low', 'P-4103 general.spo2_low']);
    expect((await health()).body.alerts).toContain('P-4101');
  }, 60_000);

  it("stores the patient's alert once the database takes it, and /health is ok again", async () => {
    await server.records.query('ALTER TABLE alerts DROP CONSTRAINT refuses_p4101');
    // The low goes on: the next minutes' readings (the refused steps were not kept).
    await publish(lowOxygen('P-4101'));
    await expect
      .poll(activeAlerts, POLL)
      .toEqual(['P-4101 general.spo2_low', 'P-4102 general.spo2_low', 'P-4103 general.spo2_low']);
    await expect.poll(async () => (await health()).status, POLL).toBe(200);
  });

  it('starts with an unreadable stored alert and care plan: the rest served, the plan back to the defaults', async () => {
    await server.records.query(
      `INSERT INTO alerts (alert_id, patient_id, rule_id, severity, state, fired_at, updated_at, record)
       VALUES ('written-by-another-version', 'P-4102', 'general.spo2_low', 'critical', 'firing', now(), now(), '{"nonsense": true}')`,
    );
    await server.records.query(
      `INSERT INTO care_plans (patient_id, plan, updated_at, updated_by)
       VALUES ('P-4103', '{"patientId": "P-4103", "templates": ["a_template_that_is_gone"], "overrides": {}}', now(), 'dr.farooq')`,
    );
    await stop();
    await start();
    expect(await activeAlerts()).toEqual([
      'P-4101 general.spo2_low',
      'P-4102 general.spo2_low',
      'P-4103 general.spo2_low',
    ]);
    const plan = (await (await doctor.get('/api/patients/P-4103/care-plan')).json()) as {
      templates: string[];
    };
    expect(plan.templates).toEqual(['general_adult']);
    expect((await health()).status).toBe(200);
  }, 60_000);
});
