import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReadingInput, RejectionMessage, topics } from '../common/contract.ts';
import type { RunningServer } from '../server/start-server.ts';
import {
  connectClient,
  connectGateway,
  registerGateway,
  startTestServer,
  uniqueDatabase,
} from './helpers.ts';
import { TEST_CERT, TEST_KEY } from './tls-fixture.ts';

const reading = (n: number, over: Partial<ReadingInput> = {}): ReadingInput => ({
  id: `hr-strap-1:heart_rate:${n}`,
  patientId: 'P100',
  deviceId: 'hr-strap-1',
  metric: 'heart_rate',
  value: 60 + n,
  unit: '/min',
  time: new Date(Date.UTC(2026, 10, 24, 8, 0, n)).toISOString(),
  ...over,
});

const batch = (readings: unknown[], gatewayId = 'GW100') =>
  JSON.stringify({ gatewayId, sentAt: new Date().toISOString(), readings });

describe('ingest through the embedded broker', () => {
  let server: RunningServer;
  let gateway: MqttClient;
  const rejections: RejectionMessage[] = [];

  beforeAll(async () => {
    server = await startTestServer(uniqueDatabase('embedded'));
    const secret = await registerGateway(server.records, 'GW100', ['P100']);
    await registerGateway(server.records, 'GW101', ['P101']);
    gateway = await connectGateway(server.mqttPort, 'GW100', secret);
    await gateway.subscribeAsync(topics.rejections('GW100'), { qos: 1 });
    gateway.on('message', (_topic, payload) =>
      rejections.push(RejectionMessage.parse(JSON.parse(payload.toString()))),
    );
  });
  afterAll(async () => {
    await gateway?.endAsync();
    await server?.close();
  });

  it('acknowledges a batch only once its readings are queryable in InfluxDB', async () => {
    await gateway.publishAsync(topics.readings('GW100'), batch([reading(1), reading(2), reading(3)]), {
      qos: 1,
    });
    // No waiting: the PUBACK itself promises storage.
    const rows = await server.influx.query("SELECT value FROM heart_rate WHERE patient = 'P100'");
    expect(rows).toEqual([
      { time: Date.parse('2026-11-24T08:00:01.000Z'), value: 61 },
      { time: Date.parse('2026-11-24T08:00:02.000Z'), value: 62 },
      { time: Date.parse('2026-11-24T08:00:03.000Z'), value: 63 },
    ]);
  });

  it('dead-letters each invalid reading with its reason and stores its valid neighbours', async () => {
    rejections.length = 0;
    const readings = [
      reading(10),
      reading(11, { value: 900 }), // outside physiological limits
      reading(12, { unit: 'mg/dL' }), // unit does not fit the metric
      { ...reading(13), time: 'yesterday' }, // not a timestamp
      reading(14, { time: new Date(Date.now() + 3_600_000).toISOString() }), // an hour in the future
      reading(15),
      reading(16, { time: '2000-01-01T00:00:16.000Z' }), // a device clock reset by a battery change
    ];
    await gateway.publishAsync(topics.readings('GW100'), batch(readings), { qos: 1 });
    const stored = await server.influx.query(
      "SELECT value FROM heart_rate WHERE patient = 'P100' AND time >= '2026-11-24T08:00:10Z'",
    );
    expect(stored.map((r) => r.value)).toEqual([70, 75]);
    const dead = await server.influx.query(
      "SELECT reason, ref, detail FROM dead_letter WHERE gateway = 'GW100'",
    );
    expect(dead.map((d) => [d.reason, d.ref])).toEqual([
      ['out_of_range', 'hr-strap-1:heart_rate:11'],
      ['unit_mismatch', 'hr-strap-1:heart_rate:12'],
      ['invalid_reading', 'hr-strap-1:heart_rate:13'],
      ['future_timestamp', 'hr-strap-1:heart_rate:14'],
      ['past_timestamp', 'hr-strap-1:heart_rate:16'],
    ]);
    await expect.poll(() => rejections.length).toBe(1);
    expect(rejections[0]?.readings.map((r) => [r.index, r.reason])).toEqual([
      [1, 'out_of_range'],
      [2, 'unit_mismatch'],
      [3, 'invalid_reading'],
      [4, 'future_timestamp'],
      [6, 'past_timestamp'],
    ]);
    expect(rejections[0]?.readings[4]?.detail).toContain('more than 3650 days before the server clock');
    expect(rejections[0]?.readings[0]?.detail).toContain(
      '900 /min is outside the physiological limits for heart_rate',
    );
  });

  it('dead-letters a blood pressure whose parts are wrong, naming the part, and stores the others', async () => {
    rejections.length = 0;
    const cuff = (n: number, over: Partial<ReadingInput>): ReadingInput => ({
      id: `cuff-1:blood_pressure:${n}`,
      patientId: 'P100',
      deviceId: 'cuff-1',
      metric: 'blood_pressure',
      value: 138,
      components: { diastolic: 88, mean: 105 },
      unit: 'mm[Hg]',
      time: new Date(Date.UTC(2026, 10, 24, 7, n)).toISOString(),
      ...over,
    });
    const readings = [
      cuff(1, {}),
      cuff(2, { value: 80, components: { diastolic: 95 } }), // diastolic above systolic
      cuff(3, { components: { diastolic: 8 } }), // diastolic outside its limits
      cuff(4, { unit: '%' }), // not a pressure
      cuff(5, { components: {} }), // no diastolic
      cuff(6, { value: 17.6, components: { diastolic: 11.2 }, unit: 'kPa' }),
    ];
    await gateway.publishAsync(topics.readings('GW100'), batch(readings), { qos: 1 });
    const stored = await server.influx.query(
      "SELECT value, diastolic, mean, reported_unit FROM blood_pressure WHERE patient = 'P100'",
    );
    expect(stored.map((r) => [r.value, r.diastolic, r.mean, r.reported_unit])).toEqual([
      [138, 88, 105, null],
      [132.01122095378108, 84.0071406069516, null, 'kPa'],
    ]);
    await expect.poll(() => rejections.length).toBe(1);
    expect(rejections[0]?.readings.map((r) => [r.index, r.reason, r.detail])).toEqual([
      [
        1,
        'invalid_reading',
        expect.stringContaining(
          'blood_pressure diastolic 95 mm[Hg] is above blood_pressure systolic 80 mm[Hg]',
        ),
      ],
      [
        2,
        'out_of_range',
        expect.stringContaining(
          '8 mm[Hg] is outside the physiological limits for blood_pressure diastolic (20-250 mm[Hg])',
        ),
      ],
      [3, 'unit_mismatch', expect.stringContaining("unit '%' does not fit metric 'blood_pressure'")],
      [
        4,
        'invalid_reading',
        expect.stringContaining('components.diastolic: blood_pressure diastolic is missing'),
      ],
    ]);
  });

  it('dead-letters a message that is not JSON and keeps the connection serving', async () => {
    rejections.length = 0;
    await gateway.publishAsync(topics.readings('GW100'), '{"gatewayId": "GW100", readings: [', { qos: 1 });
    await expect.poll(() => rejections.length).toBe(1);
    expect(rejections[0]?.message?.reason).toBe('bad_json');
    await gateway.publishAsync(topics.readings('GW100'), batch([reading(30)]), { qos: 1 });
    const rows = await server.influx.query(
      "SELECT value FROM heart_rate WHERE time = '2026-11-24T08:00:30Z'",
    );
    expect(rows.map((r) => r.value)).toEqual([90]);
  });

  it('acknowledges a batch nested 8,000 deep as a dead letter and stores the batch behind it', async () => {
    rejections.length = 0;
    const deep = `{"gatewayId":"GW100","sentAt":"2026-11-24T08:00:00Z","readings":[${'['.repeat(8000)}${']'.repeat(8000)}]}`;
    // Both go out at once; the poison one must be acknowledged (else it is resent for ever).
    await Promise.all([
      gateway.publishAsync(topics.readings('GW100'), deep, { qos: 1 }),
      gateway.publishAsync(topics.readings('GW100'), batch([reading(31)]), { qos: 1 }),
    ]);
    expect(rejections.map((r) => r.message?.detail)).toEqual([
      'payload nests more than 8 levels deep; a readings batch needs at most 8',
    ]);
    const rows = await server.influx.query(
      "SELECT value FROM heart_rate WHERE time = '2026-11-24T08:00:31Z'",
    );
    expect(rows.map((r) => r.value)).toEqual([91]);
  });

  it('refuses a batch whose gatewayId is not the one in its topic', async () => {
    rejections.length = 0;
    await gateway.publishAsync(topics.readings('GW100'), batch([reading(40)], 'GW999'), { qos: 1 });
    await expect.poll(() => rejections.length).toBe(1);
    expect(rejections[0]?.message).toMatchObject({ reason: 'topic_mismatch' });
    const rows = await server.influx.query(
      "SELECT value FROM heart_rate WHERE time = '2026-11-24T08:00:40Z'",
    );
    expect(rows).toEqual([]);
  });

  it('stores the retained gateway status as device and gateway time series', async () => {
    const status = {
      gatewayId: 'GW100',
      online: true,
      at: '2026-11-24T08:05:00.000Z',
      softwareVersion: '0.1.0',
      spooled: 3,
      devices: [
        {
          deviceId: 'hr-strap-1',
          patientId: 'P100',
          kind: 'heart_rate',
          batteryPercent: 81,
          rssi: -67,
          connected: true,
          lastSeen: '2026-11-24T08:04:59.000Z',
        },
      ],
    };
    const before = Date.now();
    await gateway.publishAsync(topics.status('GW100'), JSON.stringify(status), { qos: 1, retain: true });
    // Stored at its arrival, with the gateway's own time beside it.
    const [gatewayRow] = await server.influx.query('SELECT online, spooled, sent_at_ms FROM gateway_status');
    expect(gatewayRow).toMatchObject({ online: true, spooled: 3, sent_at_ms: Date.parse(status.at) });
    expect(Number(gatewayRow?.time)).toBeGreaterThanOrEqual(before);
    expect(await server.influx.query('SELECT battery, rssi, connected FROM device_status')).toEqual([
      { time: gatewayRow?.time, battery: 81, rssi: -67, connected: true },
    ]);
  });

  it("leaves out another home's device from a status, and a status dated 2200 keeps no gateway online", async () => {
    const foreign = {
      deviceId: 'ox-elsewhere',
      patientId: 'P101', // GW101's patient
      kind: 'pulse_oximeter',
      batteryPercent: 3,
      rssi: -80,
      connected: false,
      lastSeen: null,
    };
    const own = {
      ...foreign,
      deviceId: 'hr-strap-1',
      patientId: 'P100',
      kind: 'heart_rate',
      batteryPercent: 80,
    };
    const future = {
      gatewayId: 'GW100',
      online: true,
      at: '2200-01-01T00:00:00.000Z',
      devices: [own, foreign],
    };
    await gateway.publishAsync(topics.status('GW100'), JSON.stringify(future), { qos: 1 });
    expect(await server.influx.query("SELECT * FROM device_status WHERE patient = 'P101'")).toEqual([]);
    const [letter] = await server.influx.query(
      "SELECT reason, detail FROM dead_letter WHERE reason = 'patient_not_on_gateway' AND gateway = 'GW100'",
    );
    expect(letter?.detail).toBe(
      'devices of patients this gateway does not serve left out: ox-elsewhere (P101)',
    );
    await gateway.publishAsync(
      topics.status('GW100'),
      JSON.stringify({ gatewayId: 'GW100', online: false }),
      {
        qos: 1,
      },
    );
    expect(
      await server.influx.query("SELECT last(online) FROM gateway_status WHERE gateway = 'GW100'"),
    ).toEqual([expect.objectContaining({ last: false })]);
  });

  it("dead-letters readings for an unknown patient and for another gateway's patient", async () => {
    rejections.length = 0;
    await gateway.publishAsync(
      topics.readings('GW100'),
      batch([reading(50), reading(51, { patientId: 'P101' }), reading(52, { patientId: 'P999' })]),
      { qos: 1 },
    );
    const stored = await server.influx.query(
      "SELECT value, patient FROM heart_rate WHERE time >= '2026-11-24T08:00:50Z' AND time <= '2026-11-24T08:00:52Z'",
    );
    expect(stored).toEqual([{ time: Date.parse('2026-11-24T08:00:50Z'), value: 110, patient: 'P100' }]);
    await expect.poll(() => rejections.length).toBe(1);
    expect(rejections[0]?.readings.map((r) => [r.index, r.reason, r.detail])).toEqual([
      [1, 'patient_not_on_gateway', "patient 'P101' is not registered to gateway 'GW100'"],
      // The same answer for a code that exists nowhere: no oracle of other homes' patients.
      [2, 'patient_not_on_gateway', "patient 'P999' is not registered to gateway 'GW100'"],
    ]);
  });

  it('refuses a client without credentials, with a wrong secret, or posing as another gateway', async () => {
    await expect(connectClient(server.mqttPort, { clientId: 'GW100' })).rejects.toThrow(
      /Bad username or password/,
    );
    await expect(connectGateway(server.mqttPort, 'GW100', 'not-the-secret')).rejects.toThrow(
      /Bad username or password/,
    );
    const secret = await registerGateway(server.records, 'GW102', []);
    await expect(
      connectClient(server.mqttPort, { clientId: 'GW100', username: 'GW102', password: secret }),
    ).rejects.toThrow(/Bad username or password/);
  });

  it("disconnects a gateway that publishes to another gateway's topics and stores nothing", async () => {
    const secret = await registerGateway(server.records, 'GW103', ['P103']);
    const rogue = await connectGateway(server.mqttPort, 'GW103', secret);
    const closed = new Promise<void>((resolve) => rogue.once('close', () => resolve()));
    rogue.publish(topics.readings('GW100'), batch([reading(60)]), { qos: 1 });
    await closed;
    rogue.end(true);
    expect(
      await server.influx.query("SELECT value FROM heart_rate WHERE time = '2026-11-24T08:01:00Z'"),
    ).toEqual([]);
  });

  it("refuses a gateway's subscription outside its own rejections topic", async () => {
    for (const filter of [topics.allReadings, topics.alerts('P100'), topics.rejections('GW101')]) {
      await expect(gateway.subscribeAsync(filter, { qos: 1 })).rejects.toThrow(/Subscribe error/);
    }
  });

  it('closes the connection of a client sending a payload over the limit before storing anything', async () => {
    const secret = await registerGateway(server.records, 'GW104', ['P104']);
    const big = await connectGateway(server.mqttPort, 'GW104', secret);
    const closed = new Promise<void>((resolve) => big.once('close', () => resolve()));
    big.publish(topics.readings('GW104'), 'x'.repeat(300 * 1024), { qos: 1 });
    await closed;
    big.end(true);
  });
});

