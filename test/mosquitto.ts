/**
 * A private Mosquitto 2 (Debian `mosquitto`) on a free loopback port, running the
 * production configuration (deploy/mosquitto/mosquitto.conf) with only the listener, the
 * persistence directory and the auth files' directory moved into the test's directory:
 * raised in-flight and queue limits, persistence, logins and ACLs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../scripts/private-influxd.ts';

export interface PrivateMosquitto {
  url: string;
  port: number;
  /** Where `passwd` and `acl` are read from (see server/mosquitto-auth.ts). */
  authDir: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Makes Mosquitto reread its password and ACL files (SIGHUP). */
  reload(): void;
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

/** `dir/auth` must hold `passwd` and `acl` before `start` (write them with writeMosquittoAuth). */
export async function startMosquitto(dir: string): Promise<PrivateMosquitto> {
  const authDir = join(dir, 'auth');
  mkdirSync(authDir, { recursive: true });
  // Started as root, mosquitto drops to the `mosquitto` user, which must be able to save its
  // persistence file.
  chmodSync(dir, 0o777);
  chmodSync(authDir, 0o755);
  const port = await freePort();
  const configFile = join(dir, 'mosquitto.conf');
  const production = readFileSync(new URL('../deploy/mosquitto/mosquitto.conf', import.meta.url), 'utf8');
  writeFileSync(
    configFile,
    production
      .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
      .replace(/^persistence_location .*$/m, `persistence_location ${dir}/`)
      .replaceAll('/mosquitto/auth/', `${authDir}/`),
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
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    authDir,
    start,
    stop,
    reload: () => child?.kill('SIGHUP'),
  };
}
