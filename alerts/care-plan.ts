/**
 * A patient's care plan: one or more templates plus per-patient overrides of any rule
 * value. `resolveCarePlan` turns it into the rules the engine evaluates, or refuses it
 * with a CarePlanError listing every problem by rule and field.
 *
 * Combining templates: each template brings the templates it is built on (all disease
 * templates are built on `general_adult`); a template's `replaces` list removes the
 * rules its own rules supersede (COPD's SpO2 rules replace the general one). Rule ids are
 * unique across templates, so nothing else can collide.
 *
 * Overrides are merged into the template rule and the result is validated as a whole, so
 * an override that puts the clear level on the wrong side of the level, or a glucose
 * level outside the metric's range, is refused. Overriding the unit of a rule converts
 * its other levels, rates and changes exactly (3.9 mmol/L is 70.26 mg/dL, 21.3 kPa is
 * 159.76 mm[Hg]); `null` removes an optional part (e.g. `sustain: null` fires on one
 * reading). Levels per part merge part by part: `{ level: { systolic: 170 } }` keeps the
 * template's diastolic level, `{ level: { mean: null } }` stops comparing the mean. A level
 * given without a clear level moves the clear level with it where the template's would be
 * on the wrong side (clearLevelFor): the README's `{ "diabetes.hypo_l1": { "level": 75 } }`
 * clears at 75 mg/dL.
 */
import { z } from 'zod';
import { PatientId, Severity } from '../common/contract.ts';
import { Unit } from '../common/metrics.ts';
import { StatusError } from '../common/status-error.ts';
import { converts, convertUnit } from '../common/units.ts';
import { TEMPLATES, TemplateId } from './care-plan-templates.ts';
import {
  convertDifference,
  convertLevel,
  Level,
  levelEntries,
  levelFromEntries,
  levelOf,
  Part,
  Rule,
  type RuleKind,
} from './rule-schema.ts';

const SustainPatch = z.strictObject({
  minutes: z.number().optional(),
  readings: z.number().optional(),
  join: z.enum(['and', 'or']).optional(),
  maxGapMinutes: z.number().optional(),
});

/** A level as an override gives it: a number, or parts (`null` stops comparing a part). */
const LevelPatch = z.union([z.number().finite(), z.partialRecord(Part, z.number().finite().nullable())]);

/** Any value a clinician may change; which of them apply depends on the rule's kind. */
export const RuleOverride = z.strictObject({
  enabled: z.boolean().optional(),
  severity: Severity.optional(),
  unit: Unit.optional(),
  level: LevelPatch.optional(),
  inclusive: z.boolean().optional(),
  sustain: SustainPatch.nullable().optional(),
  clear: z
    .strictObject({
      level: LevelPatch.optional(),
      sustain: SustainPatch.nullable().optional(),
      by: z.number().optional(),
    })
    .optional(),
  ratePerMinute: z.number().optional(),
  clearRatePerMinute: z.number().optional(),
  windowMinutes: z.number().optional(),
  minReadings: z.number().optional(),
  minSpanMinutes: z.number().optional(),
  gate: z
    .strictObject({ direction: z.enum(['below', 'above']).optional(), level: z.number().finite().optional() })
    .nullable()
    .optional(),
  silentMinutes: z.number().optional(),
  times: z.array(z.string()).optional(),
  earlyMinutes: z.number().optional(),
  lateMinutes: z.number().optional(),
  windowDays: z.number().optional(),
  minDays: z.number().optional(),
  by: z.number().optional(),
});
export type RuleOverride = z.infer<typeof RuleOverride>;
type OverrideField = keyof RuleOverride;

const OVERRIDABLE: Record<RuleKind, readonly OverrideField[]> = {
  threshold: ['enabled', 'severity', 'unit', 'level', 'inclusive', 'sustain', 'clear'],
  rate: [
    'enabled',
    'severity',
    'unit',
    'ratePerMinute',
    'clearRatePerMinute',
    'windowMinutes',
    'minReadings',
    'minSpanMinutes',
    'gate',
    'sustain',
  ],
  no_data: ['enabled', 'severity', 'silentMinutes'],
  average: [
    'enabled',
    'severity',
    'unit',
    'level',
    'inclusive',
    'clear',
    'windowDays',
    'minReadings',
    'minDays',
  ],
  change: ['enabled', 'severity', 'unit', 'by', 'clear', 'windowDays', 'sustain'],
  schedule: ['enabled', 'severity', 'times', 'earlyMinutes', 'lateMinutes'],
};

