/**
 * Evaluation of one rule for one patient: plain, serialisable state fed readings (and,
 * for no-data and average rules, the clock) that says whether the condition is firing
 * and reports each transition. No I/O, no clock of its own.
 *
 * Decisions:
 * - Readings the device flags as unreliable (`isClinicallyReliable` false) are skipped:
 *   they neither fire, nor clear, nor extend or break a run, nor enter a window. A
 *   no-contact reading tells us nothing about the patient. They do not count as data for
 *   no-data rules either: a CGM that only sends sensor errors leaves the patient
 *   unmonitored, which is what a no-data alert is for (its message says the device did
 *   send flagged readings).
 * - Readings are evaluated in time order. A reading no newer than the newest one already
 *   evaluated for the rule (a duplicate, a replay) changes nothing here; the caller sorts
 *   each batch by time, and when a reading arrives well after newer ones (comesBefore)
 *   the engine evaluates the rule afresh over the stored readings in time order
 *   (alerts-engine.ts, reevaluateChanges).
 * - A run is unbroken while no reliable reading contradicts it: a gap in the data neither
 *   breaks nor extends it, and its duration is from its first to its latest reading.
 * - Blood pressure: a condition holds when any part the rule names is beyond its level
 *   and clears when every named part is back (a reading without a named part, a cuff that
 *   sends no mean, decides only what its other parts decide).
 * - Threshold, rate and change rules change state only on readings: a duration holds when
 *   a reading proves it. No-data rules change state on the clock; average rules on both
 *   (a day leaving the window changes the mean).
 * - Calendar days (average and change windows) are the clinic's: the time zone the engine
 *   passes in, the alert policy's (UTC by default).
 * - Memory is bounded: a threshold rule keeps a run summary, a rate rule the readings of
 *   its window (at most MAX_WINDOW_READINGS), a no-data rule the newest reading, an
 *   average rule one total per day of its window, a change rule the readings of its window
 *   (at most MAX_WINDOW_READINGS).
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
import { ComponentName, Metric, Unit } from '../common/metrics.ts';
import { converts, convertUnit } from '../common/units.ts';
import { CalendarDay, calendarDay, localInstant, shiftDay } from './calendar-days.ts';
import {
  type AverageRule,
  type ChangeRule,
  componentOf,
  convertDifference,
  Level,
  levelEntries,
  levelFromEntries,
  levelInUnit,
  MAX_WINDOW_DAYS,
  minutesOf,
  type NoDataRule,
  Part,
  type RateRule,
  type ReadingSelection,
  type Rule,
  type ScheduleRule,
  type Sustain,
  type ThresholdRule,
} from './rule-schema.ts';
import { maxGapMinutes } from './sample-intervals.ts';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;
/** A day on which the clocks go back has 25 hours: replays of day windows reach this much further. */
const CLOCK_CHANGE_MINUTES = 60;
/** A rate or change window never holds more readings than this (the oldest go first). */
const MAX_WINDOW_READINGS = 600;

/** The reading behind a firing or a clearing, in its own unit. */
export const TriggerReading = z.strictObject({
  readingId: z.string().min(1).max(128),
  metric: Metric,
  value: z.number(),
  /** A compound reading's other parts (blood pressure: diastolic, mean), in `unit`. */
  components: z.partialRecord(ComponentName, z.number()).optional(),
  unit: Unit,
  time: UtcTimestamp,
  /** Rate rules: the slope that fired, in the reading's unit per minute. */
  ratePerMinute: z.number().optional(),
  /** The device's LO / HI: `value` is a bound, not a measurement. */
  bound: DeviceRangeBound.optional(),
  /** Average rules: the window's mean (each named part), in the rule's unit, and what it is a mean of. */
  mean: z
    .strictObject({
      level: Level,
      unit: Unit,
      readings: z.number().int().positive(),
      days: z.number().int().positive(),
    })
    .optional(),
  /** Change rules: the value the change is measured from, in the rule's unit. */
  baseline: z.strictObject({ value: z.number(), unit: Unit, part: Part.optional() }).optional(),
});
export type TriggerReading = z.infer<typeof TriggerReading>;
type TriggerDetail = Pick<TriggerReading, 'ratePerMinute' | 'mean' | 'baseline'>;

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

/**
 * Window rules after a restart: readings at or before this time fill the window but decide
 * nothing, since they were decided before (see resumeFiring and resumeCleared).
 */
