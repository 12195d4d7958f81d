import { describe, expect, it } from 'vitest';
import { CarePlanError, type CarePlanInput, resolveCarePlan } from './care-plan.ts';
import type { Rule } from './rule-schema.ts';

function problemsOf(plan: CarePlanInput): string[] {
  try {
    resolveCarePlan(plan);
  } catch (err) {
    if (err instanceof CarePlanError) return err.problems;
    throw err;
  }
  throw new Error('the care plan was accepted');
}

function ruleIn(rules: Rule[], id: string): Rule {
  const rule = rules.find((r) => r.id === id);
  if (!rule) throw new Error(`no rule ${id} in ${rules.map((r) => r.id).join(', ')}`);
  return rule;
}

describe('combining templates', () => {
  it('gives a diabetic COPD patient the COPD SpO2 rules instead of the general one, and keeps the rest', () => {
    const ids = resolveCarePlan({ patientId: 'p-001', templates: ['diabetes', 'copd'] }).map((r) => r.id);
    expect(ids).toContain('copd.spo2_low');
    expect(ids).toContain('copd.spo2_very_low');
    expect(ids).not.toContain('general.spo2_low');
    expect(ids).toContain('general.pulse_very_high');
    expect(ids).toContain('diabetes.hypo_l1');
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives a heart-failure patient the more sensitive fast-pulse rule and the slow-pulse rule', () => {
    const ids = resolveCarePlan({ patientId: 'p-001', templates: ['heart_failure'] }).map((r) => r.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'heart.pulse_high',
        'heart.pulse_low',
        'general.pulse_very_high',
        'general.spo2_low',
      ]),
    );
    expect(ids).not.toContain('general.pulse_high');
  });
});