export const CarePlan = z.strictObject({
  patientId: PatientId,
  templates: z
    .array(TemplateId)
    .min(1)
    .refine((ids) => new Set(ids).size === ids.length, 'a template is listed twice'),
  /** Keyed by rule id, e.g. `{ "diabetes.hypo_l1": { "level": 75 } }`. */
  overrides: z.record(z.string(), RuleOverride).default({}),
});
export type CarePlan = z.infer<typeof CarePlan>;
export type CarePlanInput = z.input<typeof CarePlan>;

export class CarePlanError extends StatusError {
  readonly statusCode = 400;
  readonly code = 'RPM_CARE_PLAN_REFUSED';
  constructor(
    readonly patientId: string | undefined,
    readonly problems: string[],
  ) {
    super(
      `Care plan${patientId ? ` of patient ${patientId}` : ''} refused:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'CarePlanError';
  }

  override answer(): string {
    return this.problems.join('; ');
  }
}

/** The templates a plan includes, each after the templates it is built on. */
function includedTemplates(ids: readonly TemplateId[]): TemplateId[] {
  const out: TemplateId[] = [];
  const visit = (id: TemplateId): void => {
    for (const base of TEMPLATES[id].builtOn) visit(base);
    if (!out.includes(id)) out.push(id);
  };
  for (const id of ids) visit(id);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge of plain objects; `null` in the patch removes the key. */
function mergePatch(base: unknown, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete out[key];
    else out[key] = isPlainObject(value) ? mergePatch(out[key], value) : value;
  }
  return out;
}

/**
 * The same rule with its levels, rates and changes expressed exactly in another unit of
 * its metric (levels convert as values, rates and changes as differences). A unit that
 * does not convert is left for the schema to refuse.
 */
function inUnit(rule: Rule, unit: Unit): Rule {
  if (rule.kind === 'no_data' || rule.kind === 'schedule' || !converts(rule.unit, unit)) return rule;
  const from = rule.unit;
  const level = (value: Level) => convertLevel(value, from, unit);
  const difference = (value: number) => convertDifference(value, from, unit);
  switch (rule.kind) {
    case 'threshold':
    case 'average':
      return {
        ...rule,
        unit,
        level: level(rule.level),
        clear: { ...rule.clear, level: level(rule.clear.level) },
      };
    case 'rate':
      return {
        ...rule,
        unit,
        ratePerMinute: difference(rule.ratePerMinute),
        clearRatePerMinute: difference(rule.clearRatePerMinute),
        gate: rule.gate && { ...rule.gate, level: convertUnit(rule.gate.level, from, unit) },
      };
    case 'change':
      return { ...rule, unit, by: difference(rule.by), clear: { by: difference(rule.clear.by) } };
  }
}

/**
 * The clear level of a level given alone: each part as the template has it while that
 * still lies on the side the condition clears towards (a stored plan keeps its meaning:
 * SpO2 low at 88 % still clears at 94), and moved by the amount its level moved where it
 * no longer does (hypo_l1 at 75 mg/dL clears at 75, as at 70 it cleared at 70). A part the
 * new level no longer names leaves the clear level too. A level of another shape (a number
 * for blood pressure) moves nothing: the schema refuses it.
 */
function clearLevelFor(
  rule: { direction: 'below' | 'above'; inclusive: boolean },
  before: Level,
  after: Level,
  clear: Level,
): Level {
  if (typeof before !== typeof after) return clear;
  const decimals = (x: number) => Math.round(x * 1e9) / 1e9;
  const clearsTowards = (value: number, level: number) => {
    if (rule.direction === 'below') return rule.inclusive ? value > level : value >= level;
    return rule.inclusive ? value < level : value <= level;
  };
  return levelFromEntries(
    levelEntries(clear).flatMap(([part, value]) => {
      const [from, to] = [levelOf(before, part), levelOf(after, part)];
      if (to === undefined) return [];
      if (from === undefined || clearsTowards(value, to)) return [[part, value] as const];
      return [[part, decimals(value + to - from)] as const];
    }),
  );
}

function applyOverride(rule: Rule, override: RuleOverride): { rule: Rule } | { problems: string[] } {
  const allowed = OVERRIDABLE[rule.kind];
  const foreign = (Object.keys(override) as OverrideField[]).filter((field) => !allowed.includes(field));
  if (foreign.length > 0) {
    return {
      problems: foreign.map(
        (field) =>
          `${rule.id}: ${field}: a ${rule.kind.replace('_', ' ')} rule has no ${field} (it takes ${allowed.join(', ')})`,
      ),
    };
  }
  const base = override.unit === undefined ? rule : inUnit(rule, override.unit);
  const patched = mergePatch(base, override);
  if ((base.kind === 'threshold' || base.kind === 'average') && override.clear?.level === undefined) {
    const level = Level.safeParse(patched.level);
    const inclusive = typeof patched.inclusive === 'boolean' ? patched.inclusive : base.inclusive;
    if (level.success) {
      const clear = clearLevelFor(
        { direction: base.direction, inclusive },
        base.level,
        level.data,
        base.clear.level,
      );
      patched.clear = { ...base.clear, level: clear };
    }
  }
  const merged = Rule.safeParse(patched);
  if (merged.success) return { rule: merged.data };
  return {
    problems: merged.error.issues.map(
      (issue) => `${rule.id}: ${issue.path.join('.') || '(rule)'}: ${issue.message}`,
    ),
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const [first, ruleId, ...field] = issue.path.map(String);
  if (first === 'overrides' && ruleId !== undefined) {
    return `${ruleId}: ${field.join('.') || '(override)'}: ${issue.message}`;
  }
  return `${issue.path.join('.') || '(plan)'}: ${issue.message}`;
}

/** The rules a care plan asks for, template defaults with the patient's overrides applied. */
export function resolveCarePlan(input: CarePlanInput): Rule[] {
  const parsed = CarePlan.safeParse(input);
  if (!parsed.success) {
    const patientId = typeof input?.patientId === 'string' ? input.patientId : undefined;
    throw new CarePlanError(patientId, parsed.error.issues.map(describeIssue));
  }
  const plan = parsed.data;
  const templates = includedTemplates(plan.templates).map((id) => TEMPLATES[id]);
  const replacedBy = new Map<string, TemplateId>(
    templates.flatMap((t) => t.replaces.map((ruleId) => [ruleId, t.id] as const)),
  );
  const rules = templates.flatMap((t) => t.rules).filter((rule) => !replacedBy.has(rule.id));

  const problems: string[] = [];
  const resolved = rules.map((rule) => {
    const override = plan.overrides[rule.id];
    if (override === undefined) return rule;
    const result = applyOverride(rule, override);
    if ('problems' in result) {
      problems.push(...result.problems);
      return rule;
    }
    return result.rule;
  });
  for (const ruleId of Object.keys(plan.overrides)) {
    if (rules.some((rule) => rule.id === ruleId)) continue;
    const replacer = replacedBy.get(ruleId);
    problems.push(
      replacer
        ? `${ruleId}: replaced by template ${replacer} in this plan; override its rules (${TEMPLATES[replacer].rules.map((r) => r.id).join(', ')}) instead`
        : `${ruleId}: no such rule in templates ${templates.map((t) => t.id).join(', ')}`,
    );
  }
  if (problems.length > 0) throw new CarePlanError(plan.patientId, problems);
  return resolved.map((rule) => withHandOver(rule, resolved));
}

/** `rule` with the level of the rule it hands over to, as this plan has it (see ThresholdRule). */
function withHandOver(rule: Rule, plan: readonly Rule[]): Rule {
  if (rule.kind !== 'threshold' || rule.handsOverTo === undefined) return rule;
  const { handOver: _stale, ...base } = rule;
  const to = plan.find((r) => r.id === rule.handsOverTo);
  if (to?.kind !== 'threshold' || !to.enabled || to.direction !== rule.direction) return base;
  if (!converts(to.unit, rule.unit)) return base;
  return {
    ...base,
    handOver: { level: convertLevel(to.level, to.unit, rule.unit), inclusive: to.inclusive },
  };
}
