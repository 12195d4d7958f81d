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
  shutdownOnSignals(log, () => server.close(), config.shutdownDeadlineSeconds * 1000);
  if (server.mqttPort === undefined && config.mqtt.broker === 'embedded') {
    log.info({ http: server.httpUrl }, 'server ready; MQTT opens once InfluxDB answers');
    server.ingesting.then(
      () => log.info({ mqttPort: server.mqttPort }, 'ingest open'),
      () => undefined,
    );
  } else log.info({ http: server.httpUrl, mqttPort: server.mqttPort }, 'server ready');
} catch (err) {
  log.fatal({ err: err instanceof Error ? err.message : String(err) }, 'the server could not start');
  process.exit(1);
}
