/**
 * What a doctor's edits of a care plan become: the body of PUT /api/patients/:id/care-plan.
 * The doctor switches rules on or off, changes the main value of a rule (a threshold's or an
 * average's level, a rate, a silence in minutes, a change) or clears it back to the
 * template's value, and picks the templates. A blood-pressure level is written as its parts
 * in order, "130/80" (systolic/diastolic); a part left as "-" keeps the template's value.
 * Overrides the screen does not edit are kept as they are. Only "is it a number" is checked
 * here; the server checks the rest and says which rule and field are wrong.
 */
import type { CarePlanRule, RuleOverrides } from './api-types.ts';

/** The one value per rule kind the screen lets a doctor change (the care plan's override fields). */
export const EDITABLE_FIELD: Record<CarePlanRule['kind'], { field: string; label: string }> = {
  threshold: { field: 'level', label: 'Alert level' },
  rate: { field: 'ratePerMinute', label: 'Rate per minute' },
  no_data: { field: 'silentMinutes', label: 'Silent after (minutes)' },
  average: { field: 'level', label: 'Mean level' },
  change: { field: 'by', label: 'Change of more than' },
  schedule: { field: 'lateMinutes', label: 'Missed after (minutes)' },
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
  if (typeof value === 'number') return String(value);
  if (!isRecord(value) || !rule.levelParts.length) return '';
  const parts = rule.levelParts.map((part) => (typeof value[part] === 'number' ? String(value[part]) : '-'));
  return parts.every((p) => p === '-') ? '' : parts.join('/');
}

/** What the doctor typed as an override value, or why it is none: a number, or "130/80" for the parts. */
function parsedValue(rule: CarePlanRule, text: string): number | Record<string, number> | string {
  const { label } = EDITABLE_FIELD[rule.kind];
  const parts = EDITABLE_FIELD[rule.kind].field === 'level' ? rule.levelParts : [];
  if (!parts.length) {
    return Number.isFinite(Number(text))
      ? Number(text)
      : `${label.toLowerCase()} must be a number, not "${text}"`;
  }
  const written = text.split('/').map((t) => t.trim());
  const shape = parts.join('/');
  if (written.length !== parts.length)
    return `${label.toLowerCase()} must be written as ${shape}, not "${text}"`;
  const level: Record<string, number> = {};
  for (const [i, part] of parts.entries()) {
    const piece = written[i] ?? '';
    if (piece === '-') continue;
    if (piece === '' || !Number.isFinite(Number(piece))) {
      return `${label.toLowerCase()} must be written as ${shape} with numbers (or - to keep a part), not "${text}"`;
    }
    level[part] = Number(piece);
  }
  return level;
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
    const { field } = EDITABLE_FIELD[rule.kind];
    const text = edit.value.trim();
    const value = text === '' ? undefined : parsedValue(rule, text);
    if (value === undefined) delete override[field];
    else if (typeof value === 'string') problems.push(`${rule.title}: ${value}`);
    else override[field] = value;
    if (Object.keys(override).length) overrides[rule.ruleId] = override;
    else delete overrides[rule.ruleId];
  }
  if (!templates.length) problems.push('Choose at least one template');
  return problems.length
    ? { ok: false, problems }
    : { ok: true, body: { templates: [...templates], overrides } };
}
