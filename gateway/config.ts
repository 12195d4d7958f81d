/**
 * Gateway configuration: environment variables (`RPM_GATEWAY_ID`, `RPM_MQTT_URL`, ...)
 * or the JSON file named by RPM_CONFIG. The README's "Gateway configuration" table
 * lists every setting.
 */
import { z } from 'zod';
import { flag, loadConfig, port, positiveInt } from '../common/config.ts';
import { GatewayId, MAX_READINGS_PER_BATCH, PatientId, UtcTimestamp } from '../common/contract.ts';
import { LogLevel } from '../common/log.ts';
import { zoneOffsetMs } from './gatt/date-time.ts';
import { PatientProfile } from './simulator/patient-profile.ts';

/** "a, b ,c" -> ['a', 'b', 'c'] for list settings given as one environment variable. */
const commaList = (value: unknown) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
    : value;

const HouseholdMember = z.strictObject({ patientId: PatientId, profile: PatientProfile });

/** "P-1=diabetes, P-2=heart" (or the list itself, in a JSON file) -> [{ patientId: 'P-1', profile: 'diabetes' }, ...] */
const household = z.union([z.string(), z.array(HouseholdMember)]).transform((value, ctx) => {
  if (Array.isArray(value)) return value;
  const members: z.infer<typeof HouseholdMember>[] = [];
  for (const item of value.split(',').map((part) => part.trim())) {
    const [patientId, profile] = item.split('=').map((part) => part.trim());
    const member = HouseholdMember.safeParse({ patientId, profile });
    if (!member.success) {
      ctx.addIssue({
        code: 'custom',
        message: `expected patient=condition pairs such as P-1001=diabetes (conditions: ${PatientProfile.options.join(', ')}); '${item}' is not one`,
      });
      return z.NEVER;
    }
    members.push(member.data);
  }
  return members;
});

const ianaTimeZone = z.string().refine((zone) => {
  try {
    zoneOffsetMs(zone, 0);
    return true;
  } catch {
    return false;
  }
}, 'expected an IANA time zone such as Asia/Karachi');

export const GatewayConfig = z.strictObject({
  /** RPM_GATEWAY_ID: this gateway's id, as registered on the server. */
  gatewayId: GatewayId,
  /**
   * RPM_PATIENT_IDS: the patients this gateway serves, comma-separated, as registered for it on
   * the server. A device can be paired only to one of them (the server would refuse the readings
   * of any other).
   */
  patientIds: z.preprocess(
    commaList,
    z
      .array(PatientId, { error: 'expected patient ids separated by commas' })
      .min(1, 'expected at least one patient id'),
  ),
  /**
   * RPM_TIME_ZONE: the IANA zone the patients' device clocks are set to (Date Time values carry
   * no zone), e.g. Asia/Karachi. Default: this machine's zone.
   */
  timeZone: ianaTimeZone.default(Intl.DateTimeFormat().resolvedOptions().timeZone),
  pairing: z
    .strictObject({
      /**
       * RPM_PAIRING_PIN: 6-12 digits (printed on the gateway's box), needed to pair or unpair a
       * device on the pairing page. Without one, the page only shows the devices.
       */
      pin: z
        .string()
        .regex(/^[0-9]{6,12}$/, 'expected 6 to 12 digits')
        .optional(),
    })
    .default({}),
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
      /**
       * RPM_PUBLISH_STREAM_WINDOW_MS: streamed readings (a strap's or an oximeter's, every
       * second) wait up to this long to go in one message; a spot measurement (a meter test,
       * a cuff or scale reading) goes at once, with whatever waits. Every sustained alert
       * rule needs minutes, so an alert is at most this much later (README, "Send policy").
       */
      streamWindowMs: z.coerce.number().int().min(0).max(60_000).default(15_000),
      /**
       * RPM_PUBLISH_ENCODING: `series`, the compact CBOR batch (a few bytes a reading), or
       * `json`, the v1 JSON batch (readable on the wire, about 285 bytes a reading).
       */
      encoding: z.enum(['series', 'json']).default('series'),
    })
    .default({ batchSize: 200, maxInFlight: 8, streamWindowMs: 15_000, encoding: 'series' }),
  ble: z
    .strictObject({
      /** RPM_BLE_MODE: `adapter` (the machine's Bluetooth) or `virtual` (simulated devices, for demos and tests). */
      mode: z.enum(['adapter', 'virtual']).default('adapter'),
    })
    .default({ mode: 'adapter' }),
  /** Simulated devices, used when RPM_BLE_MODE=virtual. */
  virtual: z
    .strictObject({
      /**
       * RPM_VIRTUAL_HOUSEHOLD: each patient's condition, which decides their simulated devices,
       * e.g. `P-1001=diabetes,P-1002=heart` (diabetes: glucose meter and CGM; copd: pulse oximeter;
       * heart: heart-rate strap and pulse oximeter; hypertension: blood-pressure cuff;
       * heart_failure: scale and cuff); each patient must be in RPM_PATIENT_IDS.
       * Default: the patients of RPM_PATIENT_IDS take the conditions in turn.
       */
      household: household.optional(),
      /** RPM_VIRTUAL_SEED: simulated device addresses and physiology (default: the gateway id). */
      seed: z.string().min(1).optional(),
      /**
       * RPM_VIRTUAL_PAIR_HOUSEHOLD: pair the simulated devices to their patients at start when no
       * device is paired yet, so a demo shows readings at once (default true).
       */
      pairHousehold: flag().default(true),
      /**
       * RPM_VIRTUAL_FROM, RPM_VIRTUAL_SPEED, RPM_VIRTUAL_SINCE: fast-forward. Simulated time is at
       * FROM (a past UTC time) at the real time SINCE (default: when the gateway starts), runs SPEED
       * times faster than real time, and follows real time once it has caught up. Restart with the
       * same SINCE to continue the same timeline. Default: simulated time is real time.
       */
      from: UtcTimestamp.optional(),
      speed: z.coerce.number().min(1, 'expected a speed of at least 1').max(1_000_000).default(1),
      since: UtcTimestamp.optional(),
      /**
       * RPM_VIRTUAL_HISTORY_DAYS: the simulated devices that keep measurements were in use this
       * many days before the simulated timeline began, and hold those measurements (default 0).
       */
      historyDays: z.coerce.number().int().min(0).max(30).default(0),
    })
    .default({ pairHousehold: true, speed: 1, historyDays: 0 }),
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
