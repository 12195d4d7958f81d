/**
 * The whole benchmark, on this machine, in one run: a private InfluxDB (Debian's influxd,
 * temporary directory, free loopback port); the gateway side (decoders, disk spool); the
 * ceilings (raw InfluxDB writes, a bare broker's pass-through) while the machine is quiet;
 * then the pipeline at each patient count, smallest first. Everything stays on loopback and
 * in a temporary directory that is removed at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectVersion } from '../ingest/influx-connection.ts';
import { startInfluxd } from '../scripts/private-influxd.ts';
import { BenchRegistry } from './bench-registry.ts';
import { BenchmarkError } from './benchmark-error.ts';
import type { BenchmarkOptions } from './benchmark-options.ts';
import type { BenchmarkReport, SpoolAppendRate, StepResult } from './benchmark-report.ts';
import { measureBrokerCeiling } from './broker-ceiling.ts';
import { measureDecodeRates } from './gatt-decode-rates.ts';
import { measureInfluxCeiling } from './influx-ceiling.ts';
import { describeMachine } from './machine-info.ts';
import { runPipelineStep } from './pipeline-step.ts';
import { CpuMeter } from './proc-stats.ts';
import { measureSpoolAppendRate } from './spool-append-rate.ts';
import { sleep } from './waiting.ts';

const QUIET_CHECK_MS = 3000;

export const BENCHMARK_NOTES = [
  'One machine runs everything: the server (embedded aedes broker, ingest, alerts, dashboard), InfluxDB, the load generator and this coordinator compete for the same cores; the generator and coordinator cores are reported beside the server so the contention is visible.',
  'publish -> stored is publish -> PUBACK: the embedded broker sends a gateway its PUBACK only once InfluxDB has stored the readings (server/embedded-broker.ts), so the PUBACK time is the storage time.',
  'Stored readings are counted by InfluxDB (SELECT count(value) per measurement) at the start and end of the window; after the drain, InfluxDB must hold every acknowledged reading.',
  'Each gateway serves one or two patients and publishes one second of readings per message (QoS 1, at most 8 messages in flight, as the gateway publisher does); heart rate and SpO2 every second, CGM every 5 minutes per patient.',
  'Alert latency: from publishing the reading that completes a 5-minute SpO2 <= 91 % (general.spo2_low, sent after the earlier low readings were stored) to the `fired` event on rpm/v1/alerts/{patient}.',
  'The InfluxDB ceiling writes uncompressed line protocol; the server gzips its writes (influxdb-client, above 1 kB), which costs both sides some CPU.',
  'Peak memory: VmHWM of the server and generator processes (started per step); for InfluxDB, which runs through the whole benchmark, the largest resident size sampled in the window.',
];

export async function runBenchmark(
  options: BenchmarkOptions,
  progress: (message: string) => void,
): Promise<BenchmarkReport> {
  const startedAt = new Date().toISOString();
  progress('measuring how busy the machine is before anything starts');
  const before = CpuMeter.forMachine();
  before.start();
  await sleep(QUIET_CHECK_MS);
  const busyCoresBeforeStart = before.cores();
  const workDir = mkdtempSync(join(tmpdir(), 'rpm-bench-'));
  const influxDir = join(workDir, 'influxd');
  progress(`working in ${workDir}; starting InfluxDB`);
  const influxd = await startInfluxd(influxDir);
  try {
    const influxdPid = influxd.pid;
    if (influxdPid === undefined) throw new BenchmarkError('InfluxDB', 'the influxd process has no pid');
    const machine = describeMachine(await detectVersion(influxd.url));

    progress('gateway side: GATT decoders and the disk spool');
    const decodeRates = measureDecodeRates(options.gatewaySide.decodeMsPerCharacteristic);
    const spoolAppendRates: SpoolAppendRate[] = [];
    for (const concurrentAppends of options.gatewaySide.spoolConcurrency) {
      spoolAppendRates.push(
        await measureSpoolAppendRate(workDir, {
          seconds: options.gatewaySide.spoolSeconds,
          concurrentAppends,
        }),
      );
    }

    const c = options.ceilings;
    progress(`ceiling: raw InfluxDB writes for ${c.influxSeconds} s`);
    const influx = await measureInfluxCeiling({
      url: influxd.url,
      database: 'bench_ceiling',
      influxdPid,
      seconds: c.influxSeconds,
      writers: c.influxWriters,
      batchLines: c.influxBatchLines,
    });
    progress(`ceiling: bare broker pass-through for ${c.brokerSeconds} s`);
    const broker = await measureBrokerCeiling({
      publishers: c.brokerPublishers,
      seconds: c.brokerSeconds,
      warmupSeconds: c.brokerWarmupSeconds,
      processes: options.generatorProcesses,
      maxInFlight: options.maxInFlight,
      batchSize: options.batchSize,
      logDir: workDir,
    });

    const serverDataDir = join(workDir, 'server');
    const registry = new BenchRegistry(join(serverDataDir, 'records'));
    const steps: StepResult[] = [];
    const counts = [...options.patientCounts].sort((a, b) => a - b);
    for (const [i, patients] of counts.entries()) {
      const step = await runPipelineStep(
        {
          options,
          stepIndex: i + 1,
          workDir,
          serverDataDir,
          registry,
          influxUrl: influxd.url,
          influxdPid,
          logicalCpus: machine.logicalCpus,
          ceilings: {
            influxPointsPerSecond: influx.pointsPerSecond,
            brokerReadingsPerSecond: broker.readingsDeliveredPerSecond,
          },
          progress,
        },
        patients,
      );
      progress(
        `[${patients} patients] stored ${Math.round(step.storedReadingsPerSecond)} of ${Math.round(step.offeredReadingsPerSecond)} readings/s offered${step.keepsUp ? '' : ` - ${step.findings.join('; ')}`}`,
      );
      steps.push(step);
    }
    const carried = steps.filter((s) => s.keepsUp).map((s) => s.patients);
    return {
      startedAt,
      finishedAt: new Date().toISOString(),
      machine,
      busyCoresBeforeStart,
      gatewaySide: { decodeRates, spoolAppendRates },
      ceilings: { influx, broker },
      steps,
      patientsCarried: carried.length ? Math.max(...carried) : null,
      notes: BENCHMARK_NOTES,
    };
  } finally {
    await influxd.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}
