/**
 * Cuff and scale readings through the real pipeline (MQTT to the embedded broker, stored in
 * InfluxDB, evaluated by the alerts engine, alert events out on the MQTT alerts topic), on
 * the hypertension and heart-failure templates: a week's home mean above 135/85 fires once
 * and one morning's readings never do; a severe 185/115 pages only once a second reading
 * within 15 minutes confirms it; 2.2 kg gained in 3 days fires and 1.5 kg does not.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertEvent, type ReadingInput, topics } from '../common/contract.ts';
import { createLogger } from '../common/log.ts';
import { DEMO_PASSWORD, readDemoGateways } from '../server/demo-seed.ts';
import { type RunningServer, startServer } from '../server/start-server.ts';
import {
  connectGateway,
  MQTT_WITH_SUBSCRIBER,
  SUBSCRIBER,
  subscribeToAlertEvents,
  testServerConfig,
  uniqueDatabase,
} from './helpers.ts';
import { login } from './http-session.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
/** 2026-11-24 00:00 in Karachi: the readings fall on the days before, the clock after them. */
const MIDNIGHT = Date.parse('2026-11-23T19:00:00Z');
const clockMs = MIDNIGHT + 12 * 60 * MIN;
const clock = { now: () => new Date(clockMs) };

describe('cuff and scale alerts through the real pipeline', () => {
  let server: RunningServer;
  let subscriber: MqttClient;
  let gateway: MqttClient;
  let events: AlertEvent[] = [];

  const publish = async (readings: ReadingInput[]) => {
    await gateway.publishAsync(
      topics.readings('gw-home-1'),
      JSON.stringify({ gatewayId: 'gw-home-1', sentAt: clock.now().toISOString(), readings }),
      { qos: 1 },
    );
  };
  const bp = (patientId: string, at: number, systolic: number, diastolic: number): ReadingInput => ({
    id: `cuff-${patientId}:blood_pressure:${at}`,
    patientId,
    deviceId: `cuff-${patientId}`,
    metric: 'blood_pressure',
    value: systolic,
    components: { diastolic, mean: Math.round((systolic + 2 * diastolic) / 3) },
    unit: 'mm[Hg]',
    time: new Date(at).toISOString(),
  });
  const weight = (patientId: string, at: number, kg: number): ReadingInput => ({
    id: `scale-${patientId}:body_weight:${at}`,
    patientId,
    deviceId: `scale-${patientId}`,
    metric: 'body_weight',
    value: kg,
    unit: 'kg',
    time: new Date(at).toISOString(),
  });
  /** Morning (07:30) and evening (21:00) of `daysBack` days before today, in Karachi. */
  const morning = (daysBack: number) => MIDNIGHT - daysBack * DAY + 450 * MIN;
  const evening = (daysBack: number) => MIDNIGHT - daysBack * DAY + 1260 * MIN;
  const summary = (patientId: string) =>
    events.filter((e) => e.patientId === patientId).map((e) => `${e.ruleId} ${e.severity} ${e.type}`);

  beforeAll(async () => {
    const config = testServerConfig(uniqueDatabase('spot_alerts'), {
      mode: 'demo',
      timeZone: 'Asia/Karachi',
      mqtt: MQTT_WITH_SUBSCRIBER,
      alerts: { tickSeconds: 1 },
    });
    server = await startServer(config, createLogger('test-server', config.logLevel), clock);
    ({ client: subscriber, events } = await subscribeToAlertEvents(server.mqttPort, SUBSCRIBER));
    const home = readDemoGateways(config.dataDir).find((g) => g.gatewayId === 'gw-home-1');
    if (!home) throw new Error('no demo gateway gw-home-1');
    gateway = await connectGateway(server.mqttPort, home.gatewayId, home.secret);
    const admin = await login(server.httpUrl, 'admin', DEMO_PASSWORD);
    const doctor = await login(server.httpUrl, 'dr.sana', DEMO_PASSWORD);
    for (const [id, template] of [
      ['P-3001', 'hypertension'],
      ['P-3002', 'hypertension'],
      ['P-3003', 'hypertension'],
      ['P-3004', 'hypertension'],
      ['P-3005', 'heart_failure'],
      ['P-3006', 'heart_failure'],
    ] as const) {
      expect(
        (await admin.send('POST', '/api/admin/patients', { id, displayName: `Patient ${id}` })).status,
      ).toBe(201);
      expect((await admin.send('PUT', `/api/admin/gateways/gw-home-1/patients/${id}`)).status).toBe(200);
      expect((await admin.send('PUT', `/api/admin/care-teams/ward-b/patients/${id}`)).status).toBe(200);
      expect(
        (await doctor.send('PUT', `/api/patients/${id}/care-plan`, { templates: [template], overrides: {} }))
          .status,
      ).toBe(200);
    }
  }, 60_000);

  afterAll(async () => {
    await gateway?.endAsync();
    await subscriber?.endAsync();
    await server?.close();
  });

  it("fires the week's home mean above 135/85 once, for review, and nothing from one morning's readings", async () => {
    // Morning and evening for a week at about 148/93 mmHg.
    const week = [6, 5, 4, 3, 2, 1, 0].flatMap((d) => [
      bp('P-3001', morning(d), 146 + (d % 3), 92 + (d % 2)),
      ...(d === 0 ? [] : [bp('P-3001', evening(d), 150 - (d % 3), 94 - (d % 2))]),
    ]);
    // Three readings in one morning, well above the line.
    const oneMorning = [0, 3, 6].map((m) => bp('P-3002', morning(0) + m * MIN, 170, 104));
    for (const reading of week) await publish([reading]);
    await publish(oneMorning);
    await expect
      .poll(() => summary('P-3001'), { timeout: 15_000 })
      .toEqual(['hypertension.home_mean_high info fired']);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // a tick or two later: still once
    expect(summary('P-3001')).toEqual(['hypertension.home_mean_high info fired']);
    expect(summary('P-3002')).toEqual([]);
  });

  it('pages a severe 185/115 as critical only once a second reading within 15 minutes confirms it', async () => {
    const at = morning(0);
    await publish([bp('P-3003', at, 185, 115)]);
    await publish([bp('P-3004', at, 185, 115)]);
    await publish([bp('P-3004', at + 8 * MIN, 188, 116)]);
    await expect
      .poll(() => summary('P-3004'), { timeout: 15_000 })
      .toEqual(['hypertension.severe critical fired']);
    expect(events.find((e) => e.patientId === 'P-3004')?.message).toContain('188/116');
    expect(summary('P-3003')).toEqual([]);
  });

  it('fires a weight gain of 2.2 kg in 3 days once the next weighing confirms it, and not 1.5 kg', async () => {
    const gain = [80.0, 80.9, 81.6, 82.2, 82.4];
    const slow = [80.0, 80.4, 80.9, 81.5, 81.5];
    for (const [i, kg] of gain.entries()) await publish([weight('P-3005', morning(4 - i), kg)]);
    for (const [i, kg] of slow.entries()) await publish([weight('P-3006', morning(4 - i), kg)]);
    await expect
      .poll(() => summary('P-3005'), { timeout: 15_000 })
      .toEqual(['heart.weight_gain warning fired']);
    expect(summary('P-3006')).toEqual([]);
  });
});
