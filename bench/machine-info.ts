/** The machine a benchmark ran on: CPU model and count, memory, kernel, Node and InfluxDB versions. */
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import type { Machine } from './benchmark-report.ts';

export function describeMachine(influxVersion: string): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim();
  return {
    cpuModel: model ?? cpus()[0]?.model ?? 'unknown',
    logicalCpus: cpuinfo.match(/^processor\s*:/gm)?.length ?? cpus().length,
    memoryMib: Math.round(totalmem() / 2 ** 20),
    kernel: `Linux ${release()}`,
    nodeVersion: process.version,
    influxVersion,
  };
}
