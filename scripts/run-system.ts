/**
 * Runs the whole system on this machine (the README's run command): a private influxd
 * (unless RPM_INFLUX_URL is set) with its data in .data/influxdb (RPM_RUN_DATA_DIR moves
 * .data), the server in demo mode, and one home gateway per demo home with simulated
 * Bluetooth devices. The first run starts the simulated devices a day in the past and fast-
 * forwards them to now, so the screens have history at once; later runs reuse the data and
 * the same timeline. Ctrl-C stops everything it started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_PASSWORD, DEMO_USERS, readDemoGateways } from '../server/demo-seed.ts';
import { type PrivateInfluxd, startInfluxd } from './private-influxd.ts';

const DATA = process.env.RPM_RUN_DATA_DIR ?? '.data';
/** Simulated devices start this far back on the first run, and catch up this many times faster than real time. */
const DEMO_HISTORY_MS = 24 * 3600_000;
const DEMO_SPEED = 720;

let stopping = false;
let influxd: PrivateInfluxd | undefined;
const children: ChildProcess[] = [];
const names = new Map<ChildProcess, string>();

function startChild(name: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
  // Its own process group: a terminal's Ctrl-C reaches only this runner, which then stops
  // each process once and in order (a second signal would make them exit without flushing).
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping the rest`);
      void stop(1);
    }
  });
  children.push(child);
  names.set(child, name);
  return child;
}

/** Stops `child` with SIGTERM; true when it stopped cleanly (exit code 0), else says how it ended. */
function terminate(child: ChildProcess): Promise<boolean> {
  const name = names.get(child) ?? 'a process';
  const clean = (exitCode: number | null, signal: NodeJS.Signals | null) => {
    if (exitCode !== 0) console.error(`${name} did not stop cleanly (${signal ?? `exit code ${exitCode}`})`);
    return exitCode === 0;
  };
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      return resolve(clean(child.exitCode, child.signalCode));
    child.once('exit', (exitCode, signal) => resolve(clean(exitCode, signal)));
    child.kill('SIGTERM');
  });
}

async function stop(code: number): Promise<never> {
  stopping = true;
  // Gateways first (they flush to the server), then the server, then InfluxDB.
  const gatewaysClean = await Promise.all(children.slice(1).map(terminate));
  const serverClean = children[0] ? await terminate(children[0]) : true;
  await influxd?.stop();
  process.exit(serverClean && !gatewaysClean.includes(false) ? code : code || 1);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
process.on('SIGHUP', () => void stop(0));
// Whatever fails while starting, stop what was started: the children are in their own
// process groups and would outlive this runner.
process.on('uncaughtException', (err) => {
  console.error(err.message);
  if (!stopping) void stop(1);
});
process.on('unhandledRejection', (err) => {
  console.error(err instanceof Error ? err.message : String(err));
  if (!stopping) void stop(1);
});

/**
 * Waits until `url` answers (any status), so what is printed as running is running. While
 * stopping it never returns: stop() ends the process once everything it started is down.
 */
async function waitForAnswer(what: string, url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (stopping) return new Promise<never>(() => {});
    try {
      await fetch(url);
      return;
    } catch {
      await sleep(200);
    }
  }
  throw new Error(`${what} did not answer at ${url} within 2 minutes`);
}

/** The simulated timeline, fixed on the first run so that later runs continue it. */
function demoTimeline(): { from: string; since: string } {
  const file = join(DATA, 'demo-timeline.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { from: string; since: string };
  const now = Date.now();
  const timeline = {
    from: new Date(now - DEMO_HISTORY_MS).toISOString(),
    since: new Date(now).toISOString(),
  };
  mkdirSync(DATA, { recursive: true });
  writeFileSync(file, `${JSON.stringify(timeline)}\n`);
  return timeline;
}

let influxUrl = process.env.RPM_INFLUX_URL;
if (!influxUrl) {
  influxd = await startInfluxd(`${DATA}/influxdb`, {
    port: Number(process.env.RPM_DEMO_INFLUX_PORT ?? 8086),
  });
  influxUrl = influxd.url;
  console.log(`InfluxDB (private, data in ${DATA}/influxdb): ${influxUrl}`);
}

const httpPort = process.env.RPM_HTTP_PORT ?? '8080';
const mqttPort = process.env.RPM_MQTT_PORT ?? '1883';
const serverDataDir = process.env.RPM_DATA_DIR ?? `${DATA}/server`;
startChild('server', 'server/main.ts', {
  ...process.env,
  RPM_MODE: process.env.RPM_MODE ?? 'demo',
  RPM_INFLUX_URL: influxUrl,
  RPM_DATA_DIR: serverDataDir,
  RPM_HTTP_PORT: httpPort,
  RPM_MQTT_PORT: mqttPort,
});
const dashboard = `http://127.0.0.1:${httpPort}`;
await waitForAnswer('the server', `${dashboard}/health`);

const timeline = demoTimeline();
const homes = readDemoGateways(serverDataDir);
const pairingPages = homes.map((home, i) => {
  const port = String(Number(process.env.RPM_GATEWAY_HTTP_PORT ?? 8091) + i);
  startChild(`gateway ${home.gatewayId}`, 'gateway/main.ts', {
    PATH: process.env.PATH,
    RPM_LOG_LEVEL: process.env.RPM_GATEWAY_LOG_LEVEL ?? 'warn',
    RPM_GATEWAY_ID: home.gatewayId,
    RPM_PATIENT_IDS: home.patientIds.join(','),
    RPM_DATA_DIR: `${DATA}/gateway-${home.gatewayId}`,
    RPM_MQTT_URL: `mqtt://127.0.0.1:${mqttPort}`,
    RPM_MQTT_USERNAME: home.gatewayId,
    RPM_MQTT_PASSWORD: home.secret,
    RPM_BLE_MODE: 'virtual',
    RPM_VIRTUAL_HOUSEHOLD: home.household,
    RPM_VIRTUAL_FROM: timeline.from,
    RPM_VIRTUAL_SINCE: timeline.since,
    // A week of cuff and scale readings waiting, as in a home where the gateway just came.
    RPM_VIRTUAL_HISTORY_DAYS: '7',
    RPM_VIRTUAL_SPEED: String(DEMO_SPEED),
    RPM_PAIRING_PIN: '123456',
    RPM_HTTP_HOST: '127.0.0.1',
    RPM_HTTP_PORT: port,
  });
  return { gatewayId: home.gatewayId, household: home.household, url: `http://127.0.0.1:${port}` };
});
for (const page of pairingPages) await waitForAnswer(`gateway ${page.gatewayId}`, page.url);

const logins = DEMO_USERS.map((u) => `  ${u.id.padEnd(14)} ${u.role.padEnd(7)} ${u.displayName}`).join('\n');
console.log(`
RPM is running with simulated patients.
  Dashboard: ${dashboard}
  Demo logins (password "${DEMO_PASSWORD}"):
${logins}
  Home gateways' pairing pages:
${pairingPages.map((p) => `  ${p.gatewayId} (${p.household}): ${p.url}  (pairing PIN 123456)`).join('\n')}
  MQTT for gateways: mqtt://127.0.0.1:${mqttPort}   Health: ${dashboard}/health   Metrics: ${dashboard}/metrics
  The simulated devices replay the last day at ${DEMO_SPEED}x, then run in real time.
Press Ctrl-C to stop everything started here.
`);
