/**
 * Alert rules as validated data. Six kinds:
 *
 * - `threshold`: a value below or above a level, held for a sustain (minutes and/or a
 *   number of consecutive readings, no further apart than a maximum gap) before it fires,
 *   and a separate clear level (with its own optional sustain) so that a value hovering
 *   at the level does not flap.
 * - `rate`: a value changing faster than a rate (least-squares slope over a window),
 *   optionally only while the value is below or above a gate level.
 * - `no_data`: no clinically reliable reading of the selected metric for longer than
 *   expected (a silent CGM, a meter not used today), watched only once the patient's
 *   device of that kind has sent a reading; or, watching `faults`, a device that keeps
 *   sending only readings it flags unreliable (monitoring interrupted).
 * - `average`: the mean of the reliable readings of the last N calendar days (home blood
 *   pressure over a week), judged only with enough readings on enough distinct days, so
 *   that one morning never decides a week; a separate clear level gives hysteresis.
 * - `change`: the latest value against the lowest (rising) or highest (falling) reading
 *   of the N days before it (weight gained within 3 days), confirmed by a sustain so that
 *   one reading that jumps back pages nobody.
 * - `schedule`: a measurement prescribed at times of day, missed.
 *
 * Blood pressure is one reading with parts: `systolic` (the reading's value), `diastolic`
 * and `mean` (its components). Its rules name the parts they compare, a level each
 * (`{ systolic: 180, diastolic: 110 }`); a condition holds when ANY named part is beyond
 * its level and clears when EVERY named part is back, so one reading is one alert. Scalar
 * metrics keep a plain number.
 *
 * Levels are in the rule's `unit`; readings in another unit of the metric are converted
 * exactly (common/units.ts) and never rounded before a comparison. Where the guidelines
 * state a metric's levels in both units (glucose: 70 mg/dL, 3.9 mmol/L), a threshold rule
 * instead compares the reading in its own unit against the level as written there
 * (levelInUnit).
 */
import { z } from 'zod';
import { Severity } from '../common/contract.ts';
import {
  type ComponentName,
  checkMetricValue,
  componentsOf,
  METRICS,
  Metric,
  metricRange,
  Unit,
} from '../common/metrics.ts';
import { convertUnit } from '../common/units.ts';
import { describeReadings, formatNumber } from './rule-description.ts';
import { maxGapMinutes } from './sample-intervals.ts';
import { SourceKey } from './source-keys.ts';

/**
 * The parts of a blood pressure a rule may name: `systolic` is the reading's value (the
 * catalogue's valueLabel), `diastolic` and `mean` its components. Blood pressure is the one
 * metric with components.
 */
export const Part = z.enum(['systolic', 'diastolic', 'mean']);
export type Part = z.infer<typeof Part>;

/** The parts of a metric's readings; none for a scalar metric. */
export function partsOf(metric: Metric): Part[] {
  const components = componentsOf(metric).map(([name]) => name);
  return components.length === 0 ? [] : ['systolic', ...components];
}

/** The component behind a part; undefined for the reading's value (a systolic, or a scalar). */
export function componentOf(part: Part | undefined): ComponentName | undefined {
  return part === 'systolic' ? undefined : part;
}

/** A level: one number for a scalar metric, one per named part for blood pressure. */
export const Level = z.union([z.number().finite(), z.partialRecord(Part, z.number().finite())]);
export type Level = z.infer<typeof Level>;

/** The [part, level] pairs of a level, in part order; a plain number is the reading's value (no part). */
export function levelEntries(level: Level): [Part | undefined, number][] {
  if (typeof level === 'number') return [[undefined, level]];
  return Part.options.flatMap((part) => {
    const value = level[part];
    return value === undefined ? [] : [[part, value] as [Part, number]];
  });
}

/** The level of one part (undefined: the reading's value), if the level names it. */
export function levelOf(level: Level, part: Part | undefined): number | undefined {
  if (typeof level === 'number') return part === undefined ? level : undefined;
  return part === undefined ? undefined : level[part];
}

/** The level of [part, level] pairs: a plain number when the pair is the reading's value (no part). */
export function levelFromEntries(entries: readonly (readonly [Part | undefined, number])[]): Level {
  const [first] = entries;
  if (first !== undefined && first[0] === undefined) return first[1];
  return Object.fromEntries(entries.flatMap(([part, value]) => (part === undefined ? [] : [[part, value]])));
}

