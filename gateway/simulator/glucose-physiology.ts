/**
 * Blood glucose of a simulated adult with type 2 diabetes on insulin, as a pure function of
 * time (mg/dL): a baseline that drifts from day to day, a dawn rise, three meals a day, small
 * wobbles, and on some nights a low followed by recovery. The meter samples it at its tests,
 * the CGM (with the interstitial lag) every 5 minutes, so both tell the same story.
 *
 * The night-time low is shaped to exercise the hypoglycaemia alerts: below 70 mg/dL (level 1)
 * for 40 minutes and below 54 mg/dL (level 2) for 25 minutes, longer than the 15-minute CGM
 * event of [K1][K4] and the 20 minutes of [K2] (shared/clinical-reference.md).
 */
import { DAY_MS, type LocalTime, MINUTE_MS } from './local-time.ts';
import type { SeededNoise } from './seeded-noise.ts';

export interface GlucoseProfile {
  /** Typical fasting glucose, mg/dL. */
  fastingMgdl: number;
  /** How far a meal's peak rises above the baseline, mg/dL: each meal draws a rise in this range. */
  mealRiseMgdl: readonly [min: number, max: number];
  /** Share of nights with a low. */
  nightLowChance: number;
}

export const DIABETES_GLUCOSE: GlucoseProfile = {
  fastingMgdl: 140,
  mealRiseMgdl: [50, 110],
  nightLowChance: 0.35,
};

/** Usual meal times (minutes after local midnight) and how far a day's meal may stray (+/-). */
const MEALS = {
  breakfast: { minute: 8 * 60, spread: 30 },
  lunch: { minute: 13 * 60 + 30, spread: 40 },
  dinner: { minute: 20 * 60, spread: 40 },
} as const;
export type Meal = keyof typeof MEALS;
const MEAL_NAMES = Object.keys(MEALS) as Meal[];
/** A meal's glucose peaks about this long after eating, and is mostly gone 3-4 hours later. */
const MEAL_PEAK_MINUTES = 55;
/** Mean dawn rise, mg/dL, centred at 05:30. */
const DAWN_RISE_MGDL = 12;
const DAWN_MINUTE = 5.5 * 60;

/** The low, minutes from the moment glucose falls below 70 mg/dL; `null` joins the usual curve. */
const NIGHT_LOW: readonly (readonly [minute: number, mgdl: number | null])[] = [
  [-50, null],
  [0, 70],
  [8, 54],
  [17, 47],
  [33, 54],
  [40, 70],
  [75, null],
];
/** A night's low starts between 02:00 and 03:30 local time. */
const NIGHT_LOW_EARLIEST_MINUTE = 2 * 60;
const NIGHT_LOW_WINDOW_MINUTES = 90;

export const GLUCOSE_FLOOR_MGDL = 40;
export const GLUCOSE_CEILING_MGDL = 400;

export class GlucoseCurve {
  constructor(
    private readonly noise: SeededNoise,
    private readonly local: LocalTime,
    private readonly profile: GlucoseProfile = DIABETES_GLUCOSE,
  ) {}

  /** Blood glucose at `atMs`, mg/dL (not rounded). */
  mgdlAt(atMs: number): number {
    const low = this.nightLowCrossing(this.local.day(atMs));
    if (low !== undefined) {
      const minutes = (atMs - low) / MINUTE_MS;
      const first = NIGHT_LOW[0];
      const last = NIGHT_LOW[NIGHT_LOW.length - 1];
      if (first && last && minutes >= first[0] && minutes <= last[0]) return this.#duringLow(low, minutes);
    }
    return this.#usual(atMs);
  }

  /**
   * When glucose falls below 70 mg/dL in the low of the night ending on local `day`, or
   * undefined on a night without one.
   */
  nightLowCrossing(day: number): number | undefined {
    if (!this.noise.chance(this.profile.nightLowChance, 'night-low', day)) return undefined;
    const minute =
      NIGHT_LOW_EARLIEST_MINUTE + NIGHT_LOW_WINDOW_MINUTES * this.noise.unit('night-low-time', day);
    return this.local.instant(day, minute);
  }

  /** When the patient eats `meal` on local `day`. */
  mealTime(meal: Meal, day: number): number {
    const { minute, spread } = MEALS[meal];
    return this.local.instant(day, minute + spread * (2 * this.noise.unit('meal-time', meal, day) - 1));
  }

  #duringLow(crossingMs: number, minutes: number): number {
    for (let i = 1; i < NIGHT_LOW.length; i++) {
      const from = NIGHT_LOW[i - 1];
      const to = NIGHT_LOW[i];
      if (!from || !to || minutes > to[0]) continue;
      const valueAt = ([minute, mgdl]: readonly [number, number | null]) =>
        mgdl ?? this.#usual(crossingMs + minute * MINUTE_MS);
      const share = (minutes - from[0]) / (to[0] - from[0]);
      return valueAt(from) + (valueAt(to) - valueAt(from)) * share;
    }
    return this.#usual(crossingMs + minutes * MINUTE_MS);
  }

  #usual(atMs: number): number {
    const { fastingMgdl, mealRiseMgdl } = this.profile;
    const day = this.local.day(atMs);
    const baseline = fastingMgdl + 15 * this.noise.smooth(DAY_MS, atMs, 'baseline');
    const dawnDistance = (this.local.minuteOfDay(atMs) - DAWN_MINUTE) / 90;
    const dawn = DAWN_RISE_MGDL * Math.exp(-(dawnDistance * dawnDistance));
    let meals = 0;
    for (const mealDay of [day - 1, day]) {
      for (const meal of MEAL_NAMES) {
        const x = (atMs - this.mealTime(meal, mealDay)) / (MEAL_PEAK_MINUTES * MINUTE_MS);
        if (x <= 0) continue;
        const rise = this.noise.between(mealRiseMgdl[0], mealRiseMgdl[1], 'meal-rise', meal, mealDay);
        meals += rise * x * Math.exp(1 - x);
      }
    }
    const wobble = 5 * this.noise.smooth(40 * MINUTE_MS, atMs, 'wobble');
    return clampGlucose(baseline + dawn + meals + wobble);
  }
}

export function clampGlucose(mgdl: number): number {
  return Math.min(GLUCOSE_CEILING_MGDL, Math.max(GLUCOSE_FLOOR_MGDL, mgdl));
}
