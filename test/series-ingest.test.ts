/**
 * Compact batches through the real server (issue 16): a batch of series and its v1 JSON
 * equivalent store identical points in InfluxDB; a series sent again, over a new
 * connection, is stored once; a truncated, malformed or oversized batch is refused with a
 * reason and loses no valid neighbour.
 */
import { Encoder } from 'cbor-x';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReadingInput, RejectionMessage, topics } from '../common/contract.ts';
import { encodeSeriesBatch } from '../common/series-batch.ts';
import type { RunningServer } from '../server/start-server.ts';
import { connectGateway, registerGateway, startTestServer, uniqueDatabase } from './helpers.ts';

const START = Date.now() - 60 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const POLL = { timeout: 15_000, interval: 100 };

/** A morning at home: a strap and an oximeter streaming, two meter tests, a cuff reading. */
const morning: ReadingInput[] = [
  ...Array.from({ length: 20 }, (_, n): ReadingInput[] => [
    {
      id: `hr-1:heart_rate:${START + n * 1000}`,
      patientId: 'P-S1',
      deviceId: 'hr-1',
      metric: 'heart_rate',
      value: 70 + (n % 4),
      unit: '/min',
      time: iso(START + n * 1000),
      ...(n === 5 && { flags: ['no_sensor_contact' as const] }),
      context: { rrIntervalsMs: [860 - n, 850], bodySensorLocation: 'chest' },
    },
    {
      id: `ox-1:spo2:${START + n * 1000}`,
      patientId: 'P-S1',
      deviceId: 'ox-1',
      metric: 'spo2',
      value: 94 + (n % 3),
      unit: '%',
      time: iso(START + n * 1000),
    },
  ]).flat(),
  ...[112, 64].map(
    (value, n): ReadingInput => ({
      id: `meter-1:glucose:${41 + n}:2026112407${30 + n}00`,
      patientId: 'P-S1',
      deviceId: 'meter-1',
      metric: 'glucose',
      value,
      unit: 'mg/dL',
      time: iso(START + 30 * 60_000 + n * 22 * 60_000),
      context: { source: 'meter', mealContext: n ? 'preprandial' : 'fasting', sequenceNumber: 41 + n },
    }),
  ),
  {
    id: `cuff-1:blood_pressure:${START}`,
    patientId: 'P-S1',
    deviceId: 'cuff-1',
    metric: 'blood_pressure',
    value: 142,
    components: { diastolic: 91, mean: 108 },
    unit: 'mm[Hg]',
    time: iso(START),
  },
];

interface Home {
  server: RunningServer;
  secret: string;
  gateway: MqttClient;
  rejections: RejectionMessage[];
}

async function home(label: string): Promise<Home> {
  const server = await startTestServer(uniqueDatabase(label));
  const secret = await registerGateway(server.records, 'GW-S', ['P-S1']);
  const gateway = await connectGateway(server.mqttPort, 'GW-S', secret);
  const rejections: RejectionMessage[] = [];
  await gateway.subscribeAsync(topics.rejections('GW-S'), { qos: 1 });
  gateway.on('message', (_topic, payload) =>
    rejections.push(RejectionMessage.parse(JSON.parse(String(payload)))),
  );
  return { server, secret, gateway, rejections };
}

/** Every point stored for the patient, measurement by measurement, in a comparable order. */
async function pointsOf(server: RunningServer): Promise<string[]> {
  const series = await server.influx.querySeries("SELECT * FROM /.*/ WHERE patient = 'P-S1'");
  return series
    .flatMap((s) =>
      s.values.map((values) =>
        JSON.stringify([s.name, Object.fromEntries(s.columns.map((c, i) => [c, values[i]]))]),
      ),
    )
    .sort();
}

const json = (readings: readonly ReadingInput[]) =>
  JSON.stringify({ gatewayId: 'GW-S', sentAt: new Date().toISOString(), readings });
const compact = (readings: readonly ReadingInput[]) => {
  const payload = encodeSeriesBatch(new Date(), readings);
  if (!payload) throw new Error('not encodable');
  return payload;
};

