/**
 * Start-up and shutdown shared by the server and gateway processes: a configuration
 * error prints its message and exits 2; SIGINT/SIGTERM run the shutdown once (stop
 * accepting, flush what is in flight, close connections) and exit 0; a second signal
 * exits at once. A shutdown still running after `SHUTDOWN_DEADLINE_MS` (a dependency that
 * hangs) is cut short with exit 1, within a service manager's stop timeout (systemd's
 * default is 90 s): what it held was not acknowledged, so it is done again after the
 * next start (a gateway resends what got no PUBACK; the alerts engine rebuilds from the
 * stored readings and records).
 */
import { ConfigError } from './config.ts';
import type { Logger } from './log.ts';

export function exitOnConfigError(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

export const SHUTDOWN_DEADLINE_MS = 20_000;

export function shutdownOnSignals(
  log: Logger,
  shutdown: () => Promise<void>,
  deadlineMs = SHUTDOWN_DEADLINE_MS,
): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error(
        { signal, deadlineMs },
        'shutdown did not finish in time (a dependency does not answer); exiting: what was not finished is done again at the next start',
      );
      process.exit(1);
    }, deadlineMs).unref();
    shutdown().then(
      () => {
        log.info('stopped cleanly');
        process.exit(0);
      },
      (err: Error) => {
        log.error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
