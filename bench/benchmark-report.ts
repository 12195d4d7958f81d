/**
 * The shape of a benchmark report (the JSON file in bench/reports/, and what the markdown
 * table is printed from). Rates are per second of wall time; CPU is in cores (CPU seconds
 * per wall second, so 2.0 is both cores of a 2-core machine); memory in MiB.
 */
import { z } from 'zod';

const rate = z.number().finite().nonnegative();
const ratio = z.number().finite().nonnegative();
const mib = z.number().finite().nonnegative();
const cores = z.number().finite().nonnegative();

/** Latencies in milliseconds; null when nothing was measured. */
export const LatencySummary = z.strictObject({
  count: z.number().int().positive(),
  p50: z.number().finite(),
  p95: z.number().finite(),
  p99: z.number().finite(),
  max: z.number().finite(),
});
export type LatencySummary = z.infer<typeof LatencySummary>;

export const Machine = z.strictObject({
  cpuModel: z.string(),
  logicalCpus: z.number().int().positive(),
  memoryMib: mib,
  kernel: z.string(),
  nodeVersion: z.string(),
  influxVersion: z.string(),
});
export type Machine = z.infer<typeof Machine>;

export const DecodeRate = z.strictObject({
  uuid: z.string(),
  characteristic: z.string(),
  bytes: z.number().int().positive(),
  decodesPerSecond: rate,
});
export type DecodeRate = z.infer<typeof DecodeRate>;

export const SpoolAppendRate = z.strictObject({
  /** Appends of one reading each with this many waiting at once (1 = one fsync per reading). */
  concurrentAppends: z.number().int().positive(),
  readings: z.number().int().nonnegative(),
  readingsPerSecond: rate,
  /** fsync rounds: readings per commit shows the group commit at work. */
  commits: z.number().int().nonnegative(),
});
export type SpoolAppendRate = z.infer<typeof SpoolAppendRate>;

export const InfluxCeiling = z.strictObject({
  writers: z.number().int().positive(),
  batchLines: z.number().int().positive(),
  seconds: z.number().positive(),
  /** Line protocol per point, as the ingest writes it. */
  bytesPerLine: z.number().finite().positive(),
  pointsPerSecond: rate,
  /** Counted in InfluxDB afterwards; equals the lines written when nothing was lost. */
  pointsStored: z.number().int().nonnegative(),
  pointsWritten: z.number().int().nonnegative(),
  influxdCores: cores,
  /** Busy CPU of processes outside the benchmark meanwhile. */
  otherProcessesCores: cores,
});
export type InfluxCeiling = z.infer<typeof InfluxCeiling>;

export const BrokerCeiling = z.strictObject({
  publishers: z.number().int().positive(),
  maxInFlight: z.number().int().positive(),
  seconds: z.number().positive(),
  /** Publishes acknowledged by the broker (PUBACK), per second. */
  publishesAckedPerSecond: rate,
  /** Messages that reached the QoS 1 subscriber, per second: the pass-through rate. */
  messagesDeliveredPerSecond: rate,
  readingsPerMessage: z.number().finite().positive(),
  /** messagesDeliveredPerSecond x readingsPerMessage: comparable with a stored-readings rate. */
  readingsDeliveredPerSecond: rate,
  payloadBytesPerMessage: z.number().finite().positive(),
  brokerCores: cores,
  generatorCores: cores,
  otherProcessesCores: cores,
});
export type BrokerCeiling = z.infer<typeof BrokerCeiling>;

export const ProcessFigures = z.strictObject({
  cores,
  /** Peak resident set (VmHWM) over the process's life. */
  peakRssMib: mib,
});
export type ProcessFigures = z.infer<typeof ProcessFigures>;

export const AlertFigures = z.strictObject({
  /** Probe patients planned for the window. */
  planned: z.number().int().nonnegative(),
  /**
   * Threshold-crossing readings published (each completes a 5-minute SpO2 low). Fewer than
   * planned when the low run before it was not stored (PUBACK) within the window.
   */
  sent: z.number().int().nonnegative(),
  fired: z.number().int().nonnegative(),
  /** Sent and no `fired` event within the timeout. */
  missed: z.number().int().nonnegative(),
  timeoutSeconds: z.number().positive(),
  /** Publish of the crossing reading -> `fired` event on rpm/v1/alerts/{patient}. */
  latencyMs: LatencySummary.nullable(),
});
export type AlertFigures = z.infer<typeof AlertFigures>;

export const ProfileHotspot = z.strictObject({
  function: z.string(),
  /** The file, relative to the repository (or to node_modules). */
  location: z.string(),
  selfPercent: z.number().finite().nonnegative(),
});
export type ProfileHotspot = z.infer<typeof ProfileHotspot>;

/** The server's CPU profile over its whole life in the step (start, load, drain), when asked for. */
export const ServerProfile = z.strictObject({
  seconds: z.number().finite().nonnegative(),
  idlePercent: z.number().finite().nonnegative(),
  gcPercent: z.number().finite().nonnegative(),
  hotspots: z.array(ProfileHotspot),
});
export type ServerProfile = z.infer<typeof ServerProfile>;