/** A level in another unit, each part converted exactly (the units must convert). */
export function convertLevel(level: Level, from: Unit, to: Unit): Level {
  return levelFromEntries(levelEntries(level).map(([part, value]) => [part, convertUnit(value, from, to)]));
}

/**
 * A level as the guidelines write it in another unit of `metric`, where they state its
 * levels in both (the catalogue's guidelineDecimals): converted exactly, then rounded to
 * the decimals they write that unit with. 70 mg/dL is 3.9 mmol/L and 250 mg/dL is 13.9
 * mmol/L, the pairs the guidelines state [K1][K3], so a reading of 13.9 mmol/L is not above
 * a level of 250 mg/dL, although 13.9 x 18.0156 = 250.4 mg/dL. Undefined where the
 * guidelines state one unit only (a temperature in °F is converted to the rule's °C), or
 * where the level is written more finely than they write its unit (a doctor's 3.85 mmol/L).
 */
export function levelInUnit(metric: Metric, level: Level, from: Unit, to: Unit): Level | undefined {
  if (from === to) return level;
  const decimals = METRICS[metric].guidelineDecimals;
  const places = decimals?.[to];
  const written = decimals?.[from];
  if (places === undefined || written === undefined) return undefined;
  // A level written more finely than the guidelines write that unit (a doctor's 3.85
  // mmol/L) is no guideline pair: the reading is converted exactly instead.
  const scaleFrom = 10 ** written;
  if (levelEntries(level).some(([, v]) => Math.abs(Math.round(v * scaleFrom) - v * scaleFrom) > 1e-9)) {
    return undefined;
  }
  const scale = 10 ** places;
  return levelFromEntries(
    levelEntries(level).map(([part, value]) => [
      part,
      Math.round(convertUnit(value, from, to) * scale) / scale,
    ]),
  );
}

/** A difference (a rate, a gain) in another unit: the scale of the conversion without its offset (for units with one, such as temperatures). */
export function convertDifference(difference: number, from: Unit, to: Unit): number {
  return convertUnit(difference, from, to) - convertUnit(0, from, to);
}

export const RuleId = z
  .string()
  .max(64)
  .regex(
    /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/,
    "expected dotted lower-case words such as 'diabetes.hypo_l1'",
  );
export type RuleId = z.infer<typeof RuleId>;

/** Glucose readings come from a meter (spot test) or a CGM (continuous). */
export const GlucoseSource = z.enum(['cgm', 'meter']);
export type GlucoseSource = z.infer<typeof GlucoseSource>;

/** Which readings a rule considers. */
export const ReadingSelection = z
  .strictObject({
    /** At least one metric (a tuple, so the first is always there). */
    metrics: z.tuple([Metric], Metric),
    glucoseSource: GlucoseSource.optional(),
  })
  .refine((s) => s.glucoseSource === undefined || s.metrics.every((m) => m === 'glucose'), {
    message: 'glucoseSource only applies to glucose readings',
    path: ['glucoseSource'],
  });
export type ReadingSelection = z.infer<typeof ReadingSelection>;

const DAY_MINUTES = 24 * 60;
/** The longest window of an average or change rule, in calendar days. */
export const MAX_WINDOW_DAYS = 31;

/**
 * How long a condition must hold: `minutes` between the first and the latest reading of
 * an unbroken run, `readings` in the run, or both (`join`). No sustain: the first
 * reading decides. A run is unbroken only while consecutive readings are at most
 * `maxGapMinutes` apart (default: twice the expected interval of the rule's readings,
 * see sample-intervals.ts); a longer gap starts a new run at the later reading.
 */
export const Sustain = z
  .strictObject({
    minutes: z.number().positive().max(DAY_MINUTES).optional(),
    readings: z.number().int().min(1).max(1000).optional(),
    join: z.enum(['and', 'or']).default('and'),
    /** Up to two days: a daily weight is confirmed by the next morning's. */
    maxGapMinutes: z
      .number()
      .positive()
      .max(2 * DAY_MINUTES)
      .optional(),
  })
  .refine((s) => s.minutes !== undefined || s.readings !== undefined, {
    message: 'a sustain needs minutes, readings or both',
  });
