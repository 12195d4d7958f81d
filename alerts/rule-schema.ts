/**
 * Alert rules as validated data. Three kinds:
 *
 * - `threshold`: a value below or above a level, held for a sustain (minutes and/or a
 *   number of consecutive readings, no further apart than a maximum gap) before it fires,
 *   and a separate clear level (with its own optional sustain) so that a value hovering
 *   at the level does not flap.
 * - `rate`: a value changing faster than a rate (least-squares slope over a window),
 *   optionally only while the value is below or above a gate level.
 * - `no_data`: no clinically reliable reading of the selected metric for longer than
 *   expected (a silent CGM, a meter not used today), watched only once the patient's
 *   device of that kind has sent a reading.
 *
 * Levels are in the rule's `unit`; glucose readings in the other unit are converted
 * exactly (common/units.ts) and never rounded before a comparison.
 */
import { z } from 'zod';
import { Severity } from '../common/contract.ts';
import { checkMetricValue, Metric, Unit } from '../common/metrics.ts';
import type { GlucoseUnit } from '../common/units.ts';
import { describeReadings, formatNumber } from './rule-description.ts';
import { maxGapMinutes } from './sample-intervals.ts';
import { SourceKey } from './source-keys.ts';

export function isGlucoseUnit(unit: Unit): unit is GlucoseUnit {
  return unit === 'mg/dL' || unit === 'mmol/L';
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
    maxGapMinutes: z.number().positive().max(DAY_MINUTES).optional(),
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

const thresholdShape = {
  ...common,
  kind: z.literal('threshold'),
  unit: Unit,
  direction: Direction,
  /** `below` fires on value < level (<= when inclusive); `above` on value > level (>=). */
  inclusive: z.boolean().default(false),
  level: z.number().finite(),
  sustain: Sustain.optional(),
  /** A `below` rule clears at value >= clear.level, an `above` rule at value <= clear.level. */
  clear: z.strictObject({ level: z.number().finite(), sustain: Sustain.optional() }),
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
  handOver: z.strictObject({ level: z.number().finite(), inclusive: z.boolean() }).optional(),
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
  /** Fires when the newest reliable reading is older than this. */
  silentMinutes: z
    .number()
    .positive()
    .max(7 * DAY_MINUTES),
};

type LevelCheck = { path: (string | number)[]; value: number };

function checkLevels(
  rule: { readings: ReadingSelection; unit: Unit },
  levels: LevelCheck[],
  ctx: z.RefinementCtx,
): void {
  for (const metric of rule.readings.metrics) {
    for (const level of levels) {
      const problem = checkMetricValue(metric, rule.unit, level.value);
      if (problem?.kind === 'unit') {
        ctx.addIssue({
          code: 'custom',
          path: ['unit'],
          message: `unit '${rule.unit}' does not fit ${metric} (expected ${problem.allowed.join(' or ')})`,
        });
        return;
      }
      if (problem?.kind === 'range') {
        ctx.addIssue({
          code: 'custom',
          path: level.path,
          message: `${formatNumber(level.value)} ${rule.unit} is outside the range of ${metric} (${problem.min}-${problem.max} ${rule.unit})`,
        });
      }
    }
  }
}

export const ThresholdRule = z.strictObject(thresholdShape).superRefine((rule, ctx) => {
  checkLevels(
    rule,
    [
      { path: ['level'], value: rule.level },
      { path: ['clear', 'level'], value: rule.clear.level },
    ],
    ctx,
  );

  checkGaps(
    rule,
    [
      { path: ['sustain'], sustain: rule.sustain },
      { path: ['clear', 'sustain'], sustain: rule.clear.sustain },
    ],
    ctx,
  );
  const { level, inclusive } = rule;
  const clear = rule.clear.level;
  const [shownLevel, shownClear] = [formatNumber(level), formatNumber(clear)];
  if (rule.direction === 'below' && (inclusive ? clear <= level : clear < level)) {
    ctx.addIssue({
      code: 'custom',
      path: ['clear', 'level'],
      message: `clear level ${shownClear} ${rule.unit} must be ${inclusive ? 'above' : 'at or above'} the level ${shownLevel} ${rule.unit}: a low clears on the way back up`,
    });
  }
  if (rule.direction === 'above' && (inclusive ? clear >= level : clear > level)) {
    ctx.addIssue({
      code: 'custom',
      path: ['clear', 'level'],
      message: `clear level ${shownClear} ${rule.unit} must be ${inclusive ? 'below' : 'at or below'} the level ${shownLevel} ${rule.unit}: a high clears on the way back down`,
    });
  }
});
export type ThresholdRule = z.infer<typeof ThresholdRule>;

export const RateRule = z.strictObject(rateShape).superRefine((rule, ctx) => {
  checkLevels(rule, rule.gate ? [{ path: ['gate', 'level'], value: rule.gate.level }] : [], ctx);
  checkGaps(rule, [{ path: ['sustain'], sustain: rule.sustain }], ctx);
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

export const Rule = z.discriminatedUnion('kind', [ThresholdRule, RateRule, NoDataRule]);
export type Rule = z.infer<typeof Rule>;
export type RuleInput = z.input<typeof Rule>;
export type RuleKind = Rule['kind'];
