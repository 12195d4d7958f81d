/**
 * How long to wait before the next connection attempt: exponential backoff with jitter, so a
 * device that keeps failing is tried less and less often, and several gateways (or devices)
 * do not retry in step.
 */

export interface BackoffPolicy {
  /** Ceiling of the first delay. */
  initialMs: number;
  /** Largest ceiling, however many attempts failed. */
  maxMs: number;
}

/**
 * Delay before attempt `attempt` (1 = the first retry): the ceiling doubles each time up to
 * `maxMs`, and the delay is drawn between half the ceiling and the ceiling ("equal jitter"), so
 * it never collapses to zero. `random` returns a number in [0, 1).
 */
export function reconnectDelayMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
