/**
 * Dead letters are kept for a while, for an operator to see what a gateway sent wrong, and
 * then deleted: at start-up and every hour, those older than the retention go. On InfluxDB
 * 2.x, 3.x and Cloud the bucket's own retention does this (README: Storage schema).
 */
import type { Logger } from '../common/log.ts';
import type { InfluxConnection } from './influx-connection.ts';
import { MEASUREMENT } from './influx-schema.ts';

const HOUR_MS = 3_600_000;

export function startDeadLetterRetention(o: {
  influx: InfluxConnection;
  retentionDays: number;
  now: () => Date;
  log: Logger;
}): { close(): void } {
  let told = false;
  const prune = async () => {
    const before = o.now().getTime() - o.retentionDays * 24 * HOUR_MS;
    try {
      const outcome = await o.influx.deleteBefore(MEASUREMENT.deadLetter, before);
      if (outcome === 'unsupported' && !told) {
        told = true;
        o.log.info(
          { retentionDays: o.retentionDays },
          'dead letters: this InfluxDB deletes by bucket retention; set it to keep them no longer than needed',
        );
      }
    } catch (err) {
      o.log.warn(
        { err: (err as Error).message },
        'dead letters: cannot delete old ones; will try again in an hour',
      );
    }
  };
  void prune();
  const timer = setInterval(() => void prune(), HOUR_MS);
  timer.unref();
  return { close: () => clearInterval(timer) };
}
