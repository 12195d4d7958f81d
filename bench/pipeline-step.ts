/**
 * One load step: N patients through the whole pipeline. The server starts as its own
 * process on records prepared for N patients (plus this step's alert probes) and a fresh
 * InfluxDB database; the load generator connects their gateways and sends each patient's
 * readings every second; after the warm-up a measurement window opens. Stored readings
 * are counted in InfluxDB at both ends of the window; PUBACK latencies, alert latencies, CPU
 * and memory are taken in the same window. Then the load stops, the backlog drains
 * (bounded), and InfluxDB's count is checked against every acknowledged reading.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectInflux } from '../ingest/influx-connection.ts';
import { AlertProbes } from './alert-probes.ts';
import type { BenchRegistry } from './bench-registry.ts';
import type { BenchmarkOptions } from './benchmark-options.ts';
import type { AlertFigures, ServerProfile, StepResult } from './benchmark-report.ts';
import { summarizeCpuProfile } from './cpu-profile-summary.ts';
import { type DrainResult, LoadGenerator } from './load-generator.ts';
import { type GatewayLogin, LOAD_PATIENT_PREFIX, planGateways, planProbes } from './load-plan.ts';
import type { WindowStats } from './load-worker-protocol.ts';
import { summarizeLatencies } from './percentiles.ts';
import { CpuMeter, readProcessUsage } from './proc-stats.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';
import { StepSampler } from './step-sampler.ts';
import { judgeStep } from './step-verdict.ts';
import { countStored, type StoredCount } from './stored-counts.ts';
import { REPO_ROOT } from './ts-child-process.ts';
import { LOAD_METRICS } from './vital-sign-readings.ts';
import { sleep } from './waiting.ts';

export interface StepContext {
  options: BenchmarkOptions;
  /** 1, 2, ...: keeps each step's probes and database apart. */
  stepIndex: number;
  workDir: string;
  /** The server's RPM_DATA_DIR (its records are `registry`'s). */
  serverDataDir: string;
  registry: BenchRegistry;
  influxUrl: string;
  influxdPid: number;
  logicalCpus: number;
  ceilings: { influxPointsPerSecond: number; brokerReadingsPerSecond: number };
  progress: (message: string) => void;
}

/** What one step measured, before it is judged. */
interface Measured {
  window: WindowStats;
  windowSeconds: number;
  cores: { server: number; influxd: number; generator: number; coordinator: number; machine: number };
  before: StoredCount;
  after: StoredCount;
  drain: DrainResult;
  alerts: AlertFigures;
  storedAfterDrain: number;
  generatorProcesses: number;
  gatewaysNotConnected: number;
  peakRssBytes: { server: number; influxd: number; generator: number };
  serverBacklogLinesMax: number | null;
  serverHttpResponseMsMax: number;
  gatewaysConnectSeconds: number;
}

const MIB = 2 ** 20;
const DAY_MS = 86_400_000;
const PROFILE_HOTSPOTS = 12;

/** The profile `node --cpu-prof` wrote for `pid` when it exited (none if it was killed). */
function serverProfile(dir: string, pid: number): ServerProfile | null {
  const file = readdirSync(dir).find((name) => name.includes(`.${pid}.`) && name.endsWith('.cpuprofile'));
  if (!file) return null;
  return summarizeCpuProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')), REPO_ROOT, PROFILE_HOTSPOTS);
}

