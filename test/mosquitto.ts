/**
 * A private Mosquitto 2 (Debian `mosquitto`) on a free loopback port, configured as
 * deploy/mosquitto/mosquitto.conf is for production: raised in-flight and queue limits
 * and persistence, so it neither drops nor forgets QoS 1 messages.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../scripts/private-influxd.ts';

export interface PrivateMosquitto {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await sleep(50);
  }
  throw new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms`);
}

export async function startMosquitto(dir: string): Promise<PrivateMosquitto> {
  mkdirSync(dir, { recursive: true });
  // Started as root, mosquitto drops to the `mosquitto` user, which must be able to save its persistence file.
  chmodSync(dir, 0o777);
  const port = await freePort();
  const configFile = join(dir, 'mosquitto.conf');
  writeFileSync(
    configFile,
    `listener ${port} 127.0.0.1
allow_anonymous true
max_inflight_messages 1000
max_queued_messages 1000000
max_queued_bytes 0
persistence true
persistence_location ${dir}/
autosave_interval 1
`,
  );
  const binary = existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(binary, ['-c', configFile], { stdio: 'ignore' });
    await waitForPort(port, 10_000);
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', () => resolve());
      c.kill('SIGTERM'); // mosquitto saves its persistence file on SIGTERM
    });
  await start();
  return { url: `mqtt://127.0.0.1:${port}`, port, start, stop };
}
