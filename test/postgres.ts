/**
 * A private PostgreSQL (Debian `postgresql`) on a free loopback port with its cluster in a
 * temporary directory, for the records database's server engine. PostgreSQL refuses to run
 * as root, so as root it runs as the `postgres` user.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from '../scripts/private-influxd.ts';

export interface PrivatePostgres {
  url: string;
  /** Stops the server and all its backends with SIGSTOP: it keeps its sockets and answers nothing. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/** The processes whose parent is `pid` (PostgreSQL's backends), from /proc. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        // The parent pid is the 2nd field after the parenthesised command name.
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid ? [Number(name)] : [];
      } catch {
        return []; // gone meanwhile
      }
    });
}

function binary(name: string): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('PostgreSQL is not installed (Debian package postgresql)');
  return join('/usr/lib/postgresql', versions[0], 'bin', name);
}

/** As root, PostgreSQL's programs run as the `postgres` user (it refuses to run as root). */
function runAs(): { uid: number; gid: number } | Record<string, never> {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

export async function startPostgres(dir: string): Promise<PrivatePostgres> {
  mkdirSync(dir, { recursive: true });
  const user = runAs();
  if ('uid' in user) chownSync(dir, user.uid, user.gid);
  execFileSync(binary('initdb'), ['-D', dir, '-A', 'trust', '-U', 'rpm', '--no-sync'], {
    stdio: 'ignore',
    ...user,
  });
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary('postgres'),
    ['-D', dir, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off'],
    { stdio: 'ignore', ...user },
  );
  const url = `postgres://rpm@127.0.0.1:${port}/postgres`;
  for (let i = 0; ; i++) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (err) {
      if (i > 100 || child.exitCode !== null)
        throw new Error(`PostgreSQL did not start: ${(err as Error).message}`);
      await sleep(100);
    }
  }
  const signal = (name: NodeJS.Signals) => {
    if (!child.pid) throw new Error('PostgreSQL has no pid');
    for (const pid of [child.pid, ...childrenOf(child.pid)]) process.kill(pid, name);
  };
  return {
    url,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT'); // fast shutdown
      }),
  };
}
