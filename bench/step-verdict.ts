/**
 * Whether a load step was carried, and what the figures say when it was not: a pipeline
 * that stores less than it is offered, acknowledgements that lag (the gateways' backlog
 * grows), alerts that do not arrive, or a load generator that itself ran late.
 */
import type { AlertFigures, LatencySummary } from './benchmark-report.ts';

export interface StepFigures {
  offeredPerSecond: number;
  storedPerSecond: number;
  /** Readings not yet acknowledged at the gateways (waiting or in flight) at the end of the window. */
  gatewayUnacknowledgedReadings: number;
  gatewaysAtInFlightLimit: number;
  gateways: number;
  publishToStoredMs: LatencySummary | null;
  /** Messages published in the window (the latencies cover those acknowledged by the end of the drain). */
  messagesPublished: number;
  drained: boolean;
  drainTimeoutSeconds: number;
  alerts: AlertFigures;
  generatorScheduleLagMaxMs: number;
  machineBusyCores: number;
  generatorCores: number;
  otherProcessesCores: number;
  serverCores: number;
  serverHttpResponseMsMax: number;
  logicalCpus: number;
  /** Over the whole step: readings acknowledged by PUBACK, and those InfluxDB holds after the drain. */
  acknowledged: number;
  storedAfterDrain: number;
  refused: number;
  gatewaysNotConnected: number;
  /** Connections the broker dropped during the step. */
  connectionErrors: number;
}

/** Stored at least this share of the offered readings. */
export const KEEPS_UP_SHARE = 0.97;
/** The server's JavaScript runs on one thread: about one core busy means that thread is the limit. */
const ONE_THREAD_BUSY = 0.95;
/** CPU used by processes outside the benchmark that is worth a mention. */
const OTHERS_NOTICEABLE = 0.1;
/** Longer than this for /metrics: staff at the dashboard would notice. */
const SLOW_HTTP_MS = 2000;
/** A generator second due this late, or an event-loop delay p99 this long, means the generator is saturated. */
const GENERATOR_LATE_MS = 1000;

const percent = (x: number) => `${Math.round(x * 100)} %`;
const secondsText = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function judgeStep(f: StepFigures): { keepsUp: boolean; findings: string[] } {
  const findings: string[] = [];
  const lost = f.acknowledged - f.storedAfterDrain;
  if (lost > 0) findings.push(`${lost} acknowledged readings are missing from InfluxDB`);
  if (f.refused > 0)
    findings.push(`the server refused ${f.refused} readings or messages (see the server log)`);
  if (f.gatewaysNotConnected > 0)
    findings.push(`${f.gatewaysNotConnected} of ${f.gateways} gateways could not connect (timed out)`);
  if (f.connectionErrors > 0)
    findings.push(`${f.connectionErrors} gateway connections dropped during the step`);
  const share = f.offeredPerSecond > 0 ? f.storedPerSecond / f.offeredPerSecond : 0;
  // More than one second of load unacknowledged at the gateways: acknowledgements lag behind.
  const backlogGrew = f.gatewayUnacknowledgedReadings > f.offeredPerSecond;
  if (share < KEEPS_UP_SHARE)
    findings.push(`stored ${percent(share)} of the offered readings: the pipeline falls behind`);
  if (backlogGrew) {
    findings.push(
      `acknowledgements lag: ${f.gatewayUnacknowledgedReadings} readings (${(f.gatewayUnacknowledgedReadings / f.offeredPerSecond).toFixed(1)} s of load) unacknowledged at the gateways, ${f.gatewaysAtInFlightLimit} of ${f.gateways} gateways at their in-flight limit`,
    );
  }
  if (f.publishToStoredMs && f.publishToStoredMs.p99 > 1000)
    findings.push(`publish -> stored p99 ${secondsText(f.publishToStoredMs.p99)}`);
  const timed = f.publishToStoredMs?.count ?? 0;
  if (timed < f.messagesPublished)
    findings.push(
      `${f.messagesPublished - timed} of ${f.messagesPublished} messages published in the window were never acknowledged, so publish -> stored leaves out the slowest`,
    );
  if (!f.drained)
    findings.push(
      `the backlog was not acknowledged within ${f.drainTimeoutSeconds} s after the load stopped`,
    );
  const a = f.alerts;
  if (a.sent < a.planned)
    findings.push(
      `${a.planned - a.sent} of ${a.planned} alert probes not sent: their earlier readings were not stored within the window`,
    );
  if (a.missed > 0)
    findings.push(`${a.missed} of ${a.sent} alerts did not arrive within ${a.timeoutSeconds} s`);
  if (f.generatorScheduleLagMaxMs > GENERATOR_LATE_MS)
    findings.push(
      `the load generator ran up to ${secondsText(f.generatorScheduleLagMaxMs)} late: the offered rate is below the plan`,
    );
  if (f.serverCores >= ONE_THREAD_BUSY && !(share >= KEEPS_UP_SHARE && !backlogGrew))
    findings.push(
      `the server used ${f.serverCores.toFixed(2)} cores: its one JavaScript thread is saturated while ${(f.logicalCpus - f.machineBusyCores).toFixed(2)} cores stay idle`,
    );
  if (f.serverHttpResponseMsMax > SLOW_HTTP_MS)
    findings.push(
      `the server took up to ${secondsText(f.serverHttpResponseMsMax)} to answer HTTP (/metrics; /health and the dashboard wait as long)`,
    );
  if (f.otherProcessesCores >= OTHERS_NOTICEABLE)
    findings.push(
      `other processes on the machine used ${f.otherProcessesCores.toFixed(2)} cores during the window`,
    );
  if (f.machineBusyCores >= 0.9 * f.logicalCpus)
    findings.push(
      `all ${f.logicalCpus} cores busy (${f.machineBusyCores.toFixed(2)}), ${f.generatorCores.toFixed(2)} of them the load generator's`,
    );
  return {
    keepsUp:
      share >= KEEPS_UP_SHARE &&
      !backlogGrew &&
      f.drained &&
      lost <= 0 &&
      f.refused === 0 &&
      f.gatewaysNotConnected === 0 &&
      f.connectionErrors === 0,
    findings,
  };
}
