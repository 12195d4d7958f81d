/**
 * What a benchmark run does, with the defaults of the full run (`npm run bench`) and the
 * preset of the CI smoke test. Every stage is bounded in time; the load is bounded by the
 * patient counts.
 */
import { z } from 'zod';
import { GatewayConfig } from '../gateway/config.ts';

/** The real gateway's publishing defaults (batch size, messages in flight). */
const PUBLISH = GatewayConfig.shape.publish.parse(undefined);

const seconds = z.number().positive();
const count = z.number().int().positive();

export const BenchmarkOptions = z.strictObject({
  /** One step per count, smallest first; each starts its own server with that many patients. */
  patientCounts: z.array(count).min(1).default([1000, 1500, 2000, 5000, 10_000, 20_000]),
  /** Load before the measurement window opens. */
  warmupSeconds: z.number().nonnegative().default(15),
  measureSeconds: seconds.default(40),
  /** After the window: how long the gateways may take to get their backlog acknowledged. */
  drainTimeoutSeconds: seconds.default(30),
  /** Alerts driven per step, spread over the window. */
  alertProbes: z.number().int().nonnegative().default(20),
  alertTimeoutSeconds: seconds.default(60),
  /** Processes sharing the simulated gateways. */
  generatorProcesses: count.default(2),
  /**
   * Run the server under V8's sampling profiler and report where its time went (costs the
   * server some speed: use it to explain a step, not to measure one).
   */
  profileServer: z.boolean().default(false),
  maxInFlight: count.default(PUBLISH.maxInFlight),
  batchSize: count.default(PUBLISH.batchSize),
  ceilings: z
    .strictObject({
      influxSeconds: seconds.default(10),
      influxWriters: count.default(4),
      influxBatchLines: count.default(5000),
      brokerSeconds: seconds.default(10),
      brokerWarmupSeconds: z.number().nonnegative().default(3),
      brokerPublishers: count.default(200),
    })
    .default({
      influxSeconds: 10,
      influxWriters: 4,
      influxBatchLines: 5000,
      brokerSeconds: 10,
      brokerWarmupSeconds: 3,
      brokerPublishers: 200,
    }),
  gatewaySide: z
    .strictObject({
      decodeMsPerCharacteristic: seconds.default(300),
      spoolSeconds: seconds.default(3),
      /** Appends waiting at once: 1 (an fsync per reading) and many (group commit). */
      spoolConcurrency: z.array(count).min(1).default([1, 64]),
    })
    .default({ decodeMsPerCharacteristic: 300, spoolSeconds: 3, spoolConcurrency: [1, 64] }),
});
export type BenchmarkOptions = z.output<typeof BenchmarkOptions>;
export type BenchmarkOptionsInput = z.input<typeof BenchmarkOptions>;

/** The CI smoke test: every figure, tiny and fast (well under a minute). */
export const SMOKE_OPTIONS: BenchmarkOptionsInput = {
  patientCounts: [50],
  warmupSeconds: 2,
  measureSeconds: 5,
  drainTimeoutSeconds: 10,
  alertProbes: 1,
  alertTimeoutSeconds: 30,
  generatorProcesses: 1,
  ceilings: {
    influxSeconds: 1,
    influxWriters: 2,
    influxBatchLines: 1000,
    brokerSeconds: 1,
    brokerWarmupSeconds: 0.5,
    brokerPublishers: 4,
  },
  gatewaySide: { decodeMsPerCharacteristic: 5, spoolSeconds: 0.3, spoolConcurrency: [1, 8] },
};
