/**
 * What a doctor's edits of a care plan become: the body of PUT /api/patients/:id/care-plan.
 * The doctor switches rules on or off, changes the main value of a rule (a threshold's
 * level, a rate, a silence in minutes) or clears it back to the template's value, and
 * picks the templates. Overrides the screen does not edit are kept as they are. Only
 * "is it a number" is checked here; the server checks the rest and says which rule and
 * field are wrong.
 */
import type { CarePlanRule, RuleOverrides } from './api-types.ts';

/** The one value per rule kind the screen lets a doctor change (the care plan's override fields). */
export const EDITABLE_FIELD: Record<CarePlanRule['kind'], { field: string; label: string }> = {
  threshold: { field: 'level', label: 'Alert level' },
  rate: { field: 'ratePerMinute', label: 'Rate per minute' },
  no_data: { field: 'silentMinutes', label: 'Silent after (minutes)' },
  average: { field: 'minReadings', label: 'Readings needed' },
  change: { field: 'by', label: 'Change of more than' },
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The overrides as the server sent them, keeping only well-formed entries. */
export function readOverrides(raw: unknown): RuleOverrides {
  if (!isRecord(raw)) return {};
  return Object.fromEntries(
    Object.entries(raw).filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1])),
  );
}

/** The current override of a rule's editable value, as text for its input ('' when it follows the template). */
export function overrideText(overrides: RuleOverrides, rule: CarePlanRule): string {
  const value = overrides[rule.ruleId]?.[EDITABLE_FIELD[rule.kind].field];
  return typeof value === 'number' ? String(value) : '';
}

export interface RuleEdit {
  ruleId: string;
  enabled: boolean;
  /** What the doctor typed; '' returns the value to the template's. */
  value: string;
}

export type CarePlanUpdate =
  | { ok: true; body: { templates: string[]; overrides: RuleOverrides } }
  | { ok: false; problems: string[] };

export function carePlanUpdate(
  rules: readonly CarePlanRule[],
  current: RuleOverrides,
  templates: readonly string[],
  edits: readonly RuleEdit[],
): CarePlanUpdate {
  const overrides: RuleOverrides = Object.fromEntries(
    Object.entries(current).map(([id, o]) => [id, { ...o }]),
  );
  const problems: string[] = [];
  for (const edit of edits) {
    const rule = rules.find((r) => r.ruleId === edit.ruleId);
    if (!rule) continue;
    const override = { ...overrides[rule.ruleId] };
    if (edit.enabled !== rule.enabled) override.enabled = edit.enabled;
    const { field, label } = EDITABLE_FIELD[rule.kind];
    const text = edit.value.trim();
    if (text === '') delete override[field];
    else if (Number.isFinite(Number(text))) override[field] = Number(text);
    else problems.push(`${rule.title}: ${label.toLowerCase()} must be a number, not "${text}"`);
    if (Object.keys(override).length) overrides[rule.ruleId] = override;
    else delete overrides[rule.ruleId];
  }
  if (!templates.length) problems.push('Choose at least one template');
  return problems.length
    ? { ok: false, problems }
    : { ok: true, body: { templates: [...templates], overrides } };
}
