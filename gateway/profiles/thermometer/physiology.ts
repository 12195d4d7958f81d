/**
 * Body temperature of a simulated adult as a thermometer reads it: lowest in the early
 * morning and about half a degree higher in the late afternoon and evening (the circadian
 * rhythm), a level that differs a little from day to day, the scatter of a reading, and
 * optionally a fever episode: the temperature rises over half a day, stays up, and falls
 * back over the last day. An evening reading at the height of a 2 degree fever is near
 * 39 °C, which scores on NEWS2 (38.1-39.0 -> 1, >= 39.1 -> 2 [K6]; shared/clinical-reference.md).
 */
import { DAY_MS, HOUR_MS, type LocalTime } from '../../simulator/local-time.ts';
import type { SeededNoise } from '../../simulator/seeded-noise.ts';

export interface FeverEpisode {
  /** When the temperature starts to rise. */
  fromMs: number;
  /** How long the fever lasts, days (at least 1.5: half a day rising, a day falling). */
  days: number;
  /** How far above the usual temperature it peaks, °C. */
  riseCelsius: number;
}

export interface BodyTemperatureProfile {
  /** The usual early-morning temperature at the thermometer's site, °C. */
  baselineCelsius: number;
  fever?: FeverEpisode;
}

export const NORMAL_TEMPERATURE: BodyTemperatureProfile = { baselineCelsius: 36.4 };

/** Circadian rise from the early-morning low to the late-afternoon high, °C; the high at 17:00. */
const CIRCADIAN_CELSIUS = 0.5;
const CIRCADIAN_PEAK_MINUTE = 17 * 60;
/** Day-to-day and reading-to-reading scatter (SD), °C. */
const DAY_SD_CELSIUS = 0.12;
const READING_SD_CELSIUS = 0.08;
const FEVER_RISE_MS = 12 * HOUR_MS;
const FEVER_FALL_MS = DAY_MS;

/** How much of the fever's rise is there at `atMs`: 0 before and after, 1 at its height. */
export function feverShare(fever: FeverEpisode, atMs: number): number {
  const since = atMs - fever.fromMs;
  const until = fever.fromMs + fever.days * DAY_MS - atMs;
  return Math.max(0, Math.min(1, since / FEVER_RISE_MS, until / FEVER_FALL_MS));
}

export class BodyTemperature {
  constructor(
    private readonly noise: SeededNoise,
    private readonly local: LocalTime,
    private readonly profile: BodyTemperatureProfile = NORMAL_TEMPERATURE,
  ) {}

  /** What a thermometer reads at `atMs`, °C (not rounded; each reading draws its own scatter). */
  celsiusAt(atMs: number): number {
    const { baselineCelsius, fever } = this.profile;
    const fromPeak = ((this.local.minuteOfDay(atMs) - CIRCADIAN_PEAK_MINUTE) / (24 * 60)) * 2 * Math.PI;
    const circadian = (CIRCADIAN_CELSIUS * (1 + Math.cos(fromPeak))) / 2;
    const dayLevel = DAY_SD_CELSIUS * this.noise.normal('temperature-day', this.local.day(atMs));
    const scatter = READING_SD_CELSIUS * this.noise.normal('temperature', atMs);
    const febrile = fever ? fever.riseCelsius * feverShare(fever, atMs) : 0;
    return baselineCelsius + circadian + dayLevel + scatter + febrile;
  }
}
