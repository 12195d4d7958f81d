/**
 * Gateway side: how many readings a second the disk spool (gateway/spool/reading-spool.ts) takes
 * durably. Each `append` resolves after fsync; appends waiting together share one fsync
 * (group commit). With one append at a time the rate is the disk's fsyncs per second; with
 * many waiting, as when several devices notify at once, it is the group-commit rate.
 */
import { join } from 'node:path';
import { createLogger } from '../common/log.ts';
import { ReadingSpool } from '../gateway/spool/reading-spool.ts';
import type { SpoolAppendRate } from './benchmark-report.ts';
import { heartRateReading } from './vital-sign-readings.ts';

const START_MS = Date.UTC(2026, 10, 26, 8, 0, 0);

export async function measureSpoolAppendRate(
  dir: string,
  o: { seconds: number; concurrentAppends: number },
): Promise<SpoolAppendRate> {
  const spool = await ReadingSpool.open({
    dir: join(dir, `spool-${o.concurrentAppends}`),
    maxBytes: 256 * 2 ** 20,
    whenFull: 'drop-oldest',
    log: createLogger('bench-spool', 'warn'),
  });
  let next = 0;
  const deadline = performance.now() + o.seconds * 1000;
  const started = performance.now();
  const appender = async () => {
    while (performance.now() < deadline) {
      await spool.append([heartRateReading('pt-spool', START_MS + next++ * 1000, Math.random)]);
    }
  };
  try {
    await Promise.all(Array.from({ length: o.concurrentAppends }, appender));
    const seconds = (performance.now() - started) / 1000;
    const { commits } = await spool.stats();
    return {
      concurrentAppends: o.concurrentAppends,
      readings: next,
      readingsPerSecond: next / seconds,
      commits,
    };
  } finally {
    await spool.close();
  }
}