describe('per-patient overrides', () => {
  it('change level, clear level, sustain, severity and enabled of a rule', () => {
    const rules = resolveCarePlan({
      patientId: 'p-001',
      templates: ['diabetes'],
      overrides: {
        'diabetes.hypo_l1': {
          level: 75,
          clear: { level: 85 },
          sustain: { minutes: 20 },
          severity: 'critical',
        },
        'diabetes.hyper_l1': { enabled: false },
        'diabetes.meter_unused': { silentMinutes: 50 * 60 },
      },
    });
    expect(ruleIn(rules, 'diabetes.hypo_l1')).toMatchObject({
      level: 75,
      clear: { level: 85, sustain: { minutes: 15 } },
      sustain: { minutes: 20 },
      severity: 'critical',
    });
    expect(ruleIn(rules, 'diabetes.hyper_l1').enabled).toBe(false);
    expect(ruleIn(rules, 'diabetes.meter_unused')).toMatchObject({ silentMinutes: 3000 });
  });

  it('convert the other levels exactly when the unit changes to mmol/L', () => {
    const rules = resolveCarePlan({
      patientId: 'p-001',
      templates: ['diabetes'],
      overrides: { 'diabetes.hypo_l1': { unit: 'mmol/L', level: 3.5 } },
    });
    const hypo = ruleIn(rules, 'diabetes.hypo_l1');
    // The converted clear level (70 mg/dL = 3.886 mmol/L) is still at or above 3.5: kept.
    expect(hypo.kind === 'threshold' && [hypo.unit, hypo.level, hypo.clear.level]).toEqual([
      'mmol/L',
      3.5,
      70 / 18.0156,
    ]);
    // Raised above it, the clear level moves with the level: 4.0 clears at 4.0.
    const [raised] = resolveCarePlan({
      patientId: 'p-001',
      templates: ['diabetes'],
      overrides: { 'diabetes.hypo_l1': { unit: 'mmol/L', level: 4.0 } },
    }).filter((r) => r.id === 'diabetes.hypo_l1');
    expect(raised?.kind === 'threshold' && raised.clear.level).toBe(4);
  });

  it('move the clear level with the level where the template one would be on the wrong side, part by part, unless the override gives one', () => {
    const rules = resolveCarePlan({
      patientId: 'p-001',
      templates: ['diabetes', 'hypertension', 'copd'],
      overrides: {
        // The README's example.
        'diabetes.hypo_l1': { level: 75 },
        'copd.spo2_low': { level: 86 },
        'copd.spo2_very_low': { level: 90 },
        'general.temperature_high': { level: 39.5 },
        'hypertension.home_mean_high': { level: { systolic: 140 } },
        'hypertension.home_mean_grade2': { level: { diastolic: null } },
        'hypertension.severe': { level: { systolic: 175 }, clear: { level: { systolic: 150 } } },
      },
    });
    const clearOf = (id: string) => {
      const rule = ruleIn(rules, id);
      return rule.kind === 'threshold' || rule.kind === 'average' ? rule.clear.level : undefined;
    };
    expect(clearOf('diabetes.hypo_l1')).toBe(75);
    // Still on the right side: kept, so a plan stored before keeps its meaning.
    expect(clearOf('copd.spo2_low')).toBe(88);
    expect(clearOf('general.temperature_high')).toBe(38);
    expect(clearOf('hypertension.home_mean_high')).toEqual({ systolic: 130, diastolic: 80 });
    // 90 % is above the template's clear level of 88: moved by the same 7 points, to 95.
    expect(clearOf('copd.spo2_very_low')).toBe(95);
    expect(clearOf('hypertension.home_mean_grade2')).toEqual({ systolic: 155 });
    expect(clearOf('hypertension.severe')).toEqual({ systolic: 150, diastolic: 99 });
  });

  it('convert every kind exactly to another unit of its metric: kPa, [lb_av], [degF]', () => {
    const rules = resolveCarePlan({
      patientId: 'p-001',
      templates: ['hypertension', 'heart_failure'],
      overrides: {
        'hypertension.severe': { unit: 'kPa' },
        'heart.weight_gain': { unit: '[lb_av]' },
        'general.temperature_high': { unit: '[degF]' },
      },
    });
    // 180/110 mm[Hg] x 0.133322, exactly.
    expect(ruleIn(rules, 'hypertension.severe')).toMatchObject({
      unit: 'kPa',
      level: { systolic: 23.99796, diastolic: 14.66542 },
    });
    // A change converts as a difference: 2 kg is 4.41 lb, with no offset.
    expect(ruleIn(rules, 'heart.weight_gain')).toMatchObject({ unit: '[lb_av]', by: 2 / 0.45359237 });
    // A level converts as a value: 39.1 Cel is 102.38 [degF], 38 Cel is 100.4 [degF].
    expect(ruleIn(rules, 'general.temperature_high')).toMatchObject({
      unit: '[degF]',
      level: 102.38,
      clear: { level: 100.4 },
    });
  });

  it('merge levels part by part: a new systolic keeps the diastolic, null stops comparing a part', () => {
    const rules = resolveCarePlan({
      patientId: 'p-001',
      templates: ['hypertension'],
      overrides: {
        'hypertension.severe': { level: { systolic: 170 } },
        'hypertension.home_mean_high': {
          level: { diastolic: null },
          clear: { level: { diastolic: null } },
        },
      },
    });
    expect(ruleIn(rules, 'hypertension.severe')).toMatchObject({ level: { systolic: 170, diastolic: 110 } });
    expect(ruleIn(rules, 'hypertension.home_mean_high')).toMatchObject({
      level: { systolic: 135 },
      clear: { level: { systolic: 130 } },
    });
  });

  it('remove an optional part with null: a meter-style rule that fires on one reading', () => {
    const rules = resolveCarePlan({
      patientId: 'p-001',
      templates: ['general_adult'],
      overrides: { 'general.spo2_low': { sustain: null } },
    });
    expect(ruleIn(rules, 'general.spo2_low')).not.toHaveProperty('sustain');
  });
});

