/**
 * Failures per key (a login's address and user name, a broker connect's address): after
 * `max` failures within `windowMs` the key is refused until the oldest of them leaves the
 * window. Only failures count (NIST SP 800-63B §5.2.2 limits failed attempts): a nurse who
 * logs in ten times a shift is never locked out, and a success clears the key's failures.
 * Memory is bounded: past `maxKeys` keys the least recently failed is forgotten first.
 */
export class FailureThrottle {
  readonly #failures = new Map<string, number[]>();

  constructor(private readonly o: { max: number; windowMs: number; now: () => number; maxKeys?: number }) {}

  /** Milliseconds until this pair may try again; 0 when it may now. */
  waitMs(key: string): number {
    const times = this.#recent(key);
    if (times.length < this.o.max) return 0;
    return (times[times.length - this.o.max] ?? 0) + this.o.windowMs - this.o.now();
  }

  failed(key: string): void {
    const times = [...this.#recent(key), this.o.now()].slice(-this.o.max);
    this.#failures.delete(key);
    this.#failures.set(key, times);
    const limit = this.o.maxKeys ?? 10_000;
    for (const oldest of this.#failures.keys()) {
      if (this.#failures.size <= limit) break;
      this.#failures.delete(oldest);
    }
  }

  succeeded(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string): number[] {
    const since = this.o.now() - this.o.windowMs;
    return (this.#failures.get(key) ?? []).filter((t) => t > since);
  }
}