describe('the embedded broker over TLS', () => {
  it('accepts a registered gateway on the TLS listener and stores what it publishes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rpm-tls-'));
    writeFileSync(join(dir, 'cert.pem'), TEST_CERT);
    writeFileSync(join(dir, 'key.pem'), TEST_KEY);
    const server = await startTestServer(uniqueDatabase('tls'), {
      mqtt: {
        host: '127.0.0.1',
        port: 0,
        tlsPort: 0,
        tlsCertFile: join(dir, 'cert.pem'),
        tlsKeyFile: join(dir, 'key.pem'),
      },
    });
    try {
      const secret = await registerGateway(server.records, 'GW-TLS', ['P-TLS']);
      const gateway = await mqtt.connectAsync(`mqtts://127.0.0.1:${server.mqttTlsPort}`, {
        clientId: 'GW-TLS',
        username: 'GW-TLS',
        password: secret,
        ca: TEST_CERT,
        reconnectPeriod: 0,
      });
      await gateway.publishAsync(
        topics.readings('GW-TLS'),
        batch([reading(1, { patientId: 'P-TLS' })], 'GW-TLS'),
        { qos: 1 },
      );
      await gateway.endAsync();
      expect(await server.influx.query("SELECT value FROM heart_rate WHERE patient = 'P-TLS'")).toHaveLength(
        1,
      );
      // A client that does not trust the certificate never gets in.
      await expect(
        mqtt.connectAsync(`mqtts://127.0.0.1:${server.mqttTlsPort}`, {
          reconnectPeriod: 0,
          connectTimeout: 2000,
        }),
      ).rejects.toThrow(/self-signed|certificate/);
    } finally {
      await server.close();
    }
  });
});
