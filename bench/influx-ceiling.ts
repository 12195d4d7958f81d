/**
 * Ceiling (a): how many points a second this InfluxDB stores when nothing else is in the
 * way. The same points the ingest writes (heart rate and SpO2 lines from
 * ingest/readings-storage.ts), in `batchLines`-line requests to `/write?precision=ms` from
 * `writers` concurrent writers, uncompressed, for `seconds` after a short warm-up (a fresh
 * database's first writes create its shard). Each request is a new second of the same
 * patients, so no point overwrites another; InfluxDB's count confirms it afterwards.
 */
import { Reading } from '../common/contract.ts';
import { connectInflux } from '../ingest/influx-connection.ts';
import { readingToLine } from '../ingest/readings-storage.ts';
import { BenchmarkError } from './benchmark-error.ts';
import type { InfluxCeiling } from './benchmark-report.ts';
import { CpuMeter } from './proc-stats.ts';
import { countStored } from './stored-counts.ts';
import { heartRateReading, spo2Reading } from './vital-sign-readings.ts';

const PATIENT_PREFIX = 'ceiling-';
const WARMUP_MS = 2000;

export interface InfluxCeilingOptions {
  url: string;
  database: string;
  influxdPid: number;
  seconds: number;
  writers: number;
  batchLines: number;
}

/** One request's lines split before their timestamp, so a later second costs one addition per line. */
function batchTemplate(batchLines: number, firstSecondMs: number): { heads: string[]; times: number[] } {
  const heads: string[] = [];
  const times: number[] = [];
  for (let p = 0; heads.length < batchLines; p++) {
    const patientId = `${PATIENT_PREFIX}${p}`;
    for (const input of [
      heartRateReading(patientId, firstSecondMs, Math.random),
      spo2Reading(patientId, firstSecondMs, 97, Math.random),
    ]) {
      const line = readingToLine(Reading.parse(input), 'gw-ceiling');
      const cut = line.lastIndexOf(' ') + 1;
      heads.push(line.slice(0, cut));
      times.push(Number(line.slice(cut)));
    }
  }
  return { heads: heads.slice(0, batchLines), times: times.slice(0, batchLines) };
}

export async function measureInfluxCeiling(o: InfluxCeilingOptions): Promise<InfluxCeiling> {
  const influx = await connectInflux({ url: o.url, database: o.database }, { createDatabase: true });
  // A day back: well clear of the pipeline's readings, within InfluxDB's default retention.
  const firstSecondMs = Math.floor(Date.now() / 1000) * 1000 - 86_400_000;
  const { heads, times } = batchTemplate(o.batchLines, firstSecondMs);
  const endpoint = `${o.url}/write?db=${encodeURIComponent(o.database)}&precision=ms`;
  let nextSecond = 0;
  let written = 0;
  let bytes = 0;
  // Requests answered within the window count towards the rate.
  let inWindow = 0;
  const cpu = CpuMeter.forPids(() => [o.influxdPid]);
  const machine = CpuMeter.forMachine();
  const coordinator = CpuMeter.forThisProcess();
  const windowStart = performance.now() + WARMUP_MS;
  const deadline = windowStart + o.seconds * 1000;
  setTimeout(() => {
    for (const meter of [cpu, machine, coordinator]) meter.start();
  }, WARMUP_MS);
  let finished = windowStart;
  const writer = async () => {
    while (performance.now() < deadline) {
      const offset = nextSecond++ * 1000;
      const body = heads.map((head, i) => head + ((times[i] ?? 0) + offset)).join('\n');
      const res = await fetch(endpoint, { method: 'POST', body });
      if (res.status !== 204)
        throw new BenchmarkError(
          'InfluxDB ceiling',
          `/write answered ${res.status}: ${(await res.text()).slice(0, 300)}`,
        );
      written += heads.length;
      bytes += body.length;
      finished = performance.now();
      if (finished > windowStart) inWindow += heads.length;
    }
  };
  await Promise.all(Array.from({ length: o.writers }, writer));
  const influxdCores = cpu.cores();
  const otherProcessesCores = Math.max(0, machine.cores() - influxdCores - coordinator.cores());
  const seconds = (finished - windowStart) / 1000;
  const stored = await countStored(influx, {
    measurements: ['heart_rate', 'spo2'],
    patientPrefix: PATIENT_PREFIX,
    fromMs: firstSecondMs,
    toMs: firstSecondMs + nextSecond * 1000,
  });
  return {
    writers: o.writers,
    batchLines: o.batchLines,
    seconds,
    bytesPerLine: bytes / written,
    pointsPerSecond: inWindow / seconds,
    pointsStored: stored.total,
    pointsWritten: written,
    influxdCores,
    otherProcessesCores,
  };
}
