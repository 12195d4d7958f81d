import { describe, expect, it } from 'vitest';
import {
  CpuMeter,
  parseMachineStat,
  parseProcStat,
  parseProcStatus,
  readProcessUsage,
} from './proc-stats.ts';

// /proc/<pid>/stat of a process whose name holds spaces and parentheses; utime 1500, stime 320.
const STAT =
  '4242 (node (bench) x) S 4200 4242 4200 0 -1 4194560 51234 0 0 0 1500 320 0 0 20 0 11 0 123456 1234567890 45678 18446744073709551615';

const STATUS = `Name:\tnode
VmPeak:\t 1200000 kB
VmHWM:\t  812340 kB
VmRSS:\t  402100 kB
Threads:\t11
`;

describe('reading CPU time and memory from /proc', () => {
  it('adds user and system ticks even when the command name has spaces and parentheses', () => {
    expect(parseProcStat(STAT)).toEqual({ ticks: 1820, ppid: 4200 });
  });

  it('reads the current and the peak resident set in bytes', () => {
    expect(parseProcStatus(STATUS)).toEqual({ rssBytes: 402100 * 1024, peakRssBytes: 812340 * 1024 });
  });

  it('counts user, nice, system, irq, softirq and steal as busy, idle and iowait as not', () => {
    expect(parseMachineStat('cpu  100 5 50 1000 20 1 2 3 0 0\ncpu0 50 2 25 500 10 0 1 1 0 0\n')).toEqual({
      busyTicks: 161,
      totalTicks: 1181,
    });
  });

  it('measures this process: a peak at least the current size, and CPU used by a busy loop', () => {
    const meter = CpuMeter.forPids(() => [process.pid]);
    meter.start();
    const until = performance.now() + 300;
    let spins = 0;
    while (performance.now() < until) spins++;
    expect(spins).toBeGreaterThan(0);
    expect(meter.cores()).toBeGreaterThan(0);
    const usage = readProcessUsage(process.pid);
    expect(usage.rssBytes).toBeGreaterThan(0);
    expect(usage.peakRssBytes).toBeGreaterThanOrEqual(usage.rssBytes);
  });
});
