/**
 * The README's run command (`npm start` runs scripts/run-system.ts): private InfluxDB, the
 * server in demo mode and the demo homes' gateways with simulated devices; readings flow
 * to InfluxDB; Ctrl-C stops everything; a second run reuses the stored data.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectInflux } from '../ingest/influx-connection.ts';
import { freePort } from '../scripts/private-influxd.ts';
import { DEMO_PASSWORD } from '../server/demo-seed.ts';
import { login as logIn } from './http-session.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rpm-run-'));

async function runSystem(env: Record<string, string>) {
  // In its own process group, like a command started in a terminal.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/run-system.ts'], {
    env: { ...process.env, ...env, RPM_RUN_DATA_DIR: dataDir, RPM_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const keep = (c: Buffer) => {
    out += c.toString();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await expect.poll(() => out, { timeout: 90_000 }).toContain('RPM is running with simulated patients');
  /** Ctrl-C in the terminal: SIGINT to the whole foreground process group. */
  const pressCtrlC = () => {
    if (child.pid === undefined) throw new Error('the run command has no pid');
    process.kill(-child.pid, 'SIGINT');
  };
  return { child, exited, out: () => out, pressCtrlC };
}

/** Two consecutive free ports, for the two demo gateways' pairing pages. */
async function freePortPair(): Promise<number> {
  for (;;) {
    const base = await freePort();
    const nextFree = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(base + 1, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (nextFree) return base;
  }
}

describe('the run command', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs the demo clinic with simulated homes, stops on Ctrl-C and restarts with its data', async () => {
    const env = {
      RPM_DEMO_INFLUX_PORT: String(await freePort()),
      RPM_HTTP_PORT: String(await freePort()),
      RPM_MQTT_PORT: String(await freePort()),
      RPM_MQTT_HOST: '127.0.0.1',
      RPM_GATEWAY_HTTP_PORT: String(await freePortPair()),
    };
    const dashboard = `http://127.0.0.1:${env.RPM_HTTP_PORT}`;
    const influx = await (async () => {
      const first = await runSystem(env);
      expect(first.out()).toContain(`Dashboard: ${dashboard}`);
      expect(first.out()).toContain('nurse.ayesha');
      expect(first.out()).toContain(DEMO_PASSWORD);
      const login = await fetch(`${dashboard}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'nurse.ayesha', password: DEMO_PASSWORD }),
      });
      expect(login.status).toBe(200);
      const connection = await connectInflux(
        { url: `http://127.0.0.1:${env.RPM_DEMO_INFLUX_PORT}`, database: 'rpm' },
        { createDatabase: false },
      );
      // The simulated devices' readings arrive through the gateways, the broker and the ingest,
      // the cuff's and the scale's kept week among them.
      await expect
        .poll(
          async () =>
            (await connection.query('SELECT count(value) FROM spo2, glucose, blood_pressure, body_weight'))
              .length,
          { timeout: 60_000 },
        )
        .toBe(4);
      // The fast-forwarded day shows the hypertensive patient's week and the heart-failure
      // patient's weight gain to the doctor.
      const doctor = await logIn(dashboard, 'dr.sana', DEMO_PASSWORD);
      await expect
        .poll(
          async () => {
            const { alerts } = (await (await doctor.get('/api/alerts?scope=recent')).json()) as {
              alerts: { patientId: string; ruleId: string }[];
            };
            return alerts.map((a) => `${a.patientId} ${a.ruleId}`);
          },
          { timeout: 60_000 },
        )
        .toEqual(expect.arrayContaining(['P-1101 hypertension.home_mean_high', 'P-1102 heart.weight_gain']));
      first.pressCtrlC();
      // Exit 0 only when the gateways and the server stopped cleanly too (flushed, exit 0).
      expect(await first.exited, first.out().slice(-3000)).toBe(0);
      expect(first.out()).not.toContain('did not stop cleanly');
      return connection;
    })();
    // Everything it started is gone: InfluxDB and the gateways' pairing pages.
    await expect(fetch(`http://127.0.0.1:${env.RPM_DEMO_INFLUX_PORT}/ping`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${env.RPM_GATEWAY_HTTP_PORT}/`)).rejects.toThrow();

    const second = await runSystem(env);
    const [stored] = await influx.query('SELECT count(value) FROM spo2');
    expect(Number(stored?.count)).toBeGreaterThan(0);
    expect(second.out()).not.toContain('demo clinic seeded');
    second.pressCtrlC();
    expect(await second.exited, second.out().slice(-3000)).toBe(0);
  }, 240_000);
});
