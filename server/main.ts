/** The server process: `npm run server` (configuration: README "Configuration"). */
import { createLogger } from '../common/log.ts';
import { exitOnConfigError, shutdownOnSignals } from '../common/process-lifecycle.ts';
import { loadServerConfig, type ServerConfig } from './config.ts';
import { startServer } from './start-server.ts';

let config: ServerConfig;
try {
  config = loadServerConfig();
} catch (err) {
  exitOnConfigError(err);
}
const log = createLogger('rpm-server', config.logLevel);
try {
  const server = await startServer(config, log);
  log.info({ http: server.httpUrl, mqttPort: server.mqttPort }, 'server ready');
  shutdownOnSignals(log, () => server.close());
} catch (err) {
  log.fatal({ err: err instanceof Error ? err.message : String(err) }, 'the server could not start');
  process.exit(1);
}
