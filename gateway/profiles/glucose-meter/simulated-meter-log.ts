/**
 * The memory of a simulated glucose meter: the tests a patient with diabetes makes (fasting
 * before breakfast, 06:30-07:20; two hours after dinner), as records numbered from the day
 * the meter was first used. About one test in ten is skipped, and now and then the patient
 * checks the meter with control solution instead (a record the gateway must flag, never a
 * patient value). Like a real meter it keeps only the newest `capacity` records, and its
 * memory can be cleared (clearMemory), after which numbering starts again from 1.
 *
 * A pure function of time: the same seed gives the same records with the same sequence
 * numbers whenever they are computed, so a restarted simulation (or a test) sees the same
 * meter memory.
 */
import type { GlucoseUnit } from '../../../common/units.ts';
import { convertUnit } from '../../../common/units.ts';
import { type MedicalNumber, medicalNumber } from '../../gatt/ieee11073.ts';
import { clampGlucose, type GlucoseCurve } from '../../simulator/glucose-physiology.ts';
import { type LocalTime, MINUTE_MS } from '../../simulator/local-time.ts';
import type { SeededNoise } from '../../simulator/seeded-noise.ts';

export interface MeterRecord {
  sequenceNumber: number;
  /** When the test was made (simulated time). */
  atMs: number;
  /** What the meter shows, in its unit: whole mg/dL, or mmol/L to one decimal. */
  value: MedicalNumber;
  unit: GlucoseUnit;
  controlSolution: boolean;
  meal: 'fasting' | 'postprandial';
}

export interface MeterLogOptions {
  curve: GlucoseCurve;
  noise: SeededNoise;
  local: LocalTime;
  unit: GlucoseUnit;
  /** Records are made from this instant on, numbered from 1. */
  firstUseMs: number;
  /** Records kept (default 250); older ones are overwritten. */
  capacity?: number;
}

const SKIP_CHANCE = 0.1;
const CONTROL_SOLUTION_CHANCE = 0.03;
/** Meter imprecision: 4 % (SD), within the +/-15 % of ISO 15197:2013 for nearly every test. */
const METER_CV = 0.04;
const DEFAULT_CAPACITY = 250;

interface Slot {
  atMs: number;
  meal: MeterRecord['meal'];
  key: string;
}

export class MeterLog {
  /** Every record made so far (two a day at most: a year is a few hundred). */
  readonly #records: MeterRecord[] = [];
  readonly #capacity: number;
  #nextDay: number;
  #count = 0;

  constructor(private readonly o: MeterLogOptions) {
    this.#capacity = o.capacity ?? DEFAULT_CAPACITY;
    this.#nextDay = o.local.day(o.firstUseMs);
  }

  /** The records the meter holds at `nowMs`, oldest first. */
  recordsAt(nowMs: number): readonly MeterRecord[] {
    const today = this.o.local.day(nowMs);
    while (this.#nextDay <= today) {
      for (const slot of this.#slots(this.#nextDay)) this.#add(slot);
      this.#nextDay += 1;
    }
    return this.#records.filter((r) => r.atMs <= nowMs).slice(-this.#capacity);
  }

  /**
   * The memory is cleared at `atMs` (or the meter replaced by one with the same identity):
   * the records made until then are gone, and the later ones are numbered from 1 again.
   */
  clearMemory(atMs: number): void {
    this.recordsAt(atMs);
    const later = this.#records.splice(0).filter((r) => r.atMs > atMs);
    this.#count = 0;
    for (const record of later) this.#number(record);
  }

  /** The first test after `afterMs` (simulated time), whether or not it will be skipped. */
  nextTestAfter(afterMs: number): number {
    const today = this.o.local.day(afterMs);
    for (let day = today; ; day++) {
      const next = this.#slots(day).find((slot) => slot.atMs > afterMs);
      if (next) return next.atMs;
    }
  }

  #slots(day: number): Slot[] {
    const { curve, noise, local } = this.o;
    const fasting = local.instant(day, 6 * 60 + 30 + 50 * noise.unit('fasting-test', day));
    const afterDinner =
      curve.mealTime('dinner', day) + (105 + 30 * noise.unit('evening-test', day)) * MINUTE_MS;
    return [
      { atMs: fasting, meal: 'fasting' as const, key: `fasting-${day}` },
      { atMs: afterDinner, meal: 'postprandial' as const, key: `evening-${day}` },
    ].filter((slot) => slot.atMs >= this.o.firstUseMs);
  }

  #add(slot: Slot): void {
    const { noise, curve, unit } = this.o;
    if (noise.chance(SKIP_CHANCE, 'skip', slot.key)) return;
    const controlSolution = noise.chance(CONTROL_SOLUTION_CHANCE, 'control', slot.key);
    const mgdl = controlSolution
      ? noise.between(110, 130, 'control-value', slot.key)
      : clampGlucose(curve.mgdlAt(slot.atMs) * (1 + METER_CV * noise.normal('meter', slot.key)));
    this.#number({
      atMs: slot.atMs,
      value:
        unit === 'mg/dL'
          ? medicalNumber(Math.round(mgdl), 0)
          : medicalNumber(Math.round(convertUnit(mgdl, 'mg/dL', 'mmol/L') * 10), -1),
      unit,
      controlSolution,
      meal: slot.meal,
    });
  }

  #number(record: Omit<MeterRecord, 'sequenceNumber'>): void {
    this.#count += 1;
    this.#records.push({ ...record, sequenceNumber: this.#count });
  }
}
