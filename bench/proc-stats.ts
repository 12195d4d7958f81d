/**
 * CPU time and memory of processes, from Linux /proc: `/proc/<pid>/stat` (utime, stime in
 * clock ticks) and `/proc/<pid>/status` (VmRSS, VmHWM = peak resident set), and the whole
 * machine's busy time from `/proc/stat`. Works for child processes, which
 * `process.resourceUsage()` cannot see while they run.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export class ProcReadError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`cannot read ${file}: ${detail}`);
    this.name = 'ProcReadError';
  }
}

/** utime and stime (fields 14 and 15) of a /proc/<pid>/stat line, in clock ticks. */
export function parseProcStat(text: string, file = 'stat'): { ticks: number; ppid: number } {
  // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  const [ppid, utime, stime] = [fields[1], fields[11], fields[12]].map(Number);
  if (
    ppid === undefined ||
    utime === undefined ||
    stime === undefined ||
    [ppid, utime, stime].some(Number.isNaN)
  )
    throw new ProcReadError(file, `unexpected format: ${text.slice(0, 120)}`);
  return { ticks: utime + stime, ppid };
}

/** VmRSS and VmHWM of /proc/<pid>/status, in bytes. */
export function parseProcStatus(text: string, file = 'status'): { rssBytes: number; peakRssBytes: number } {
  const kib = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
    if (!match?.[1]) throw new ProcReadError(file, `no ${name} line`);
    return Number(match[1]) * 1024;
  };
  return { rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
}

/** Busy and total time of all CPUs from the first line of /proc/stat, in clock ticks. */
export function parseMachineStat(text: string): { busyTicks: number; totalTicks: number } {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new ProcReadError('/proc/stat', 'no cpu line');
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busyTicks = user + nice + system + irq + softirq + steal;
  return { busyTicks, totalTicks: busyTicks + idle + iowait };
}

let ticksPerSecond: number | undefined;
/** The kernel's USER_HZ (`getconf CLK_TCK`, 100 on almost every Linux). */
export function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  return ticksPerSecond;
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ProcReadError(file, (err as Error).message);
  }
}

export interface ProcessUsage {
  cpuSeconds: number;
  rssBytes: number;
  peakRssBytes: number;
}

export function readProcessUsage(pid: number): ProcessUsage {
  const stat = parseProcStat(read(`/proc/${pid}/stat`), `/proc/${pid}/stat`);
  return {
    cpuSeconds: stat.ticks / clockTicksPerSecond(),
    ...parseProcStatus(read(`/proc/${pid}/status`), `/proc/${pid}/status`),
  };
}

export function readMachineBusySeconds(): number {
  return parseMachineStat(read('/proc/stat')).busyTicks / clockTicksPerSecond();
}

/** CPU cores used by a set of processes between `start` and `stop` (CPU seconds per wall second). */
export class CpuMeter {
  private startCpu = 0;
  private startWall = 0;
  constructor(private readonly cpuSeconds: () => number) {}

  static forPids(pids: () => readonly number[]): CpuMeter {
    return new CpuMeter(() => pids().reduce((sum, pid) => sum + readProcessUsage(pid).cpuSeconds, 0));
  }

  static forThisProcess(): CpuMeter {
    return new CpuMeter(() => {
      const usage = process.cpuUsage();
      return (usage.user + usage.system) / 1e6;
    });
  }

  static forMachine(): CpuMeter {
    return new CpuMeter(readMachineBusySeconds);
  }

  start(): void {
    this.startCpu = this.cpuSeconds();
    this.startWall = performance.now();
  }

  cores(): number {
    const wallSeconds = (performance.now() - this.startWall) / 1000;
    return wallSeconds > 0 ? (this.cpuSeconds() - this.startCpu) / wallSeconds : 0;
  }
}
