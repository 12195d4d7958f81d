/**
 * The figures the screens show beside spot measurements, by the rules' own arithmetic
 * (alerts/rule-evaluation.ts: windowAverage, windowChange), so a screen never shows a
 * number the rule would not: the home blood-pressure mean over calendar days in the
 * clinic's zone, and a weight's change from the lowest weighing of the days before, a lone
 * reading that jumped back left out.
 *
 * Each patient's own rule is used when their care plan has one (a doctor may have moved
 * the level), else the template's: the hypertension home mean (ISH 2020 [K8]) and the heart
 * failure weight gain (ESC 2021 [K20]).
 */

import { z } from 'zod';
import { TEMPLATES, type TemplateId } from '../alerts/care-plan-templates.ts';
import { windowAverage, windowChange } from '../alerts/rule-evaluation.ts';
import { convertDifference, convertLevel, Level, type Rule } from '../alerts/rule-schema.ts';
import type { InfluxConnection } from '../ingest/influx-connection.ts';
import { storedReadings, type UnreadableRow } from '../ingest/readings-storage.ts';

const DAY_MS = 86_400_000;

type RuleOf<K extends Rule['kind']> = Extract<Rule, { kind: K }>;

function templateRule<K extends Rule['kind']>(template: TemplateId, id: string, kind: K): RuleOf<K> {
  const rule = TEMPLATES[template].rules.find((r) => r.id === id);
  if (rule?.kind !== kind) throw new Error(`template ${template} has no ${kind} rule ${id}`);
  return rule as RuleOf<K>;
}

const HOME_MEAN = templateRule('hypertension', 'hypertension.home_mean_high', 'average');
const WEIGHT_GAIN = templateRule('heart_failure', 'heart.weight_gain', 'change');

/** The patient's enabled rule with the template rule's id, else the template rule. */
function ownRule<K extends Rule['kind']>(rules: readonly Rule[], template: RuleOf<K>): RuleOf<K> {
  const own = rules.find((r) => r.id === template.id && r.enabled && r.kind === template.kind);
  return (own as RuleOf<K> | undefined) ?? template;
}

/** A weight's change from the lowest weighing of the days before (the rule's baseline), kg. */
export const WeightChange = z.object({
  kg: z.number(),
  /** The rule's window, days. */
  days: z.number(),
});
export type WeightChange = z.infer<typeof WeightChange>;

/** A home blood-pressure mean over calendar days, beside the level its rule compares it with. */
export const BloodPressureAverage = z.object({
  days: z.number(),
  /** Reliable readings behind it. */
  readings: z.number(),
  /** mm[Hg]. */
  systolic: z.number(),
  diastolic: z.number(),
  /** The home-mean rule's level, mm[Hg] (135/85 unless the care plan moved it). */
  threshold: Level,
});
export type BloodPressureAverage = z.infer<typeof BloodPressureAverage>;

/** The home blood-pressure means of one patient over each of `periods` (days), those with readings. */
export async function bloodPressureAverages(
  influx: InfluxConnection,
  patientId: string,
  rules: readonly Rule[],
  at: { nowMs: number; timeZone: string },
  periods: readonly number[],
  onUnreadable: (row: UnreadableRow) => void,
): Promise<BloodPressureAverage[]> {
  const rule = ownRule(rules, HOME_MEAN);
  const longest = Math.max(...periods);
  const readings = await storedReadings(
    influx,
    'blood_pressure',
    [patientId],
    at.nowMs - (longest + 1) * DAY_MS,
    at.nowMs,
    onUnreadable,
  );
  return periods.flatMap((days) => {
    const mean = windowAverage({ ...rule, windowDays: days }, readings, at.nowMs, at.timeZone);
    const level = mean && convertLevel(mean.level, mean.unit, 'mm[Hg]');
    if (!mean || typeof level !== 'object' || level.systolic === undefined || level.diastolic === undefined)
      return [];
    return [
      {
        days,
        readings: mean.readings,
        systolic: level.systolic,
        diastolic: level.diastolic,
        threshold: convertLevel(rule.level, rule.unit, 'mm[Hg]'),
      },
    ];
  });
}

/** Each patient's weight change (kg) by their weight-gain rule's arithmetic; absent without a baseline. */
export async function weightChanges(
  influx: InfluxConnection,
  patientIds: readonly string[],
  rulesOf: (patientId: string) => readonly Rule[],
  at: { nowMs: number; timeZone: string },
  onUnreadable: (row: UnreadableRow) => void,
): Promise<Map<string, WeightChange>> {
  const result = new Map<string, WeightChange>();
  if (!patientIds.length) return result;
  const rules = new Map(patientIds.map((id) => [id, ownRule(rulesOf(id), WEIGHT_GAIN)]));
  // The window's days, the day before them (the rule's neighbour of its oldest reading) and today.
  const days = Math.max(...[...rules.values()].map((r) => r.windowDays)) + 2;
  const readings = await storedReadings(
    influx,
    'body_weight',
    patientIds,
    at.nowMs - days * DAY_MS,
    at.nowMs,
    onUnreadable,
  );
  for (const [patientId, rule] of rules) {
    const own = readings.filter((r) => r.patientId === patientId);
    const change = windowChange(rule, own, at.timeZone);
    if (change)
      result.set(patientId, { kg: convertDifference(change.change, rule.unit, 'kg'), days: rule.windowDays });
  }
  return result;
}
