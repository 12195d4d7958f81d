/**
 * Server configuration (ingest, alerts, dashboard and, by default, the embedded broker).
 * Every setting is an environment variable (name in the comment) or a key in the JSON
 * file named by RPM_CONFIG; the README's "Configuration" table lists them all.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { RoutingConfig } from '../alerts/notification-routing.ts';
import { flag, httpUrl, loadConfig, port, positiveInt } from '../common/config.ts';
import { DEFAULT_MAX_READING_AGE_DAYS, MAX_PAYLOAD_BYTES } from '../common/contract.ts';
import { LogLevel } from '../common/log.ts';
import { refusePoorPassword } from '../records/password-policy.ts';

/** An IPv4/IPv6 address or CIDR range, e.g. 127.0.0.1, 10.0.0.0/8, ::1. */
const addressOrRange = (text: string) => {
  const [address = '', prefix, ...rest] = text.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  // A /0 range is every address: the same as trusting every hop.
  return /^\d+$/.test(prefix) && bits >= 1 && bits <= (family === 4 ? 32 : 128);
};

/**
 * RPM_HTTP_TRUST_PROXY: `false`, or the reverse proxy's address(es) or range(s). Not `true`
 * nor a /0 range (every hop trusted), nor a hop count (fastify cannot check the nearest
 * peer with one, and refuses it): any client could name its own address in
 * X-Forwarded-For and escape the login rate limit.
 */
const trustedProxies = z.union([z.boolean(), z.string()]).transform((value, ctx): false | string[] => {
  const text = String(value).trim();
  if (text === 'false' || text === '') return false;
  const list = text.split(',').map((item) => item.trim());
  if (text !== 'true' && list.every(addressOrRange)) return list;
  ctx.addIssue({
    code: 'custom',
    message:
      text === 'true'
        ? 'expected the proxy address(es) (e.g. 127.0.0.1), not true: trusting every hop lets any client choose its address and escape the login limit'
        : 'expected false, or the proxy address(es) or range(s) such as 127.0.0.1,10.0.0.0/8',
  });
  return z.NEVER;
});

const mqttUrl = z.url({
  protocol: /^(mqtts?|tcp|tls|wss?)$/,
  error: 'expected an MQTT URL such as mqtt://host:1883',
});

