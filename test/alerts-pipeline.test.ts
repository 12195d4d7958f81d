/**
 * Recorded-style traces through the real pipeline: readings published over MQTT as the
 * demo gateways do, stored in InfluxDB, evaluated by the alerts engine; alerts out on the
 * MQTT alerts topic, a signed webhook, email to a real SMTP server and the dashboard API.
 * The server runs on a test clock so escalation and silence can be shown without waiting.
 */
import { createServer, type Server } from 'node:http';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../alerts/notify/webhook-signature.ts';
import {
  type AlertEvent,
  AlertEvent as AlertEventSchema,
  type ReadingInput,
  topics,
} from '../common/contract.ts';
import { createLogger } from '../common/log.ts';
import type { ServerConfig } from '../server/config.ts';
import { DEMO_PASSWORD, readDemoGateways } from '../server/demo-seed.ts';
import { type RunningServer, startServer } from '../server/start-server.ts';
import {
  MQTT_WITH_SUBSCRIBER,
  SUBSCRIBER,
  subscribeToAlertEvents,
  testServerConfig,
  uniqueDatabase,
} from './helpers.ts';
import { type HttpSession, login } from './http-session.ts';
import { type SmtpCapture, startSmtpCapture } from './smtp-capture.ts';

const MIN = 60_000;
const WEBHOOK_SECRET = 'pipeline-webhook-secret';

/** The server's clock, moved by the test. */
let clockMs = Date.parse('2026-11-24T19:00:00Z');
const clock = { now: () => new Date(clockMs) };