export type Sustain = z.infer<typeof Sustain>;

function checkGaps(
  rule: { readings: ReadingSelection },
  sustains: { path: (string | number)[]; sustain: Sustain | undefined }[],
  ctx: z.RefinementCtx,
): void {
  for (const { path, sustain } of sustains) {
    if (sustain === undefined || maxGapMinutes(sustain, rule.readings) !== undefined) continue;
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'maxGapMinutes'],
      message: `${describeReadings(rule.readings)} readings have no regular interval: say how far apart (maxGapMinutes) consecutive readings of a sustained run may be`,
    });
  }
}

const Direction = z.enum(['below', 'above']);

const common = {
  /** Stable id, e.g. `diabetes.hypo_l1`: alert ids, overrides and silences refer to it. */
  id: RuleId,
  /** What a nurse reads on the dashboard and in a notification. */
  title: z.string().min(1).max(80),
  severity: Severity,
  enabled: z.boolean().default(true),
  /** Source keys of the clinical reference behind the rule's numbers. */
  source: z.array(SourceKey).min(1),
  readings: ReadingSelection,
};

/** What a threshold or average compares: a value (or mean) beyond a level, in a unit. */
const levelFields = {
  unit: Unit,
  direction: Direction,
  /** `below` fires on value < level (<= when inclusive); `above` on value > level (>=). */
  inclusive: z.boolean().default(false),
  level: Level,
};

const thresholdShape = {
  ...common,
  kind: z.literal('threshold'),
  ...levelFields,
  sustain: Sustain.optional(),
  /** A `below` rule clears at value >= clear.level, an `above` rule at value <= clear.level. */
  clear: z.strictObject({ level: Level, sustain: Sustain.optional() }),
  /**
   * The id of a more severe threshold rule of the same readings that takes over: a reading
   * it fires on neither fires nor clears this rule, so one meter test of 45 mg/dL pages
   * once, as level 2, not also as level 1.
   */
  handsOverTo: RuleId.optional(),
  /**
   * Set by the care plan from `handsOverTo` (never written by hand): that rule's level and
   * inclusiveness as the patient's plan has them, in this rule's unit; absent when that
   * rule is not in the plan or is switched off, so nothing falls between the two.
   */
  handOver: z.strictObject({ level: Level, inclusive: z.boolean() }).optional(),
};

const rateShape = {
  ...common,
  kind: z.literal('rate'),
  /** The unit of the gate level; the rates are in this unit per minute. */
  unit: Unit,
  direction: z.enum(['falling', 'rising']),
  /** Fires when the slope is at least this fast in `direction`. */
  ratePerMinute: z.number().positive(),
  /** Clears when the slope is slower than this in `direction` (or turns the other way). */
  clearRatePerMinute: z.number().nonnegative(),
  windowMinutes: z.number().positive().max(240),
  /** The slope needs at least this many reliable readings in the window... */
  minReadings: z.number().int().min(2).max(1000),
  /** ...spanning at least this long, so that three readings a minute apart are not a trend. */
  minSpanMinutes: z.number().positive(),
  /** Only fires while the latest value is below (or above) this level. */
  gate: z.strictObject({ direction: Direction, level: z.number().finite() }).optional(),
  sustain: Sustain.optional(),
};

const noDataShape = {
  ...common,
  kind: z.literal('no_data'),
  /**
   * `silence` (the default): fires when no reliable reading came for `silentMinutes`. `faults`
   * (monitoring interrupted): fires when the device keeps sending, but for `silentMinutes`
   * only readings it flags unreliable (no contact, a signal fault); it clears on a reliable
   * reading, or once the device has sent nothing for `silentMinutes` (put away, not faulty).
   * `gateway`: fires when the patient's home gateway has been offline for `silentMinutes`
   * (its last will, or no status for the alert policy's gatewayStatusMinutes); clears when
   * it is back. While a gateway is offline or catching up, `silence` rules are held back.
   */
  watch: z.enum(['silence', 'faults', 'gateway']).default('silence'),
  /** Fires when the newest reliable reading is older than this. */
  silentMinutes: z
    .number()
    .positive()
    .max(7 * DAY_MINUTES),
};

/** A time of day on the clinic's clock, `HH:MM`. */
export const TimeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected a time of day such as '07:00'");