async function measure(
  ctx: StepContext,
  server: ServerProcess,
  load: GatewayLogin[],
  probeLogins: GatewayLogin[],
  subscriber: { username: string; password: string },
  database: string,
  say: (message: string) => void,
): Promise<Measured> {
  const o = ctx.options;
  const influx = await connectInflux({ url: ctx.influxUrl, database }, { createDatabase: false });
  const probes = await AlertProbes.connect({
    mqttUrl: server.mqttUrl,
    subscriber,
    probes: probeLogins,
    timeoutMs: o.alertTimeoutSeconds * 1000,
  });
  try {
    say(`connecting ${load.length} gateways`);
    const connecting = performance.now();
    const generator = await LoadGenerator.start({
      processes: o.generatorProcesses,
      mqttUrl: server.mqttUrl,
      gateways: load,
      maxInFlight: o.maxInFlight,
      batchSize: o.batchSize,
      logDir: ctx.workDir,
      connectTimeoutMs: 600_000,
    });
    const gatewaysConnectSeconds = (performance.now() - connecting) / 1000;
    try {
      const loadStart = Date.now() + 1000;
      generator.go('paced', loadStart);
      say(`load on; warm-up ${o.warmupSeconds} s`);
      await sleep(1000 + o.warmupSeconds * 1000);
      const range = {
        measurements: LOAD_METRICS,
        patientPrefix: LOAD_PATIENT_PREFIX,
        fromMs: loadStart - 1000,
        toMs: loadStart + DAY_MS,
      };
      const sampler = new StepSampler(server.httpUrl, ctx.influxdPid);
      const meters = {
        server: CpuMeter.forPids(() => [server.proc.pid]),
        influxd: CpuMeter.forPids(() => [ctx.influxdPid]),
        generator: CpuMeter.forPids(() => generator.pids),
        coordinator: CpuMeter.forThisProcess(),
        machine: CpuMeter.forMachine(),
      };
      const before = await countStored(influx, range);
      for (const meter of Object.values(meters)) meter.start();
      sampler.start();
      generator.beginWindow();
      const windowStarted = performance.now();
      say(`measuring for ${o.measureSeconds} s`);
      await Promise.all([probes.run(o.measureSeconds * 1000), sleep(o.measureSeconds * 1000)]);
      const window = await generator.endWindow();
      const windowSeconds = (performance.now() - windowStarted) / 1000;
      const cores = {
        server: meters.server.cores(),
        influxd: meters.influxd.cores(),
        generator: meters.generator.cores(),
        coordinator: meters.coordinator.cores(),
        machine: meters.machine.cores(),
      };
      sampler.stop();
      const after = await countStored(influx, range);
      say('load off; draining');
      const drain = await generator.stopLoad(o.drainTimeoutSeconds * 1000);
      const alerts = await probes.results();
      const storedAfterDrain = (await countStored(influx, range)).total;
      return {
        window,
        windowSeconds,
        cores,
        before,
        after,
        drain,
        alerts,
        storedAfterDrain,
        generatorProcesses: generator.pids.length,
        gatewaysNotConnected: generator.notConnected,
        peakRssBytes: {
          server: readProcessUsage(server.proc.pid).peakRssBytes,
          influxd: sampler.influxdRssBytesMax,
          generator: generator.pids.reduce((sum, pid) => sum + readProcessUsage(pid).peakRssBytes, 0),
        },
        serverBacklogLinesMax: sampler.serverBacklogLinesMax,
        serverHttpResponseMsMax: sampler.serverHttpResponseMsMax,
        gatewaysConnectSeconds,
      };
    } finally {
      await generator.close();
    }
  } finally {
    await probes.close();
  }
}

