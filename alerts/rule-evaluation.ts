/**
 * Evaluation of one rule for one patient: plain, serialisable state fed readings (and,
 * for no-data rules, the clock) that says whether the condition is firing and reports
 * each transition. No I/O, no clock of its own.
 *
 * Decisions:
 * - Readings the device flags as unreliable (`isClinicallyReliable` false) are skipped:
 *   they neither fire, nor clear, nor extend or break a run. A no-contact reading tells us
 *   nothing about the patient. They do not count as data for no-data rules either: a CGM
 *   that only sends sensor errors leaves the patient unmonitored, which is what a
 *   no-data alert is for (its message says the device did send flagged readings).
 * - Readings are evaluated in time order. A reading no newer than the newest one already
 *   evaluated for the rule (a duplicate, a replay, or a late reading from a second device)
 *   changes nothing: the alert follows the patient's current state, and a replayed
 *   reading with the same id has the same time. The caller sorts each batch by time.
 * - A run is unbroken while no reliable reading contradicts it: a gap in the data neither
 *   breaks nor extends it, and its duration is from its first to its latest reading.
 * - Threshold and rate rules change state only on readings: a duration holds when a
 *   reading proves it. No-data rules change state on the clock.
 * - Memory is bounded: a threshold rule keeps a run summary, a rate rule the readings of
 *   its window (at most MAX_WINDOW_READINGS), a no-data rule the newest reading.
 */
import { z } from 'zod';
import {
  DeviceRangeBound,
  deviceRangeBound,
  glucoseSourceOf,
  isClinicallyReliable,
  type Reading,
  ReadingFlag,
  UNRELIABLE_FLAGS,
  UtcTimestamp,
} from '../common/contract.ts';
import { Metric, Unit } from '../common/metrics.ts';
import { convertGlucose } from '../common/units.ts';
import {
  isGlucoseUnit,
  type NoDataRule,
  type RateRule,
  type ReadingSelection,
  type Rule,
  type Sustain,
  type ThresholdRule,
} from './rule-schema.ts';
import { maxGapMinutes } from './sample-intervals.ts';

const MINUTE_MS = 60_000;
/** A rate window never holds more readings than this (the oldest go first). */
const MAX_WINDOW_READINGS = 600;

/** The reading behind a firing or a clearing, in its own unit. */
export const TriggerReading = z.strictObject({
  readingId: z.string().min(1).max(128),
  metric: Metric,
  value: z.number(),
  unit: Unit,
  time: UtcTimestamp,
  /** Rate rules: the slope that fired, in the reading's unit per minute. */
  ratePerMinute: z.number().optional(),
  /** The device's LO / HI: `value` is a bound, not a measurement. */
  bound: DeviceRangeBound.optional(),
});
export type TriggerReading = z.infer<typeof TriggerReading>;

/** Milliseconds since the epoch. */
const EpochMs = z.number().int();
/** A run of readings on the same side: first and latest reading time, and how many. */
const Run = z.strictObject({ start: EpochMs, last: EpochMs, count: z.number().int().positive() });
type Run = z.infer<typeof Run>;
export const Episode = z.strictObject({ start: EpochMs, trigger: TriggerReading.nullable() });
export type Episode = z.infer<typeof Episode>;

const conditionFields = {
  /** Time of the newest reading evaluated; a reading at or before it changes nothing. */
  cursor: EpochMs.nullable(),
  /** The unbroken run towards the next transition: firing while clear, clearing while firing. */
  run: Run.nullable(),
  /** Set while the condition is firing. */
  episode: Episode.nullable(),
};

export const ThresholdEvaluation = z.strictObject({ kind: z.literal('threshold'), ...conditionFields });
export const RateEvaluation = z.strictObject({
  kind: z.literal('rate'),
  ...conditionFields,
  /** [time, value in the rule's unit] of the reliable readings in the window, oldest first. */
  window: z.array(z.tuple([EpochMs, z.number()])).max(MAX_WINDOW_READINGS),
});
export const NoDataEvaluation = z.strictObject({
  kind: z.literal('no_data'),
  /**
   * Time of the newest reliable reading, or of the first reading (flagged) if none was
   * reliable yet. Null while the selected source has never sent anything for the patient:
   * the rule is not watching yet (a meter-only patient has no CGM that could go silent).
   */
  lastDataAt: EpochMs.nullable(),
  lastReading: TriggerReading.nullable(),
  /** The newest unreliable reading, so the message can say the device is sending but flagged. */
  lastUnreliable: z.strictObject({ time: EpochMs, flags: z.array(ReadingFlag) }).nullable(),
  episode: Episode.nullable(),
});
export const RuleEvaluation = z.discriminatedUnion('kind', [
  ThresholdEvaluation,
  RateEvaluation,
  NoDataEvaluation,
]);
export type ThresholdEvaluation = z.infer<typeof ThresholdEvaluation>;
export type RateEvaluation = z.infer<typeof RateEvaluation>;
export type NoDataEvaluation = z.infer<typeof NoDataEvaluation>;
export type RuleEvaluation = z.infer<typeof RuleEvaluation>;

