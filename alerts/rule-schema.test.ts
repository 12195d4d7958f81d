import { describe, expect, it } from 'vitest';
import { TEMPLATES } from './care-plan-templates.ts';
import { Rule } from './rule-schema.ts';

/** The rule's problems, each as `field.path: message`; [] when it is accepted. */
function refusals(input: unknown): string[] {
  const parsed = Rule.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

/** A template rule, as the data a clinician's variant of it starts from. */
function templateRule(id: string): Rule {
  const rule = Object.values(TEMPLATES)
    .flatMap((t) => t.rules)
    .find((r) => r.id === id);
  if (!rule) throw new Error(`test setup: no template rule ${id}`);
  return rule;
}

// >= 180/110 confirmed within 15 min, clears at 159/99; a 7-day mean of 135/85 on 12
// readings over 4 days; more than 2 kg gained in 3 days, confirmed within 36 h.
const severe = templateRule('hypertension.severe');
const weekMean = templateRule('hypertension.home_mean_high');
const weightGain = templateRule('heart.weight_gain');

describe('blood pressure rules name its parts', () => {
  it('accept a level per part and a clear level per part', () => {
    expect(refusals(severe)).toEqual([]);
    expect(refusals(weekMean)).toEqual([]);
  });

  it.each([
    {
      problem: 'a plain number, no parts',
      change: { level: 180, clear: { level: 159 } },
      expected: [
        'level: blood pressure rules name the parts they compare (systolic, diastolic, mean), e.g. { systolic: 180 }',
        'clear.level: blood pressure rules name the parts they compare (systolic, diastolic, mean), e.g. { systolic: 159 }',
      ],
    },
    {
      problem: 'no part at all',
      change: { level: {}, clear: { level: {} } },
      expected: [
        'level: name at least one part of blood pressure (systolic, diastolic, mean)',
        'clear.level: name at least one part of blood pressure (systolic, diastolic, mean)',
      ],
    },
    {
      problem: 'a part blood pressure does not have',
      change: { level: { systolic: 180, diastolic: 110, pulse: 120 } },
      expected: ['level: Unrecognized key: "pulse"'],
    },
    {
      problem: 'a diastolic level outside the catalogue limits',
      change: { level: { systolic: 180, diastolic: 260 } },
      expected: [
        'level.diastolic: 260 mm[Hg] is outside the range of blood pressure (diastolic) (20-250 mm[Hg])',
      ],
    },
    {
      problem: 'levels in mm[Hg] written as kPa',
      change: { unit: 'kPa' },
      expected: [
        'level.systolic: 180 kPa is outside the range of blood pressure (systolic) (5.34-39.99 kPa)',
        'level.diastolic: 110 kPa is outside the range of blood pressure (diastolic) (2.67-33.33 kPa)',
        'clear.level.systolic: 159 kPa is outside the range of blood pressure (systolic) (5.34-39.99 kPa)',
        'clear.level.diastolic: 99 kPa is outside the range of blood pressure (diastolic) (2.67-33.33 kPa)',
      ],
    },
    {
      problem: 'a clear level that names other parts than the level',
      change: { clear: { level: { systolic: 159 } } },
      expected: [
        'clear.level: the clear level names systolic; it must name the parts the level names (systolic, diastolic)',
      ],
    },
    {
      problem: 'a part cleared on the wrong side of its level',
      change: { clear: { level: { systolic: 185, diastolic: 99 } } },
      expected: [
        'clear.level.systolic: clear level 185 mm[Hg] (systolic) must be below the level 180 mm[Hg]: a high clears on the way back down',
      ],
    },
    {
      problem: 'a confirmation without the longest gap (a cuff has no regular interval)',
      change: { sustain: { readings: 2 } },
      expected: [
        'sustain.maxGapMinutes: blood pressure readings have no regular interval: say how far apart (maxGapMinutes) consecutive readings of a sustained run may be',
      ],
    },
  ])('refuse $problem', ({ change, expected }) => {
    expect(refusals({ ...severe, ...change })).toEqual(expected);
  });

  it('refuse parts on a scalar metric', () => {
    const pulse = { ...severe, readings: { metrics: ['heart_rate'] }, unit: '/min' };
    expect(refusals(pulse)).toEqual([
      'level.systolic: heart rate has no parts: give one number',
      'level.diastolic: heart rate has no parts: give one number',
      'clear.level.systolic: heart rate has no parts: give one number',
      'clear.level.diastolic: heart rate has no parts: give one number',
    ]);
  });

  it('refuse a rate rule on blood pressure, whose slope would have no part', () => {
    const rate = {
      id: 'test.bp_rising',
      title: 'Blood pressure rising',
      severity: 'warning',
      source: ['PROJECT'],
      kind: 'rate',
      readings: { metrics: ['blood_pressure'] },
      unit: 'mm[Hg]',
      direction: 'rising',
      ratePerMinute: 2,
      clearRatePerMinute: 1,
      windowMinutes: 30,
      minReadings: 3,
      minSpanMinutes: 10,
    };
    expect(refusals(rate)).toEqual([
      'readings.metrics: rate rules compare one value: blood pressure has parts (use a change rule, which names one)',
    ]);
  });
});

describe('average rules', () => {
  it.each([
    {
      problem: 'more distinct days than the window holds',
      change: { minDays: 8 },
      expected: ['minDays: 8 distinct days cannot fit in a window of 7 days'],
    },
    {
      problem: 'a window longer than a month',
      change: { windowDays: 60 },
      expected: ['windowDays: Too big: expected number to be <=31'],
    },
    {
      problem: 'a plain number on blood pressure',
      change: { level: 135, clear: { level: { systolic: 130 } } },
      expected: [
        'level: blood pressure rules name the parts they compare (systolic, diastolic, mean), e.g. { systolic: 135 }',
      ],
    },
    {
      problem: 'a clear level above the level of a high',
      change: { clear: { level: { systolic: 130, diastolic: 90 } } },
      expected: [
        'clear.level.diastolic: clear level 90 mm[Hg] (diastolic) must be below the level 85 mm[Hg]: a high clears on the way back down',
      ],
    },
  ])('refuse $problem', ({ change, expected }) => {
    expect(refusals({ ...weekMean, ...change })).toEqual(expected);
  });
});

describe('change rules', () => {
  it('accept a confirmed weight gain', () => {
    expect(refusals(weightGain)).toEqual([]);
  });

  it.each([
    {
      problem: 'no confirmation at all',
      change: { sustain: undefined },
      expected: ['sustain: Invalid input: expected object, received undefined'],
    },
    {
      problem: 'a confirmation one reading meets',
      change: { sustain: { readings: 1, maxGapMinutes: 60 } },
      expected: [
        'sustain.readings: a change must be confirmed: at least 2 readings (or a duration) against the same baseline, so one reading that jumps back pages nobody',
      ],
    },
    {
      problem: 'a confirmation without the longest gap (a scale has no regular interval)',
      change: { sustain: { readings: 2 } },
      expected: [
        'sustain.maxGapMinutes: weight readings have no regular interval: say how far apart (maxGapMinutes) consecutive readings of a sustained run may be',
      ],
    },
    {
      problem: 'a clear change as large as the change',
      change: { clear: { by: 2 } },
      expected: ['clear.by: clear change 2 kg must be smaller than the change 2 kg'],
    },
    {
      problem: 'a part on a scalar metric',
      change: { part: 'systolic' },
      expected: ['part: weight has no parts: give one number'],
    },
    {
      problem: 'a unit that does not fit the metric',
      change: { unit: 'mm[Hg]' },
      expected: ["unit: unit 'mm[Hg]' does not fit body_weight (expected kg or [lb_av])"],
    },
  ])('refuse $problem', ({ change, expected }) => {
    expect(refusals({ ...weightGain, ...change })).toEqual(expected);
  });

  it('refuse a change of blood pressure that does not name its part', () => {
    const bp = { ...weightGain, readings: { metrics: ['blood_pressure'] }, unit: 'mm[Hg]', by: 20 };
    expect(refusals(bp)).toEqual([
      'part: blood pressure rules name the part they compare (systolic, diastolic, mean)',
    ]);
    expect(refusals({ ...bp, part: 'systolic' })).toEqual([]);
  });
});
