/**
 * The benchmark at CI size (SMOKE_OPTIONS: 50 patients for 5 s, one alert, tiny ceilings),
 * against its own private influxd and server process like the full run. It checks that the
 * report holds every figure and that nothing acknowledged was lost; it sets no speed
 * threshold (CI machines differ).
 */
import { describe, expect, it } from 'vitest';
import { runBenchmark } from '../bench/benchmark.ts';
import { BenchmarkOptions, SMOKE_OPTIONS } from '../bench/benchmark-options.ts';
import { BenchmarkReport } from '../bench/benchmark-report.ts';
import { formatReport } from '../bench/report-markdown.ts';

/** Every number anywhere in the report, with its path. */
function numbers(value: unknown, path = 'report'): [string, number][] {
  if (typeof value === 'number') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => numbers(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => numbers(v, `${path}.${k}`));
  return [];
}

describe('the benchmark at CI size', () => {
  it('measures every figure of the report, end to end', { timeout: 120_000 }, async () => {
    const report = BenchmarkReport.parse(await runBenchmark(BenchmarkOptions.parse(SMOKE_OPTIONS), () => {}));

    const notFinite = numbers(report).filter(([, n]) => !Number.isFinite(n));
    expect(notFinite).toEqual([]);
    const [step] = report.steps;
    expect(step?.patients).toBe(50);
    expect(step?.storedReadingsPerSecond).toBeGreaterThan(0);
    expect(step?.verification.stored).toBeGreaterThanOrEqual(step?.verification.acknowledged ?? Number.NaN);
    expect(step?.verification.acknowledged).toBeGreaterThan(0);
    expect(step?.publishToStoredMs?.count).toBeGreaterThan(0);
    expect(step?.alerts).toMatchObject({ planned: 1, sent: 1, fired: 1, missed: 0 });
    expect(step?.alerts.latencyMs?.p99).toBeGreaterThan(0);
    expect(step?.server.cores).toBeGreaterThan(0);
    expect(step?.server.peakRssMib).toBeGreaterThan(0);
    expect(step?.payloadBytesPerReading).toBeGreaterThan(0);
    expect(report.ceilings.influx.pointsStored).toBe(report.ceilings.influx.pointsWritten);
    expect(report.ceilings.influx.pointsPerSecond).toBeGreaterThan(0);
    expect(report.ceilings.broker.messagesDeliveredPerSecond).toBeGreaterThan(0);
    expect(report.gatewaySide.decodeRates.every((d) => d.decodesPerSecond > 0)).toBe(true);
    expect(report.gatewaySide.spoolAppendRates.every((s) => s.readingsPerSecond > 0)).toBe(true);
    expect(report.machine.logicalCpus).toBeGreaterThan(0);
    expect(report.machine.influxVersion).toMatch(/\d/);

    const markdown = formatReport(report);
    expect(markdown).toContain('| 50 | 34 |');
    expect(markdown).toContain('InfluxDB, raw /write');
  });
});