export type Transition =
  | { type: 'fired'; episodeStart: number; trigger: TriggerReading | null }
  | { type: 'cleared'; at: number; reading: TriggerReading | null };

export interface EvaluationStep {
  state: RuleEvaluation;
  transition: Transition | null;
}

export type ConditionStatus =
  | { status: 'firing'; episodeStart: string; trigger: TriggerReading | null }
  | { status: 'clear' };

/** The rule and the evaluation state handed in belong to different kinds of rule. */
export class EvaluationMismatchError extends Error {
  constructor(
    readonly ruleId: string,
    readonly ruleKind: Rule['kind'],
    readonly stateKind: RuleEvaluation['kind'],
  ) {
    super(`rule ${ruleId} is a ${ruleKind} rule but its evaluation state is for a ${stateKind} rule`);
    this.name = 'EvaluationMismatchError';
  }
}

export function considersReading(rule: Rule, reading: Reading): boolean {
  if (!rule.readings.metrics.includes(reading.metric)) return false;
  const source = rule.readings.glucoseSource;
  return source === undefined || glucoseSourceOf(reading) === source;
}

export function startEvaluation(rule: Rule): RuleEvaluation {
  switch (rule.kind) {
    case 'threshold':
      return { kind: 'threshold', cursor: null, run: null, episode: null };
    case 'rate':
      return { kind: 'rate', cursor: null, run: null, episode: null, window: [] };
    case 'no_data':
      return {
        kind: 'no_data',
        lastDataAt: null,
        lastReading: null,
        lastUnreliable: null,
        episode: null,
      };
  }
}

export function conditionStatus(state: RuleEvaluation): ConditionStatus {
  if (!state.episode) return { status: 'clear' };
  return {
    status: 'firing',
    episodeStart: new Date(state.episode.start).toISOString(),
    trigger: state.episode.trigger,
  };
}

/** A value in another unit: glucose converted exactly, other metrics have one unit each. */
function convertValue(value: number, from: Unit, to: Unit): number | undefined {
  if (from === to) return value;
  return isGlucoseUnit(from) && isGlucoseUnit(to) ? convertGlucose(value, from, to) : undefined;
}

function triggerOf(reading: Reading, ratePerMinute?: number): TriggerReading {
  const bound = deviceRangeBound(reading.flags);
  return {
    readingId: reading.id,
    metric: reading.metric,
    value: reading.value,
    unit: reading.unit,
    time: reading.time,
    ...(ratePerMinute === undefined ? {} : { ratePerMinute }),
    ...(bound && { bound }),
  };
}

type Verdict = 'fire' | 'clear' | 'neither' | 'unknown';

/** Threshold rules may hold their clearing too; a rate rule clears on one reading. */
function clearSustainOf(rule: ThresholdRule | RateRule): Sustain | undefined {
  return rule.kind === 'threshold' ? rule.clear.sustain : undefined;
}

function sustained(sustain: Sustain | undefined, run: Run): boolean {
  if (sustain === undefined) return true;
  const checks: boolean[] = [];
  if (sustain.minutes !== undefined) checks.push(run.last - run.start >= sustain.minutes * MINUTE_MS);
  if (sustain.readings !== undefined) checks.push(run.count >= sustain.readings);
  return sustain.join === 'and' ? checks.every(Boolean) : checks.some(Boolean);
}

/** The run extended by a reading at `time`, or a new run if the gap since its latest reading is too long. */
function extendRun(
  run: Run | null,
  time: number,
  sustain: Sustain | undefined,
  selection: ReadingSelection,
): Run {
  const gap = sustain === undefined ? undefined : maxGapMinutes(sustain, selection);
  if (run === null || (gap !== undefined && time - run.last > gap * MINUTE_MS)) {
    return { start: time, last: time, count: 1 };
  }
  return { start: run.start, last: time, count: run.count + 1 };
}