describe('refused overrides name the rule and the field', () => {
  it('a rule that is not in the plan', () => {
    expect(
      problemsOf({ patientId: 'p-001', templates: ['diabetes'], overrides: { 'diabetes.hypo_l9': {} } }),
    ).toEqual(['diabetes.hypo_l9: no such rule in templates general_adult, diabetes']);
  });

  it('a rule the plan replaced, pointing to the rules that replaced it', () => {
    expect(
      problemsOf({
        patientId: 'p-001',
        templates: ['copd'],
        overrides: { 'general.spo2_low': { level: 90 } },
      }),
    ).toEqual([
      'general.spo2_low: replaced by template copd in this plan; override its rules (copd.spo2_low, copd.spo2_very_low) instead',
    ]);
  });

  it('a clear level on the wrong side of the level', () => {
    expect(
      problemsOf({
        patientId: 'p-001',
        templates: ['diabetes'],
        overrides: { 'diabetes.hypo_l1': { clear: { level: 60 } } },
      }),
    ).toEqual([
      'diabetes.hypo_l1: clear.level: clear level 60 mg/dL must be at or above the level 70 mg/dL: a low clears on the way back up',
    ]);
    expect(
      problemsOf({
        patientId: 'p-001',
        templates: ['general_adult'],
        overrides: { 'general.pulse_high': { level: 80, clear: { level: 90 } } },
      }),
    ).toEqual([
      'general.pulse_high: clear.level: clear level 90 /min must be below the level 80 /min: a high clears on the way back down',
    ]);
  });

  it('a glucose level outside the physiological range of the metric table', () => {
    expect(
      problemsOf({
        patientId: 'p-001',
        templates: ['diabetes'],
        overrides: { 'diabetes.hyper_l2': { level: 2500, clear: { level: 250 } } },
      }),
    ).toEqual(['diabetes.hyper_l2: level: 2500 mg/dL is outside the range of glucose (10-1000 mg/dL)']);
    expect(
      problemsOf({
        patientId: 'p-001',
        templates: ['diabetes'],
        overrides: { 'diabetes.hypo_l1': { unit: 'mmol/L', level: 70, clear: { level: 80 } } },
      }),
    ).toEqual([
      'diabetes.hypo_l1: level: 70 mmol/L is outside the range of glucose (0.56-55.5 mmol/L)',
      'diabetes.hypo_l1: clear.level: 80 mmol/L is outside the range of glucose (0.56-55.5 mmol/L)',
    ]);
  });

  it('a blood-pressure level without parts, or a part dropped from the level but not the clear level', () => {
    expect(
      problemsOf({
        patientId: 'p-001',
        templates: ['hypertension'],
        overrides: {
          'hypertension.severe': { level: 170 },
          'hypertension.home_mean_high': { level: { diastolic: null }, clear: { level: { systolic: 125 } } },
          'heart.weight_gain': { by: 2 },
        },
      }),
    ).toEqual([
      'hypertension.home_mean_high: clear.level: the clear level names systolic, diastolic; it must name the parts the level names (systolic)',
      'hypertension.severe: level: blood pressure rules name the parts they compare (systolic, diastolic, mean), e.g. { systolic: 170 }',
      'heart.weight_gain: no such rule in templates general_adult, hypertension',
    ]);
  });

  it('a field the kind of rule does not have, a misspelt field and a value of the wrong type', () => {
    expect(
      problemsOf({
        patientId: 'p-001',
        templates: ['diabetes'],
        overrides: { 'diabetes.cgm_stale': { level: 3 } },
      }),
    ).toEqual([
      'diabetes.cgm_stale: level: a no data rule has no level (it takes enabled, severity, silentMinutes)',
    ]);
    const typos = problemsOf({
      patientId: 'p-001',
      templates: ['diabetes'],
      overrides: { 'diabetes.hypo_l1': { levle: 75 }, 'diabetes.hypo_l2': { severity: 'urgent' } },
    } as unknown as CarePlanInput);
    expect(typos).toHaveLength(2);
    expect(typos[0]).toMatch(/^diabetes\.hypo_l1: \(override\): Unrecognized key: "levle"/);
    expect(typos[1]).toMatch(/^diabetes\.hypo_l2: severity: /);
  });

  it('a sustain that can never be met and a slope window shorter than its span, listed together', () => {
    const problems = problemsOf({
      patientId: 'p-001',
      templates: ['diabetes'],
      overrides: {
        'general.spo2_low': { sustain: { minutes: -5 } },
        'diabetes.rapid_fall': { windowMinutes: 5 },
      },
    });
    expect(problems).toEqual([
      'general.spo2_low: sustain.minutes: Too small: expected number to be >0',
      'diabetes.rapid_fall: minSpanMinutes: minimum span 10 min cannot exceed the window of 5 min',
    ]);
  });

  it('names the patient in the error', () => {
    expect(() =>
      resolveCarePlan({ patientId: 'p-042', templates: ['diabetes'], overrides: { 'x.y': {} } }),
    ).toThrow(/^Care plan of patient p-042 refused:\n {2}- x\.y: no such rule/);
  });
});
