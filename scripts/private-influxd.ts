/**
 * Starts a private InfluxDB 1.x (`influxd`, Debian package `influxdb`) on loopback with
 * its own meta/data/wal directories. Used by the test harness (temporary directory)
 * and by the run command (project-local `.data/influxdb`, reused across runs).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PrivateInfluxd {
  url: string;
  port: number;
  /** The influxd process, for measuring it (bench/). */
  pid: number | undefined;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function configText(dir: string, httpPort: number, rpcPort: number): string {
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false
[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = false
  log-enabled = false
  max-body-size = 0
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
`;
}

async function waitForPing(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`influxd exited with code ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${url}/ping`);
      if (res.status === 204) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`influxd did not answer ${url}/ping within ${timeoutMs} ms:\n${output()}`);
}

/** `dir` holds the configuration and all data; pass the same directory to reuse the data. */
export async function startInfluxd(
  dir: string,
  options: { port?: number; binary?: string } = {},
): Promise<PrivateInfluxd> {
  mkdirSync(dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const rpcPort = await freePort();
  const configFile = join(dir, 'influxdb.conf');
  writeFileSync(configFile, configText(dir, port, rpcPort));
  const binary = options.binary ?? 'influxd';
  // Its own process group, so a terminal's Ctrl-C reaches only whoever started it, who stops it last.
  const child = spawn(binary, ['-config', configFile], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) =>
      reject(
        new Error(
          `cannot start '${binary}' (${err.message}). Install Debian's InfluxDB with 'apt-get install influxdb', or set RPM_INFLUX_URL to an existing InfluxDB.`,
        ),
      ),
    );
  });
  await spawned;
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForPing(url, child, () => log, 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    url,
    port,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
