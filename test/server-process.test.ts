import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { topics } from '../common/contract.ts';
import { startInfluxd } from '../scripts/private-influxd.ts';
import { readDemoGateways } from '../server/demo-seed.ts';
import { connectGateway, influxUrl, oximeterReading, uniqueDatabase } from './helpers.ts';

function runServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe('the server process', () => {
  it('refuses to start on a malformed setting and names it', async () => {
    const run = runServer({ RPM_INFLUX_URL: influxUrl(), RPM_MQTT_PORT: 'eighteen83' });
    expect(await run.exited).toBe(2);
    expect(run.err()).toContain('Invalid configuration');
    expect(run.err()).toContain('RPM_MQTT_PORT = "eighteen83": expected a TCP port number (0-65535)');
  });

  it('starts, serves health, and exits 0 on SIGTERM', async () => {
    const run = runServer({
      RPM_INFLUX_URL: influxUrl(),
      RPM_INFLUX_DATABASE: uniqueDatabase('process'),
      RPM_HTTP_PORT: '0',
      RPM_MQTT_PORT: '0',
      RPM_MQTT_HOST: '127.0.0.1',
      RPM_DATA_DIR: mkdtempSync(join(tmpdir(), 'rpm-process-')),
    });
    // Loading the embedded records database takes a while on a busy machine; what the
    // server wrote to stderr shows in the failure if it never gets there.
    await expect
      .poll(() => `${run.out()}\nstderr: ${run.err()}`, { timeout: 60_000 })
      .toContain('server ready');
    const http = /"http":"(http:\/\/[^"]+)"/.exec(run.out())?.[1];
    const health = await fetch(`${http}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', broker: 'reachable', influx: 'reachable' });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.out()).toContain('stopped cleanly');
  }, 90_000);

  it('stops when a service manager sends SIGTERM to `npm run server`: no server left behind', async () => {
    const child = spawn('npm', ['run', '--silent', 'server'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        RPM_INFLUX_URL: influxUrl(),
        RPM_INFLUX_DATABASE: uniqueDatabase('process_npm'),
        RPM_HTTP_PORT: '0',
        RPM_MQTT_PORT: '0',
        RPM_MQTT_HOST: '127.0.0.1',
        RPM_DATA_DIR: mkdtempSync(join(tmpdir(), 'rpm-process-npm-')),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await expect.poll(() => out, { timeout: 60_000 }).toContain('server ready');
    const http = /"http":"(http:\/\/[^"]+)"/.exec(out)?.[1];
    child.kill('SIGTERM'); // to npm, as systemd or Docker would
    expect(await exited).toBe(0);
    await expect.poll(() => out, { timeout: 10_000 }).toContain('stopped cleanly');
    await expect(fetch(`${http}/health`)).rejects.toThrow();
  }, 90_000);

  it('ends within its shutdown deadline while InfluxDB hangs with readings unstored, and starts again', async () => {
    const influxd = await startInfluxd(mkdtempSync(join(tmpdir(), 'rpm-process-hung-')));
    const dataDir = mkdtempSync(join(tmpdir(), 'rpm-process-hung-data-'));
    const env = {
      RPM_MODE: 'demo',
      RPM_INFLUX_URL: influxd.url,
      RPM_HTTP_PORT: '0',
      RPM_MQTT_PORT: '0',
      RPM_MQTT_HOST: '127.0.0.1',
      RPM_DATA_DIR: dataDir,
      RPM_SHUTDOWN_DEADLINE_SECONDS: '3',
    };
    try {
      const run = runServer(env);
      await expect
        .poll(() => `${run.out()}\nstderr: ${run.err()}`, { timeout: 60_000 })
        .toContain('server ready');
      const mqttPort = Number(/"mqttPort":(\d+)/.exec(run.out())?.[1]);
      const home = readDemoGateways(dataDir).find((g) => g.gatewayId === 'gw-home-1');
      if (!home?.patientIds[0]) throw new Error('no demo gateway gw-home-1 with a patient');
      const gateway = await connectGateway(mqttPort, home.gatewayId, home.secret);
      if (!influxd.pid) throw new Error('test setup: no influxd pid');
      process.kill(influxd.pid, 'SIGSTOP');
      try {
        // Its PUBACK waits for a write InfluxDB never answers.
        void gateway
          .publishAsync(
            topics.readings(home.gatewayId),
            JSON.stringify({
              gatewayId: home.gatewayId,
              sentAt: new Date().toISOString(),
              readings: [oximeterReading(1, { start: Date.now() - 1000, patientId: home.patientIds[0] })],
            }),
            { qos: 1 },
          )
          .catch(() => undefined);
        await new Promise((r) => setTimeout(r, 500));
        const stopped = performance.now();
        run.child.kill('SIGTERM');
        expect(await run.exited).toBe(1);
        expect(performance.now() - stopped).toBeLessThan(10_000);
        expect(run.out()).toContain('shutdown did not finish in time');
        gateway.end(true);
      } finally {
        process.kill(influxd.pid, 'SIGCONT');
      }
      // The records lock of the process that was cut short does not keep the next one out.
      const again = runServer(env);
      await expect
        .poll(() => `${again.out()}\nstderr: ${again.err()}`, { timeout: 60_000 })
        .toContain('server ready');
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    } finally {
      await influxd.stop();
    }
  }, 120_000);
});