/** The run and episode bookkeeping shared by threshold and rate rules. */
function advance<S extends ThresholdEvaluation | RateEvaluation>(
  rule: ThresholdRule | RateRule,
  state: S,
  verdict: Verdict,
  time: number,
  trigger: TriggerReading,
): { state: S; transition: Transition | null } {
  const wanted = state.episode ? 'clear' : 'fire';
  if (verdict === 'unknown') return { state: { ...state, cursor: time }, transition: null };
  if (verdict !== wanted) return { state: { ...state, cursor: time, run: null }, transition: null };
  const sustain = state.episode ? clearSustainOf(rule) : rule.sustain;
  const run = extendRun(state.run, time, sustain, rule.readings);
  if (!sustained(sustain, run)) {
    return { state: { ...state, cursor: time, run }, transition: null };
  }
  if (state.episode) {
    return {
      state: { ...state, cursor: time, run: null, episode: null },
      transition: { type: 'cleared', at: time, reading: trigger },
    };
  }
  return {
    state: { ...state, cursor: time, run: null, episode: { start: run.start, trigger } },
    transition: { type: 'fired', episodeStart: run.start, trigger },
  };
}

/** `value` is below (or above) `level`, or at it when `inclusive`. */
function beyond(direction: 'below' | 'above', value: number, level: number, inclusive: boolean): boolean {
  if (value === level) return inclusive;
  return direction === 'below' ? value < level : value > level;
}

function thresholdVerdict(rule: ThresholdRule, value: number): Verdict {
  const { direction, handOver } = rule;
  if (handOver && beyond(direction, value, handOver.level, handOver.inclusive)) return 'neither';
  if (beyond(direction, value, rule.level, rule.inclusive)) return 'fire';
  // A low clears at or above its clear level, a high at or below.
  return beyond(direction === 'below' ? 'above' : 'below', value, rule.clear.level, true)
    ? 'clear'
    : 'neither';
}

/** Least-squares slope of [time ms, value] points, in value units per minute. */
export function leastSquaresSlope(points: readonly (readonly [number, number])[]): number | undefined {
  const first = points[0];
  if (first === undefined) return undefined;
  const xs = points.map(([t]) => (t - first[0]) / MINUTE_MS);
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanY = points.reduce((a, [, v]) => a + v, 0) / points.length;
  let covariance = 0;
  let variance = 0;
  points.forEach(([, v], i) => {
    const dx = (xs[i] ?? meanX) - meanX;
    covariance += dx * (v - meanY);
    variance += dx * dx;
  });
  return variance === 0 ? undefined : covariance / variance;
}

function rateVerdict(
  rule: RateRule,
  window: RateEvaluation['window'],
  value: number,
): {
  verdict: Verdict;
  slope?: number;
} {
  const first = window[0];
  const last = window[window.length - 1];
  if (first === undefined || last === undefined || window.length < rule.minReadings)
    return { verdict: 'unknown' };
  if (last[0] - first[0] < rule.minSpanMinutes * MINUTE_MS) return { verdict: 'unknown' };
  const slope = leastSquaresSlope(window);
  if (slope === undefined) return { verdict: 'unknown' };
  const speed = rule.direction === 'falling' ? -slope : slope;
  const gateOpen = rule.gate === undefined || beyond(rule.gate.direction, value, rule.gate.level, false);
  if (speed >= rule.ratePerMinute && gateOpen) return { verdict: 'fire', slope };
  return { verdict: speed < rule.clearRatePerMinute ? 'clear' : 'neither', slope };
}

function stepCondition(
  rule: ThresholdRule | RateRule,
  state: ThresholdEvaluation | RateEvaluation,
  reading: Reading,
): EvaluationStep {
  const time = Date.parse(reading.time);
  const value = convertValue(reading.value, reading.unit, rule.unit);
  const unchanged = { state, transition: null };
  if (
    (state.cursor !== null && time <= state.cursor) ||
    !isClinicallyReliable(reading) ||
    value === undefined
  ) {
    return unchanged;
  }
  if (rule.kind === 'threshold' && state.kind === 'threshold') {
    return advance(rule, state, thresholdVerdict(rule, value), time, triggerOf(reading));
  }
  if (rule.kind === 'rate' && state.kind === 'rate') {
    const window = [
      ...state.window.filter(([t]) => t >= time - rule.windowMinutes * MINUTE_MS),
      [time, value] as [number, number],
    ].slice(-MAX_WINDOW_READINGS);
    const { verdict, slope } = rateVerdict(rule, window, value);
    const rate = slope === undefined ? undefined : convertValue(slope, rule.unit, reading.unit);
    return advance(rule, { ...state, window }, verdict, time, triggerOf(reading, rate));
  }
  throw new EvaluationMismatchError(rule.id, rule.kind, state.kind);
}