/** `HH:MM` as minutes after midnight. */
export function minutesOf(time: string): number {
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

const scheduleShape = {
  ...common,
  kind: z.literal('schedule'),
  /** The prescribed times of day, on the clinic's clock (the alert policy's time zone), ascending. */
  times: z.array(TimeOfDay).min(1).max(8),
  /** A measurement counts for a time from this long before it... */
  earlyMinutes: z
    .number()
    .int()
    .min(0)
    .max(12 * 60)
    .default(60),
  /** ...until this long after it; then the time is missed. */
  lateMinutes: z
    .number()
    .int()
    .positive()
    .max(12 * 60)
    .default(120),
};

const WindowDays = z.number().int().min(1).max(MAX_WINDOW_DAYS);

const averageShape = {
  ...common,
  kind: z.literal('average'),
  /** The level is compared with the window's mean of each named part. */
  ...levelFields,
  /** An `above` rule clears at mean <= clear.level, a `below` rule at mean >= clear.level. */
  clear: z.strictObject({ level: Level }),
  /**
   * The window: the calendar day of the newest reading (or of the clock) and the days
   * before it, this many in all. Days are the clinic's (the alert policy's time zone).
   */
  windowDays: WindowDays,
  /** The mean is judged only from this many readings in the window... */
  minReadings: z.number().int().min(1).max(1000),
  /** ...taken on at least this many distinct days, so that one morning never decides a week. */
  minDays: WindowDays,
};

const changeShape = {
  ...common,
  kind: z.literal('change'),
  unit: Unit,
  /** `rising`: the latest value against the lowest of the window; `falling`: against the highest. */
  direction: z.enum(['rising', 'falling']),
  /** Blood pressure: the part whose change counts (scalar metrics have none). */
  part: Part.optional(),
  /** Fires when the change from the baseline is more than this, in `unit`. */
  by: z.number().positive(),
  /** The baseline is taken from the reading's calendar day and this many days before it. */
  windowDays: WindowDays,
  /** The confirmation: the change must hold, against the same baseline, on a run of readings. */
  sustain: Sustain,
  /** Clears once the change from the alert's baseline is at most `by` (one reading). */
  clear: z.strictObject({ by: z.number().nonnegative() }),
};

type Path = (string | number)[];
type LevelCheck = { path: Path; level: Level };

function issue(ctx: z.RefinementCtx, path: Path, message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

function words(metric: Metric): string {
  return METRICS[metric].words;
}

/** The rule's unit fits every metric it reads; reports the first that it does not fit. */
function checkUnit(rule: { readings: ReadingSelection; unit: Unit }, ctx: z.RefinementCtx): boolean {
  for (const metric of rule.readings.metrics) {
    if (metricRange(metric, rule.unit)) continue;
    const allowed = METRICS[metric].units;
    ctx.addIssue({
      code: 'custom',
      path: ['unit'],
      message: `unit '${rule.unit}' does not fit ${metric} (expected ${allowed.join(' or ')})`,
    });
    return false;
  }
  return true;
}

/** A part a metric has, or say which it has. */
function checkPart(metric: Metric, part: Part, path: Path, ctx: z.RefinementCtx): boolean {
  const parts = partsOf(metric);
  if (parts.includes(part)) return true;
  ctx.addIssue({
    code: 'custom',
    path,
    message:
      parts.length === 0
        ? `${words(metric)} has no parts: give one number`
        : `${words(metric)} has no part '${part}' (it has ${parts.join(', ')})`,
  });
  return false;
}

/**
 * Each level fits each metric: a number for a scalar metric, at least one part for a
 * metric with parts, each part one the metric has, each value within the catalogue's
 * limits for that part in the rule's unit.
 */
function checkLevels(
  rule: { readings: ReadingSelection; unit: Unit },
  levels: LevelCheck[],
  ctx: z.RefinementCtx,
): void {
  if (!checkUnit(rule, ctx)) return;
  for (const metric of rule.readings.metrics) {
    const parts = partsOf(metric);
    for (const { path, level } of levels) {
      if (typeof level === 'number' && parts.length > 0) {
        issue(
          ctx,
          path,
          `${words(metric)} rules name the parts they compare (${parts.join(', ')}), e.g. { ${parts[0]}: ${formatNumber(level)} }`,
        );
        continue;
      }
      const entries = levelEntries(level);
      if (entries.length === 0)
        issue(ctx, path, `name at least one part of ${words(metric)} (${parts.join(', ')})`);
      for (const [part, value] of entries) {
        const at = part === undefined ? path : [...path, part];
        if (part !== undefined && !checkPart(metric, part, at, ctx)) continue;
        const problem = checkMetricValue(metric, rule.unit, value, componentOf(part));
        if (problem?.kind !== 'range') continue;
        const what = part === undefined ? metric : `${words(metric)} (${part})`;
        issue(
          ctx,
          at,
          `${formatNumber(value)} ${rule.unit} is outside the range of ${what} (${problem.min}-${problem.max} ${rule.unit})`,
        );
      }
    }
  }
}

/** The clear level names the parts the level names, each on the side a condition clears towards. */
function checkClearLevel(
  rule: {
    unit: Unit;
    direction: 'below' | 'above';
    inclusive: boolean;
    level: Level;
    clear: { level: Level };
  },
  ctx: z.RefinementCtx,
): void {
  const named = (level: Level) => levelEntries(level).map(([part]) => part ?? 'value');
  const [levelParts, clearParts] = [named(rule.level), named(rule.clear.level)];
  if (typeof rule.level !== 'number' && typeof rule.clear.level !== 'number') {
    if (levelParts.join() !== clearParts.join()) {
      ctx.addIssue({
        code: 'custom',
        path: ['clear', 'level'],
        message: `the clear level names ${clearParts.join(', ') || 'no part'}; it must name the parts the level names (${levelParts.join(', ')})`,
      });
      return;
    }
  }
  const { inclusive, unit } = rule;
  for (const [part, level] of levelEntries(rule.level)) {
    const clear = levelOf(rule.clear.level, part);
    if (clear === undefined) continue;
    const path = part === undefined ? ['clear', 'level'] : ['clear', 'level', part];
    const of = part === undefined ? '' : ` (${part})`;
    const [shownLevel, shownClear] = [formatNumber(level), formatNumber(clear)];
    if (rule.direction === 'below' && (inclusive ? clear <= level : clear < level)) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `clear level ${shownClear} ${unit}${of} must be ${inclusive ? 'above' : 'at or above'} the level ${shownLevel} ${unit}: a low clears on the way back up`,
      });
    }
    if (rule.direction === 'above' && (inclusive ? clear >= level : clear > level)) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `clear level ${shownClear} ${unit}${of} must be ${inclusive ? 'below' : 'at or below'} the level ${shownLevel} ${unit}: a high clears on the way back down`,
      });
    }
  }
}