describe('compact batches of series through the server', () => {
  let viaJson: Home;
  let viaSeries: Home;
  beforeAll(async () => {
    [viaJson, viaSeries] = await Promise.all([home('series_json'), home('series_cbor')]);
  }, 60_000);
  afterAll(async () => {
    for (const h of [viaJson, viaSeries]) {
      await h?.gateway.endAsync();
      await h?.server.close();
    }
  });

  it('stores exactly the points its JSON equivalent stores', async () => {
    await viaJson.gateway.publishAsync(topics.readings('GW-S'), json(morning), { qos: 1 });
    await viaSeries.gateway.publishAsync(topics.series('GW-S'), compact(morning), { qos: 1 });
    const [fromJson, fromSeries] = [await pointsOf(viaJson.server), await pointsOf(viaSeries.server)];
    expect(fromJson).toHaveLength(morning.length);
    expect(fromSeries).toEqual(fromJson);
    expect(viaSeries.rejections).toEqual([]);
  });

  it('stores a series sent again over a new connection once', async () => {
    const before = await pointsOf(viaSeries.server);
    await viaSeries.gateway.endAsync();
    viaSeries.gateway = await connectGateway(viaSeries.server.mqttPort, 'GW-S', viaSeries.secret);
    await viaSeries.gateway.subscribeAsync(topics.rejections('GW-S'), { qos: 1 });
    viaSeries.gateway.on('message', (_topic, payload) =>
      viaSeries.rejections.push(RejectionMessage.parse(JSON.parse(String(payload)))),
    );
    await viaSeries.gateway.publishAsync(topics.series('GW-S'), compact(morning), { qos: 1 });
    expect(await pointsOf(viaSeries.server)).toEqual(before);
  });

  const encoder = new Encoder({ useRecords: false, mapsAsObjects: true });
  const later = START + 40 * 60_000;
  // Sent "now" (t), sampled 20 min before: a series' t counts from the batch's.
  const now = START + 60 * 60_000;
  const good = { p: 'P-S1', d: 'ox-2', m: 'spo2', u: '%', t: later - now, i: 1000, v: [97, 96, 95] };

  it('refuses a series that does not hold together, naming it, and stores its neighbour', async () => {
    const batch = encoder.encode({ t: now, s: [{ ...good, d: 'ox-3', x: { diastolic: [1] } }, good] });
    await viaSeries.gateway.publishAsync(topics.series('GW-S'), batch, { qos: 1 });
    const stored = await viaSeries.server.influx.query("SELECT count(value) FROM spo2 WHERE device = 'ox-2'");
    expect(stored[0]?.count).toBe(3);
    await expect.poll(() => viaSeries.rejections.length, POLL).toBe(1);
    expect(viaSeries.rejections[0]?.readings).toEqual([
      { index: 0, reason: 'invalid_reading', detail: 'series 0: x.diastolic: has 1 entries for 3 values' },
    ]);
  });

  it.each([
    ['truncated', () => compact(morning).subarray(0, 40), 'bad_cbor'],
    [
      'holding more readings than a batch may',
      () =>
        encoder.encode({
          t: now,
          s: [
            { ...good, v: Array.from({ length: 300 }, () => 97) },
            { ...good, d: 'ox-4', v: Array.from({ length: 300 }, () => 97) },
          ],
        }),
      'bad_envelope',
    ],
  ])('refuses a batch %s with its reason, and the gateway sends on', async (_, payload, reason) => {
    const before = viaSeries.rejections.length;
    await viaSeries.gateway.publishAsync(topics.series('GW-S'), payload(), { qos: 1 });
    await expect.poll(() => viaSeries.rejections.length, POLL).toBe(before + 1);
    expect(viaSeries.rejections.at(-1)?.message?.reason).toBe(reason);
    const next = { ...good, d: `ox-${reason}` };
    await viaSeries.gateway.publishAsync(topics.series('GW-S'), encoder.encode({ t: now, s: [next] }), {
      qos: 1,
    });
    const stored = await viaSeries.server.influx.query(
      `SELECT count(value) FROM spo2 WHERE device = 'ox-${reason}'`,
    );
    expect(stored[0]?.count).toBe(3);
  });
});
