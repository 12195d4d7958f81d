/**
 * The home gateway process (`npm run gateway`). Configuration from the environment (see
 * config.ts); a wrong setting prints what is wrong and exits 2. Without a usable Bluetooth
 * adapter it says what is missing and how to fix it (or to run with RPM_BLE_MODE=virtual)
 * and exits 1. SIGINT/SIGTERM: stop accepting, stop Bluetooth, wait (bounded) for the
 * broker to acknowledge what is in flight, publish "offline", close, exit 0.
 *
 * Demo: RPM_BLE_MODE=virtual simulates a household's devices for RPM_PATIENT_IDS and pairs
 * them on the first start, e.g.
 *   RPM_GATEWAY_ID=gw-home-1 RPM_PATIENT_IDS=P-1001,P-1002 RPM_BLE_MODE=virtual \
 *   RPM_MQTT_URL=mqtt://127.0.0.1:1883 RPM_MQTT_USERNAME=gw-home-1 RPM_MQTT_PASSWORD=... \
 *   RPM_PAIRING_PIN=123456 npm run gateway
 */
import { createLogger } from '../common/log.ts';
import { exitOnConfigError, shutdownOnSignals } from '../common/process-lifecycle.ts';
import { BluetoothUnavailableError } from './ble/open-adapter.ts';
import { type GatewayConfig, loadGatewayConfig } from './config.ts';
import { type GatewayAdapter, openGatewayAdapter, startGateway } from './start-gateway.ts';

let config: GatewayConfig;
try {
  config = loadGatewayConfig();
} catch (error) {
  exitOnConfigError(error);
}
const log = createLogger('gateway', config.logLevel);

// Before the signal handlers: noble's hci-socket installs its own SIGINT handler at init.
let adapter: GatewayAdapter;
try {
  adapter = await openGatewayAdapter(config);
} catch (error) {
  if (error instanceof BluetoothUnavailableError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  exitOnConfigError(error);
}

try {
  const gateway = await startGateway(config, log, adapter);
  shutdownOnSignals(log, () => gateway.close());
} catch (error) {
  log.fatal({ err: error instanceof Error ? error.message : String(error) }, 'the gateway could not start');
  process.exit(1);
}