/** The level and the clear level of a threshold or average rule. */
function checkLevelAndClear(
  rule: Parameters<typeof checkClearLevel>[0] & { readings: ReadingSelection },
  ctx: z.RefinementCtx,
): void {
  checkLevels(
    rule,
    [
      { path: ['level'], level: rule.level },
      { path: ['clear', 'level'], level: rule.clear.level },
    ],
    ctx,
  );
  checkClearLevel(rule, ctx);
}

export const ThresholdRule = z.strictObject(thresholdShape).superRefine((rule, ctx) => {
  checkLevelAndClear(rule, ctx);
  checkGaps(
    rule,
    [
      { path: ['sustain'], sustain: rule.sustain },
      { path: ['clear', 'sustain'], sustain: rule.clear.sustain },
    ],
    ctx,
  );
});
export type ThresholdRule = z.infer<typeof ThresholdRule>;

export const RateRule = z.strictObject(rateShape).superRefine((rule, ctx) => {
  checkLevels(rule, rule.gate ? [{ path: ['gate', 'level'], level: rule.gate.level }] : [], ctx);
  checkGaps(rule, [{ path: ['sustain'], sustain: rule.sustain }], ctx);
  for (const metric of rule.readings.metrics) {
    if (partsOf(metric).length === 0) continue;
    const message = `rate rules compare one value: ${words(metric)} has parts (use a change rule, which names one)`;
    issue(ctx, ['readings', 'metrics'], message);
  }
  if (rule.clearRatePerMinute >= rule.ratePerMinute) {
    ctx.addIssue({
      code: 'custom',
      path: ['clearRatePerMinute'],
      message: `clear rate ${formatNumber(rule.clearRatePerMinute)} ${rule.unit}/min must be slower than the rate ${formatNumber(rule.ratePerMinute)} ${rule.unit}/min`,
    });
  }
  if (rule.minSpanMinutes > rule.windowMinutes) {
    ctx.addIssue({
      code: 'custom',
      path: ['minSpanMinutes'],
      message: `minimum span ${rule.minSpanMinutes} min cannot exceed the window of ${rule.windowMinutes} min`,
    });
  }
});
export type RateRule = z.infer<typeof RateRule>;