function stepNoData(state: NoDataEvaluation, reading: Reading): EvaluationStep {
  const time = Date.parse(reading.time);
  if (!isClinicallyReliable(reading)) {
    if (state.lastUnreliable && state.lastUnreliable.time >= time) return { state, transition: null };
    const flags = reading.flags.filter((flag) => UNRELIABLE_FLAGS.has(flag));
    // A device that sends only flagged readings is there, and silent for clinical purposes.
    const lastDataAt = state.lastDataAt ?? time;
    return { state: { ...state, lastDataAt, lastUnreliable: { time, flags } }, transition: null };
  }
  if (state.lastDataAt !== null && time <= state.lastDataAt) return { state, transition: null };
  return { state: { ...state, lastDataAt: time, lastReading: triggerOf(reading) }, transition: null };
}

/** Feeds one reading the rule considers (see considersReading). */
export function evaluateReading(rule: Rule, state: RuleEvaluation, reading: Reading): EvaluationStep {
  if (rule.kind === 'no_data') {
    if (state.kind !== 'no_data') throw new EvaluationMismatchError(rule.id, rule.kind, state.kind);
    return stepNoData(state, reading);
  }
  if (state.kind === 'no_data') throw new EvaluationMismatchError(rule.id, rule.kind, state.kind);
  return stepCondition(rule, state, reading);
}

/** Advances the clock: a no-data rule fires when silent too long and clears when data is recent again. */
export function evaluateClock(rule: Rule, state: RuleEvaluation, now: number): EvaluationStep {
  if (rule.kind !== 'no_data' || state.kind !== 'no_data') return { state, transition: null };
  return clockNoData(rule, state, now);
}

function clockNoData(rule: NoDataRule, state: NoDataEvaluation, now: number): EvaluationStep {
  const { lastDataAt } = state;
  // Not watching until the source has sent a reading for this patient.
  if (lastDataAt === null) return { state, transition: null };
  const silent = now - lastDataAt > rule.silentMinutes * MINUTE_MS;
  if (!state.episode && silent) {
    const episode = { start: lastDataAt, trigger: null };
    return {
      state: { ...state, episode },
      transition: { type: 'fired', episodeStart: episode.start, trigger: null },
    };
  }
  if (state.episode && !silent && lastDataAt > state.episode.start) {
    return {
      state: { ...state, episode: null },
      transition: { type: 'cleared', at: lastDataAt, reading: state.lastReading },
    };
  }
  return { state, transition: null };
}

/**
 * After a clinician closed the alert at `at`: the condition must hold again, on readings
 * after `at`, for its full sustain before it can fire again (silence counts from `at`).
 * A no-data rule that had an alert was watching a source that had sent data, so it goes
 * on watching, also when rebuilt after a restart from that alert.
 */
export function restartEvaluation(state: RuleEvaluation, at: number): RuleEvaluation {
  switch (state.kind) {
    case 'no_data':
      return { ...state, lastDataAt: Math.max(state.lastDataAt ?? at, at), episode: null };
    case 'rate':
      return { ...state, cursor: Math.max(state.cursor ?? at, at), run: null, episode: null, window: [] };
    case 'threshold':
      return { ...state, cursor: Math.max(state.cursor ?? at, at), run: null, episode: null };
  }
}

/**
 * A fresh evaluation aligned with an alert known to be active (after a restart or a rule
 * change): firing since the episode start, readings up to `cursor` already accounted for,
 * so that the clear condition can resolve it.
 */
export function resumeFiring(state: RuleEvaluation, episode: Episode, cursor: number): RuleEvaluation {
  if (state.kind === 'no_data') {
    // Silent since the episode began, unless this evaluation has seen (old) data since.
    const lastDataAt =
      state.lastReading && state.lastDataAt !== null
        ? Math.max(state.lastDataAt, episode.start)
        : episode.start;
    return { ...state, lastDataAt, episode };
  }
  return { ...state, cursor: Math.max(state.cursor ?? cursor, cursor), run: null, episode };
}

/**
 * What survives a change of a rule's numbers: how far readings were evaluated (condition
 * rules) or when data was last seen (no-data rules). Runs and episodes start again.
 */
export function carryProgress(fresh: RuleEvaluation, old: RuleEvaluation): RuleEvaluation {
  if (fresh.kind === 'no_data') {
    if (old.kind !== 'no_data') return fresh;
    return {
      ...fresh,
      lastDataAt: old.lastDataAt,
      lastReading: old.lastReading,
      lastUnreliable: old.lastUnreliable,
    };
  }
  return old.kind === 'no_data' ? fresh : { ...fresh, cursor: old.cursor };
}

/** How much reading history the rule needs to rebuild its state, in minutes. */
export function historyMinutes(rule: Rule): number {
  switch (rule.kind) {
    case 'threshold':
      return Math.max(rule.sustain?.minutes ?? 0, rule.clear.sustain?.minutes ?? 0);
    case 'rate':
      return Math.max(rule.windowMinutes, rule.sustain?.minutes ?? 0);
    case 'no_data':
      return rule.silentMinutes;
  }
}