export const ServerConfig = z
  .strictObject({
    /** RPM_MODE: `production` refuses demo credentials; `demo` seeds demo patients and users. */
    mode: z.enum(['production', 'demo']).default('production'),
    /** RPM_LOG_LEVEL */
    logLevel: z.enum(LogLevel).default('info'),
    /**
     * RPM_SHUTDOWN_DEADLINE_SECONDS: a stop (SIGTERM) that has not finished in this long (a
     * dependency hangs) exits anyway; keep it below the service manager's stop timeout.
     */
    shutdownDeadlineSeconds: positiveInt().max(600).default(20),
    /**
     * RPM_TIME_ZONE: the clinic's IANA time zone, for "days with readings" and daily rules
     * (default: this machine's zone).
     */
    timeZone: z
      .string()
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'expected an IANA time zone such as Asia/Karachi')
      .default(Intl.DateTimeFormat().resolvedOptions().timeZone),
    /** RPM_DATA_DIR: where the server keeps its own records (patients, gateways, alerts). */
    dataDir: z.string().min(1).default('.data/server'),
    records: z
      .strictObject({
        /**
         * RPM_RECORDS_URL: a PostgreSQL server for the records (postgres://user:pass@host/db).
         * Unset: an embedded PGlite database in RPM_DATA_DIR/records.
         */
        url: z.url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// URL' }).optional(),
      })
      .default({}),
    admin: z
      .strictObject({
        /**
         * RPM_ADMIN_USERNAME, RPM_ADMIN_PASSWORD: creates the first admin at start-up when no
         * admin exists yet (or use `npm run admin -- create-user`). Never a default password.
         */
        username: z
          .string()
          .regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, 'expected 2-32 lowercase letters, digits, . _ or -')
          .optional(),
        password: z
          .string()
          .min(12, 'expected at least 12 characters')
          .superRefine(refusePoorPassword)
          .optional(),
      })
      .default({})
      .refine((a) => !a.username === !a.password, {
        path: ['password'],
        message: 'RPM_ADMIN_USERNAME and RPM_ADMIN_PASSWORD go together',
      }),
    http: z
      .strictObject({
        /** RPM_HTTP_HOST */
        host: z.string().min(1).default('127.0.0.1'),
        /** RPM_HTTP_PORT (0 picks a free port) */
        port: port().default(8080),
        /**
         * RPM_HTTP_TRUST_PROXY: behind a TLS-terminating reverse proxy, its address(es)
         * (client addresses and https are then taken from its headers, so cookies are marked
         * Secure); see trustedProxies.
         */
        trustProxy: trustedProxies.default(false),
        /** RPM_HTTP_SESSION_HOURS: how long a login lasts (a nursing shift and a margin). */
        sessionHours: positiveInt()
          .max(24 * 7)
          .default(14),
        /** RPM_HTTP_LOGIN_ATTEMPTS: per address and user name per 15 minutes. */
        loginAttempts: positiveInt().max(1000).default(10),
      })
      .default({ host: '127.0.0.1', port: 8080, trustProxy: false, sessionHours: 14, loginAttempts: 10 }),
    ward: z
      .strictObject({
        /** RPM_WARD_SILENT_AFTER_MINUTES: a patient with nothing new for this long is shown as silent. */
        silentAfterMinutes: positiveInt()
          .max(7 * 24 * 60)
          .default(120),
      })
      .default({ silentAfterMinutes: 120 }),
    mqtt: z
      .strictObject({
        /** RPM_MQTT_BROKER: `embedded` runs aedes in this process; `external` connects to RPM_MQTT_URL. */
        broker: z.enum(['embedded', 'external']).default('embedded'),
        /** RPM_MQTT_HOST, RPM_MQTT_PORT: the embedded broker's plain TCP listener. */
        host: z.string().min(1).default('0.0.0.0'),
        port: port().default(1883),
        /** RPM_MQTT_TLS_PORT, RPM_MQTT_TLS_CERT_FILE, RPM_MQTT_TLS_KEY_FILE: optional TLS listener. */
        tlsPort: port().optional(),
        tlsCertFile: z.string().min(1).optional(),
        tlsKeyFile: z.string().min(1).optional(),
        /** RPM_MQTT_MAX_PAYLOAD_BYTES: larger publishes are refused. */
        maxPayloadBytes: positiveInt()
          .max(16 * 1024 * 1024)
          .default(MAX_PAYLOAD_BYTES),
        /** RPM_MQTT_URL: the external broker (external mode only). */
        url: mqttUrl.optional(),
        /** RPM_MQTT_USERNAME, RPM_MQTT_PASSWORD: the server's own login on an external broker. */
        username: z.string().min(1).optional(),
        password: z.string().min(1).optional(),
        /** RPM_MQTT_CLIENT_ID: persistent-session id on an external broker (unique per replica). */
        clientId: z.string().min(1).max(64).default('rpm-ingest'),
        /**
         * RPM_MQTT_SUBSCRIBER_USERNAME, RPM_MQTT_SUBSCRIBER_PASSWORD: a read-only account on the
         * embedded broker for integrations (alert events, gateway status).
         */
        subscriberUsername: z.string().min(1).optional(),
        subscriberPassword: z.string().min(16, 'expected at least 16 characters').optional(),
        /**
         * RPM_MQTT_MOSQUITTO_AUTH_DIR (external Mosquitto): where the server keeps Mosquitto's
         * `passwd` and `acl` files up to date with the registered gateways (send Mosquitto a
         * SIGHUP after issuing credentials so it rereads them).
         */
        mosquittoAuthDir: z.string().min(1).optional(),
        /** RPM_MQTT_SHARED_GROUP: subscribe through `$share/{group}/...` to share load between replicas. */
        sharedGroup: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,32}$/, 'expected 1-32 letters, digits, _ or -')
          .optional(),
      })
      .default({
        broker: 'embedded',
        host: '0.0.0.0',
        port: 1883,
        maxPayloadBytes: MAX_PAYLOAD_BYTES,
        clientId: 'rpm-ingest',
      })
      .superRefine((m, ctx) => {
        if (!m.subscriberUsername !== !m.subscriberPassword) {
          ctx.addIssue({
            code: 'custom',
            path: ['subscriberPassword'],
            message: 'RPM_MQTT_SUBSCRIBER_USERNAME and RPM_MQTT_SUBSCRIBER_PASSWORD go together',
          });
        }
        if (m.mosquittoAuthDir && (m.broker !== 'external' || !m.username || !m.password)) {
          ctx.addIssue({
            code: 'custom',
            path: ['mosquittoAuthDir'],
            message: 'needs RPM_MQTT_BROKER=external with RPM_MQTT_USERNAME and RPM_MQTT_PASSWORD',
          });
        }
        if (m.broker === 'external' && !m.url) {
          ctx.addIssue({ code: 'custom', path: ['url'], message: 'required when RPM_MQTT_BROKER=external' });
        }
        if ((m.tlsPort === undefined) !== (m.tlsCertFile === undefined) || !m.tlsCertFile !== !m.tlsKeyFile) {
          ctx.addIssue({
            code: 'custom',
            path: ['tlsPort'],
            message:
              'a TLS listener needs all of RPM_MQTT_TLS_PORT, RPM_MQTT_TLS_CERT_FILE and RPM_MQTT_TLS_KEY_FILE',
          });
        }
      }),
    influx: z
      .strictObject({
        /** RPM_INFLUX_URL: base URL of InfluxDB 1.x, 2.x, 3.x or Cloud. */
        url: httpUrl('the InfluxDB base URL, e.g. http://127.0.0.1:8086'),
        /**
         * RPM_INFLUX_DATABASE (1.x database; on 2.x/Cloud the bucket mapped to it, on 3.x the database).
         * RPM_INFLUX_RETENTION_POLICY: optional (1.x rp, or the DBRP mapping's rp on 2.x).
         */
        database: z.string().min(1).default('rpm'),
        retentionPolicy: z.string().min(1).optional(),
        /** RPM_INFLUX_TOKEN (2.x, 3.x, Cloud) or RPM_INFLUX_USERNAME + RPM_INFLUX_PASSWORD (1.x). */
        token: z.string().min(1).optional(),
        username: z.string().min(1).optional(),
        password: z.string().min(1).optional(),
        /** RPM_INFLUX_CREATE_DATABASE: create the database on start (1.x only; needs admin rights). */
        createDatabase: flag().default(true),
        /** RPM_INFLUX_BATCH_SIZE, RPM_INFLUX_FLUSH_MS: write batching. */
        batchSize: positiveInt().max(50_000).default(5000),
        flushMs: positiveInt().max(10_000).default(100),
      })
      .superRefine((i, ctx) => {
        if (i.token && (i.username || i.password)) {
          ctx.addIssue({
            code: 'custom',
            path: ['token'],
            message: 'set either a token or a username/password, not both',
          });
        }
        if (!i.username !== !i.password) {
          ctx.addIssue({ code: 'custom', path: ['username'], message: 'username and password go together' });
        }
      }),
    ingest: z
      .strictObject({
        /**
         * RPM_INGEST_MAX_READING_AGE_DAYS: a reading sampled longer ago is refused and
         * dead-lettered (`past_timestamp`): a device whose clock was reset.
         */
        maxReadingAgeDays: positiveInt().max(3650).default(DEFAULT_MAX_READING_AGE_DAYS),
        /**
         * RPM_INGEST_MAX_DEAD_LETTERS_PER_MINUTE: dead letters stored per gateway and minute; the
         * rest are counted on /metrics (rpm_dead_letters_dropped_total), not stored.
         */
        maxDeadLettersPerMinute: positiveInt().max(100_000).default(120),
        /** RPM_INGEST_DEAD_LETTER_RETENTION_DAYS: dead letters older than this are deleted (InfluxDB 1.x; hourly). */
        deadLetterRetentionDays: positiveInt().max(3650).default(30),
      })
      .default({
        maxReadingAgeDays: DEFAULT_MAX_READING_AGE_DAYS,
        maxDeadLettersPerMinute: 120,
        deadLetterRetentionDays: 30,
      }),
    alerts: z
      .strictObject({
        /** RPM_ALERTS_TICK_SECONDS: how often silences, escalations and no-data rules are checked. */
        tickSeconds: positiveInt().max(300).default(30),
        /** RPM_ALERTS_CRITICAL_ESCALATE_MINUTES: an unacknowledged critical alert goes to the next person after this. */
        criticalEscalateMinutes: positiveInt()
          .max(24 * 60)
          .default(15),
        /** RPM_ALERTS_CRITICAL_RENOTIFY_MINUTES, RPM_ALERTS_WARNING_RENOTIFY_MINUTES: reminders while unacknowledged. */
        criticalRenotifyMinutes: positiveInt()
          .max(24 * 60)
          .default(10),
        warningRenotifyMinutes: positiveInt()
          .max(24 * 60)
          .default(30),
        /**
         * RPM_ALERTS_PAGING_WINDOW_MINUTES: an episode whose readings arrive longer than this
         * after they were taken (a gateway back from a power cut) is recorded for review and
         * pages nobody, unless a fresher reading shows it still going on.
         */
        pagingWindowMinutes: positiveInt()
          .max(7 * 24 * 60)
          .default(60),
        /**
         * RPM_ALERTS_GATEWAY_STATUS_MINUTES: a home gateway that sent no status for this long
         * counts as offline (ours sends one every minute; the broker sends its last will).
         */
        gatewayStatusMinutes: positiveInt()
          .max(24 * 60)
          .default(10),
        /**
         * RPM_ALERTS_REORDER_HORIZON_MINUTES: a reading that arrives after newer ones re-evaluates
         * its rules over the stored readings if it is at most this old.
         */
        reorderHorizonMinutes: positiveInt()
          .max(7 * 24 * 60)
          .default(360),
        /**
         * RPM_ALERTS_MAX_PENDING_READINGS: readings waiting for evaluation (a memory bound, about
         * 500 bytes each); beyond it the engine drops its queue and rebuilds from InfluxDB.
         */
        maxPendingReadings: positiveInt().max(10_000_000).default(100_000),
      })
      .default({
        tickSeconds: 30,
        criticalEscalateMinutes: 15,
        criticalRenotifyMinutes: 10,
        warningRenotifyMinutes: 30,
        pagingWindowMinutes: 60,
        gatewayStatusMinutes: 10,
        reorderHorizonMinutes: 360,
        maxPendingReadings: 100_000,
      }),
    notify: z
      .strictObject({
        /** RPM_NOTIFY_SMTP_URL, e.g. smtp://user:pass@mail.example.org:587 ; RPM_NOTIFY_EMAIL_FROM */
        smtpUrl: z.url({ protocol: /^smtps?$/, error: 'expected smtp:// or smtps:// URL' }).optional(),
        emailFrom: z.email().default('alerts@rpm.invalid'),
        /** RPM_NOTIFY_WEBHOOK_URL and RPM_NOTIFY_WEBHOOK_SECRET (HMAC-SHA256 signing key). */
        webhookUrl: httpUrl().optional(),
        webhookSecret: z.string().min(16, 'expected at least 16 characters').optional(),
        /** RPM_NOTIFY_DASHBOARD_URL: the dashboard's address as staff reach it, for links in alert email. */
        dashboardUrl: httpUrl().optional(),
        /**
         * Who gets what, per care team and severity (JSON config file only; see README):
         * `{ "default": { "critical": ["email", "webhook", "mqtt", "live_feed"], ... },
         *    "careTeams": { "ward-a": { ... } }, "updates": [...] }`.
         */
        routing: z.record(z.string(), z.unknown()).optional(),
      })
      .default({ emailFrom: 'alerts@rpm.invalid' }),
  })
  .superRefine((c, ctx) => {
    const routing = RoutingConfig.safeParse(routingInput(c.notify));
    for (const issue of routing.success ? [] : routing.error.issues) {
      ctx.addIssue({
        code: 'custom',
        path: ['notify', 'routing', ...issue.path.map(String)],
        message: issue.message,
      });
    }
    // .env.example's placeholders are public: production never runs on one.
    if (c.mode === 'production' && c.admin.password?.startsWith('change-me')) {
      ctx.addIssue({
        code: 'custom',
        path: ['admin', 'password'],
        message: "is the example value from .env.example; choose the clinic's own",
      });
    }
    if (c.notify.webhookUrl && !c.notify.webhookSecret) {
      ctx.addIssue({
        code: 'custom',
        path: ['notify', 'webhookSecret'],
        message: 'required when a webhook URL is set',
      });
    }
  });
export type ServerConfig = z.output<typeof ServerConfig>;

/**
 * The routing to validate: the file's `notify.routing` with the webhook URL of
 * RPM_NOTIFY_WEBHOOK_URL; without a routing of their own, setting a webhook adds it to the
 * default routes of warnings and critical alerts.
 */
function routingInput(notify: {
  webhookUrl?: string | undefined;
  routing?: Record<string, unknown> | undefined;
}) {
  if (notify.routing) return { ...notify.routing, webhookUrl: notify.webhookUrl };
  if (!notify.webhookUrl) return {};
  return {
    webhookUrl: notify.webhookUrl,
    default: {
      info: ['mqtt', 'live_feed'],
      warning: ['email', 'webhook', 'mqtt', 'live_feed'],
      critical: ['email', 'webhook', 'mqtt', 'live_feed'],
    },
  };
}

export function alertRouting(config: ServerConfig): RoutingConfig {
  return RoutingConfig.parse(routingInput(config.notify));
}

export function loadServerConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return loadConfig(ServerConfig, env);
}