export const NoDataRule = z.strictObject(noDataShape);
export type NoDataRule = z.infer<typeof NoDataRule>;

export const AverageRule = z.strictObject(averageShape).superRefine((rule, ctx) => {
  checkLevelAndClear(rule, ctx);
  if (rule.minDays > rule.windowDays) {
    issue(
      ctx,
      ['minDays'],
      `${rule.minDays} distinct days cannot fit in a window of ${rule.windowDays} days`,
    );
  }
});
export type AverageRule = z.infer<typeof AverageRule>;

/** A sustain that one reading can meet: no confirmation at all. */
function metByOneReading(sustain: Sustain): boolean {
  const few = sustain.readings !== undefined && sustain.readings < 2;
  return few && (sustain.join === 'or' || sustain.minutes === undefined);
}

export const ChangeRule = z.strictObject(changeShape).superRefine((rule, ctx) => {
  if (checkUnit(rule, ctx)) {
    for (const metric of rule.readings.metrics) {
      const parts = partsOf(metric);
      if (rule.part !== undefined) checkPart(metric, rule.part, ['part'], ctx);
      else if (parts.length > 0) {
        issue(ctx, ['part'], `${words(metric)} rules name the part they compare (${parts.join(', ')})`);
      }
    }
  }
  checkGaps(rule, [{ path: ['sustain'], sustain: rule.sustain }], ctx);
  if (metByOneReading(rule.sustain)) {
    issue(
      ctx,
      ['sustain', 'readings'],
      'a change must be confirmed: at least 2 readings (or a duration) against the same baseline, so one reading that jumps back pages nobody',
    );
  }
  if (rule.clear.by >= rule.by) {
    const [clear, by] = [formatNumber(rule.clear.by), formatNumber(rule.by)];
    issue(
      ctx,
      ['clear', 'by'],
      `clear change ${clear} ${rule.unit} must be smaller than the change ${by} ${rule.unit}`,
    );
  }
});
export type ChangeRule = z.infer<typeof ChangeRule>;

/**
 * A measurement schedule (`schedule`): a measurement prescribed at times of day (a cuff
 * morning and evening, a meter before breakfast). A time passes without a reliable
 * reading from `earlyMinutes` before it to `lateMinutes` after it: the nurse is told; the
 * next reading clears it. Watched once the device has sent a reading, like no-data rules.
 */
export const ScheduleRule = z.strictObject(scheduleShape).superRefine((rule, ctx) => {
  const minutes = rule.times.map(minutesOf);
  if (minutes.some((m, i) => i > 0 && m <= (minutes[i - 1] ?? 0))) {
    issue(ctx, ['times'], 'list the times once each, in order through the day');
  }
  const day = 24 * 60;
  const closest = Math.min(
    ...minutes.map((m, i) => ((minutes[(i + 1) % minutes.length] ?? m) - m + day) % day || day),
  );
  if (rule.earlyMinutes + rule.lateMinutes >= closest) {
    issue(
      ctx,
      ['lateMinutes'],
      `a time's window (${rule.earlyMinutes} min before to ${rule.lateMinutes} min after) must end before the next time's begins (${closest} min apart)`,
    );
  }
});
export type ScheduleRule = z.infer<typeof ScheduleRule>;

export const Rule = z.discriminatedUnion('kind', [
  ThresholdRule,
  RateRule,
  NoDataRule,
  AverageRule,
  ChangeRule,
  ScheduleRule,
]);
export type Rule = z.infer<typeof Rule>;
export type RuleInput = z.input<typeof Rule>;
/** The kinds of rule, as a schema (the dashboard's answers name them), taken from the union. */
export const RuleKind = z.enum(
  Rule.options.map((rule) => rule.shape.kind.value) as [Rule['kind'], ...Rule['kind'][]],
);
export type RuleKind = z.infer<typeof RuleKind>;
