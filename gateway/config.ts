/**
 * Gateway configuration: environment variables (`RPM_GATEWAY_ID`, `RPM_MQTT_URL`, ...)
 * or the JSON file named by RPM_CONFIG. The README's "Gateway configuration" table
 * lists every setting.
 */
import { z } from 'zod';
import { loadConfig, port, positiveInt } from '../common/config.ts';
import { GatewayId, MAX_READINGS_PER_BATCH } from '../common/contract.ts';
import { LogLevel } from '../common/log.ts';

export const GatewayConfig = z.strictObject({
  /** RPM_GATEWAY_ID: this gateway's id, as registered on the server. */
  gatewayId: GatewayId,
  /** RPM_LOG_LEVEL */
  logLevel: z.enum(LogLevel).default('info'),
  /** RPM_DATA_DIR: pairings, the disk spool and per-device record positions. */
  dataDir: z.string().min(1).default('.data/gateway'),
  mqtt: z.strictObject({
    /** RPM_MQTT_URL: the server's broker, e.g. mqtts://clinic.example.org:8883 */
    url: z.url({
      protocol: /^(mqtts?|tcp|tls|wss?)$/,
      error: 'expected an MQTT URL such as mqtt://host:1883',
    }),
    /** RPM_MQTT_USERNAME, RPM_MQTT_PASSWORD: the credentials issued for this gateway. */
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /** RPM_MQTT_CA_FILE: CA certificate for a private TLS server certificate. */
    caFile: z.string().min(1).optional(),
  }),
  spool: z
    .strictObject({
      /** RPM_SPOOL_MAX_BYTES: disk the spool may use (default 256 MiB, days of readings). */
      maxBytes: positiveInt().default(256 * 1024 * 1024),
      /** RPM_SPOOL_WHEN_FULL: `drop-oldest` (keep recent readings) or `refuse-new`. */
      whenFull: z.enum(['drop-oldest', 'refuse-new']).default('drop-oldest'),
    })
    .default({ maxBytes: 256 * 1024 * 1024, whenFull: 'drop-oldest' }),
  publish: z
    .strictObject({
      /** RPM_PUBLISH_BATCH_SIZE: readings per MQTT message. */
      batchSize: positiveInt().max(MAX_READINGS_PER_BATCH).default(200),
      /** RPM_PUBLISH_MAX_IN_FLIGHT: messages awaiting PUBACK at once. */
      maxInFlight: positiveInt().max(100).default(8),
      /** RPM_PUBLISH_LINGER_MS: wait this long to fill a batch before sending a partial one. */
      lingerMs: z.coerce.number().int().min(0).max(60_000).default(250),
    })
    .default({ batchSize: 200, maxInFlight: 8, lingerMs: 250 }),
  ble: z
    .strictObject({
      /** RPM_BLE_MODE: `adapter` (the machine's Bluetooth) or `virtual` (simulated devices, for demos and tests). */
      mode: z.enum(['adapter', 'virtual']).default('adapter'),
    })
    .default({ mode: 'adapter' }),
  http: z
    .strictObject({
      /** RPM_HTTP_HOST, RPM_HTTP_PORT: the local pairing page (reachable from a phone on the home network). */
      host: z.string().min(1).default('0.0.0.0'),
      port: port().default(8090),
    })
    .default({ host: '0.0.0.0', port: 8090 }),
});
export type GatewayConfig = z.output<typeof GatewayConfig>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(GatewayConfig, env);
}