describe('alerts through the real pipeline', () => {
  let config: ServerConfig;
  let server: RunningServer;
  let smtp: SmtpCapture;
  let webhook: Server;
  const hooks: { event: AlertEvent; verified: boolean }[] = [];
  const mqttEvents: AlertEvent[] = [];
  let subscriber: mqtt.MqttClient;
  let gateways: Map<string, mqtt.MqttClient>;
  let doctorA: HttpSession;
  let doctorB: HttpSession;
  let nurseA: HttpSession;

  const startPipelineServer = async () => {
    server = await startServer(config, createLogger('test-server', config.logLevel), clock);
    // One list across restarts: the events of every server this test starts.
    subscriber = (await subscribeToAlertEvents(server.mqttPort, SUBSCRIBER, mqttEvents)).client;
    const credentials = readDemoGateways(config.dataDir);
    gateways = new Map();
    for (const c of credentials) {
      gateways.set(
        c.gatewayId,
        await mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, {
          clientId: c.gatewayId,
          username: c.gatewayId,
          password: c.secret,
          reconnectPeriod: 0,
        }),
      );
    }
  };
  const stopPipelineServer = async () => {
    for (const g of gateways.values()) await g.endAsync();
    await subscriber.endAsync();
    await server.close();
  };

  /** Publishes readings as the home gateway of gw-home-1 and waits for the PUBACK (= stored). */
  const publish = async (readings: ReadingInput[], gatewayId = 'gw-home-1') => {
    const gateway = gateways.get(gatewayId);
    if (!gateway) throw new Error(`no gateway ${gatewayId}`);
    await gateway.publishAsync(
      topics.readings(gatewayId),
      JSON.stringify({ gatewayId, sentAt: clock.now().toISOString(), readings }),
      { qos: 1 },
    );
  };
  const cgm = (patientId: string, start: number, minute: number, value: number): ReadingInput => ({
    id: `cgm-${patientId}:glucose:${start + minute * MIN}`,
    patientId,
    deviceId: `cgm-${patientId}`,
    metric: 'glucose',
    value,
    unit: 'mg/dL',
    time: new Date(start + minute * MIN).toISOString(),
    context: { source: 'cgm' },
  });
  const spo2 = (
    patientId: string,
    at: number,
    value: number,
    flags: ReadingInput['flags'] = [],
  ): ReadingInput => ({
    id: `ox-${patientId}:spo2:${at}`,
    patientId,
    deviceId: `ox-${patientId}`,
    metric: 'spo2',
    value,
    unit: '%',
    time: new Date(at).toISOString(),
    flags,
  });
  /** SpO2 every 30 s from `start` for `minutes`. */
  const spo2Run = (
    patientId: string,
    start: number,
    minutes: number,
    value: number,
    flags: ReadingInput['flags'] = [],
  ) => Array.from({ length: minutes * 2 + 1 }, (_, i) => spo2(patientId, start + i * 30_000, value, flags));

  const eventsOf = (patientId: string) => mqttEvents.filter((e) => e.patientId === patientId);
  const summary = (patientId: string) => eventsOf(patientId).map((e) => `${e.ruleId} ${e.type}`);
  /** Lets the server's one-second tick see the clock where the test put it. */
  const settle = async (patientId: string, expected: string[]) => {
    await expect.poll(() => summary(patientId), { timeout: 15_000 }).toEqual(expected);
  };
  const hooked = (patientId: string) =>
    hooks.filter((h) => h.event.patientId === patientId).map((h) => `${h.event.ruleId} ${h.event.type}`);
  /**
   * Waits until the webhook has received these paging events. Call it before moving the
   * clock on: a webhook still in flight would otherwise be checked against the later clock
   * and refused as a replay (its signed timestamp minutes old).
   */
  const delivered = async (patientId: string, expected: string[]) => {
    await expect.poll(() => hooked(patientId), { timeout: 15_000 }).toEqual(expected);
  };

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        const verified = verifyWebhook(
          WEBHOOK_SECRET,
          {
            signature: String(req.headers['x-rpm-signature']),
            timestamp: String(req.headers['x-rpm-timestamp']),
          },
          body,
          Math.floor(clock.now().getTime() / 1000),
        );
        hooks.push({ event: AlertEventSchema.parse(JSON.parse(body).event), verified });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const address = webhook.address();
    const webhookUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
    config = testServerConfig(uniqueDatabase('alerts_pipeline'), {
      mode: 'demo',
      timeZone: 'Asia/Karachi',
      mqtt: MQTT_WITH_SUBSCRIBER,
      alerts: {
        tickSeconds: 1,
        criticalEscalateMinutes: 15,
        criticalRenotifyMinutes: 10,
        warningRenotifyMinutes: 30,
      },
      notify: {
        smtpUrl: smtp.url,
        emailFrom: 'alerts@clinic.invalid',
        webhookUrl,
        webhookSecret: WEBHOOK_SECRET,
        dashboardUrl: 'https://rpm.clinic.invalid',
      },
    });
    await startPipelineServer();
    const admin = await login(server.httpUrl, 'admin', DEMO_PASSWORD);
    // Demo homes: gw-home-1 serves ward A's and ward B's patients below.
    // P-2007 lives in the second demo home, whose gateway the power-cut test takes offline.
    const homeOf = (id: string) => (id === 'P-2007' ? 'gw-home-2' : 'gw-home-1');
    for (const [id, team] of [
      ['P-2001', 'ward-a'],
      ['P-2002', 'ward-b'],
      ['P-2003', 'ward-b'],
      ['P-2004', 'ward-b'],
      ['P-2005', 'ward-b'],
      ['P-2006', 'ward-b'],
      ['P-2007', 'ward-b'],
      ['P-2008', 'ward-a'],
      ['P-2009', 'ward-a'],
      ['P-2010', 'ward-a'],
    ] as const) {
      expect(
        (await admin.send('POST', '/api/admin/patients', { id, displayName: `Patient ${id}` })).status,
      ).toBe(201);
      expect((await admin.send('PUT', `/api/admin/gateways/${homeOf(id)}/patients/${id}`)).status).toBe(200);
      expect((await admin.send('PUT', `/api/admin/care-teams/${team}/patients/${id}`)).status).toBe(200);
    }
    doctorA = await login(server.httpUrl, 'dr.farooq', DEMO_PASSWORD);
    doctorB = await login(server.httpUrl, 'dr.sana', DEMO_PASSWORD);
    nurseA = await login(server.httpUrl, 'nurse.ayesha', DEMO_PASSWORD);
    expect(
      (
        await doctorA.send('PUT', '/api/patients/P-2001/care-plan', {
          templates: ['diabetes'],
          overrides: {},
        })
      ).status,
    ).toBe(200);
    expect(
      (await doctorB.send('PUT', '/api/patients/P-2002/care-plan', { templates: ['copd'], overrides: {} }))
        .status,
    ).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await stopPipelineServer();
    await smtp?.close();
    await new Promise((resolve) => webhook?.close(resolve));
  });

  it('fires a night-time CGM low once per level (level 1, level 2), escalates the unacknowledged level 2, and resolves both on recovery', async () => {
    const start = Date.parse('2026-11-24T20:00:00Z'); // 01:00 in Karachi
    // Falling about 1 mg/dL/min (not a rapid fall): below 70 from minute 35, below 54 from minute 55.
    const night = [100, 95, 90, 85, 80, 75, 70, 66, 62, 58, 55, 52, 50, 49, 48, 48, 50];
    clockMs = start + 80 * MIN + 30_000;
    await publish(night.map((v, i) => cgm('P-2001', start, i * 5, v)));
    const fired = ['diabetes.hypo_l1 fired', 'diabetes.hypo_l2 fired'];
    await settle('P-2001', fired);
    await delivered('P-2001', fired);
    const [l1, l2] = eventsOf('P-2001');
    expect(l1).toMatchObject({ severity: 'warning', value: 55, unit: 'mg/dL' }); // minute 50: 15 min below 70
    // Minute 60: the second consecutive reading below 54 (minute 55: 52) [K1][K2][NS1].
    expect(l2).toMatchObject({ severity: 'critical', value: 50, unit: 'mg/dL' });

    // Nobody acknowledges the level-2 low: reminded at 10 min, escalated at 15 min.
    clockMs += 11 * MIN;
    const reminded = [...fired, 'diabetes.hypo_l2 renotified'];
    await settle('P-2001', reminded);
    await delivered('P-2001', reminded);
    clockMs += 5 * MIN;
    const escalated = [...reminded, 'diabetes.hypo_l2 escalated'];
    await settle('P-2001', escalated);
    // The webhook got every paging event, each signed and verified.
    await delivered('P-2001', escalated);
    expect(hooks.every((h) => h.verified)).toBe(true);
    // The nurse (first in ward A's order) was paged; the escalation went to the doctor.
    await expect
      .poll(() =>
        smtp.mails
          .filter((m) => m.subject.includes('patient P-2001'))
          .map(
            (m) =>
              `${m.to.join()} ${m.subject.split(':')[0]} ${/^New alert|^Still|^Escalated/m.exec(m.text)?.[0]}`,
          ),
      )
      .toEqual([
        'nurse.ayesha@clinic.invalid [WARNING] patient P-2001 New alert',
        'nurse.ayesha@clinic.invalid [CRITICAL] patient P-2001 New alert',
        'nurse.ayesha@clinic.invalid [CRITICAL] patient P-2001 Still',
        'dr.farooq@clinic.invalid [CRITICAL] patient P-2001 Escalated',
      ]);
    const [firstMail] = smtp.mails.filter((m) => m.subject.includes('patient P-2001'));
    // The capture keeps the quoted-printable body: undo its soft line breaks (`=` at a line end).
    const firstText = firstMail?.text.replace(/=\r?\n/g, '');
    expect(firstText).toContain('Reading: 55 mg/dL');
    expect(firstText).toContain('https://rpm.clinic.invalid/patients/P-2001');

    // The nurse acknowledges the level-1 alert from the worklist.
    const ack = await nurseA.send('POST', `/api/alerts/${l1?.alertId}/acknowledge`, {
      note: 'called, eating',
    });
    expect(ack.status).toBe(200);
    expect(((await ack.json()) as { alert: { state: string; acknowledgedBy: string } }).alert).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'nurse.ayesha',
    });

    // Glucose recovers; each alert resolves once its clear level has held 15 minutes.
    const recovery = [60, 68, 72, 78, 85, 90, 95, 100];
    clockMs = start + 120 * MIN + 30_000;
    await publish(recovery.map((v, i) => cgm('P-2001', start, 85 + i * 5, v)));
    await settle('P-2001', [
      ...escalated,
      'diabetes.hypo_l1 acknowledged',
      'diabetes.hypo_l2 resolved',
      'diabetes.hypo_l1 resolved',
    ]);
    // 54 or more held from minute 85 (60) to minute 100 (78) clears the level-2 low.
    const resolvedValues = eventsOf('P-2001')
      .filter((e) => e.ruleId === 'diabetes.hypo_l2' && e.type === 'resolved')
      .map((e) => e.value);
    expect(resolvedValues).toEqual([78]);

    // The acknowledgement and the resolution are updates, not pages: none went to the webhook.
    expect(hooked('P-2001')).toEqual(escalated);
  });

  it('raises a no-data alert when the CGM stops sending, and clears it when data returns', async () => {
    const start = Date.parse('2026-11-25T08:00:00Z');
    clockMs = start + 10 * MIN;
    await publish([0, 5, 10].map((m) => cgm('P-2001', start, m, 120)));
    clockMs = start + 10 * MIN + 31 * MIN;
    await expect
      .poll(() => summary('P-2001').filter((s) => s.startsWith('diabetes.cgm_stale')))
      .toEqual(['diabetes.cgm_stale fired']);
    clockMs += MIN;
    await publish([cgm('P-2001', start, 42, 118)]);
    await expect
      .poll(() => summary('P-2001').filter((s) => s.startsWith('diabetes.cgm_stale')))
      .toEqual(['diabetes.cgm_stale fired', 'diabetes.cgm_stale resolved']);
  });

  it('fires nothing for a brief SpO2 dip shorter than the sustained duration', async () => {
    const start = Date.parse('2026-11-25T10:00:00Z');
    clockMs = start + 6 * MIN;
    await publish([...spo2Run('P-2003', start, 3, 88), ...spo2Run('P-2003', start + 3.5 * MIN, 2, 97)]);
    clockMs += 5 * MIN;
    await new Promise((r) => setTimeout(r, 2500)); // two ticks on the moved clock
    expect(summary('P-2003')).toEqual([]);
  });

  it('leaves a COPD patient at 89 % alone while a general patient at 89 % fires', async () => {
    const start = Date.parse('2026-11-25T11:00:00Z');
    clockMs = start + 10 * MIN + 30_000;
    await publish([...spo2Run('P-2002', start, 10, 89), ...spo2Run('P-2003', start, 10, 89)]);
    await settle('P-2003', ['general.spo2_low fired']);
    expect(eventsOf('P-2003')[0]).toMatchObject({ severity: 'critical', value: 89 });
    expect(summary('P-2002')).toEqual([]);
  });

  it('fires nothing on readings the device flagged as unreliable', async () => {
    const start = Date.parse('2026-11-25T12:00:00Z');
    clockMs = start + 10 * MIN + 30_000;
    await publish([
      ...spo2Run('P-2004', start, 10, 84, ['signal_fault']),
      ...spo2Run('P-2004', start + 10.5 * MIN, 0, 97),
    ]);
    clockMs += MIN;
    await new Promise((r) => setTimeout(r, 2500));
    expect(summary('P-2004')).toEqual([]);
  });

  it("tells the care team when a COPD patient's oximeter has sent only faulty readings for 15 minutes", async () => {
    const start = Date.parse('2026-11-26T12:00:00Z');
    clockMs = start + 20 * MIN + 10_000;
    await publish(spo2Run('P-2002', start, 20, 84, ['signal_fault']));
    await settle('P-2002', ['general.spo2_unmonitored fired']);
    expect(eventsOf('P-2002')[0]?.message).toBe(
      'SpO2 cannot be monitored: ox-P-2002 reports signal_fault since 26 Nov, 17:00 GMT+5, and no reliable SpO2 reading since.',
    );
    clockMs += MIN;
    await publish([spo2('P-2002', clockMs - 30_000, 91)]);
    await settle('P-2002', ['general.spo2_unmonitored fired', 'general.spo2_unmonitored resolved']);
  });

  it('a six-hour power cut: one offline alert, no device alert (also across a server restart), and the night-time low as one review item that paged nobody', async () => {
    const start = Date.parse('2026-11-27T18:00:00Z'); // 23:00 in Karachi
    clockMs = start;
    doctorB = await login(server.httpUrl, 'dr.sana', DEMO_PASSWORD);
    const plan = { templates: ['diabetes', 'copd'], overrides: {} };
    expect((await doctorB.send('PUT', '/api/patients/P-2007/care-plan', plan)).status).toBe(200);
    const [credentials] = readDemoGateways(config.dataDir).filter((c) => c.gatewayId === 'gw-home-2');
    if (!credentials) throw new Error('test setup: no gw-home-2');
    const status = (online: boolean, spooled: number) =>
      JSON.stringify({ gatewayId: 'gw-home-2', online, at: clock.now().toISOString(), spooled, devices: [] });
    const home = () =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${server.mqttPort}`, {
        clientId: 'gw-home-2',
        username: 'gw-home-2',
        password: credentials.secret,
        reconnectPeriod: 0,
        will: {
          topic: topics.status('gw-home-2'),
          payload: Buffer.from(JSON.stringify({ gatewayId: 'gw-home-2', online: false })),
          qos: 1,
          retain: true,
        },
      });
    const send = async (client: mqtt.MqttClient, readings: ReadingInput[]) =>
      client.publishAsync(
        topics.readings('gw-home-2'),
        JSON.stringify({ gatewayId: 'gw-home-2', sentAt: clock.now().toISOString(), readings }),
        { qos: 1 },
      );
    const oximeter = (at: number): ReadingInput => ({ ...spo2('P-2007', at, 96), deviceId: 'ox-P-2007' });
    // A CGM and an oximeter every 5 minutes, a low from 02:00 to 02:40 in Karachi.
    const glucose = (minute: number) =>
      minute < 150 ? 110 : minute < 180 ? Math.round(110 - 1.6 * (minute - 150)) : minute < 220 ? 62 : 110;
    const household = (from: number, to: number) =>
      Array.from({ length: (to - from) / 5 }, (_, i) => from + i * 5).flatMap((minute) => [
        cgm('P-2007', start, minute, glucose(minute)),
        oximeter(start + minute * MIN),
      ]);

    let gateway = await home();
    await gateway.publishAsync(topics.status('gw-home-2'), status(true, 0), { qos: 1, retain: true });
    await send(gateway, household(-30, 5));
    // The power goes: the connection drops without a DISCONNECT, and the broker sends the will.
    gateway.stream.destroy();
    await new Promise((r) => setTimeout(r, 1500));
    clockMs = start + 3 * 60 * MIN;
    await settle('P-2007', ['general.gateway_offline fired']);
    const [offline] = eventsOf('P-2007');
    expect(offline).toMatchObject({ severity: 'info' });
    expect(offline?.message).toMatch(
      /^Home gateway offline: gw-home-2 offline since 27 Nov, 23:0\d GMT\+5: power or internet/,
    );

    // The server restarts in the middle of the outage: the gateway is still offline, and
    // still explains the CGM's silence.
    await stopPipelineServer();
    await startPipelineServer();
    clockMs = start + 6 * 60 * MIN;
    await new Promise((r) => setTimeout(r, 2500));
    expect(summary('P-2007')).toEqual(['general.gateway_offline fired']);

    // The power is back: the gateway reconnects, says how much it spooled, sends it, catches up.
    doctorB = await login(server.httpUrl, 'dr.sana', DEMO_PASSWORD);
    const backlog = household(5, 360);
    gateway = await home();
    await gateway.publishAsync(topics.status('gw-home-2'), status(true, backlog.length), {
      qos: 1,
      retain: true,
    });
    await send(gateway, backlog);
    await gateway.publishAsync(topics.status('gw-home-2'), status(true, 0), { qos: 1, retain: true });
    await settle('P-2007', [
      'general.gateway_offline fired',
      'general.gateway_offline resolved',
      'diabetes.hypo_l1 fired',
      'diabetes.hypo_l1 resolved',
    ]);
    const alerts = (await (await doctorB.get('/api/alerts?scope=recent&patientId=P-2007')).json()) as {
      alerts: { ruleId: string; arrivedLate: boolean }[];
    };
    expect(alerts.alerts.find((a) => a.ruleId === 'diabetes.hypo_l1')?.arrivedLate).toBe(true);
    await new Promise((r) => setTimeout(r, 2500));
    expect(hooked('P-2007')).toEqual([]);
    expect(smtp.mails.filter((m) => m.subject.includes('patient P-2007'))).toEqual([]);
    await gateway.endAsync();
  });

  it('fires a CGM low that a phone app sends newest first, one reading per message, as it would in order', async () => {
    const start = Date.parse('2026-11-28T02:00:00Z');
    clockMs = start + 31 * MIN;
    doctorA = await login(server.httpUrl, 'dr.farooq', DEMO_PASSWORD);
    const plan = { templates: ['diabetes'], overrides: {} };
    expect((await doctorA.send('PUT', '/api/patients/P-2008/care-plan', plan)).status).toBe(200);
    const low = [5, 10, 15, 20, 25, 30].map((minute) => cgm('P-2008', start, minute, 64));
    for (const reading of [...low].reverse()) await publish([reading]);
    await settle('P-2008', ['diabetes.hypo_l1 fired']);
    await delivered('P-2008', ['diabetes.hypo_l1 fired']);
    // After a restart the stored readings, replayed in time order, agree: nothing fires again.
    await stopPipelineServer();
    await startPipelineServer();
    await new Promise((r) => setTimeout(r, 2500));
    expect(summary('P-2008')).toEqual(['diabetes.hypo_l1 fired']);
  });

  it("compares a CGM in mmol/L against the guideline's own mmol/L level, and alerts on a sparse but persistent low", async () => {
    const start = Date.parse('2026-11-28T06:00:00Z');
    clockMs = start;
    doctorA = await login(server.httpUrl, 'dr.farooq', DEMO_PASSWORD);
    const plan = { templates: ['diabetes'], overrides: {} };
    expect((await doctorA.send('PUT', '/api/patients/P-2009/care-plan', plan)).status).toBe(200);
    const mmol = (minute: number, value: number): ReadingInput => ({
      ...cgm('P-2009', start, minute, value),
      unit: 'mmol/L',
    });
    /** As a CGM sends: each reading on its own, half a minute after it was taken. */
    const live = async (readings: ReadingInput[]) => {
      for (const reading of readings) {
        clockMs = Date.parse(reading.time) + 30_000;
        await publish([reading]);
      }
    };
    // 13.9 mmol/L held 70 minutes is at "above 13.9 mmol/L (250 mg/dL)", not above it.
    await live(Array.from({ length: 15 }, (_, i) => mmol(i * 5, 13.9)));
    await new Promise((r) => setTimeout(r, 2500));
    expect(summary('P-2009')).toEqual([]);
    // 14.0 for the next 70 minutes is above it.
    await live(Array.from({ length: 15 }, (_, i) => mmol(71 + i * 5, 14.0)));
    await settle('P-2009', ['diabetes.hyper_l2 fired']);
    expect(eventsOf('P-2009')[0]).toMatchObject({ value: 14, unit: 'mmol/L' });
    // Back in range, then a CGM losing packets: 58 mg/dL every 15 minutes for an hour.
    await live([mmol(150, 8), mmol(155, 7.5)]);
    await settle('P-2009', ['diabetes.hyper_l2 fired', 'diabetes.hyper_l2 resolved']);
    await live([175, 190, 205, 220, 235].map((minute) => cgm('P-2009', start, minute, 58)));
    // Fired at 190 (15 min below 70), reminded 30 min later while nobody acknowledges it.
    await settle('P-2009', [
      'diabetes.hyper_l2 fired',
      'diabetes.hyper_l2 resolved',
      'diabetes.hypo_l1 fired',
      'diabetes.hypo_l1 renotified',
    ]);
  });

  it('tells the nurse when a prescribed evening blood pressure is not taken, and clears with the next reading', async () => {
    const morning = Date.parse('2026-11-29T02:10:00Z'); // 07:10 in Karachi
    clockMs = morning + MIN;
    doctorA = await login(server.httpUrl, 'dr.farooq', DEMO_PASSWORD);
    const plan = {
      templates: ['hypertension'],
      overrides: { 'hypertension.bp_schedule': { enabled: true } },
    };
    expect((await doctorA.send('PUT', '/api/patients/P-2010/care-plan', plan)).status).toBe(200);
    const cuff = (at: number): ReadingInput => ({
      id: `cuff-P-2010:blood_pressure:${at}`,
      patientId: 'P-2010',
      deviceId: 'cuff-P-2010',
      metric: 'blood_pressure',
      value: 138,
      components: { diastolic: 86 },
      unit: 'mm[Hg]',
      time: new Date(at).toISOString(),
    });
    await publish([cuff(morning)]);
    // 19:00 passes; at 21:00 the window closes with no reading.
    clockMs = Date.parse('2026-11-29T15:59:00Z');
    await new Promise((r) => setTimeout(r, 2500));
    expect(summary('P-2010')).toEqual([]);
    clockMs = Date.parse('2026-11-29T16:00:30Z');
    await settle('P-2010', ['hypertension.bp_schedule fired']);
    expect(eventsOf('P-2010')[0]?.message).toContain('prescribed at 29 Nov, 19:00 GMT+5');
    clockMs += 20 * MIN;
    await publish([cuff(clockMs - MIN)]);
    await settle('P-2010', ['hypertension.bp_schedule fired', 'hypertension.bp_schedule resolved']);
  });

  it('records a night-time low whose readings arrived after a power cut for review, paging nobody, also after a restart', async () => {
    const start = Date.parse('2026-11-26T20:00:00Z'); // 01:00 in Karachi
    clockMs = start + 420 * MIN + 30_000;
    doctorB = await login(server.httpUrl, 'dr.sana', DEMO_PASSWORD); // the earlier session has expired
    expect(
      (
        await doctorB.send('PUT', '/api/patients/P-2006/care-plan', {
          templates: ['diabetes'],
          overrides: {},
        })
      ).status,
    ).toBe(200);
    // Below 70 from minute 35, below 54 from minute 55, back at 100 by minute 120; then
    // steady until the gateway is back at minute 420 with its whole backlog.
    const values = [100, 95, 90, 85, 80, 75, 70, 66, 62, 58, 55, 52, 50, 49, 48, 48, 50];
    const recovery = [60, 68, 72, 78, 85, 90, 95, 100];
    const steady = Array.from({ length: 59 }, () => 100);
    const backlog = [...values, ...recovery, ...steady].map((v, i) => cgm('P-2006', start, i * 5, v));
    await publish(backlog);
    const episode = [
      'diabetes.hypo_l1 fired',
      'diabetes.hypo_l2 fired',
      'diabetes.hypo_l2 resolved',
      'diabetes.hypo_l1 resolved',
    ];
    await settle('P-2006', episode);
    const recent = async () =>
      (
        (await (await doctorB.get('/api/alerts?scope=recent&patientId=P-2006')).json()) as {
          alerts: {
            ruleId: string;
            state: string;
            arrivedLate: boolean;
            episodeStart: string;
            message: string;
          }[];
        }
      ).alerts;
    const review = await recent();
    expect(review.map((a) => [a.ruleId, a.state, a.arrivedLate]).sort()).toEqual([
      ['diabetes.hypo_l1', 'resolved', true],
      ['diabetes.hypo_l2', 'resolved', true],
    ]);
    // The worklist says when it happened (06:35 in Karachi, 5 h 45 min before it arrived).
    const l1 = review.find((a) => a.ruleId === 'diabetes.hypo_l1');
    expect(l1?.episodeStart).toBe(new Date(start + 35 * MIN).toISOString());
    expect(l1?.message).toMatch(
      /^Happened while the readings were in transit \(a gateway offline, or the server restarting\)/,
    );
    // Nobody was paged: no webhook, no email for this patient.
    await new Promise((r) => setTimeout(r, 2500));
    expect(hooked('P-2006')).toEqual([]);
    expect(smtp.mails.filter((m) => m.subject.includes('patient P-2006'))).toEqual([]);
    // A restart replays the same readings from InfluxDB: nothing fires again.
    await stopPipelineServer();
    await startPipelineServer();
    doctorB = await login(server.httpUrl, 'dr.sana', DEMO_PASSWORD);
    await new Promise((r) => setTimeout(r, 2500));
    expect(summary('P-2006')).toEqual(episode);
    expect((await recent()).map((a) => [a.ruleId, a.state, a.arrivedLate]).sort()).toEqual([
      ['diabetes.hypo_l1', 'resolved', true],
      ['diabetes.hypo_l2', 'resolved', true],
    ]);
  });

  it('neither duplicates nor loses an alert across a restart in the middle of an episode', async () => {
    const start = Date.parse('2026-11-25T13:00:00Z');
    // Three minutes of 89 % (the general rule needs five), then the server restarts.
    clockMs = start + 3 * MIN + 10_000;
    await publish(spo2Run('P-2005', start, 3, 89));
    await new Promise((r) => setTimeout(r, 1500));
    expect(summary('P-2005')).toEqual([]);
    const firedBefore = mqttEvents.filter((e) => e.type === 'fired').length;
    await stopPipelineServer();
    await startPipelineServer();
    doctorB = await login(server.httpUrl, 'dr.sana', DEMO_PASSWORD);
    // The episode goes on after the restart and fires on time: at minute 5.
    clockMs = start + 6 * MIN + 10_000;
    await publish(spo2Run('P-2005', start + 3.5 * MIN, 2.5, 89));
    await settle('P-2005', ['general.spo2_low fired']);
    expect(Date.parse(eventsOf('P-2005')[0]?.at ?? '')).toBe(clockMs);
    // Nothing fired before the restart fired again after it.
    await new Promise((r) => setTimeout(r, 2500));
    expect(mqttEvents.filter((e) => e.type === 'fired').length).toBe(firedBefore + 1);
    // And the alert of the earlier test that was still active is still there.
    const active = (await (await doctorB.get('/api/alerts?scope=active')).json()) as {
      alerts: { patientId: string; ruleId: string; state: string }[];
    };
    expect(active.alerts.map((a) => `${a.patientId} ${a.ruleId} ${a.state}`)).toContain(
      'P-2003 general.spo2_low firing',
    );
  });
});
