/**
 * The pairing PIN (RPM_PAIRING_PIN, printed on the gateway in real life): required to pair
 * or unpair a device from the home network. Compared in constant time (SHA-256 digests of
 * both, compared with timingSafeEqual, so neither the content nor the length leaks through
 * timing). After `maxFailures` wrong PINs in a row every attempt is refused for `lockoutMs`,
 * which makes guessing a 6-digit PIN take years.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type PinCheck = { ok: true } | { ok: false; statusCode: 401 | 403 | 429; message: string };

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export class PinGuard {
  readonly #expected: Buffer | undefined;
  #failures = 0;
  #lockedUntil = 0;

  constructor(
    pin: string | undefined,
    private readonly o: { maxFailures?: number; lockoutMs?: number; now?: () => number } = {},
  ) {
    this.#expected = pin === undefined ? undefined : digest(pin);
  }

  get enabled(): boolean {
    return this.#expected !== undefined;
  }

  check(given: string | undefined): PinCheck {
    if (!this.#expected) {
      return {
        ok: false,
        statusCode: 403,
        message: 'Pairing is switched off on this gateway: no pairing PIN is set (RPM_PAIRING_PIN).',
      };
    }
    const now = (this.o.now ?? Date.now)();
    if (now < this.#lockedUntil) {
      const minutes = Math.ceil((this.#lockedUntil - now) / 60_000);
      return {
        ok: false,
        statusCode: 429,
        message: `Too many wrong PINs. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      };
    }
    if (given !== undefined && timingSafeEqual(digest(given), this.#expected)) {
      this.#failures = 0;
      return { ok: true };
    }
    this.#failures += 1;
    if (this.#failures >= (this.o.maxFailures ?? 5)) {
      this.#failures = 0;
      this.#lockedUntil = now + (this.o.lockoutMs ?? 5 * 60_000);
    }
    return { ok: false, statusCode: 401, message: 'Wrong PIN. Use the pairing PIN printed on the gateway.' };
  }
}
