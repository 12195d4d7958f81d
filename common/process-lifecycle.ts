/**
 * Start-up and shutdown shared by the server and gateway processes: a configuration
 * error prints its message and exits 2; SIGINT/SIGTERM run the shutdown once (stop
 * accepting, flush what is in flight, close connections) and exit 0; a second signal
 * exits at once.
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

export function shutdownOnSignals(log: Logger, shutdown: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
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
