/**
 * Deterministic randomness for the simulated devices. Every random quantity is a function of
 * the household seed and a key that says what it is and when (`unit('meal', day)`), never of
 * how many numbers were drawn before. A device created again after a restart, or by a test
 * that wants to know what a device produced, therefore gives the same value for the same
 * moment.
 *
 * The hash is FNV-1a (32 bits) over the key text, seeded with the seed's own hash, finished
 * with MurmurHash3's fmix32 avalanche step so that neighbouring keys are unrelated.
 */

export type NoiseKey = readonly (string | number)[];

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const TWO_TO_32 = 2 ** 32;

function fnv1a(text: string, basis: number): number {
  let hash = basis;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class SeededNoise {
  readonly #basis: number;

  constructor(seed: string) {
    this.#basis = fmix32(fnv1a(seed, FNV_OFFSET_BASIS));
  }

  /** An independent source for one purpose (a device, a patient), from the same seed. */
  derive(label: string): SeededNoise {
    return new SeededNoise(`${this.#basis.toString(16)}/${label}`);
  }

  /** Uniform in [0, 1). */
  unit(...key: NoiseKey): number {
    return fmix32(fnv1a(key.join('|'), this.#basis)) / TWO_TO_32;
  }

  /** Uniform in [min, max). */
  between(min: number, max: number, ...key: NoiseKey): number {
    return min + (max - min) * this.unit(...key);
  }

  /** A whole number in [min, max]. */
  integer(min: number, max: number, ...key: NoiseKey): number {
    return Math.min(max, Math.floor(this.between(min, max + 1, ...key)));
  }

  chance(probability: number, ...key: NoiseKey): boolean {
    return this.unit(...key) < probability;
  }

  /** Standard normal (mean 0, SD 1), by the Box-Muller transform of two uniforms. */
  normal(...key: NoiseKey): number {
    const u = 1 - this.unit(...key, 'u'); // (0, 1]: log(0) never happens
    const v = this.unit(...key, 'v');
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * Noise in [-1, 1] that changes smoothly over about `periodMs`: values drawn at grid points
   * `periodMs` apart, joined by cosine interpolation, so a physiological quantity drifts
   * instead of jumping from one sample to the next.
   */
  smooth(periodMs: number, atMs: number, ...key: NoiseKey): number {
    const position = atMs / periodMs;
    const cell = Math.floor(position);
    const fraction = position - cell;
    const from = 2 * this.unit(...key, cell) - 1;
    const to = 2 * this.unit(...key, cell + 1) - 1;
    const weight = (1 - Math.cos(Math.PI * fraction)) / 2;
    return from + (to - from) * weight;
  }
}