const decidesAfter = EpochMs.nullable();

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
  /**
   * The newest unreliable reading, so the message can say the device is sending but
   * flagged, and `since`: the first of the flagged readings that followed the newest
   * reliable one (the start of a fault).
   */
  lastUnreliable: z
    .strictObject({ time: EpochMs, since: EpochMs, flags: z.array(ReadingFlag), deviceId: z.string() })
    .nullable(),
  episode: Episode.nullable(),
  /** `watch: 'gateway'`: the gateway found offline, and since when. */
  gateway: z.strictObject({ id: z.string(), since: EpochMs }).nullable(),
});
/** One calendar day of an average window: its readings and the sum of each named part (level order), in the rule's unit. */
const DayTotal = z.strictObject({
  day: CalendarDay,
  readings: z.number().int().positive(),
  sums: z.array(z.number()),
});
type DayTotal = z.infer<typeof DayTotal>;
export const AverageEvaluation = z.strictObject({
  kind: z.literal('average'),
  cursor: conditionFields.cursor,
  decidesAfter,
  episode: conditionFields.episode,
  /** The days of the window that have readings, oldest first. */
  days: z.array(DayTotal).max(MAX_WINDOW_DAYS),
});
/** A change rule's run also holds the baseline its first reading was measured against. */
const ChangeRun = Run.extend({ baseline: z.number() });
type ChangeRun = z.infer<typeof ChangeRun>;
export const ChangeEvaluation = z.strictObject({
  kind: z.literal('change'),
  cursor: conditionFields.cursor,
  decidesAfter,
  run: ChangeRun.nullable(),
  episode: conditionFields.episode,
  /**
   * [time, calendar day, value in the rule's unit] of the reliable readings of the window,
   * and of the newest one before it (the neighbour that shows whether the oldest jumped
   * back), oldest first.
   */
  window: z.array(z.tuple([EpochMs, CalendarDay, z.number()])).max(MAX_WINDOW_READINGS),
});
export const ScheduleEvaluation = z.strictObject({
  kind: z.literal('schedule'),
  /** The newest reliable reading; null while the device has never sent one (not watching). */
  lastTaken: EpochMs.nullable(),
  /** Set while a prescribed time is missed: `start` is that time. */
  episode: Episode.nullable(),
});
export const RuleEvaluation = z.discriminatedUnion('kind', [
  ThresholdEvaluation,
  RateEvaluation,
  NoDataEvaluation,
  AverageEvaluation,
  ChangeEvaluation,
  ScheduleEvaluation,
]);
export type ThresholdEvaluation = z.infer<typeof ThresholdEvaluation>;
export type RateEvaluation = z.infer<typeof RateEvaluation>;
export type NoDataEvaluation = z.infer<typeof NoDataEvaluation>;
export type AverageEvaluation = z.infer<typeof AverageEvaluation>;
export type ChangeEvaluation = z.infer<typeof ChangeEvaluation>;
export type ScheduleEvaluation = z.infer<typeof ScheduleEvaluation>;
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

function mismatch(rule: Rule, state: RuleEvaluation): never {
  throw new EvaluationMismatchError(rule.id, rule.kind, state.kind);
}

/**
 * Readings this little older than the newest a rule evaluated are taken as they come (and
 * passed over): two devices streaming one pulse a second apart, whose batches interleave,
 * would otherwise re-evaluate every few seconds. A minute is below every sustain and gap.
 */
const REORDER_TOLERANCE_MS = 60_000;

/**
 * A reliable reading more than a minute older than the newest this rule has evaluated: it
 * arrived out of order. No-data and schedule rules keep only the newest reading, so order
 * does not matter to them.
 */
export function comesBefore(state: RuleEvaluation, reading: Reading): boolean {
  if (state.kind === 'no_data' || state.kind === 'schedule') return false;
  if (state.cursor === null || !isClinicallyReliable(reading)) return false;
  return Date.parse(reading.time) < state.cursor - REORDER_TOLERANCE_MS;
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
        gateway: null,
      };
    case 'average':
      return { kind: 'average', cursor: null, decidesAfter: null, episode: null, days: [] };
    case 'change':
      return { kind: 'change', cursor: null, decidesAfter: null, run: null, episode: null, window: [] };
    case 'schedule':
      return { kind: 'schedule', lastTaken: null, episode: null };
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

/**
 * One part of a reading (no part: its value) in `unit`, converted exactly; undefined when
 * the reading lacks the part. The caller has checked that the units convert.
 */
function partValue(reading: Reading, part: Part | undefined, unit: Unit): number | undefined {
  const component = componentOf(part);
  const value = component === undefined ? reading.value : reading.components?.[component];
  return value === undefined ? undefined : convertUnit(value, reading.unit, unit);
}

/** A reading as an alert quotes it, with what the rule saw besides (a rate, a mean, a baseline). */
export function triggerOf(reading: Reading, detail: TriggerDetail = {}): TriggerReading {
  const bound = deviceRangeBound(reading.flags);
  const { components } = reading;
  return {
    readingId: reading.id,
    metric: reading.metric,
    value: reading.value,
    ...(components && Object.keys(components).length > 0 && { components }),
    unit: reading.unit,
    time: reading.time,
    ...detail,
    ...(bound && { bound }),
  };
}

