/**
 * The one retry loop of the server: run a piece of work until it succeeds, waiting longer
 * after each failure (exponential backoff: `initialMs`, twice that, … up to `maxMs`). Used
 * wherever a dependency may be out for a while and the work is safe to repeat: InfluxDB
 * writes and start-up, the alerts engine's commits and rebuilds.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Ends the waiting (a try under way is not interrupted): the call rejects with the signal's reason (a shutdown). */
  signal?: AbortSignal | undefined;
  /** An error for which this answers false is thrown at once instead of retried. */
  retryable?: (err: unknown) => boolean;
  /** Told of each failure that will be retried, and how long until the next try. */
  onFailure?: (err: unknown, retryInMs: number) => void;
}

/** The wait after the `failures`-th failure in a row (1, 2, …). */
export function backoffDelayMs(failures: number, o: Pick<BackoffOptions, 'initialMs' | 'maxMs'>): number {
  return Math.min(o.initialMs * 2 ** Math.max(0, failures - 1), o.maxMs);
}

export async function retryWithBackoff<T>(work: () => Promise<T>, o: BackoffOptions): Promise<T> {
  for (let failures = 1; ; failures++) {
    try {
      return await work();
    } catch (err) {
      if (o.retryable && !o.retryable(err)) throw err;
      o.signal?.throwIfAborted();
      const delay = backoffDelayMs(failures, o);
      o.onFailure?.(err, delay);
      await sleep(delay, undefined, o.signal ? { signal: o.signal } : undefined).catch(() =>
        o.signal?.throwIfAborted(),
      );
    }
  }
}
