import { describe, expect, it } from 'vitest';
import type { Reading } from '../common/contract.ts';
import { resolveCarePlan } from './care-plan.ts';
import { at, readingTrace } from './reading-trace.ts';
import {
  conditionStatus,
  evaluateClock,
  evaluateReading,
  leastSquaresSlope,
  type RuleEvaluation,
  startEvaluation,
} from './rule-evaluation.ts';
import { Rule, type RuleInput } from './rule-schema.ts';
import { CGM, METER, OXIMETER } from './test-ward.ts';

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

function ruleOf(templates: ('diabetes' | 'copd' | 'general_adult')[], id: string): Rule {
  const rule = resolveCarePlan({ patientId: 'p-001', templates }).find((r) => r.id === id);
  if (!rule) throw new Error(`test setup: no rule ${id}`);
  return rule;
}

/** Feeds readings in the order given; one line per transition: `02:10 fired (since 01:55)`. */
function transitions(rule: Rule, readings: Reading[], start?: RuleEvaluation): string[] {
  let state = start ?? startEvaluation(rule, Date.parse(readings[0]?.time ?? '2026-11-24T00:00:00Z'));
  const lines: string[] = [];
  for (const reading of readings) {
    const step = evaluateReading(rule, state, reading);
    state = step.state;
    const t = step.transition;
    if (t?.type === 'fired')
      lines.push(`${reading.time.slice(11, 16)} fired (since ${hhmm(t.episodeStart)})`);
    if (t?.type === 'cleared') lines.push(`${reading.time.slice(11, 16)} cleared`);
  }
  return lines;
}

const lowWithBand = Rule.parse({
  id: 'test.low_band',
  title: 'Low with a clear band',
  severity: 'warning',
  source: ['PROJECT'],
  kind: 'threshold',
  readings: { metrics: ['glucose'] },
  unit: 'mg/dL',
  direction: 'below',
  level: 70,
  clear: { level: 80 },
} satisfies RuleInput);

describe('the CGM level-1 low (diabetes.hypo_l1), readings every 5 minutes', () => {
  const hypo = ruleOf(['diabetes'], 'diabetes.hypo_l1');
  it.each([
    {
      behaviour: 'fires once the low has held 15 minutes, and not before',
      trace: `
        01:50  76
        01:55  69
        02:00  64
        02:05  60
        02:10  58
        02:15  57`,
      expected: ['02:10 fired (since 01:55)'],
    },
    {
      behaviour: 'starts the 15 minutes again when a reading in between is back at 70 or above',
      trace: `
        01:55  69
        02:00  64
        02:05  71
        02:10  66
        02:25  64`,
      expected: ['02:25 fired (since 02:10)'],
    },
    {
      behaviour: 'clears only after 15 minutes at or above 70',
      trace: `
        02:00  65
        02:15  61
        02:20  72
        02:25  75
        02:30  69
        02:35  72
        02:45  78
        02:50  81`,
      expected: ['02:15 fired (since 02:00)', '02:50 cleared'],
    },
    {
      behaviour: 'fires nothing on readings flagged unreliable, however low',
      trace: `
        02:00  45  sensor_fault
        02:05  45  sensor_fault
        02:10  45  calibrating
        02:15  45  temperature_out_of_range
        02:20  45  sensor_fault`,
      expected: [],
    },
    {
      behaviour: 'skips a flagged reading inside a run: it neither breaks nor extends it',
      trace: `
        02:00  65
        02:05  95  sensor_fault
        02:10  64
        02:15  63`,
      expected: ['02:15 fired (since 02:00)'],
    },
  ])('$behaviour', ({ trace, expected }) => {
    expect(transitions(hypo, readingTrace(CGM, trace))).toEqual(expected);
  });
});

