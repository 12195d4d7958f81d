/**
 * A gateway that sends garbage in a loop: only so many dead letters a minute are stored,
 * the rest are counted on /metrics, and every refusal still reaches the gateway.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RejectionMessage, topics } from '../common/contract.ts';
import type { RunningServer } from '../server/start-server.ts';
import { connectGateway, registerGateway, startTestServer, uniqueDatabase } from './helpers.ts';

const DAY = 86_400_000;

describe('the dead-letter budget of a gateway', () => {
  let server: RunningServer;
  let gateway: MqttClient;
  const rejections: RejectionMessage[] = [];
  beforeAll(async () => {
    server = await startTestServer(uniqueDatabase('dead_letter_budget'), {
      ingest: { maxReadingAgeDays: 3650, maxDeadLettersPerMinute: 5 },
    });
    const secret = await registerGateway(server.records, 'GW-LOOP', ['P-LOOP']);
    gateway = await connectGateway(server.mqttPort, 'GW-LOOP', secret);
    await gateway.subscribeAsync(topics.rejections('GW-LOOP'), { qos: 1 });
    gateway.on('message', (_topic, payload) =>
      rejections.push(RejectionMessage.parse(JSON.parse(payload.toString()))),
    );
  }, 60_000);
  afterAll(async () => {
    await gateway?.endAsync();
    await server?.close();
  });

  it('stores 5 of 20 refused readings, counts the other 15, and tells the gateway of all 20', async () => {
    const invalid = Array.from({ length: 20 }, (_, i) => ({
      id: `loop-${i}`,
      patientId: 'P-LOOP',
      deviceId: 'hr-1',
      metric: 'heart_rate',
      value: 900, // outside the physiological limits
      unit: '/min',
      time: new Date(Date.now() - 60_000 + i).toISOString(),
    }));
    const payload = JSON.stringify({
      gatewayId: 'GW-LOOP',
      sentAt: new Date().toISOString(),
      readings: invalid,
    });
    await gateway.publishAsync(topics.readings('GW-LOOP'), payload, { qos: 1 });
    const stored = await server.influx.query("SELECT reason, ref FROM dead_letter WHERE gateway = 'GW-LOOP'");
    expect(stored).toHaveLength(5);
    await expect.poll(() => rejections.length).toBe(1);
    expect(rejections[0]?.readings).toHaveLength(20);
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/rpm_dead_letters_dropped_total\{reason="out_of_range"\} 15/);
  });
});

describe('the retention of dead letters', () => {
  it('deletes dead letters older than the retention when the server starts, and keeps the newer', async () => {
    const database = uniqueDatabase('dead_letter_retention');
    let clockMs = Date.parse('2026-11-01T08:00:00Z');
    const clock = { now: () => new Date(clockMs) };
    const settings = { ingest: { maxReadingAgeDays: 3650, deadLetterRetentionDays: 30 } };
    const first = await startTestServer(database, settings, clock);
    const secret = await registerGateway(first.records, 'GW-OLD', ['P-OLD']);
    const gateway = await connectGateway(first.mqttPort, 'GW-OLD', secret);
    for (const days of [0, 20]) {
      clockMs = Date.parse('2026-11-01T08:00:00Z') + days * DAY;
      await gateway.publishAsync(topics.readings('GW-OLD'), `not json, day ${days}`, { qos: 1 });
    }
    await gateway.endAsync();
    const letters = async (server: RunningServer) =>
      (await server.influx.query("SELECT detail FROM dead_letter WHERE gateway = 'GW-OLD'")).map(
        (r) => r.time,
      );
    expect(await letters(first)).toHaveLength(2);
    await first.close();
    // 31 days after the first: it goes, the one from day 20 stays.
    clockMs = Date.parse('2026-11-01T08:00:00Z') + 31 * DAY;
    const second = await startTestServer(database, settings, clock);
    try {
      await expect.poll(() => letters(second)).toEqual([Date.parse('2026-11-01T08:00:00Z') + 20 * DAY]);
    } finally {
      await second.close();
    }
  }, 60_000);
});