export async function runPipelineStep(ctx: StepContext, patients: number): Promise<StepResult> {
  const o = ctx.options;
  const say = (message: string) => ctx.progress(`[${patients} patients] ${message}`);
  const plans = planGateways(patients);
  say(`registering ${plans.length} gateways and ${o.alertProbes} alert probes`);
  const logins = await ctx.registry.register([...plans, ...planProbes(ctx.stepIndex, o.alertProbes)]);
  const subscriber = { username: 'bench-subscriber', password: randomBytes(18).toString('base64url') };
  const database = `bench_step${ctx.stepIndex}_${patients}`;
  const profileDir = o.profileServer ? join(ctx.workDir, `profile-step${ctx.stepIndex}`) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  say('starting the server');
  const starting = performance.now();
  const server = await startServerProcess({
    dataDir: ctx.serverDataDir,
    influxUrl: ctx.influxUrl,
    database,
    subscriber,
    logFile: join(ctx.workDir, `server-step${ctx.stepIndex}.log`),
    startTimeoutMs: 600_000,
    profileDir,
  });
  const serverStartSeconds = (performance.now() - starting) / 1000;
  let m: Measured;
  let shutdown: { seconds: number; forced: boolean };
  try {
    m = await measure(
      ctx,
      server,
      logins.slice(0, plans.length),
      logins.slice(plans.length),
      subscriber,
      database,
      say,
    );
  } finally {
    say('stopping the server');
    shutdown = await server.stop();
  }

  const perSecond = (n: number) => n / m.windowSeconds;
  const countSeconds = (m.after.atMs - m.before.atMs) / 1000;
  const offered = perSecond(m.window.generatedReadings);
  const stored = (m.after.total - m.before.total) / countSeconds;
  const publishToStoredMs = summarizeLatencies(m.drain.windowLatenciesMs);
  const c = m.cores;
  const others = Math.max(0, c.machine - c.server - c.influxd - c.generator - c.coordinator);
  const verdict = judgeStep({
    offeredPerSecond: offered,
    storedPerSecond: stored,
    gatewayUnacknowledgedReadings: m.window.unacknowledgedReadings,
    gatewaysAtInFlightLimit: m.window.gatewaysAtLimit,
    gateways: plans.length,
    publishToStoredMs,
    messagesPublished: m.window.publishedMessages,
    drained: m.drain.drained,
    drainTimeoutSeconds: o.drainTimeoutSeconds,
    alerts: m.alerts,
    generatorScheduleLagMaxMs: m.window.scheduleLagMaxMs,
    machineBusyCores: m.cores.machine,
    generatorCores: m.cores.generator,
    otherProcessesCores: others,
    serverCores: m.cores.server,
    serverHttpResponseMsMax: m.serverHttpResponseMsMax,
    logicalCpus: ctx.logicalCpus,
    acknowledged: m.drain.totals.ackedReadings,
    storedAfterDrain: m.storedAfterDrain,
    refused: m.drain.totals.refused,
    gatewaysNotConnected: m.gatewaysNotConnected,
    connectionErrors: m.drain.totals.connectionErrors,
  });
  if (shutdown.forced) verdict.findings.push('the server was still busy 20 s after SIGTERM and was ended');
  const profile = profileDir ? serverProfile(profileDir, server.proc.pid) : null;
  return {
    patients,
    gateways: plans.length,
    generatorProcesses: m.generatorProcesses,
    serverStartSeconds,
    gatewaysConnectSeconds: m.gatewaysConnectSeconds,
    warmupSeconds: o.warmupSeconds,
    windowSeconds: m.windowSeconds,
    offeredReadingsPerSecond: offered,
    publishedReadingsPerSecond: perSecond(m.window.publishedReadings),
    ackedReadingsPerSecond: perSecond(m.window.ackedReadings),
    storedReadingsPerSecond: stored,
    storedByMetricPerSecond: Object.fromEntries(
      LOAD_METRICS.map((metric) => [
        metric,
        ((m.after.byMeasurement[metric] ?? 0) - (m.before.byMeasurement[metric] ?? 0)) / countSeconds,
      ]),
    ),
    storedPerOffered: offered > 0 ? stored / offered : 0,
    storedPerInfluxCeiling: stored / ctx.ceilings.influxPointsPerSecond,
    storedPerBrokerCeiling: stored / ctx.ceilings.brokerReadingsPerSecond,
    messagesPublished: m.window.publishedMessages,
    publishToStoredMs,
    alerts: m.alerts,
    server: { cores: m.cores.server, peakRssMib: m.peakRssBytes.server / MIB },
    influxd: { cores: m.cores.influxd, peakRssMib: m.peakRssBytes.influxd / MIB },
    generator: { cores: m.cores.generator, peakRssMib: m.peakRssBytes.generator / MIB },
    coordinatorCores: m.cores.coordinator,
    machineBusyCores: m.cores.machine,
    otherProcessesCores: others,
    payloadBytesPerReading: m.window.payloadBytes / Math.max(1, m.window.publishedReadings),
    mqttBytesPerReading: m.window.mqttBytes / Math.max(1, m.window.publishedReadings),
    backlog: {
      gatewayUnacknowledgedReadings: m.window.unacknowledgedReadings,
      gatewaysAtInFlightLimit: m.window.gatewaysAtLimit,
      serverBacklogLinesMax: m.serverBacklogLinesMax,
      serverHttpResponseMsMax: m.serverHttpResponseMsMax,
      generatorScheduleLagMaxMs: m.window.scheduleLagMaxMs,
      generatorEventLoopDelayP99Ms: m.window.eventLoopDelayP99Ms,
      drainSeconds: m.drain.ms / 1000,
      drained: m.drain.drained,
      serverShutdownSeconds: shutdown.seconds,
      serverShutdownForced: shutdown.forced,
    },
    verification: {
      acknowledged: m.drain.totals.ackedReadings,
      stored: m.storedAfterDrain,
      refused: m.drain.totals.refused,
      gatewaysNotConnected: m.gatewaysNotConnected,
      connectionErrors: m.drain.totals.connectionErrors,
    },
    keepsUp: verdict.keepsUp,
    findings: verdict.findings,
    serverProfile: profile,
  };
}
