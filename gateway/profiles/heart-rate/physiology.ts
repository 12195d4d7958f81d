/**
 * Heart rate of a simulated adult as a pure function of time: a resting rate that is lower
 * asleep (23:00-06:00), slow drift, breathing-related variation (respiratory sinus
 * arrhythmia, about 13 breaths a minute), half-hour periods of activity in the daytime, and
 * now and then a few seconds in which the strap loses skin contact.
 */
import { type LocalTime, MINUTE_MS } from '../../simulator/local-time.ts';
import type { SeededNoise } from '../../simulator/seeded-noise.ts';

export interface HeartRateProfile {
  /** Awake resting heart rate, /min. */
  restingBpm: number;
  /** Chance that a daytime half hour is active (a walk, housework). */
  activityChance: number;
  /** Extra /min at the peak of an activity period: each period draws one in this range. */
  activityBpm: readonly [min: number, max: number];
  /** Chance that a minute contains a loss of skin contact (5-20 s). */
  contactLossChance: number;
}

export const RESTING_HEART: HeartRateProfile = {
  restingBpm: 74,
  activityChance: 0.15,
  activityBpm: [20, 45],
  contactLossChance: 0.03,
};

const SLEEP_DROP_BPM = 9;
const ACTIVITY_BLOCK_MS = 30 * MINUTE_MS;
const BREATH_MS = 4_600;

export class HeartRateTrace {
  constructor(
    private readonly noise: SeededNoise,
    private readonly local: LocalTime,
    private readonly profile: HeartRateProfile = RESTING_HEART,
  ) {}

  /** Heart rate at `atMs`, /min (not rounded). */
  bpmAt(atMs: number): number {
    const minute = this.local.minuteOfDay(atMs);
    const asleep = minute < 6 * 60 || minute >= 23 * 60;
    const drift = 4 * this.noise.smooth(10 * MINUTE_MS, atMs, 'drift');
    const breathing = 2 * Math.sin((2 * Math.PI * atMs) / BREATH_MS);
    const jitter = 1.5 * this.noise.smooth(15_000, atMs, 'jitter');
    const rate =
      this.profile.restingBpm -
      (asleep ? SLEEP_DROP_BPM : 0) +
      (asleep ? 0 : this.#activity(atMs)) +
      drift +
      breathing +
      jitter;
    return Math.min(200, Math.max(35, rate));
  }

  /** The strap has no skin contact at `atMs`. */
  contactLostAt(atMs: number): boolean {
    const minute = Math.floor(atMs / MINUTE_MS);
    if (!this.noise.chance(this.profile.contactLossChance, 'contact', minute)) return false;
    const start = minute * MINUTE_MS + this.noise.between(0, 40_000, 'contact-start', minute);
    const duration = this.noise.between(5_000, 20_000, 'contact-length', minute);
    return atMs >= start && atMs < start + duration;
  }

  #activity(atMs: number): number {
    const block = Math.floor(atMs / ACTIVITY_BLOCK_MS);
    const minute = this.local.minuteOfDay(atMs);
    if (minute < 7 * 60 || minute >= 21 * 60) return 0;
    if (!this.noise.chance(this.profile.activityChance, 'active', block)) return 0;
    const [min, max] = this.profile.activityBpm;
    const peak = this.noise.between(min, max, 'intensity', block);
    const progress = (atMs - block * ACTIVITY_BLOCK_MS) / ACTIVITY_BLOCK_MS;
    return peak * Math.sin(Math.PI * progress);
  }
}
