/**
 * Deterministic fuzzing of every decoder in the characteristic table: its examples (valid
 * vectors) with bit flips, truncations and extensions, and random bytes. No decoder may throw, report
 * an internal fault, or return a number outside what its characteristic can carry.
 */
import { describe, expect, it } from 'vitest';
import { CHARACTERISTICS } from '../profiles/registry.ts';
import { hexBytes } from './hex-bytes.ts';
import { exactDecimal } from './ieee11073.ts';

const CASES_PER_CHARACTERISTIC = 4000;

/** mulberry32: a small seeded PRNG, so every run tries the same inputs. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function mutate(seed: Uint8Array, random: () => number): Uint8Array {
  const int = (n: number) => Math.floor(random() * n);
  const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
  switch (int(5)) {
    case 0: {
      const flipped = Uint8Array.from(seed);
      for (let i = 1 + int(3); i > 0 && flipped.length > 0; i--) {
        const at = int(flipped.length);
        flipped[at] = (flipped[at] ?? 0) ^ (1 << int(8));
      }
      return flipped;
    }
    case 1:
      return seed.subarray(0, int(seed.length));
    case 2:
      return Uint8Array.from([...seed, ...randomBytes(1 + int(8))]);
    case 3: {
      const replaced = Uint8Array.from(seed);
      replaced[int(replaced.length)] = int(256);
      return replaced;
    }
    default:
      return randomBytes(int(24));
  }
}

/** Integer ranges of every numeric field a decoder may emit, by field name. */
const INTEGER_FIELDS: Record<string, [min: number, max: number]> = {
  heartRate: [0, 0xffff],
  energyExpendedKj: [0, 0xffff],
  percent: [0, 100],
  sequenceNumber: [0, 0xffff],
  timeOffsetMinutes: [-0x8000, 0xffff],
  timeZoneQuarterHours: [-48, 56],
  hours: [0, 0xffff],
  numberOfRecords: [0, 0xffff],
  min: [0, 0xffff],
  max: [0, 0xffff],
  filterType: [1, 1],
  requestOpCode: [0, 0xff],
  durationSeconds: [0, 0xfffe],
  intensityPercent: [0, 0xff],
  extendedFlags: [0, 0],
  dayOfWeek: [1, 7],
  fractions256: [0, 0xff],
  adjustReason: [0, 0x0f],
  userId: [0, 0xff],
  code: [0, 15],
};

/** Resolution steps (Weight Scale Feature): decimals, each at most one unit. */
const STEP_FIELDS = new Set(['kg', 'lb', 'm', 'in']);

const DATE_TIME_RANGES: Record<string, [number, number]> = {
  year: [1582, 9999],
  month: [1, 12],
  day: [1, 31],
  hours: [0, 23],
  minutes: [0, 59],
  seconds: [0, 59],
};

/** Every problem with the numbers in a decoded value; empty when all are possible. */
function impossibleNumbers(value: unknown, length: number, path = 'value'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => impossibleNumbers(v, length, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  const expectInteger = (key: string, [min, max]: [number, number]) => {
    const n = record[key];
    if (n === null && key in DATE_TIME_RANGES && ['year', 'month', 'day'].includes(key)) return;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
      problems.push(`${path}.${key} = ${n}`);
  };
  if (record.kind === 'number') {
    const { mantissa, exponent, value: n } = record as { mantissa: number; exponent: number; value: number };
    if (!Number.isFinite(n) || n !== exactDecimal(mantissa, exponent)) problems.push(`${path} = ${n}`);
    expectInteger('mantissa', [-(2 ** 23), 2 ** 23 - 1]);
    expectInteger('exponent', [-128, 127]);
    return problems;
  }
  if ('year' in record && 'seconds' in record) {
    for (const [key, range] of Object.entries(DATE_TIME_RANGES)) expectInteger(key, range);
    return problems;
  }
  if ('raw' in record && 'ms' in record) {
    expectInteger('raw', [0, 0xffff]);
    if (record.ms !== (Number(record.raw) * 1000) / 1024) problems.push(`${path}.ms = ${record.ms}`);
    return problems;
  }
  if ('raw' in record && ('value' in record || 'measurementUnsuccessful' in record)) {
    // A scaled quantity (a weight, a height, a BMI): a count of steps and its exact value.
    expectInteger('raw', [0, 0xffff]);
    const n = record.value;
    if (n !== undefined && (typeof n !== 'number' || !Number.isFinite(n) || n < 0))
      problems.push(`${path}.value = ${n}`);
    return problems;
  }
  if ('characteristic' in record && 'offset' in record) {
    expectInteger('offset', [0, length]);
    return problems;
  }
  for (const [key, field] of Object.entries(record)) {
    if (typeof field === 'number') {
      const range = INTEGER_FIELDS[key];
      if (range) expectInteger(key, range);
      else if (STEP_FIELDS.has(key)) {
        if (!(field > 0 && field <= 1)) problems.push(`${path}.${key} = ${field}`);
      } else problems.push(`${path}.${key} is a number no range is known for`);
    } else {
      problems.push(...impossibleNumbers(field, length, `${path}.${key}`));
    }
  }
  return problems;
}

describe('fuzzed decoders', () => {
  it('have seed vectors for every characteristic in the table, all of which decode', () => {
    for (const [uuid, entry] of Object.entries(CHARACTERISTICS)) {
      expect(entry.examples.length, `${entry.name} (${uuid}) has no examples`).toBeGreaterThan(0);
      for (const { hex, options } of entry.examples) {
        expect(entry.decode(hexBytes(hex), options).ok, `${uuid} ${hex}`).toBe(true);
      }
    }
  });

  it.each(Object.entries(CHARACTERISTICS))(
    `%s never throws and emits only possible numbers or described errors (${CASES_PER_CHARACTERISTIC} cases)`,
    (uuid, entry) => {
      const random = seededRandom(Number.parseInt(uuid, 16));
      const seeds = entry.examples;
      const outcomes = { ok: 0, rejected: 0 };
      for (let i = 0; i < CASES_PER_CHARACTERISTIC; i++) {
        const seed = seeds[i % seeds.length];
        const bytes = mutate(hexBytes(seed?.hex ?? ''), random);
        // mostly as the seed was meant to be read, sometimes the other way
        const e2eCrc = seed?.options?.cgmE2eCrc ?? false;
        const result = entry.decode(bytes, { cgmE2eCrc: e2eCrc !== random() < 0.2 });
        if (result.ok) {
          outcomes.ok++;
          const problems = impossibleNumbers(result.value, bytes.length);
          if (problems.length > 0)
            throw new Error(`${uuid} ${Buffer.from(bytes).toString('hex')}: ${problems.join(', ')}`);
        } else {
          outcomes.rejected++;
          const { error } = result;
          if (
            error.problem === 'internal' ||
            !error.message.startsWith(`${entry.name}: `) ||
            error.field === '' ||
            !Number.isInteger(error.offset) ||
            error.offset < 0 ||
            error.offset > bytes.length
          ) {
            throw new Error(
              `${uuid} ${Buffer.from(bytes).toString('hex')}: badly described error ${JSON.stringify(error)}`,
            );
          }
        }
      }
      expect(outcomes.ok).toBeGreaterThan(0);
      expect(outcomes.rejected).toBeGreaterThan(0);
    },
  );
});
