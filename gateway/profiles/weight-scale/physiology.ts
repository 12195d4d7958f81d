/**
 * Body weight of a simulated adult as a bathroom scale shows it in the morning: a baseline,
 * a slow drift over weeks, the scatter from one weighing to the next (about 0.3 kg: fluid,
 * meals, clothes) and, in heart failure, episodes of fluid retention. In an episode the
 * weight climbs steadily (0.8 kg a day for 5 days is 4 kg, well past the guideline's "more
 * than 2 kg in 3 days" [K20][K9]; shared/clinical-reference.md) until treatment, a higher
 * diuretic dose, takes the fluid off again at the same pace.
 */
import { DAY_MS } from '../../simulator/local-time.ts';
import type { SeededNoise } from '../../simulator/seeded-noise.ts';

export interface FluidRetention {
  /** When the first episode begins. */
  fromMs: number;
  /** How fast the fluid builds up, kg a day. */
  kgPerDay: number;
  /** Days it builds up; it then goes at the same rate, over as many days. */
  days: number;
  /** A new episode begins this many days after the last began (at least 2 x `days`); none: one episode. */
  everyDays?: number;
}

export interface WeightProfile {
  baselineKg: number;
  /** Scatter from one weighing to the next (SD), kg. */
  scatterKg: number;
  fluidRetention?: FluidRetention;
}

export const STABLE_WEIGHT: WeightProfile = { baselineKg: 74, scatterKg: 0.3 };

/** Slow drift over about three weeks, kg. */
const DRIFT_KG = 0.6;

/** The fluid an episode holds at `atMs`, kg: rising for `days`, falling for as many. */
export function retainedFluidKg(retention: FluidRetention, atMs: number): number {
  const sinceDays = (atMs - retention.fromMs) / DAY_MS;
  if (sinceDays < 0) return 0;
  const into = retention.everyDays ? sinceDays % retention.everyDays : sinceDays;
  return retention.kgPerDay * Math.max(0, Math.min(into, 2 * retention.days - into));
}

export class BodyWeight {
  constructor(
    private readonly noise: SeededNoise,
    private readonly profile: WeightProfile = STABLE_WEIGHT,
  ) {}

  /** What a scale reads at `atMs`, kg (not rounded; each weighing draws its own scatter). */
  kgAt(atMs: number): number {
    const { baselineKg, scatterKg, fluidRetention } = this.profile;
    const drift = DRIFT_KG * this.noise.smooth(21 * DAY_MS, atMs, 'weight-drift');
    const fluid = fluidRetention ? retainedFluidKg(fluidRetention, atMs) : 0;
    return baselineKg + drift + fluid + scatterKg * this.noise.normal('weighing', atMs);
  }
}