export const StepResult = z.strictObject({
  patients: z.number().int().positive(),
  gateways: z.number().int().positive(),
  generatorProcesses: z.number().int().positive(),
  /** From spawning the server to its /health answering 200 (records opened, alerts engine rebuilt). */
  serverStartSeconds: z.number().nonnegative(),
  /** Connecting every gateway (login checked against the records, rejections subscribed, status published). */
  gatewaysConnectSeconds: z.number().nonnegative(),
  warmupSeconds: z.number().nonnegative(),
  windowSeconds: z.number().positive(),
  /** What the simulated devices produced (the schedule). */
  offeredReadingsPerSecond: rate,
  /** Handed to MQTT by the gateways (less than offered when their in-flight window is full). */
  publishedReadingsPerSecond: rate,
  /** Acknowledged by PUBACK, which the server sends only once InfluxDB stored the readings. */
  ackedReadingsPerSecond: rate,
  /** Counted in InfluxDB: stored during the window. */
  storedReadingsPerSecond: rate,
  storedByMetricPerSecond: z.record(z.string(), rate),
  storedPerOffered: ratio,
  storedPerInfluxCeiling: ratio,
  storedPerBrokerCeiling: ratio,
  /** Readings messages the gateways published in the window. */
  messagesPublished: z.number().int().nonnegative(),
  /**
   * Publish -> PUBACK (= publish -> stored) of the messages published in the window and
   * acknowledged by the end of the drain; its count is below messagesPublished when some never were.
   */
  publishToStoredMs: LatencySummary.nullable(),
  alerts: AlertFigures,
  server: ProcessFigures,
  influxd: ProcessFigures,
  /** All load-generator processes together (they share the machine with the server). */
  generator: ProcessFigures,
  coordinatorCores: cores,
  /** Busy CPU of the whole machine during the window (all processes). */
  machineBusyCores: cores,
  /** The machine's busy CPU not accounted for by the benchmark's processes (others sharing the machine). */
  otherProcessesCores: cores,
  payloadBytesPerReading: z.number().finite().nonnegative(),
  /** PUBLISH and PUBACK packets (MQTT framing included, TCP/IP not). */
  mqttBytesPerReading: z.number().finite().nonnegative(),
  backlog: z.strictObject({
    /** Readings not yet acknowledged at the gateways (waiting or in flight) at the end of the window. */
    gatewayUnacknowledgedReadings: z.number().int().nonnegative(),
    /** Gateways whose in-flight window was full at the end of the window. */
    gatewaysAtInFlightLimit: z.number().int().nonnegative(),
    /** Largest write backlog the server reported (rpm_ingest_backlog_lines); null: /metrics never answered. */
    serverBacklogLinesMax: z.number().nonnegative().nullable(),
    /**
     * Slowest answer of the server's /metrics during the window (asked once a second, given up
     * after 10 s): how long any HTTP request, /health or the dashboard, waited for the server.
     */
    serverHttpResponseMsMax: z.number().nonnegative(),
    /** Worst lateness of a simulated device's second in a generator process (its own saturation). */
    generatorScheduleLagMaxMs: z.number().nonnegative(),
    generatorEventLoopDelayP99Ms: z.number().nonnegative(),
    /** After the load stopped: time until every published reading was acknowledged. */
    drainSeconds: z.number().nonnegative(),
    drained: z.boolean(),
    /** Stopping the server: it first stores and evaluates what it accepted (SIGTERM). */
    serverShutdownSeconds: z.number().nonnegative(),
    /** Still busy after 20 s (e.g. an alerts backlog): ended by a second signal. */
    serverShutdownForced: z.boolean(),
  }),
  verification: z.strictObject({
    /** Readings acknowledged over the whole step (warm-up, window, drain). */
    acknowledged: z.number().int().nonnegative(),
    /** Readings of the step's sample times in InfluxDB after the drain. */
    stored: z.number().int().nonnegative(),
    /** Readings the server refused (rejections topic); 0 when the generator follows the contract. */
    refused: z.number().int().nonnegative(),
    /** Gateways that could not connect, and connections dropped during the step. */
    gatewaysNotConnected: z.number().int().nonnegative(),
    connectionErrors: z.number().int().nonnegative(),
  }),
  keepsUp: z.boolean(),
  findings: z.array(z.string()),
  serverProfile: ServerProfile.nullable(),
});
export type StepResult = z.infer<typeof StepResult>;

export const BenchmarkReport = z.strictObject({
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  machine: Machine,
  /** CPU busy on the machine in the seconds before the run began: others' work skews every figure. */
  busyCoresBeforeStart: cores,
  gatewaySide: z.strictObject({
    decodeRates: z.array(DecodeRate).min(1),
    spoolAppendRates: z.array(SpoolAppendRate).min(1),
  }),
  ceilings: z.strictObject({ influx: InfluxCeiling, broker: BrokerCeiling }),
  steps: z.array(StepResult).min(1),
  /** The largest patient count whose readings were all stored as fast as they came; null if none. */
  patientsCarried: z.number().int().positive().nullable(),
  notes: z.array(z.string()),
});
export type BenchmarkReport = z.infer<typeof BenchmarkReport>;
