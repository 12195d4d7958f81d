/**
 * The platform server as a child process (`node --import tsx server/main.ts`), configured by
 * environment like a deployment: embedded broker and HTTP on free loopback ports, its own
 * data directory and InfluxDB database, a read-only MQTT subscriber account. Being a child,
 * its CPU time and peak memory can be read from /proc.
 */
import { join } from 'node:path';
import { freePort } from '../scripts/private-influxd.ts';
import { BenchmarkError } from './benchmark-error.ts';
import { exited, spawnTs, stopChild, type TsChild } from './ts-child-process.ts';
import { sleep, within } from './waiting.ts';

export interface ServerProcessOptions {
  dataDir: string;
  influxUrl: string;
  database: string;
  subscriber: { username: string; password: string };
  logFile: string;
  startTimeoutMs: number;
  /** Write a V8 CPU profile of the server here when it exits (`node --cpu-prof`). */
  profileDir?: string | undefined;
}

export interface ServerProcess {
  proc: TsChild;
  mqttUrl: string;
  httpUrl: string;
  /** Stops the server; says how long it took and whether it had to be told twice. */
  stop(): Promise<{ seconds: number; forced: boolean }>;
}

/** Graceful shutdown first stores and evaluates what was accepted; past this, the second signal ends it. */
const SHUTDOWN_GRACE_MS = 20_000;

async function stopServer(proc: TsChild): Promise<{ seconds: number; forced: boolean }> {
  const started = performance.now();
  const done = exited(proc);
  proc.child.kill('SIGTERM');
  const forced = (await within(SHUTDOWN_GRACE_MS, done)) === 'timeout';
  // The server's second signal exits at once (common/process-lifecycle.ts).
  if (forced) await stopChild(proc, 5_000);
  return { seconds: (performance.now() - started) / 1000, forced };
}

async function waitUntilHealthy(proc: TsChild, httpUrl: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (proc.child.exitCode !== null)
      throw new BenchmarkError('server start', `server exited (${proc.child.exitCode}):\n${proc.logTail()}`);
    try {
      if ((await fetch(`${httpUrl}/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new BenchmarkError('server start', `not healthy within ${timeoutMs} ms:\n${proc.logTail()}`);
}

export async function startServerProcess(o: ServerProcessOptions): Promise<ServerProcess> {
  const [mqttPort, httpPort] = [await freePort(), await freePort()];
  const proc = spawnTs(join('server', 'main.ts'), {
    logFile: o.logFile,
    nodeOptions: o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [],
    env: {
      RPM_DATA_DIR: o.dataDir,
      RPM_HTTP_HOST: '127.0.0.1',
      RPM_HTTP_PORT: String(httpPort),
      RPM_MQTT_HOST: '127.0.0.1',
      RPM_MQTT_PORT: String(mqttPort),
      RPM_MQTT_SUBSCRIBER_USERNAME: o.subscriber.username,
      RPM_MQTT_SUBSCRIBER_PASSWORD: o.subscriber.password,
      RPM_INFLUX_URL: o.influxUrl,
      RPM_INFLUX_DATABASE: o.database,
      RPM_TIME_ZONE: 'UTC',
    },
  });
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  try {
    await waitUntilHealthy(proc, httpUrl, o.startTimeoutMs);
  } catch (err) {
    await stopChild(proc, 1000);
    throw err;
  }
  return {
    proc,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    httpUrl,
    stop: () => stopServer(proc),
  };
}

/** A counter or gauge from the server's Prometheus /metrics text (undefined when absent). */
export function metricValue(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