describe('threshold rules', () => {
  it('hold a low between its level and its clear level (hysteresis): fires below 70, clears at 80', () => {
    const readings = readingTrace(
      CGM,
      `
      02:00  65
      02:05  75
      02:10  68
      02:15  79
      02:20  80
      02:25  79
      `,
    );
    expect(transitions(lowWithBand, readings)).toEqual(['02:00 fired (since 02:00)', '02:20 cleared']);
  });

  it('count consecutive readings, alone or with a duration (and / or)', () => {
    const countOnly = Rule.parse({ ...lowWithBand, sustain: { readings: 3 } });
    const both = Rule.parse({ ...lowWithBand, sustain: { readings: 3, minutes: 10, join: 'and' } });
    const either = Rule.parse({ ...lowWithBand, sustain: { readings: 3, minutes: 10, join: 'or' } });
    const readings = readingTrace(
      CGM,
      `
      02:00  65
      02:01  65
      02:02  65
      02:10  65
      `,
    );
    expect(transitions(countOnly, readings)).toEqual(['02:02 fired (since 02:00)']);
    expect(transitions(both, readings)).toEqual(['02:10 fired (since 02:00)']);
    expect(transitions(either, readings)).toEqual(['02:02 fired (since 02:00)']);
  });

  it('ignore duplicates, replays and readings older than the newest one evaluated', () => {
    const hypo = ruleOf(['diabetes'], 'diabetes.hypo_l1');
    const [r1, r2, r3, r4] = readingTrace(
      CGM,
      `
      02:00  65
      02:05  64
      02:10  63
      02:15  62
      `,
    );
    if (!r1 || !r2 || !r3 || !r4) throw new Error('test setup: four readings');
    // 02:07 arrives after 02:10 was evaluated: too late to break the run.
    const lateRecovery = readingTrace(CGM, '02:07  90');
    expect(transitions(hypo, [r1, r2, r2, r1, r3, ...lateRecovery, r3, r4, r4, r1])).toEqual([
      '02:15 fired (since 02:00)',
    ]);
    let state = startEvaluation(hypo, 0);
    for (const r of [r1, r2, r3]) state = evaluateReading(hypo, state, r).state;
    for (const r of [r1, r2, r3])
      expect(evaluateReading(hypo, state, r)).toEqual({ state, transition: null });
  });

  it('compare glucose exactly across units: 3.9 mmol/L is 70.26 mg/dL, so 70.1 mg/dL is low', () => {
    const [mmolRule] = resolveCarePlan({
      patientId: 'p-001',
      templates: ['diabetes'],
      overrides: { 'diabetes.meter_hypo_l1': { unit: 'mmol/L', level: 3.9, clear: { level: 3.9 } } },
    }).filter((r) => r.id === 'diabetes.meter_hypo_l1');
    if (!mmolRule) throw new Error('test setup: meter rule');
    expect(transitions(mmolRule, readingTrace(METER, '08:00  70.1'))).toEqual(['08:00 fired (since 08:00)']);
    expect(transitions(mmolRule, readingTrace(METER, '08:00  70.3'))).toEqual([]);
  });

  it('report the triggering reading and the episode start while firing', () => {
    const dip = ruleOf(['general_adult'], 'general.spo2_low');
    let state = startEvaluation(dip, 0);
    for (const r of readingTrace(OXIMETER, '10:00 90\n10:03 89\n10:05 88')) {
      state = evaluateReading(dip, state, r).state;
    }
    expect(conditionStatus(state)).toEqual({
      status: 'firing',
      episodeStart: '2026-11-24T10:00:00.000Z',
      trigger: {
        readingId: 'ox-1:spo2:2026-11-24T10:05:00.000Z',
        metric: 'spo2',
        value: 88,
        unit: '%',
        time: '2026-11-24T10:05:00.000Z',
      },
    });
  });
});