/** Whether a reading can be evaluated at all: newer than the cursor, reliable, in a unit that converts. */
function evaluable(state: { cursor: number | null }, reading: Reading, unit: Unit, time: number): boolean {
  return (
    (state.cursor === null || time > state.cursor) &&
    isClinicallyReliable(reading) &&
    converts(reading.unit, unit)
  );
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

/** Whether a reading at `time` is too long after the run's latest to extend it. */
function gapBreaks(
  run: Run,
  time: number,
  sustain: Sustain | undefined,
  selection: ReadingSelection,
): boolean {
  const gap = sustain === undefined ? undefined : maxGapMinutes(sustain, selection);
  return gap !== undefined && time - run.last > gap * MINUTE_MS;
}

/** The run extended by a reading at `time`, or a new run if the gap since its latest reading is too long. */
function extendRun(
  run: Run | null,
  time: number,
  sustain: Sustain | undefined,
  selection: ReadingSelection,
): Run {
  if (run === null || gapBreaks(run, time, sustain, selection)) {
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

/** The value of each part (undefined: the value itself), undefined where the reading or mean has none. */
type PartValues = (part: Part | undefined) => number | undefined;

/** Any part the level names is beyond it. */
function anyBeyond(
  direction: 'below' | 'above',
  level: Level,
  inclusive: boolean,
  values: PartValues,
): boolean {
  return levelEntries(level).some(([part, limit]) => {
    const value = values(part);
    return value !== undefined && beyond(direction, value, limit, inclusive);
  });
}

/** Every part the level names is back at or past it; undefined when a part has no value. */
function allBack(direction: 'below' | 'above', level: Level, values: PartValues): boolean | undefined {
  // A low clears at or above its clear level, a high at or below.
  const back = direction === 'below' ? 'above' : 'below';
  let all = true;
  for (const [part, limit] of levelEntries(level)) {
    const value = values(part);
    if (value === undefined) return undefined;
    all &&= beyond(back, value, limit, true);
  }
  return all;
}

/** The verdict of a level (threshold rules on a reading, average rules on a mean). */
function levelVerdict(
  condition: Pick<ThresholdRule, 'direction' | 'inclusive' | 'level' | 'handOver'> & {
    clear: { level: Level };
  },
  values: PartValues,
): Verdict {
  const { direction, handOver } = condition;
  if (handOver && anyBeyond(direction, handOver.level, handOver.inclusive, values)) return 'neither';
  if (anyBeyond(direction, condition.level, condition.inclusive, values)) return 'fire';
  const back = allBack(direction, condition.clear.level, values);
  if (back === undefined) return 'unknown';
  return back ? 'clear' : 'neither';
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

/** A threshold rule's verdict on one reading, in the reading's unit where the guidelines state both. */
function thresholdVerdict(rule: ThresholdRule, reading: Reading): Verdict {
  const own = thresholdIn(rule, reading.metric, reading.unit);
  const values: PartValues = (part) => partValue(reading, part, own ? reading.unit : rule.unit);
  return levelVerdict(own ?? rule, values);
}

/**
 * Whether this one reading is itself beyond the rule's level (a threshold rule; other kinds
 * judge more than one reading, so any reading that keeps them firing counts): a late
 * alert pages "still going on" only on a reading that shows it.
 */
export function showsCondition(rule: Rule, reading: Reading): boolean {
  return rule.kind !== 'threshold' || thresholdVerdict(rule, reading) === 'fire';
}

/**
 * A threshold rule's levels in `unit`, the reading's, as the guidelines write them there
 * (levelInUnit); undefined where the reading is compared in the rule's unit.
 */
function thresholdIn(
  rule: ThresholdRule,
  metric: Metric,
  unit: Unit,
): Parameters<typeof levelVerdict>[0] | undefined {
  if (unit === rule.unit) return undefined;
  const inUnit = (level: Level) => levelInUnit(metric, level, rule.unit, unit);
  const [level, clear] = [inUnit(rule.level), inUnit(rule.clear.level)];
  const handOver = rule.handOver && inUnit(rule.handOver.level);
  if (level === undefined || clear === undefined) return undefined;
  return {
    direction: rule.direction,
    inclusive: rule.inclusive,
    level,
    clear: { level: clear },
    ...(rule.handOver && handOver !== undefined && { handOver: { ...rule.handOver, level: handOver } }),
  };
}

function stepCondition(
  rule: ThresholdRule | RateRule,
  state: ThresholdEvaluation | RateEvaluation,
  reading: Reading,
): EvaluationStep {
  const time = Date.parse(reading.time);
  if (!evaluable(state, reading, rule.unit, time)) return { state, transition: null };
  if (rule.kind === 'threshold' && state.kind === 'threshold') {
    return advance(rule, state, thresholdVerdict(rule, reading), time, triggerOf(reading));
  }
  if (rule.kind === 'rate' && state.kind === 'rate') {
    const value = convertUnit(reading.value, reading.unit, rule.unit);
    const window = [
      ...state.window.filter(([t]) => t >= time - rule.windowMinutes * MINUTE_MS),
      [time, value] as [number, number],
    ].slice(-MAX_WINDOW_READINGS);
    const { verdict, slope } = rateVerdict(rule, window, value);
    const rate =
      slope === undefined ? {} : { ratePerMinute: convertDifference(slope, rule.unit, reading.unit) };
    return advance(rule, { ...state, window }, verdict, time, triggerOf(reading, rate));
  }
  return mismatch(rule, state);
}

function stepNoData(state: NoDataEvaluation, reading: Reading): EvaluationStep {
  const time = Date.parse(reading.time);
  if (!isClinicallyReliable(reading)) {
    const previous = state.lastUnreliable;
    if (previous && previous.time >= time) return { state, transition: null };
    const flags = reading.flags.filter((flag) => UNRELIABLE_FLAGS.has(flag));
    // A device that sends only flagged readings is there, and silent for clinical purposes.
    const lastDataAt = state.lastDataAt ?? time;
    const since = previous && faultGoesOn(state, previous) ? previous.since : time;
    const lastUnreliable = { time, since, flags, deviceId: reading.deviceId };
    return { state: { ...state, lastDataAt, lastUnreliable }, transition: null };
  }
  if (state.lastDataAt !== null && time <= state.lastDataAt) return { state, transition: null };
  return { state: { ...state, lastDataAt: time, lastReading: triggerOf(reading) }, transition: null };
}

// ---------------------------------------------------------------------------
// Average rules: a mean over calendar days

/** The days of the window that ends on `day`. */
function daysInWindow(days: readonly DayTotal[], day: CalendarDay, windowDays: number): DayTotal[] {
  const first = shiftDay(day, -(windowDays - 1));
  return days.filter((d) => d.day >= first);
}

/** The days with one more reading (its named parts in level order) on `day`, the newest day. */
function withReading(days: DayTotal[], day: CalendarDay, values: readonly number[]): DayTotal[] {
  const last = days[days.length - 1];
  if (last?.day !== day) return [...days, { day, readings: 1, sums: [...values] }];
  const sums = last.sums.map((sum, i) => sum + (values[i] ?? 0));
  return [...days.slice(0, -1), { day, readings: last.readings + 1, sums }];
}

/** The verdict on the window's mean, and the mean itself once there are enough readings on enough days. */
function windowMean(
  rule: AverageRule,
  days: readonly DayTotal[],
): { verdict: Verdict; mean?: NonNullable<TriggerReading['mean']> } {
  const readings = days.reduce((n, d) => n + d.readings, 0);
  if (readings < rule.minReadings || days.length < rule.minDays) return { verdict: 'unknown' };
  const means = levelEntries(rule.level).map(
    ([part], i) => [part, days.reduce((sum, d) => sum + (d.sums[i] ?? 0), 0) / readings] as const,
  );
  const values: PartValues = (part) => means.find(([p]) => p === part)?.[1];
  return {
    verdict: levelVerdict(rule, values),
    mean: { level: levelFromEntries(means), unit: rule.unit, readings, days: days.length },
  };
}

/** An average rule fires or clears on one verdict: the mean is the smoothing, the clear level the hysteresis. */
function flip(
  state: AverageEvaluation,
  verdict: Verdict,
  time: number,
  trigger: TriggerReading | null,
): EvaluationStep {
  if (!state.episode && verdict === 'fire') {
    return {
      state: { ...state, episode: { start: time, trigger } },
      transition: { type: 'fired', episodeStart: time, trigger },
    };
  }
  if (state.episode && verdict === 'clear') {
    return {
      state: { ...state, episode: null },
      transition: { type: 'cleared', at: time, reading: trigger },
    };
  }
  return { state, transition: null };
}

/**
 * What a window rule takes from a reading: its time, its calendar day and the parts the
 * rule names, in the rule's unit; undefined when the reading changes nothing (see
 * evaluable), or lacks a named part (a cuff that sends no mean).
 */
function windowReading(
  state: { cursor: number | null },
  reading: Reading,
  unit: Unit,
  parts: readonly (Part | undefined)[],
  timeZone: string,
): { time: number; day: CalendarDay; values: number[] } | undefined {
  const time = Date.parse(reading.time);
  if (!evaluable(state, reading, unit, time)) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    const value = partValue(reading, part, unit);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return { time, day: calendarDay(time, timeZone), values };
}

function stepAverage(
  rule: AverageRule,
  state: AverageEvaluation,
  reading: Reading,
  timeZone: string,
): EvaluationStep {
  const parts = levelEntries(rule.level).map(([part]) => part);
  const taken = windowReading(state, reading, rule.unit, parts, timeZone);
  if (taken === undefined) return { state, transition: null };
  const { time, day, values } = taken;
  const next = {
    ...state,
    cursor: time,
    days: withReading(daysInWindow(state.days, day, rule.windowDays), day, values),
  };
  if (state.decidesAfter !== null && time <= state.decidesAfter) return { state: next, transition: null };
  const { verdict, mean } = windowMean(rule, next.days);
  return flip(next, verdict, time, triggerOf(reading, mean && { mean }));
}

/** A day left the window: the mean of the days that remain decides. */
function clockAverage(
  rule: AverageRule,
  state: AverageEvaluation,
  now: number,
  timeZone: string,
): EvaluationStep {
  if (state.days.length === 0) return { state, transition: null };
  const days = daysInWindow(state.days, calendarDay(now, timeZone), rule.windowDays);
  if (days.length === state.days.length) return { state, transition: null };
  return flip({ ...state, days }, windowMean(rule, days).verdict, now, null);
}

/**
 * What an average rule's window holds of `readings` (in time order) at `now`: the mean of
 * each part it names over its calendar days up to today, with how many readings on how many
 * days; undefined when none fall in it. The screens show this figure, so a doctor reads the
 * mean the rule decides on (though the rule waits for its minimum count before deciding).
 */
export function windowAverage(
  rule: AverageRule,
  readings: readonly Reading[],
  now: number,
  timeZone: string,
): TriggerReading['mean'] {
  const parts = levelEntries(rule.level).map(([part]) => part);
  let state: { cursor: number | null; days: DayTotal[] } = { cursor: null, days: [] };
  for (const reading of readings) {
    const taken = windowReading(state, reading, rule.unit, parts, timeZone);
    if (taken === undefined) continue;
    const days = withReading(daysInWindow(state.days, taken.day, rule.windowDays), taken.day, taken.values);
    state = { cursor: taken.time, days };
  }
  const days = daysInWindow(state.days, calendarDay(now, timeZone), rule.windowDays);
  return windowMean({ ...rule, minReadings: 1, minDays: 1 }, days).mean;
}

// ---------------------------------------------------------------------------
// Change rules: the latest value against the lowest (or highest) of the days before

/** The baseline a trigger reports: in the rule's unit, of the part the rule watches. */
function baselineFor(rule: ChangeRule, value: number): NonNullable<TriggerReading['baseline']> {
  return { value, unit: rule.unit, ...(rule.part && { part: rule.part }) };
}

/** The change from `baseline` in the rule's direction: a gain for `rising`, a loss for `falling`. */
function changeFrom(rule: ChangeRule, value: number, baseline: number): number {
  return rule.direction === 'rising' ? value - baseline : baseline - value;
}

/**
 * The baseline of the newest reading of the window: the lowest (rising) or highest
 * (falling) of the earlier readings from `firstDay` on, leaving out a lone reading that
 * jumped back: one more than `by` below (rising) or above (falling) both its neighbours, a
 * scale read without clothes or a cuff on a moving arm, not the patient.
 */
function baselineOf(
  rule: ChangeRule,
  window: ChangeEvaluation['window'],
  firstDay: CalendarDay,
): number | undefined {
  let baseline: number | undefined;
  window.forEach(([, day, value], i) => {
    if (i === window.length - 1 || day < firstDay) return;
    const [before, after] = [window[i - 1], window[i + 1]];
    const lone =
      before !== undefined &&
      after !== undefined &&
      changeFrom(rule, before[2], value) > rule.by &&
      changeFrom(rule, after[2], value) > rule.by;
    if (!lone && (baseline === undefined || changeFrom(rule, baseline, value) > 0)) baseline = value;
  });
  return baseline;
}

/** The window readings from `firstDay` on, with the newest reading before it, at most MAX_WINDOW_READINGS. */
function changeWindow(window: ChangeEvaluation['window'], firstDay: CalendarDay): ChangeEvaluation['window'] {
  const inside = window.findIndex(([, day]) => day >= firstDay);
  return window.slice(Math.max(0, inside - 1)).slice(-MAX_WINDOW_READINGS);
}

/**
 * What a change rule sees of `readings` (in time order): the latest value and the change
 * from its baseline (the lowest, rising, or highest, falling, of the window's earlier
 * readings, a lone reading that jumped back left out), in the rule's unit, signed (a gain is
 * positive); undefined without a baseline. The screens show this figure.
 */
export function windowChange(
  rule: ChangeRule,
  readings: readonly Reading[],
  timeZone: string,
): { latest: number; baseline: number; change: number } | undefined {
  let state: { cursor: number | null; window: ChangeEvaluation['window'] } = { cursor: null, window: [] };
  for (const reading of readings) {
    const taken = windowReading(state, reading, rule.unit, [rule.part], timeZone);
    const value = taken?.values[0];
    if (taken === undefined || value === undefined) continue;
    const firstDay = shiftDay(taken.day, -rule.windowDays);
    state = {
      cursor: taken.time,
      window: changeWindow([...state.window, [taken.time, taken.day, value]], firstDay),
    };
  }
  const newest = state.window[state.window.length - 1];
  if (!newest) return undefined;
  const baseline = baselineOf(rule, state.window, shiftDay(newest[1], -rule.windowDays));
  return baseline === undefined ? undefined : { latest: newest[2], baseline, change: newest[2] - baseline };
}

/** A reading a change rule decides on: its value in the rule's unit, and the first day of its window. */
interface ChangeStep {
  rule: ChangeRule;
  state: ChangeEvaluation;
  reading: Reading;
  time: number;
  value: number;
  firstDay: CalendarDay;
}

/**
 * Not firing: a reading more than `by` from its baseline starts a run; the run goes on
 * while each next reading (within the sustain's gap) is still more than `by` from the
 * same baseline, and fires once sustained. A reading that jumps back breaks it.
 */
function confirmChange({ rule, state, value, time, reading, firstDay }: ChangeStep): EvaluationStep {
  const { run } = state;
  const holds =
    run !== null &&
    !gapBreaks(run, time, rule.sustain, rule.readings) &&
    changeFrom(rule, value, run.baseline) > rule.by;
  let next: ChangeRun | null = null;
  if (holds) next = { ...run, last: time, count: run.count + 1 };
  else {
    const baseline = baselineOf(rule, state.window, firstDay);
    if (baseline !== undefined && changeFrom(rule, value, baseline) > rule.by) {
      next = { start: time, last: time, count: 1, baseline };
    }
  }
  if (next === null || !sustained(rule.sustain, next))
    return { state: { ...state, run: next }, transition: null };
  const trigger = triggerOf(reading, { baseline: baselineFor(rule, next.baseline) });
  return {
    state: { ...state, run: null, episode: { start: next.start, trigger } },
    transition: { type: 'fired', episodeStart: next.start, trigger },
  };
}

/** Firing: clears on a reading within `clear.by` of the baseline the alert fired on. */
function clearChange({ rule, state, value, time, reading, firstDay }: ChangeStep): EvaluationStep {
  const fired = state.episode?.trigger?.baseline;
  const baseline =
    fired && converts(fired.unit, rule.unit)
      ? convertUnit(fired.value, fired.unit, rule.unit)
      : baselineOf(rule, state.window, firstDay);
  if (baseline === undefined || changeFrom(rule, value, baseline) > rule.clear.by) {
    return { state, transition: null };
  }
  const trigger = triggerOf(reading, { baseline: baselineFor(rule, baseline) });
  return {
    state: { ...state, run: null, episode: null },
    transition: { type: 'cleared', at: time, reading: trigger },
  };
}

function stepChange(
  rule: ChangeRule,
  state: ChangeEvaluation,
  reading: Reading,
  timeZone: string,
): EvaluationStep {
  const taken = windowReading(state, reading, rule.unit, [rule.part], timeZone);
  const value = taken?.values[0];
  if (taken === undefined || value === undefined) return { state, transition: null };
  const { time, day } = taken;
  const firstDay = shiftDay(day, -rule.windowDays);
  const window = changeWindow([...state.window, [time, day, value]], firstDay);
  const next = { ...state, cursor: time, window };
  if (state.decidesAfter !== null && time <= state.decidesAfter) return { state: next, transition: null };
  const decide = next.episode ? clearChange : confirmChange;
  return decide({ rule, state: next, reading, time, value, firstDay });
}

// ---------------------------------------------------------------------------
// Entry points

/**
 * Feeds one reading the rule considers (see considersReading). `timeZone`: whose calendar
 * days an average or change window counts (the clinic's).
 */
export function evaluateReading(
  rule: Rule,
  state: RuleEvaluation,
  reading: Reading,
  timeZone = 'UTC',
): EvaluationStep {
  switch (rule.kind) {
    case 'no_data':
      return state.kind === 'no_data' ? stepNoData(state, reading) : mismatch(rule, state);
    case 'average':
      return state.kind === 'average' ? stepAverage(rule, state, reading, timeZone) : mismatch(rule, state);
    case 'change':
      return state.kind === 'change' ? stepChange(rule, state, reading, timeZone) : mismatch(rule, state);
    case 'threshold':
    case 'rate':
      return state.kind === 'threshold' || state.kind === 'rate'
        ? stepCondition(rule, state, reading)
        : mismatch(rule, state);
    case 'schedule':
      return state.kind === 'schedule' ? stepSchedule(rule, state, reading) : mismatch(rule, state);
  }
}

// ---------------------------------------------------------------------------
// Schedule rules: a measurement prescribed at times of day

/** A reliable reading: the newest taken; it clears a missed time if it came after that time's window opened. */
function stepSchedule(rule: ScheduleRule, state: ScheduleEvaluation, reading: Reading): EvaluationStep {
  const time = Date.parse(reading.time);
  if (!isClinicallyReliable(reading) || (state.lastTaken !== null && time <= state.lastTaken)) {
    return { state, transition: null };
  }
  const taken = { ...state, lastTaken: time };
  if (state.episode && time >= state.episode.start - rule.earlyMinutes * MINUTE_MS) {
    return {
      state: { ...taken, episode: null },
      transition: { type: 'cleared', at: time, reading: triggerOf(reading) },
    };
  }
  return { state: taken, transition: null };
}

/** The latest prescribed time whose window has closed by `now`, on the clinic's clock. */
export function lastClosedTime(rule: ScheduleRule, now: number, timeZone: string): number | undefined {
  const today = calendarDay(now, timeZone);
  const late = rule.lateMinutes * MINUTE_MS;
  const times = [shiftDay(today, -1), today].flatMap((day) =>
    rule.times.map((time) => localInstant(day, minutesOf(time), timeZone)),
  );
  return times.filter((t) => t + late <= now).at(-1);
}

/** The clock: a prescribed time whose window closed without a reading is missed. */
function clockSchedule(rule: ScheduleRule, state: ScheduleEvaluation, now: number, timeZone: string) {
  if (state.lastTaken === null || state.episode) return { state, transition: null };
  const due = lastClosedTime(rule, now, timeZone);
  if (due === undefined || state.lastTaken >= due - rule.earlyMinutes * MINUTE_MS) {
    return { state, transition: null };
  }
  const episode = { start: due, trigger: null };
  return {
    state: { ...state, episode },
    transition: { type: 'fired' as const, episodeStart: due, trigger: null },
  };
}

/** A home gateway of the patient's that is offline, since when (the engine's view of its status). */
export interface OfflineGateway {
  gatewayId: string;
  since: number;
}

/**
 * Advances the clock: a no-data rule fires when silent too long (or its gateway is offline,
 * or its device only faulty) and clears when data is recent again; an average rule judges
 * its mean again when a day leaves its window; a schedule rule sees a time missed.
 * Returns the same state object when nothing changed.
 */

export function evaluateClock(
  rule: Rule,
  state: RuleEvaluation,
  now: number,
  timeZone = 'UTC',
  offline: readonly OfflineGateway[] = [],
): EvaluationStep {
  if (rule.kind === 'no_data' && state.kind === 'no_data') {
    if (rule.watch === 'gateway') return clockGateway(rule, state, now, offline);
    return clockNoData(rule, state, now);
  }
  if (rule.kind === 'average' && state.kind === 'average') return clockAverage(rule, state, now, timeZone);
  if (rule.kind === 'schedule' && state.kind === 'schedule') return clockSchedule(rule, state, now, timeZone);
  return { state, transition: null };
}

/**
 * The patient's gateway offline (`watch: 'gateway'`): fires once the earliest-offline of
 * their gateways has been offline for `silentMinutes`; clears when none is offline.
 */
function clockGateway(
  rule: NoDataRule,
  state: NoDataEvaluation,
  now: number,
  offline: readonly OfflineGateway[],
): EvaluationStep {
  const first = [...offline].sort((a, b) => a.since - b.since)[0];
  // An outage already alerted on (a clinician closed its alert) is not raised again.
  const known = first !== undefined && state.gateway?.since === first.since;
  if (!state.episode && first && !known && now - first.since >= rule.silentMinutes * MINUTE_MS) {
    const episode = { start: first.since, trigger: null };
    return {
      state: { ...state, episode, gateway: { id: first.gatewayId, since: first.since } },
      transition: { type: 'fired', episodeStart: episode.start, trigger: null },
    };
  }
  if (!first && (state.episode || state.gateway)) {
    return {
      state: { ...state, episode: null, gateway: null },
      transition: state.episode ? { type: 'cleared', at: now, reading: null } : null,
    };
  }
  return { state, transition: null };
}

/** No reliable reading came after this flagged one: the device's fault goes on. */
function faultGoesOn(state: NoDataEvaluation, flagged: { time: number }): boolean {
  return state.lastReading === null || state.lastDataAt === null || flagged.time > state.lastDataAt;
}

/**
 * Monitoring interrupted (`watch: 'faults'`): fires once the device has sent only flagged
 * readings for `silentMinutes` and is still sending them; clears on a reliable reading, or
 * when the flagged readings stop for `silentMinutes` (the device was put away).
 */
function clockFaults(rule: NoDataRule, state: NoDataEvaluation, now: number): EvaluationStep {
  const span = rule.silentMinutes * MINUTE_MS;
  const fault = state.lastUnreliable;
  const ongoing = fault !== null && faultGoesOn(state, fault) && now - fault.time <= span;
  if (!state.episode && ongoing && fault.time - fault.since >= span) {
    const episode = { start: fault.since, trigger: null };
    return {
      state: { ...state, episode },
      transition: { type: 'fired', episodeStart: episode.start, trigger: null },
    };
  }
  if (state.episode && !ongoing) {
    const reliable = state.lastDataAt !== null && state.lastDataAt > state.episode.start && state.lastReading;
    return {
      state: { ...state, episode: null },
      transition: reliable
        ? { type: 'cleared', at: state.lastDataAt ?? now, reading: state.lastReading }
        : { type: 'cleared', at: now, reading: null },
    };
  }
  return { state, transition: null };
}

function clockNoData(rule: NoDataRule, state: NoDataEvaluation, now: number): EvaluationStep {
  if (rule.watch === 'faults') return clockFaults(rule, state, now);
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

const later = (time: number | null, than: number) => Math.max(time ?? than, than);

/**
 * After a clinician closed the alert at `at`: the condition must hold again, on readings
 * after `at`, for its full sustain before it can fire again (silence counts from `at`).
 * An average starts a new window: the clinician has reviewed the readings until `at`. A
 * change keeps its baseline readings and needs its confirmation again.
 * A no-data rule that had an alert was watching a source that had sent data, so it goes
 * on watching, also when rebuilt after a restart from that alert.
 */
export function restartEvaluation(state: RuleEvaluation, at: number): RuleEvaluation {
  switch (state.kind) {
    case 'no_data':
      return { ...state, lastDataAt: later(state.lastDataAt, at), episode: null };
    case 'rate':
      return { ...state, cursor: later(state.cursor, at), run: null, episode: null, window: [] };
    case 'threshold':
      return { ...state, cursor: later(state.cursor, at), run: null, episode: null };
    case 'average':
      return { ...state, cursor: later(state.cursor, at), episode: null, days: [] };
    case 'change':
      return { ...state, decidesAfter: later(state.decidesAfter, at), run: null, episode: null };
    case 'schedule':
      // The clinician dealt with the missed time: it counts as handled at `at`.
      return { ...state, lastTaken: later(state.lastTaken, at), episode: null };
  }
}

/**
 * A fresh evaluation aligned with an alert known to be active (after a restart or a rule
 * change): firing since the episode start, readings up to `cursor` already accounted for,
 * so that the clear condition can resolve it. Average and change rules still take those
 * readings into their windows (a replay rebuilds them), deciding nothing on them.
 */
export function resumeFiring(state: RuleEvaluation, episode: Episode, cursor: number): RuleEvaluation {
  switch (state.kind) {
    case 'no_data': {
      // Silent since the episode began, unless this evaluation has seen (old) data since.
      const lastDataAt =
        state.lastReading && state.lastDataAt !== null
          ? Math.max(state.lastDataAt, episode.start)
          : episode.start;
      return { ...state, lastDataAt, episode };
    }
    case 'average':
      return { ...state, decidesAfter: later(state.decidesAfter, cursor), episode };
    case 'change':
      return { ...state, decidesAfter: later(state.decidesAfter, cursor), run: null, episode };
    case 'threshold':
    case 'rate':
      return { ...state, cursor: later(state.cursor, cursor), run: null, episode };
    case 'schedule':
      // Watching: the device had sent before the time it missed.
      return { ...state, lastTaken: state.lastTaken ?? episode.start - 1, episode };
  }
}

/**
 * A fresh evaluation aligned with an alert whose condition cleared at `at` (after a
 * restart): readings up to `at` were decided. Average and change rules rebuild their
 * windows from the replayed readings, deciding nothing up to `at`; the others start
 * again after `at`.
 */
export function resumeCleared(state: RuleEvaluation, at: number): RuleEvaluation {
  switch (state.kind) {
    case 'average':
      return { ...state, decidesAfter: later(state.decidesAfter, at), episode: null };
    case 'change':
      return { ...state, decidesAfter: later(state.decidesAfter, at), run: null, episode: null };
    default:
      return restartEvaluation(state, at);
  }
}

/** What the numbers of an average or change window depend on: readings, unit and parts. */
function windowBasis(rule: Rule): string | undefined {
  if (rule.kind === 'average') {
    const parts = levelEntries(rule.level).map(([part]) => part ?? 'value');
    return JSON.stringify([rule.kind, rule.readings, rule.unit, parts]);
  }
  if (rule.kind === 'change')
    return JSON.stringify([rule.kind, rule.readings, rule.unit, rule.part ?? 'value']);
  return undefined;
}

/**
 * The evaluation of a rule whose numbers changed, from the old rule's: how far readings
 * were evaluated (condition rules) or when data was last seen (no-data rules). Runs and
 * episodes start again. Average and change windows are kept while they hold the same
 * readings in the same unit and parts, so a new level judges the days already measured.
 */
export function carryProgress(rule: Rule, old: { rule: Rule; evaluation: RuleEvaluation }): RuleEvaluation {
  const fresh = startEvaluation(rule);
  const prior = old.evaluation;
  if (fresh.kind === 'no_data') {
    if (prior.kind !== 'no_data') return fresh;
    return {
      ...fresh,
      lastDataAt: prior.lastDataAt,
      lastReading: prior.lastReading,
      lastUnreliable: prior.lastUnreliable,
    };
  }
  if (fresh.kind === 'schedule')
    return prior.kind === 'schedule' ? { ...fresh, lastTaken: prior.lastTaken } : fresh;
  if (prior.kind === 'no_data' || prior.kind === 'schedule') return fresh;
  const sameWindow = windowBasis(rule) !== undefined && windowBasis(rule) === windowBasis(old.rule);
  if (fresh.kind === 'average' && prior.kind === 'average' && sameWindow) {
    return { ...fresh, cursor: prior.cursor, decidesAfter: prior.decidesAfter, days: prior.days };
  }
  if (fresh.kind === 'change' && prior.kind === 'change' && sameWindow) {
    return { ...fresh, cursor: prior.cursor, decidesAfter: prior.decidesAfter, window: prior.window };
  }
  return { ...fresh, cursor: prior.cursor };
}

/** From the first to the last reading a sustain can ask for, in minutes. */
function sustainSpan(sustain: Sustain | undefined, selection: ReadingSelection): number {
  if (sustain === undefined) return 0;
  const gap = maxGapMinutes(sustain, selection) ?? 0;
  return Math.max(sustain.minutes ?? 0, gap * ((sustain.readings ?? 1) - 1));
}

/** How much reading history the rule needs to rebuild its state, in minutes. */
export function historyMinutes(rule: Rule): number {
  switch (rule.kind) {
    case 'threshold':
      return Math.max(
        sustainSpan(rule.sustain, rule.readings),
        sustainSpan(rule.clear.sustain, rule.readings),
      );
    case 'rate':
      return Math.max(rule.windowMinutes, sustainSpan(rule.sustain, rule.readings));
    case 'no_data':
      return rule.silentMinutes;
    case 'average':
      // Today and the days before it: at most windowDays x 24 h back.
      return rule.windowDays * DAY_MINUTES + CLOCK_CHANGE_MINUTES;
    case 'change':
      // The baseline days of the run's first reading, before the run itself.
      return (
        (rule.windowDays + 1) * DAY_MINUTES + CLOCK_CHANGE_MINUTES + sustainSpan(rule.sustain, rule.readings)
      );
    case 'schedule':
      // A day of prescribed times, each with its window: the newest reading is among them.
      return DAY_MINUTES + rule.earlyMinutes + rule.lateMinutes + CLOCK_CHANGE_MINUTES;
  }
}
