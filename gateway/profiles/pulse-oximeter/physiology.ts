/**
 * SpO2 and pulse rate of a simulated adult as pure functions of time, with what a finger
 * oximeter adds: now and then a questionable measurement, and short episodes of low
 * perfusion (cold fingers).
 *
 * Profiles:
 * - general: SpO2 around 97 %;
 * - COPD: around 90 %, inside the 88-92 % target for hypercapnic COPD [K10][K6], with
 *   night-time desaturations to 84-86 % for 6-12 minutes on most nights (84-85 % scores 2 on
 *   NEWS2 Scale 2 [K6]; shared/clinical-reference.md).
 */
import { type LocalTime, MINUTE_MS } from '../../simulator/local-time.ts';
import type { SeededNoise } from '../../simulator/seeded-noise.ts';

export interface NightDesaturation {
  /** Share of nights with one episode (between 01:00 and 05:00). */
  chance: number;
  /** Lowest SpO2 of an episode, %: each episode draws one in this range. */
  nadirPercent: readonly [min: number, max: number];
  /** Length of an episode (ramps included), minutes. */
  minutes: readonly [min: number, max: number];
}

export interface OxygenProfile {
  baselinePercent: number;
  /** Amplitude of the slow drift around the baseline, %. */
  driftPercent: number;
  pulseRateBpm: number;
  nightDesaturation?: NightDesaturation;
}

export const GENERAL_OXYGEN: OxygenProfile = { baselinePercent: 97, driftPercent: 1, pulseRateBpm: 74 };

export const COPD_OXYGEN: OxygenProfile = {
  baselinePercent: 90,
  driftPercent: 1.5,
  pulseRateBpm: 88,
  nightDesaturation: { chance: 0.8, nadirPercent: [84, 86], minutes: [6, 12] },
};

/** Minutes an episode takes to reach its nadir, and to recover. */
const RAMP_MINUTES = 2;
const QUESTIONABLE_CHANCE = 0.01;
const LOW_PERFUSION_BLOCK_MS = 10 * MINUTE_MS;
const LOW_PERFUSION_CHANCE = 0.03;

export interface OximeterSignal {
  questionable: boolean;
  lowPerfusion: boolean;
}

export class OxygenTrace {
  constructor(
    private readonly noise: SeededNoise,
    private readonly local: LocalTime,
    private readonly profile: OxygenProfile = GENERAL_OXYGEN,
  ) {}

  /** SpO2 at `atMs`, % (not rounded, at most 100). */
  spo2At(atMs: number): number {
    const { baselinePercent, driftPercent } = this.profile;
    const usual = baselinePercent + driftPercent * this.noise.smooth(10 * MINUTE_MS, atMs, 'spo2-drift');
    const episode = this.#desaturation(atMs);
    const value = episode
      ? usual + (episode.nadir + 0.5 * this.noise.smooth(MINUTE_MS, atMs, 'nadir') - usual) * episode.depth
      : usual;
    return Math.min(100, value);
  }

  /** Pulse rate at `atMs`, /min (not rounded); faster during a desaturation. */
  pulseRateAt(atMs: number): number {
    const drift = 6 * this.noise.smooth(10 * MINUTE_MS, atMs, 'pulse-drift');
    const jitter = 1.5 * this.noise.smooth(10_000, atMs, 'pulse-jitter');
    return this.profile.pulseRateBpm + drift + jitter + 10 * (this.#desaturation(atMs)?.depth ?? 0);
  }

  signalAt(atMs: number): OximeterSignal {
    const second = Math.floor(atMs / 1000);
    const block = Math.floor(atMs / LOW_PERFUSION_BLOCK_MS);
    let lowPerfusion = false;
    if (this.noise.chance(LOW_PERFUSION_CHANCE, 'perfusion', block)) {
      const start =
        block * LOW_PERFUSION_BLOCK_MS + this.noise.between(0, 5 * MINUTE_MS, 'perfusion-at', block);
      lowPerfusion =
        atMs >= start && atMs < start + this.noise.between(30_000, 90_000, 'perfusion-for', block);
    }
    return { questionable: this.noise.chance(QUESTIONABLE_CHANCE, 'questionable', second), lowPerfusion };
  }

  /** The night's episode around `atMs`: its nadir and how deep into it (0-1) `atMs` is. */
  #desaturation(atMs: number): { nadir: number; depth: number } | undefined {
    const night = this.profile.nightDesaturation;
    if (!night) return undefined;
    const day = this.local.day(atMs);
    if (!this.noise.chance(night.chance, 'desaturation', day)) return undefined;
    const start = this.local.instant(day, 60 + 240 * this.noise.unit('desaturation-at', day));
    const minutes = this.noise.between(night.minutes[0], night.minutes[1], 'desaturation-for', day);
    const into = (atMs - start) / MINUTE_MS;
    if (into < 0 || into > minutes) return undefined;
    const depth = Math.min(1, into / RAMP_MINUTES, (minutes - into) / RAMP_MINUTES);
    const nadir = this.noise.between(night.nadirPercent[0], night.nadirPercent[1], 'nadir', day);
    return { nadir, depth };
  }
}