describe('rate-of-change rules', () => {
  const fall = ruleOf(['diabetes'], 'diabetes.rapid_fall');

  it('fire on a fall of 3 mg/dL/min below 100 mg/dL, with the slope in the trigger', () => {
    let state = startEvaluation(fall, 0);
    const lines: string[] = [];
    for (const r of readingTrace(CGM, '02:00 120\n02:05 105\n02:10 90\n02:15 75')) {
      const step = evaluateReading(fall, state, r);
      state = step.state;
      if (step.transition?.type === 'fired') {
        lines.push(`${r.time.slice(11, 16)} fired at ${step.transition.trigger?.ratePerMinute} mg/dL/min`);
      }
    }
    expect(lines).toEqual(['02:10 fired at -3 mg/dL/min']);
  });

  it('stay quiet on a slow fall of 1 mg/dL/min', () => {
    const readings = readingTrace(CGM, '02:00 99\n02:05 94\n02:10 89\n02:15 84\n02:20 79\n02:25 74');
    expect(transitions(fall, readings)).toEqual([]);
  });

  it('stay quiet on a fast fall while still above the 100 mg/dL gate', () => {
    const readings = readingTrace(CGM, '02:00 200\n02:05 185\n02:10 170\n02:15 155');
    expect(transitions(fall, readings)).toEqual([]);
  });

  it('need three readings spanning ten minutes before judging a trend', () => {
    const readings = readingTrace(CGM, '02:00 98\n02:01 93\n02:02 88\n02:03 83');
    expect(transitions(fall, readings)).toEqual([]);
  });

  it('clear once the fall slows below 1 mg/dL/min', () => {
    const readings = readingTrace(
      CGM,
      '02:00 99\n02:05 84\n02:10 69\n02:15 66\n02:20 66\n02:25 67\n02:30 68',
    );
    expect(transitions(fall, readings)).toEqual(['02:10 fired (since 02:10)', '02:25 cleared']);
  });

  it('use a least-squares slope over every reading in the window', () => {
    const points: [number, number][] = [
      [0, 100],
      [5 * 60_000, 92],
      [10 * 60_000, 88],
      [15 * 60_000, 79],
    ];
    // Endpoints alone would say (79 - 100) / 15 = -1.4; the fitted line says -1.34.
    expect(leastSquaresSlope(points)).toBeCloseTo(-1.34, 2);
  });
});

describe('no-data rules', () => {
  const stale = ruleOf(['diabetes'], 'diabetes.cgm_stale');

  function clockTransitions(state: RuleEvaluation, times: string[]): string[] {
    return times.flatMap((time) => {
      const step = evaluateClock(stale, state, at(time).getTime());
      state = step.state;
      return step.transition ? [`${time} ${step.transition.type}`] : [];
    });
  }

  it('fire when no reliable CGM reading came for more than 30 minutes, and clear when one comes', () => {
    let state = startEvaluation(stale, at('02:00').getTime());
    for (const r of readingTrace(CGM, '02:00 110\n02:05 108')) state = evaluateReading(stale, state, r).state;
    expect(clockTransitions(state, ['02:30', '02:35', '02:36'])).toEqual(['02:36 fired']);
  });

  it('do not count readings flagged unreliable as data', () => {
    let state = startEvaluation(stale, at('02:00').getTime());
    const readings = readingTrace(
      CGM,
      '02:00 110\n02:10 40 sensor_fault\n02:20 40 sensor_fault\n02:30 40 sensor_fault',
    );
    for (const r of readings) state = evaluateReading(stale, state, r).state;
    expect(clockTransitions(state, ['02:31'])).toEqual(['02:31 fired']);
    expect(state.kind === 'no_data' && state.lastUnreliable).toEqual({
      time: at('02:30').getTime(),
      flags: ['sensor_fault'],
    });
  });

  it('clear only with data newer than the silence window, not with late old readings', () => {
    let state = startEvaluation(stale, at('02:00').getTime());
    state = evaluateClock(stale, state, at('02:40').getTime()).state;
    expect(conditionStatus(state).status).toBe('firing');
    for (const r of readingTrace(CGM, '02:05 100')) state = evaluateReading(stale, state, r).state;
    expect(clockTransitions(state, ['02:41'])).toEqual([]);
    for (const r of readingTrace(CGM, '02:40 100')) state = evaluateReading(stale, state, r).state;
    expect(clockTransitions(state, ['02:42'])).toEqual(['02:42 cleared']);
  });
});
