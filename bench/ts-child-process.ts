/**
 * The benchmark's child processes (the server, load generators, the bare broker): TypeScript
 * files run by `node --import tsx`, output to a log file (its tail is quoted when a child
 * fails), optionally with an IPC channel whose messages are validated by a zod schema.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { BenchmarkError } from './benchmark-error.ts';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface TsChild {
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** The last lines of the child's output. */
  logTail(): string;
}

/** Our environment without the platform's own settings, so a developer's RPM_* cannot leak in. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('RPM_')));
  return { ...env, ...extra };
}

export function spawnTs(
  file: string,
  o: { logFile: string; env?: Record<string, string>; ipc?: boolean; nodeOptions?: string[] },
): TsChild {
  const out = openSync(o.logFile, 'a');
  const child = spawn(process.execPath, [...(o.nodeOptions ?? []), '--import', 'tsx', file], {
    cwd: REPO_ROOT,
    env: cleanEnv(o.env ?? {}),
    stdio: o.ipc ? ['ignore', out, out, 'ipc'] : ['ignore', out, out],
    // Structured clone: large arrays of latencies cross faster than as JSON.
    serialization: 'advanced',
  });
  closeSync(out);
  if (child.pid === undefined) throw new BenchmarkError('spawn', `cannot start ${file}`);
  return {
    child,
    pid: child.pid,
    logFile: o.logFile,
    logTail: () => readFileSync(o.logFile, 'utf8').slice(-3000),
  };
}

/** Resolves with the child's next message that `schema` accepts and `accept` wants. */
export function nextMessage<T, U extends T>(
  proc: TsChild,
  schema: z.ZodType<T>,
  accept: (message: T) => message is U,
  o: { timeoutMs: number; what: string },
): Promise<U> {
  const { child } = proc;
  return new Promise<U>((resolve, reject) => {
    const finish = (error: BenchmarkError | undefined, message?: U) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else if (message !== undefined) resolve(message);
    };
    const onMessage = (raw: unknown) => {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        finish(
          new BenchmarkError(
            o.what,
            `unexpected message from pid ${proc.pid}: ${JSON.stringify(raw).slice(0, 300)}`,
          ),
        );
      } else if (accept(parsed.data)) finish(undefined, parsed.data);
    };
    const onExit = (code: number | null) =>
      finish(
        new BenchmarkError(o.what, `pid ${proc.pid} exited (${code}) while waiting:\n${proc.logTail()}`),
      );
    const timer = setTimeout(
      () =>
        finish(
          new BenchmarkError(
            o.what,
            `no answer from pid ${proc.pid} within ${o.timeoutMs} ms:\n${proc.logTail()}`,
          ),
        ),
      o.timeoutMs,
    );
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Resolves once the process has exited. */
export function exited(proc: TsChild): Promise<void> {
  const { child } = proc;
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopChild(proc: TsChild, graceMs: number): Promise<void> {
  const done = exited(proc);
  const force = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  proc.child.kill('SIGTERM');
  await done;
  clearTimeout(force);
}
