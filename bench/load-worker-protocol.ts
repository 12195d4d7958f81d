/** Messages between the benchmark and its load-generator processes (validated on both sides). */
import { z } from 'zod';
import { GatewayLogin } from './load-plan.ts';

const count = z.number().int().nonnegative();

export const WorkerCommand = z.discriminatedUnion('type', [
  /** Connect these gateways (at most `connectConcurrency` connecting at once). */
  z.strictObject({
    type: z.literal('connect'),
    mqttUrl: z.string(),
    gateways: z.array(GatewayLogin).min(1),
    maxInFlight: z.number().int().positive(),
    batchSize: z.number().int().positive(),
    connectConcurrency: z.number().int().positive(),
  }),
  /** Start the load: `paced` from `epochMs` (each gateway at its own phase), or `flood`. */
  z.strictObject({ type: z.literal('go'), mode: z.enum(['paced', 'flood']), epochMs: z.number() }),
  z.strictObject({ type: z.literal('window-begin') }),
  z.strictObject({ type: z.literal('window-end') }),
  /** Stop producing; report when everything published was acknowledged, or at the timeout. */
  z.strictObject({ type: z.literal('stop-load'), drainTimeoutMs: z.number().int().positive() }),
  z.strictObject({ type: z.literal('close') }),
]);
export type WorkerCommand = z.infer<typeof WorkerCommand>;

export const WindowStats = z.strictObject({
  generatedReadings: count,
  publishedMessages: count,
  publishedReadings: count,
  payloadBytes: count,
  mqttBytes: count,
  ackedMessages: count,
  ackedReadings: count,
  scheduleLagMaxMs: z.number().nonnegative(),
  eventLoopDelayP99Ms: z.number().nonnegative(),
  /** At the end of the window: readings not yet acknowledged (waiting or in flight). */
  unacknowledgedReadings: count,
  gatewaysAtLimit: count,
});
export type WindowStats = z.infer<typeof WindowStats>;

export const WorkerTotals = z.strictObject({
  ackedReadings: count,
  refused: count,
  connectionErrors: count,
});
export type WorkerTotals = z.infer<typeof WorkerTotals>;

export const WorkerReport = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('connected'),
    connected: count,
    failed: count,
    firstError: z.string().nullable(),
  }),
  z.strictObject({ type: z.literal('window'), stats: WindowStats }),
  z.strictObject({
    type: z.literal('drained'),
    drained: z.boolean(),
    ms: z.number().nonnegative(),
    unacknowledgedReadings: count,
    /**
     * Publish -> PUBACK (ms) of each message published in the last measurement window and
     * acknowledged by now: sent after the drain, so slow acknowledgements are not left out.
     */
    windowLatenciesMs: z.array(z.number()),
    totals: WorkerTotals,
  }),
  z.strictObject({ type: z.literal('closed') }),
]);
export type WorkerReport = z.infer<typeof WorkerReport>;
