/**
 * Runs the whole system on this machine: a private influxd (unless RPM_INFLUX_URL is
 * set) with its data in .data/influxdb (RPM_RUN_DATA_DIR moves .data), reused on the
 * next run; the server in demo mode. Ctrl-C stops everything it started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type PrivateInfluxd, startInfluxd } from './private-influxd.ts';

const DATA = process.env.RPM_RUN_DATA_DIR ?? '.data';

function startChild(name: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping the rest`);
      void stop(1);
    }
  });
  return child;
}

function terminate(child: ChildProcess | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

let stopping = false;
let influxd: PrivateInfluxd | undefined;
let server: ChildProcess | undefined;

async function stop(code: number): Promise<never> {
  stopping = true;
  await terminate(server);
  await influxd?.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

let influxUrl = process.env.RPM_INFLUX_URL;
if (!influxUrl) {
  influxd = await startInfluxd(`${DATA}/influxdb`, {
    port: Number(process.env.RPM_DEMO_INFLUX_PORT ?? 8086),
  });
  influxUrl = influxd.url;
  console.log(`InfluxDB (private, data in ${DATA}/influxdb): ${influxUrl}`);
}

const httpPort = process.env.RPM_HTTP_PORT ?? '8080';
server = startChild('server', 'server/main.ts', {
  ...process.env,
  RPM_MODE: process.env.RPM_MODE ?? 'demo',
  RPM_INFLUX_URL: influxUrl,
  RPM_DATA_DIR: process.env.RPM_DATA_DIR ?? `${DATA}/server`,
  RPM_HTTP_PORT: httpPort,
});

console.log(`
RPM is starting.
  Server health:   http://127.0.0.1:${httpPort}/health
  Metrics:         http://127.0.0.1:${httpPort}/metrics
  MQTT (gateways): mqtt://127.0.0.1:${process.env.RPM_MQTT_PORT ?? 1883}
Press Ctrl-C to stop everything started here.
`);
