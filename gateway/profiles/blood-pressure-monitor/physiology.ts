/**
 * Home blood pressure and pulse rate of a simulated adult, as a cuff reads them at a moment:
 * a usual level, a morning surge after waking (morning readings are higher than evening ones,
 * the profile's mean lies between), a level that differs from day to day and drifts over
 * weeks, the scatter between two readings a few minutes apart, and what spoils a reading now
 * and then: the patient moving or talking (higher, noisier values) or an irregular pulse
 * (ectopic beats, atrial fibrillation).
 *
 * Profiles:
 * - hypertensive: around 150/95 mmHg, Grade 1-2 hypertension and well above the home
 *   threshold of 135/85 [K8], with some readings reaching the severe range (>= 180 / >= 110);
 * - treated heart failure: around 118/72 mmHg on heart-failure medication, a slower pulse and
 *   more often an irregular one (atrial fibrillation is common in heart failure).
 * (shared/clinical-reference.md)
 */
import { DAY_MS, type LocalTime } from '../../simulator/local-time.ts';
import type { SeededNoise } from '../../simulator/seeded-noise.ts';

export interface BloodPressureProfile {
  /** Mean home pressure, mmHg. */
  systolicMmHg: number;
  diastolicMmHg: number;
  /** How much higher systolic pressure is on waking (about 07:30) than in the evening, mmHg; diastolic half as much. */
  morningSurgeMmHg: number;
  /** Mean pulse rate, /min. */
  pulseBpm: number;
  /** Share of readings with an irregular pulse. */
  irregularPulseChance: number;
  /** Share of readings during which the patient moves or talks. */
  bodyMovementChance: number;
}

export const HYPERTENSIVE_PRESSURE: BloodPressureProfile = {
  systolicMmHg: 150,
  diastolicMmHg: 95,
  morningSurgeMmHg: 12,
  pulseBpm: 78,
  irregularPulseChance: 0.04,
  bodyMovementChance: 0.05,
};

export const TREATED_HEART_FAILURE_PRESSURE: BloodPressureProfile = {
  systolicMmHg: 118,
  diastolicMmHg: 72,
  morningSurgeMmHg: 8,
  pulseBpm: 68,
  irregularPulseChance: 0.15,
  bodyMovementChance: 0.05,
};

/** What the cuff measured: whole mmHg and /min, and what it detected. */
export interface CuffReading {
  systolic: number;
  diastolic: number;
  pulseRate: number;
  bodyMovement: boolean;
  irregularPulse: boolean;
}

/** The surge peaks at this local time and fades with this spread (minutes). */
const SURGE_MINUTE = 7.5 * 60;
const SURGE_SPREAD_MINUTES = 150;
/** Day-to-day and reading-to-reading scatter (SD), systolic / diastolic / pulse. */
const DAY_SD = { systolic: 6, diastolic: 4, pulse: 3 } as const;
const READING_SD = { systolic: 5, diastolic: 3, pulse: 2 } as const;
/** Slow drift over about two weeks, mmHg systolic (diastolic half as much). */
const DRIFT_MMHG = 5;

export class BloodPressureTrace {
  constructor(
    private readonly noise: SeededNoise,
    private readonly local: LocalTime,
    private readonly profile: BloodPressureProfile = HYPERTENSIVE_PRESSURE,
  ) {}

  /** What a cuff reads at `atMs` (every reading draws its own scatter and findings). */
  readingAt(atMs: number): CuffReading {
    const p = this.profile;
    const day = this.local.day(atMs);
    const fromSurge = (this.local.minuteOfDay(atMs) - SURGE_MINUTE) / SURGE_SPREAD_MINUTES;
    const surge = p.morningSurgeMmHg * (Math.exp(-(fromSurge * fromSurge)) - 0.5);
    const dayLevel = this.noise.normal('pressure-day', day);
    const drift = DRIFT_MMHG * this.noise.smooth(14 * DAY_MS, atMs, 'pressure-drift');
    const scatter = this.noise.normal('systolic', atMs);
    const bodyMovement = this.noise.chance(p.bodyMovementChance, 'movement', atMs);
    const irregularPulse = this.noise.chance(p.irregularPulseChance, 'irregular', atMs);
    const artefact = bodyMovement ? this.noise.between(4, 14, 'movement-by', atMs) : 0;
    const systolic =
      p.systolicMmHg + surge + drift + DAY_SD.systolic * dayLevel + READING_SD.systolic * scatter + artefact;
    const diastolic =
      p.diastolicMmHg +
      (surge + drift + artefact) / 2 +
      DAY_SD.diastolic * dayLevel +
      READING_SD.diastolic * (0.5 * scatter + 0.85 * this.noise.normal('diastolic', atMs));
    const pulse =
      p.pulseBpm +
      surge / 3 +
      DAY_SD.pulse * this.noise.normal('pulse-day', day) +
      (irregularPulse ? 4 : 1) * READING_SD.pulse * this.noise.normal('pulse', atMs);
    const shownSystolic = Math.round(clamp(systolic, 80, 250));
    return {
      systolic: shownSystolic,
      diastolic: Math.round(clamp(diastolic, 40, Math.min(140, shownSystolic - 20))),
      pulseRate: Math.round(clamp(pulse, 40, 160)),
      bodyMovement,
      irregularPulse,
    };
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
