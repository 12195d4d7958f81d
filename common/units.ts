/**
 * Unit conversions, exact. Every conversion the platform makes is affine with rational
 * coefficients: `to = (from x p + q) / r` with integers p, q, r. A value is taken as the
 * decimal it was written as (3.9, 98.6: at most 9 decimals), so the whole computation is one
 * integer numerator and one division, correctly rounded: 98.6 [degF] is exactly 37 Cel, 3.9
 * mmol/L is 70.26084 mg/dL, never 70.26083999999999.
 *
 * The factors, each from its definition:
 * - glucose: mg/dL = mmol/L x 18.0156, from the molar mass of glucose (C6H12O6, 180.156
 *   g/mol; ../shared/ble-gatt-reference.md). Many consumer meters round the factor to 18;
 *   we use 18.0156 everywhere and say so in the README, so 3.9 mmol/L is 70.26 mg/dL.
 * - pressure: 1 mm[Hg] = 133.322 Pa, UCUM's definition of mm[Hg] (the unit code the
 *   contract uses), so mm[Hg] = kPa x 1000 / 133.322 (7.500637...). The torr (101325/760 Pa,
 *   7.500617 mm[Hg]/kPa, the figure in ../shared/ble-gatt-reference.md) differs from it in
 *   the sixth digit; no cuff resolves either difference.
 * - mass: 1 [lb_av] = 0.45359237 kg exactly (the international avoirdupois pound, 1959).
 * - length: 1 [in_i] = 0.0254 m exactly (the international inch, 1959).
 * - temperature: Cel = ([degF] - 32) x 5 / 9.
 *
 * Comparisons are done on the unrounded converted value; rounding is for display only.
 */

/** `to = (from x p + q) / r`. */
interface Affine {
  p: number;
  q: number;
  r: number;
}

const CONVERSIONS = {
  'mmol/L->mg/dL': { p: 180156, q: 0, r: 10000 },
  'mg/dL->mmol/L': { p: 10000, q: 0, r: 180156 },
  'kPa->mm[Hg]': { p: 1_000_000, q: 0, r: 133322 },
  'mm[Hg]->kPa': { p: 133322, q: 0, r: 1_000_000 },
  '[lb_av]->kg': { p: 45359237, q: 0, r: 100_000_000 },
  'kg->[lb_av]': { p: 100_000_000, q: 0, r: 45359237 },
  '[in_i]->m': { p: 254, q: 0, r: 10000 },
  '[degF]->Cel': { p: 5, q: -160, r: 9 },
  'Cel->[degF]': { p: 9, q: 160, r: 5 },
} as const satisfies Record<string, Affine>;

type Conversion = keyof typeof CONVERSIONS;
type FromOf<C> = C extends `${infer F}->${string}` ? F : never;
/** The units that convert to one another, in pairs. */
export type ConvertibleUnit = FromOf<Conversion>;

const MAX_DECIMALS = 9;

/** `value` as n / 10^k with integer n, k the fewest decimals that write it (at most 9). */
function asDecimal(value: number): { n: number; scale: number } {
  for (let k = 0, scale = 1; k <= MAX_DECIMALS; k++, scale *= 10) {
    const n = Math.round(value * scale);
    if (n / scale === value) return { n, scale };
  }
  return { n: value, scale: 1 };
}

function apply({ p, q, r }: Affine, value: number): number {
  const { n, scale } = asDecimal(value);
  const numerator = n * p + q * scale;
  // Beyond 2^53 the integer numerator would itself round; fall back to plain arithmetic.
  if (!Number.isSafeInteger(numerator)) return (value * p + q) / r;
  return numerator / (r * scale);
}

/** Whether `from` converts to `to` (a unit converts to itself). */
export function converts(from: string, to: string): boolean {
  return from === to || `${from}->${to}` in CONVERSIONS;
}

/** `value` in `from`, expressed in `to`; throws on units that do not convert (a programming error). */
export function convertUnit(value: number, from: string, to: string): number {
  if (from === to) return value;
  const conversion = CONVERSIONS[`${from}->${to}` as Conversion] as Affine | undefined;
  if (!conversion) throw new Error(`no conversion from ${from} to ${to}`);
  return apply(conversion, value);
}

export type GlucoseUnit = 'mg/dL' | 'mmol/L';
