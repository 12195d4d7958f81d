import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { topics } from '../common/contract.ts';
import { connectInflux } from '../ingest/influx-connection.ts';
import { freePort } from '../scripts/private-influxd.ts';
import type { DemoGatewayCredentials } from '../server/demo-seed.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rpm-run-'));

async function runSystem(ports: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/run-system.ts'], {
    env: { ...process.env, ...ports, RPM_RUN_DATA_DIR: dataDir, RPM_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await expect.poll(() => out, { timeout: 60_000 }).toContain('server ready');
  return { child, exited, out: () => out };
}

describe('the run command', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stops everything on Ctrl-C and restarts with its data intact', async () => {
    const ports = {
      RPM_DEMO_INFLUX_PORT: String(await freePort()),
      RPM_HTTP_PORT: String(await freePort()),
      RPM_MQTT_PORT: String(await freePort()),
      RPM_MQTT_HOST: '127.0.0.1',
    };
    const first = await runSystem(ports);
    const [home] = JSON.parse(
      readFileSync(join(dataDir, 'server', 'demo-gateways.json'), 'utf8'),
    ) as DemoGatewayCredentials[];
    if (!home) throw new Error('the demo seeded no gateway');
    const gateway = await mqtt.connectAsync(`mqtt://127.0.0.1:${ports.RPM_MQTT_PORT}`, {
      clientId: home.gatewayId,
      username: home.gatewayId,
      password: home.secret,
      reconnectPeriod: 0,
    });
    const reading = {
      id: 'r1',
      patientId: home.patientIds[0],
      deviceId: 'ox',
      metric: 'spo2',
      value: 96,
      unit: '%',
      time: '2026-11-24T06:00:00.000Z',
    };
    await gateway.publishAsync(
      topics.readings(home.gatewayId),
      JSON.stringify({ gatewayId: home.gatewayId, sentAt: new Date().toISOString(), readings: [reading] }),
      { qos: 1 },
    );
    await gateway.endAsync();
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    // influxd is gone with it: its port is free again.
    await expect(fetch(`http://127.0.0.1:${ports.RPM_DEMO_INFLUX_PORT}/ping`)).rejects.toThrow();

    const second = await runSystem(ports);
    const influx = await connectInflux(
      { url: `http://127.0.0.1:${ports.RPM_DEMO_INFLUX_PORT}`, database: 'rpm' },
      { createDatabase: false },
    );
    expect(await influx.query('SELECT value FROM spo2')).toEqual([
      { time: Date.parse(reading.time), value: 96 },
    ]);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });
});
