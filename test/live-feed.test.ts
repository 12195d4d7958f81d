/**
 * The dashboard's live feed (server-sent events) against the real server in demo mode:
 * gw-home-1 serves Amina (P-1001, ward A) and Bashir (P-1002, ward B); nurse.ayesha is in
 * ward A only. What a stream carries, and when it ends.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayStatus, topics } from '../common/contract.ts';
import { createLogger } from '../common/log.ts';
import type { LiveEvent } from '../dashboard/live-feed.ts';
import { DEMO_PASSWORD, readDemoGateways } from '../server/demo-seed.ts';
import { type RunningServer, startServer } from '../server/start-server.ts';
import { connectGateway, testServerConfig, uniqueDatabase } from './helpers.ts';
import { login } from './http-session.ts';

const WAIT = { timeout: 15_000, interval: 50 };

/** An open live feed: the events read so far, and whether the server has ended it. */
interface Stream {
  events: LiveEvent[];
  ended: () => boolean;
  cancel: () => Promise<void>;
}

async function openFeed(
  baseUrl: string,
  username: string,
): Promise<Stream & { logout: () => Promise<void> }> {
  const session = await login(baseUrl, username, DEMO_PASSWORD);
  const response = await session.get('/api/live');
  expect(response.status).toBe(200);
  const reader = response.body?.getReader();
  if (!reader) throw new Error('the live feed has no body');
  const events: LiveEvent[] = [];
  let ended = false;
  let pending = '';
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        pending += decoder.decode(value, { stream: true });
        for (let cut = pending.indexOf('\n\n'); cut >= 0; cut = pending.indexOf('\n\n')) {
          const data = pending
            .slice(0, cut)
            .split('\n')
            .find((line) => line.startsWith('data: '));
          if (data) events.push(JSON.parse(data.slice('data: '.length)) as LiveEvent);
          pending = pending.slice(cut + 2);
        }
      }
    } catch {
      // cancelled by the test
    }
    ended = true;
  })();
  return {
    events,
    ended: () => ended,
    cancel: () => reader.cancel(),
    logout: async () => {
      expect((await session.send('POST', '/api/logout')).status).toBe(200);
    },
  };
}

let server: RunningServer;
let gateway: MqttClient;
let gatewayId: string;

beforeAll(async () => {
  const config = testServerConfig(uniqueDatabase('live_feed'), { mode: 'demo' });
  server = await startServer(config, createLogger('test-server', config.logLevel));
  const homes = readDemoGateways(config.dataDir);
  const home = homes.find((h) => h.gatewayId === 'gw-home-1');
  if (!home) throw new Error('the demo has no gw-home-1');
  gatewayId = home.gatewayId;
  gateway = await connectGateway(server.mqttPort, home.gatewayId, home.secret);
});

afterAll(async () => {
  await gateway?.endAsync();
  await server?.close();
});

describe('live feed', () => {
  it("carries a nurse's own patients only, also from a gateway shared with another ward", async () => {
    const feed = await openFeed(server.httpUrl, 'nurse.ayesha');
    const device = (deviceId: string, patientId: string) => ({
      deviceId,
      patientId,
      kind: 'pulse_oximeter' as const,
      batteryPercent: 70,
      rssi: -60,
      connected: true,
      lastSeen: new Date().toISOString(),
    });
    const status: GatewayStatus = {
      gatewayId,
      online: true,
      at: new Date().toISOString(),
      devices: [device('ox-bashir', 'P-1002'), device('ox-amina', 'P-1001')],
    };
    const [, aminaOximeter] = status.devices;
    await gateway.publishAsync(topics.status(gatewayId), JSON.stringify(status), { qos: 1, retain: true });
    const time = new Date(Date.now() - 5_000).toISOString();
    const reading = (patientId: string, deviceId: string, value: number) => ({
      id: `${deviceId}:spo2:${time}`,
      patientId,
      deviceId,
      metric: 'spo2',
      value,
      unit: '%',
      time,
    });
    // Bashir's reading first in the batch: the feed sends in order, so by the time Amina's
    // arrives, Bashir's would have been seen had it been sent.
    await gateway.publishAsync(
      topics.readings(gatewayId),
      JSON.stringify({
        gatewayId,
        sentAt: new Date().toISOString(),
        readings: [reading('P-1002', 'ox-bashir', 91), reading('P-1001', 'ox-amina', 97)],
      }),
      { qos: 1 },
    );
    await expect
      .poll(() => feed.events.some((e) => e.type === 'reading' && e.patientId === 'P-1001'), WAIT)
      .toBe(true);
    const gatewayEvents = feed.events.filter((e) => e.type === 'gateway');
    expect(gatewayEvents).toEqual([
      {
        type: 'gateway',
        patientIds: ['P-1001'],
        status: { ...status, devices: [aminaOximeter] },
      },
    ]);
    expect(feed.events.filter((e) => e.type === 'reading')).toEqual([
      expect.objectContaining({ type: 'reading', patientId: 'P-1001', metric: 'spo2', value: 97 }),
    ]);
    expect(JSON.stringify(feed.events)).not.toContain('P-1002');
    await feed.cancel();
  });

  it('ends the stream when its session logs out', async () => {
    const feed = await openFeed(server.httpUrl, 'nurse.ayesha');
    expect(feed.ended()).toBe(false);
    await feed.logout();
    await expect.poll(() => feed.ended(), WAIT).toBe(true);
  });

  it('does not hold the server open at shutdown: a server with an open stream stops and ends it', async () => {
    const config = testServerConfig(uniqueDatabase('live_feed_close'), { mode: 'demo' });
    const other = await startServer(config, createLogger('test-server', config.logLevel));
    const feed = await openFeed(other.httpUrl, 'nurse.ayesha');
    await other.close();
    await expect.poll(() => feed.ended(), WAIT).toBe(true);
  });
});
