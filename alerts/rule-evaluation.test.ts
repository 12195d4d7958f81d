import { describe, expect, it } from 'vitest';
import type { Reading } from '../common/contract.ts';
import { firedMessage } from './alert-messages.ts';
import { localInstant } from './calendar-days.ts';
import { resolveCarePlan } from './care-plan.ts';
import type { TemplateId } from './care-plan-templates.ts';
import { at, readingTrace, stamp, type TraceDevice } from './reading-trace.ts';
import {
  conditionStatus,
  considersReading,
  evaluateClock,
  evaluateReading,
  leastSquaresSlope,
  type RuleEvaluation,
  startEvaluation,
  windowAverage,
  windowChange,
} from './rule-evaluation.ts';
import { levelInUnit, Rule, type RuleInput } from './rule-schema.ts';
import { CGM, CUFF, METER, OXIMETER, SCALE, THERMOMETER } from './test-ward.ts';

function asKind<K extends Rule['kind']>(rule: Rule, kind: K): Extract<Rule, { kind: K }> {
  if (rule.kind !== kind) throw new Error(`${rule.id} is a ${rule.kind} rule, not ${kind}`);
  return rule as Extract<Rule, { kind: K }>;
}

function ruleOf(templates: TemplateId[], id: string): Rule {
  const rule = resolveCarePlan({ patientId: 'p-001', templates }).find((r) => r.id === id);
  if (!rule) throw new Error(`test setup: no rule ${id}`);
  return rule;
}

/**
 * Feeds readings in the order given; one line per transition: `02:10 fired (since 01:55)`.
 * Days are counted in `timeZone`.
 */
function transitions(rule: Rule, readings: Reading[], timeZone = 'UTC'): string[] {
  let state = startEvaluation(rule);
  const lines: string[] = [];
  for (const reading of readings) {
    const step = evaluateReading(rule, state, reading, timeZone);
    state = step.state;
    const t = step.transition;
    if (t?.type === 'fired') lines.push(`${stamp(reading.time)} fired (since ${stamp(t.episodeStart)})`);
    if (t?.type === 'cleared') lines.push(`${stamp(reading.time)} cleared`);
  }
  return lines;
}

const lowWithBand = Rule.parse({
  id: 'test.low_band',
  title: 'Low with a clear band',
  severity: 'warning',
  source: ['PROJECT'],
  kind: 'threshold',
  readings: { metrics: ['glucose'], glucoseSource: 'cgm' },
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
        02:15  62
        02:20  60
        02:25  64`,
      expected: ['02:25 fired (since 02:10)'],
    },
    {
      behaviour: 'clears only after 15 minutes at or above 70',
      trace: `
        02:00  65
        02:05  63
        02:10  62
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
    let state = startEvaluation(hypo);
    for (const r of [r1, r2, r3]) state = evaluateReading(hypo, state, r).state;
    for (const r of [r1, r2, r3])
      expect(evaluateReading(hypo, state, r)).toEqual({ state, transition: null });
  });

  it('compare a reading in its own unit, against the level as the guideline writes it there', () => {
    // The guidelines' pairs [K1][K3]: each template level, written in mmol/L.
    const glucoseLevels = Object.fromEntries(
      ['diabetes.hypo_l1', 'diabetes.hypo_l2', 'diabetes.hyper_l1', 'diabetes.hyper_l2'].map((id) => {
        const rule = asKind(ruleOf(['diabetes'], id), 'threshold');
        return [id, levelInUnit('glucose', rule.level, rule.unit, 'mmol/L')];
      }),
    );
    expect(glucoseLevels).toEqual({
      'diabetes.hypo_l1': 3.9,
      'diabetes.hypo_l2': 3,
      'diabetes.hyper_l1': 10,
      'diabetes.hyper_l2': 13.9,
    });
    const mmol: TraceDevice = { ...CGM, unit: 'mmol/L' };
    const every5 = (from: number, count: number, value: string) =>
      Array.from(
        { length: count },
        (_, i) => `${stamp(at('10:00').getTime() + (from + 5 * i) * 60_000)}  ${value}`,
      ).join('\n');
    // 13.9 mmol/L held 70 minutes is at the guideline's "above 13.9 mmol/L (250 mg/dL)", not
    // above it, although 13.9 x 18.0156 = 250.4 mg/dL; 14.0 is above.
    const hyper = ruleOf(['diabetes'], 'diabetes.hyper_l2');
    expect(transitions(hyper, readingTrace(mmol, every5(0, 15, '13.9')))).toEqual([]);
    expect(transitions(hyper, readingTrace(mmol, every5(0, 15, '14.0')))).toEqual([
      '11:00 fired (since 10:00)',
    ]);
    // 3.9 mmol/L is the guideline's 70 mg/dL: not below it; 3.8 is.
    const hypo = ruleOf(['diabetes'], 'diabetes.hypo_l1');
    expect(transitions(hypo, readingTrace(mmol, every5(0, 5, '3.9')))).toEqual([]);
    expect(transitions(hypo, readingTrace(mmol, every5(0, 5, '3.8')))).toEqual(['10:15 fired (since 10:00)']);
    // A doctor's level in mmol/L, for a meter that reads mg/dL: 3.9 mmol/L is 70 mg/dL.
    const [mmolRule] = resolveCarePlan({
      patientId: 'p-001',
      templates: ['diabetes'],
      overrides: { 'diabetes.meter_hypo_l1': { unit: 'mmol/L', level: 3.9, clear: { level: 3.9 } } },
    }).filter((r) => r.id === 'diabetes.meter_hypo_l1');
    if (!mmolRule) throw new Error('test setup: meter rule');
    expect(transitions(mmolRule, readingTrace(METER, '08:00  70.1'))).toEqual([]);
    expect(transitions(mmolRule, readingTrace(METER, '08:00  69'))).toEqual(['08:00 fired (since 08:00)']);
    // A level written more finely than the guidelines write mmol/L is compared exactly:
    // 3.85 mmol/L is 69.36 mg/dL, so a meter's 69 mg/dL is below it.
    const [finer] = resolveCarePlan({
      patientId: 'p-001',
      templates: ['diabetes'],
      overrides: { 'diabetes.meter_hypo_l1': { unit: 'mmol/L', level: 3.85, clear: { level: 3.9 } } },
    }).filter((r) => r.id === 'diabetes.meter_hypo_l1');
    if (!finer) throw new Error('test setup: meter rule');
    expect(transitions(finer, readingTrace(METER, '08:00  69'))).toEqual(['08:00 fired (since 08:00)']);
  });

  it('report the triggering reading and the episode start while firing', () => {
    const dip = ruleOf(['general_adult'], 'general.spo2_low');
    let state = startEvaluation(dip);
    for (const r of readingTrace(OXIMETER, '10:00 90\n10:02 89\n10:04 89\n10:05 88')) {
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
    let state = startEvaluation(fall);
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

  function fed(readings: Reading[]): RuleEvaluation {
    let state = startEvaluation(stale);
    for (const r of readings) state = evaluateReading(stale, state, r).state;
    return state;
  }

  it('fire when no reliable CGM reading came for more than 30 minutes, and clear when one comes', () => {
    const state = fed(readingTrace(CGM, '02:00 110\n02:05 108'));
    expect(clockTransitions(state, ['02:30', '02:35', '02:36'])).toEqual(['02:36 fired']);
  });

  it('watch nothing until the source has sent a reading: no CGM, no stale-CGM alert, ever', () => {
    const state = startEvaluation(stale);
    expect(clockTransitions(state, ['02:31', '2026-11-25 02:00', '2026-11-30 02:00'])).toEqual([]);
  });

  it('do not count readings flagged unreliable as data, but do count them as a device that is there', () => {
    const state = fed(
      readingTrace(CGM, '02:00 110\n02:10 40 sensor_fault\n02:20 40 sensor_fault\n02:30 40 sensor_fault'),
    );
    expect(clockTransitions(state, ['02:31'])).toEqual(['02:31 fired']);
    expect(state.kind === 'no_data' && state.lastUnreliable).toEqual({
      time: at('02:30').getTime(),
      since: at('02:10').getTime(),
      flags: ['sensor_fault'],
      deviceId: 'cgm-1',
    });
    const onlyFlagged = fed(readingTrace(CGM, '02:00 40 calibrating\n02:10 40 calibrating'));
    expect(clockTransitions(onlyFlagged, ['02:30', '02:31'])).toEqual(['02:31 fired']);
  });

  it('clear only with data newer than the silence window, not with late old readings', () => {
    let state = fed(readingTrace(CGM, '02:00 100'));
    state = evaluateClock(stale, state, at('02:40').getTime()).state;
    expect(conditionStatus(state).status).toBe('firing');
    for (const r of readingTrace(CGM, '02:05 100')) state = evaluateReading(stale, state, r).state;
    expect(clockTransitions(state, ['02:41'])).toEqual([]);
    for (const r of readingTrace(CGM, '02:40 100')) state = evaluateReading(stale, state, r).state;
    expect(clockTransitions(state, ['02:42'])).toEqual(['02:42 cleared']);
  });
});

describe('a measurement schedule (hypertension.bp_schedule, prescribed)', () => {
  const [schedule] = resolveCarePlan({
    patientId: 'p-001',
    templates: ['hypertension'],
    overrides: { 'hypertension.bp_schedule': { enabled: true } },
  }).filter((r) => r.id === 'hypertension.bp_schedule');
  if (!schedule) throw new Error('test setup: schedule rule');
  const zone = 'Asia/Karachi'; // 07:00 there is 02:00 UTC, 19:00 is 14:00 UTC
  /** The clock at each time (UTC on the trace day), after the cuff readings taken by then. */
  function run(trace: string, times: string[]): string[] {
    let state = startEvaluation(schedule as Rule);
    const readings = trace ? readingTrace(CUFF, trace) : [];
    return times.flatMap((time) => {
      const now = at(time).getTime();
      const lines: string[] = [];
      for (const r of readings.filter((r) => Date.parse(r.time) <= now)) {
        const step = evaluateReading(schedule as Rule, state, r, zone);
        state = step.state;
        if (step.transition) lines.push(`${time} ${step.transition.type}`);
      }
      const step = evaluateClock(schedule as Rule, state, now, zone);
      state = step.state;
      return step.transition ? [...lines, `${time} ${step.transition.type}`] : lines;
    });
  }

  it('tells the nurse when a prescribed time passes without a reading, and clears with the next', () => {
    // Measured at 07:10 in Karachi, not at 19:00: missed once the window closes at 21:00.
    expect(run('02:10 142/90', ['15:59', '16:00', '16:30'])).toEqual(['16:00 fired']);
    expect(run('02:10 142/90\n16:30 150/95', ['16:00', '16:31'])).toEqual(['16:00 fired', '16:31 cleared']);
  });

  it('counts a reading from an hour before the time, and watches only a cuff that has sent one', () => {
    expect(run('13:05 142/90', ['16:00', '17:00'])).toEqual([]);
    expect(run('', ['16:00', '23:00'])).toEqual([]);
  });

  it('finds the prescribed instant on the clinic clock, also on a day the clocks change', () => {
    expect(new Date(localInstant('2026-11-24', 7 * 60, 'Asia/Karachi')).toISOString()).toBe(
      '2026-11-24T02:00:00.000Z',
    );
    // London goes back from BST to GMT at 02:00 on 25 Oct 2026: 07:00 that day is 07:00 UTC.
    expect(new Date(localInstant('2026-10-25', 7 * 60, 'Europe/London')).toISOString()).toBe(
      '2026-10-25T07:00:00.000Z',
    );
    expect(new Date(localInstant('2026-10-24', 7 * 60, 'Europe/London')).toISOString()).toBe(
      '2026-10-24T06:00:00.000Z',
    );
    const instant = (day: string, time: string, zone: string) => {
      const [h = 0, m = 0] = time.split(':').map(Number);
      return new Date(localInstant(day, h * 60 + m, zone)).toISOString();
    };
    // A repeated hour (clocks back): the first of the two.
    expect(instant('2026-10-25', '01:30', 'Europe/London')).toBe('2026-10-25T00:30:00.000Z');
    // A skipped hour (clocks forward): the same minutes after the jump, everywhere alike.
    expect(instant('2026-03-29', '01:30', 'Europe/London')).toBe('2026-03-29T01:30:00.000Z'); // 02:30 BST
    expect(instant('2026-03-08', '02:30', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z'); // 03:30 EDT
    expect(instant('2025-09-07', '00:30', 'America/Santiago')).toBe('2025-09-07T04:30:00.000Z'); // 01:30 -03
  });

  it('refuses a schedule whose windows overlap', () => {
    expect(() =>
      resolveCarePlan({
        patientId: 'p-001',
        templates: ['hypertension'],
        overrides: { 'hypertension.bp_schedule': { times: ['07:00', '08:00'] } },
      }),
    ).toThrow(
      /hypertension\.bp_schedule: lateMinutes: a time's window \(60 min before to 120 min after\) must end before the next time's begins \(60 min apart\)/,
    );
  });
});

describe('monitoring interrupted (general.spo2_unmonitored)', () => {
  const faults = ruleOf(['copd'], 'general.spo2_unmonitored');
  /** The clock at each time, after the readings taken by then; one line per transition. */
  function run(trace: string, times: string[]): string[] {
    let state = startEvaluation(faults);
    const readings = readingTrace(OXIMETER, trace);
    return times.flatMap((time) => {
      const now = at(time).getTime();
      for (const r of readings.filter((r) => Date.parse(r.time) <= now)) {
        state = evaluateReading(faults, state, r).state;
      }
      const step = evaluateClock(faults, state, now);
      state = step.state;
      return step.transition ? [`${time} ${step.transition.type}`] : [];
    });
  }
  const flaggedEveryMinute = (from: number, to: number) =>
    Array.from(
      { length: to - from + 1 },
      (_, i) => `10:${String(from + i).padStart(2, '0')} 84 signal_fault`,
    );

  it('fires when an oximeter sends only flagged readings for 15 min, and names the device and the fault', () => {
    const trace = ['09:58 93', ...flaggedEveryMinute(0, 30)].join('\n');
    expect(run(trace, ['10:14', '10:15', '10:30'])).toEqual(['10:15 fired']);
    let state = startEvaluation(faults);
    for (const r of readingTrace(OXIMETER, trace)) state = evaluateReading(faults, state, r).state;
    const step = evaluateClock(faults, state, at('10:30').getTime());
    expect(step.transition).toMatchObject({ type: 'fired', episodeStart: at('10:00').getTime() });
    expect(
      firedMessage(faults, { start: at('10:00').getTime(), trigger: null }, step.state, 'Asia/Karachi'),
    ).toBe(
      'SpO2 cannot be monitored: ox-1 reports signal_fault since 24 Nov, 15:00 GMT+5, and no reliable SpO2 reading since.',
    );
  });

  it('clears on a reliable reading, or once the device stops sending (put away)', () => {
    const fault = flaggedEveryMinute(0, 20);
    expect(run([...fault, '10:21 95'].join('\n'), ['10:20', '10:22'])).toEqual([
      '10:20 fired',
      '10:22 cleared',
    ]);
    expect(run(fault.join('\n'), ['10:20', '10:35', '10:36'])).toEqual(['10:20 fired', '10:36 cleared']);
  });

  it('fires nothing for a few flagged readings between reliable ones, nor for a device that is silent', () => {
    const movement = ['10:00 95', '10:01 80 signal_fault', '10:02 96', '10:10 80 signal_fault', '10:11 96'];
    expect(run(movement.join('\n'), ['10:30', '11:00'])).toEqual([]);
    expect(run('10:00 95', ['10:30', '12:00'])).toEqual([]);
  });
});

describe('sustained conditions need continuous readings', () => {
  it('do not join two CGM readings 12 h apart into "held for 1 h" or "3 h"', () => {
    const readings = readingTrace(CGM, '08:00 260\n20:00 262');
    expect(transitions(ruleOf(['diabetes'], 'diabetes.hyper_l1'), readings)).toEqual([]);
    expect(transitions(ruleOf(['diabetes'], 'diabetes.hyper_l2'), readings)).toEqual([]);
  });

  it('keep a CGM run through gaps of up to 20 min, not longer', () => {
    const hypo = ruleOf(['diabetes'], 'diabetes.hypo_l1');
    expect(transitions(hypo, readingTrace(CGM, '02:00 65\n02:20 64'))).toEqual(['02:20 fired (since 02:00)']);
    expect(transitions(hypo, readingTrace(CGM, '02:00 65\n02:25 64\n02:30 63\n02:35 62'))).toEqual([]);
  });

  it('alert on a CGM losing packets whose every reading over an hour is low, 15 min apart', () => {
    const trace = readingTrace(CGM, '02:00 58\n02:15 58\n02:30 58\n02:45 58\n03:00 58');
    expect(transitions(ruleOf(['diabetes'], 'diabetes.hypo_l1'), trace)).toEqual([
      '02:15 fired (since 02:00)',
    ]);
    const severe = readingTrace(CGM, '02:00 50\n02:15 50');
    expect(transitions(ruleOf(['diabetes'], 'diabetes.hypo_l2'), severe)).toEqual([
      '02:15 fired (since 02:00)',
    ]);
  });

  it('do not make a critical low of two SpO2 spot checks minutes apart; a continuous 5 min does', () => {
    const dip = ruleOf(['general_adult'], 'general.spo2_low');
    expect(transitions(dip, readingTrace(OXIMETER, '10:00 90\n10:06 89'))).toEqual([]);
    const continuous = readingTrace(OXIMETER, '10:00 90\n10:01 89\n10:02 90\n10:03 89\n10:04 90\n10:05 89');
    expect(transitions(dip, continuous)).toEqual(['10:05 fired (since 10:00)']);
  });

  it('keep high-glucose rules to the CGM: meter tests neither start nor extend a run', () => {
    const hyper = ruleOf(['diabetes'], 'diabetes.hyper_l2');
    const meter = readingTrace(METER, '08:00 300');
    expect(meter.some((r) => considersReading(hyper, r))).toBe(false);
    const cgm = readingTrace(CGM, '08:00 300');
    expect(cgm.every((r) => considersReading(hyper, r))).toBe(true);
  });

  it('refuse a sustained rule on readings without a regular interval unless it says the longest gap', () => {
    const sustainedMeter = (sustain: object) =>
      resolveCarePlan({
        patientId: 'p-001',
        templates: ['diabetes'],
        overrides: { 'diabetes.meter_hypo_l1': { sustain } },
      }).find((r) => r.id === 'diabetes.meter_hypo_l1');
    expect(() => sustainedMeter({ readings: 2 })).toThrow(
      /diabetes\.meter_hypo_l1: sustain\.maxGapMinutes: meter glucose readings have no regular interval/,
    );
    const twoTests = sustainedMeter({ readings: 2, maxGapMinutes: 60 });
    if (!twoTests) throw new Error('test setup: meter rule');
    expect(transitions(twoTests, readingTrace(METER, '08:00 65\n08:30 66'))).toEqual([
      '08:30 fired (since 08:00)',
    ]);
    expect(transitions(twoTests, readingTrace(METER, '08:00 65\n20:00 66'))).toEqual([]);
  });
});

describe('CGM level 2 low (below 54 mg/dL)', () => {
  const l2 = ruleOf(['diabetes'], 'diabetes.hypo_l2');

  it.each([
    {
      behaviour: 'fires on the second consecutive reading below 54, not 15 min later',
      trace: '02:00 53\n02:05 52\n02:10 50\n02:15 49',
      expected: ['02:05 fired (since 02:00)'],
    },
    {
      behaviour: 'does not fire on one reading below 54 followed by a normal one, nor join it to a later low',
      trace: '02:00 45\n02:05 60\n02:10 53',
      expected: [],
    },
    {
      behaviour: 'does not join two readings below 54 with 25 min of nothing between',
      trace: '02:00 53\n02:25 52',
      expected: [],
    },
    {
      behaviour: 'clears only after 15 min at or above 54, not on the first normal reading',
      trace: '02:00 53\n02:05 50\n02:10 56\n02:15 54\n02:20 58\n02:25 62',
      expected: ['02:05 fired (since 02:00)', '02:25 cleared'],
    },
  ])('$behaviour', ({ trace, expected }) => {
    expect(transitions(l2, readingTrace(CGM, trace))).toEqual(expected);
  });
});

describe('the general SpO2 warning (NEWS2 score 2, 92-93 %)', () => {
  const warning = ruleOf(['general_adult'], 'general.spo2_moderately_low');
  const minutes = (from: number, to: number, value: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `10:${String(from + i).padStart(2, '0')} ${value}`).join(
      '\n',
    );

  it('fires after 15 min at 93 %, stays through 94-95 % and clears at 96 %', () => {
    const readings = readingTrace(
      OXIMETER,
      [minutes(0, 15, 93), minutes(16, 30, 95), minutes(31, 32, 96)].join('\n'),
    );
    expect(transitions(warning, readings)).toEqual(['10:15 fired (since 10:00)', '10:31 cleared']);
  });

  it('is not part of the COPD plan, whose target is 88-92 % (NEWS2 Scale 2)', () => {
    const copd = resolveCarePlan({ patientId: 'p-001', templates: ['copd'] }).map((r) => r.id);
    expect(copd).not.toContain('general.spo2_moderately_low');
    expect(copd).not.toContain('general.spo2_low');
  });
});

/** The severe blood-pressure rule without its confirmation: one reading decides. */
const bpHigh = Rule.parse({ ...ruleOf(['hypertension'], 'hypertension.severe'), sustain: undefined });

/** The state after feeding the readings in order. */
function stateAfter(rule: Rule, readings: Reading[]): RuleEvaluation {
  let state = startEvaluation(rule);
  for (const r of readings) state = evaluateReading(rule, state, r).state;
  return state;
}

describe('blood pressure rules compare the parts they name', () => {
  it('fire once when any named part crosses, and clear only when every part is back', () => {
    // 112 diastolic fires; 185/115 while firing is the same alert; 158/100 is not back (100 > 99).
    const readings = readingTrace(CUFF, '08:00 170/112\n08:10 185/115\n08:20 158/100\n08:30 158/98');
    expect(transitions(bpHigh, readings)).toEqual(['08:00 fired (since 08:00)', '08:30 cleared']);
  });

  it('compare kPa readings in mm[Hg], exactly: 24 kPa is 180.01 mm[Hg], 23.99 kPa is 179.94', () => {
    const kPa = { ...CUFF, unit: 'kPa' } as const;
    expect(transitions(bpHigh, readingTrace(kPa, '08:00  23.99/14.6'))).toEqual([]);
    expect(transitions(bpHigh, readingTrace(kPa, '08:00  24/14.6'))).toEqual(['08:00 fired (since 08:00)']);
    expect(transitions(bpHigh, readingTrace(kPa, '08:00  20/14.7'))).toEqual(['08:00 fired (since 08:00)']);
  });

  it('let a reading without the mean the rule names decide only on its other parts', () => {
    const withMean = Rule.parse({
      ...bpHigh,
      level: { systolic: 180, mean: 130 },
      clear: { level: { systolic: 159, mean: 110 } },
    });
    const readings = readingTrace(
      CUFF,
      `
      08:00  150/90
      08:10  185/100
      08:20  150/90
      08:30  150/90/105
      `,
    );
    expect(transitions(withMean, readings)).toEqual(['08:10 fired (since 08:10)', '08:30 cleared']);
  });
});

describe('temperature in [degF] is compared in Cel', () => {
  const fever = ruleOf(['general_adult'], 'general.temperature_high');
  const fahrenheit = { ...THERMOMETER, unit: '[degF]' } as const;

  it.each([
    ['102.3 [degF] (39.06 Cel, NEWS2 score 1)', '102.3', []],
    ['102.38 [degF] (exactly 39.1 Cel)', '102.38', ['18:00 fired (since 18:00)']],
    ['102.4 [degF] (39.11 Cel)', '102.4', ['18:00 fired (since 18:00)']],
  ])('%s', (_case, value, expected) => {
    expect(transitions(fever, readingTrace(fahrenheit, `18:00  ${value}`))).toEqual(expected);
  });
});

describe('average rules', () => {
  const week = ruleOf(['hypertension'], 'hypertension.home_mean_high');
  /** A shorter window on the systolic alone: fires at a mean of 135, clears at 130. */
  const systolicMean = (windowDays: number, minReadings: number, minDays: number) =>
    Rule.parse({
      ...week,
      ...{ windowDays, minReadings, minDays },
      level: { systolic: 135 },
      clear: { level: { systolic: 130 } },
    });
  /** `count` readings a day from 07:00, two minutes apart, on the days given. */
  const daily = (days: string[], count: number, value: string) =>
    days.flatMap((day) =>
      Array.from({ length: count }, (_, i) => `${day} 07:${String(2 * i).padStart(2, '0')} ${value}`),
    );

  it('never decide a week from one morning, however many readings it has', () => {
    const morning = readingTrace(CUFF, daily(['2026-11-24'], 12, '170/105').join('\n'));
    expect(transitions(week, morning)).toEqual([]);
  });

  it('wait for 12 readings on 4 days, then fire on the mean of either part (diastolic 86 of a 7-day mean)', () => {
    const days = ['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'];
    const readings = readingTrace(CUFF, daily(days, 3, '130/86').join('\n'));
    expect(transitions(week, readings)).toEqual(['2026-11-27 07:04 fired (since 2026-11-27 07:04)']);
    expect(transitions(week, readings.slice(0, 9))).toEqual([]);
  });

  it('hold between the level and the clear level (hysteresis), then clear', () => {
    const short = systolicMean(3, 3, 2);
    const days = '07:00 140/80\n07:02 140/80\n2026-11-25 07:00 140/80\n2026-11-25 07:02 125/80';
    const readings = readingTrace(CUFF, `${days}\n2026-11-26 07:00 120/80\n2026-11-26 07:02 110/80`);
    // Means: 140 (fires), 136.25, 133 (neither), 129.17 (clears).
    expect(transitions(short, readings)).toEqual([
      '2026-11-25 07:00 fired (since 2026-11-25 07:00)',
      '2026-11-26 07:02 cleared',
    ]);
  });

  it("count the days in the clinic's time zone: 23:00 and 01:00 in Karachi are two days, one in UTC", () => {
    const twoDays = Rule.parse({ ...week, minReadings: 2, minDays: 2 });
    const readings = readingTrace(CUFF, '18:00  150/95\n20:00  150/95');
    expect(transitions(twoDays, readings)).toEqual([]);
    expect(transitions(twoDays, readings, 'Asia/Karachi')).toEqual(['20:00 fired (since 20:00)']);
  });

  it('judge the mean again on the clock when a day leaves the window, and change nothing otherwise', () => {
    const twoDayMean = systolicMean(2, 2, 1);
    const state = stateAfter(
      twoDayMean,
      readingTrace(CUFF, '07:00 160/90\n2026-11-25 07:00 150/90\n2026-11-25 08:00 110/70'),
    );
    expect(conditionStatus(state).status).toBe('firing');
    const lateEvening = evaluateClock(twoDayMean, state, at('2026-11-25 23:59').getTime());
    expect(lateEvening).toEqual({ state, transition: null });
    expect(lateEvening.state).toBe(state);
    // The 24th leaves the window at midnight: the mean of 150 and 110 is 130.
    const midnight = evaluateClock(twoDayMean, state, at('2026-11-26 00:00').getTime());
    expect(midnight.transition).toEqual({
      type: 'cleared',
      at: at('2026-11-26 00:00').getTime(),
      reading: null,
    });
  });

  it('give the screens the mean the rule decides on: calendar days up to today, in the clinic zone', () => {
    const days = ['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'];
    const readings = readingTrace(CUFF, [...daily(days, 3, '130/86'), '2026-11-27 21:00 150/96'].join('\n'));
    // On the 27th: 13 readings on 4 days. A week later the 24th-26th have left the window.
    expect(windowAverage(asKind(week, 'average'), readings, at('2026-11-27 22:00').getTime(), 'UTC')).toEqual(
      {
        level: { systolic: (12 * 130 + 150) / 13, diastolic: (12 * 86 + 96) / 13 },
        unit: 'mm[Hg]',
        readings: 13,
        days: 4,
      },
    );
    expect(
      windowAverage(asKind(week, 'average'), readings, at('2026-12-03 09:00').getTime(), 'UTC'),
    ).toMatchObject({
      readings: 4,
      days: 1,
    });
    expect(
      windowAverage(asKind(week, 'average'), readings, at('2026-12-04 09:00').getTime(), 'UTC'),
    ).toBeUndefined();
  });

  it('report the mean of the window in the trigger', () => {
    const days = ['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'];
    const status = conditionStatus(stateAfter(week, readingTrace(CUFF, daily(days, 3, '130/86').join('\n'))));
    expect(status.status === 'firing' && status.trigger?.mean).toEqual({
      level: { systolic: 130, diastolic: 86 },
      unit: 'mm[Hg]',
      readings: 12,
      days: 4,
    });
  });
});

describe('change rules: weight gained within 3 days (heart.weight_gain)', () => {
  const gain = ruleOf(['heart_failure'], 'heart.weight_gain');
  /** One weighing each morning at 07:00 from the 24th. */
  const mornings = (...kg: number[]) =>
    kg.map((value, i) => `${stamp(at('07:00').getTime() + i * 86_400_000)} ${value}`).join('\n');

  it.each([
    {
      behaviour: 'fires on 2.2 kg gained in 3 days once the next morning confirms it',
      trace: mornings(80, 80.7, 81.4, 82.2, 82.3),
      expected: ['2026-11-28 07:00 fired (since 2026-11-27 07:00)'],
    },
    {
      behaviour: 'does not fire on 1.5 kg gained',
      trace: mornings(80, 80.5, 81, 81.5, 81.5),
      expected: [],
    },
    {
      behaviour: 'does not fire on one reading that jumps back the next morning',
      trace: mornings(80, 80.1, 82.4, 80.2, 80.1),
      expected: [],
    },
    {
      behaviour: 'does not take a lone low reading that jumps back as the baseline',
      trace: mornings(80, 80.1, 77.8, 80.1, 80.2),
      expected: [],
    },
    {
      behaviour: 'does not join two gains more than 36 h apart into a confirmation',
      trace: '07:00 80\n2026-11-25 07:00 82.3\n2026-11-26 21:00 82.4',
      expected: [],
    },
    {
      behaviour: 'clears once a weighing is back within 1 kg of the weight it rose from, however long after',
      trace: mornings(80, 80.7, 81.4, 82.2, 82.3, 82.6, 82.4, 82.1, 81.5, 81),
      expected: ['2026-11-28 07:00 fired (since 2026-11-27 07:00)', '2026-12-03 07:00 cleared'],
    },
  ])('$behaviour', ({ trace, expected }) => {
    expect(transitions(gain, readingTrace(SCALE, trace))).toEqual(expected);
  });

  it('compare a scale in [lb_av] in kg: 181.3 lb is 82.24 kg, 2.22 kg above 176.4 lb (80.01 kg)', () => {
    const pounds = readingTrace({ ...SCALE, unit: '[lb_av]' }, mornings(176.4, 178, 179.5, 181.3, 181.4));
    expect(transitions(gain, pounds)).toEqual(['2026-11-28 07:00 fired (since 2026-11-27 07:00)']);
  });

  it('watch the part they name: a diastolic rise is measured and told in the diastolic', () => {
    const diastolicRise = Rule.parse({
      id: 'test.diastolic_rise',
      title: 'Diastolic rising',
      severity: 'info',
      kind: 'change',
      readings: { metrics: ['blood_pressure'] },
      unit: 'mm[Hg]',
      part: 'diastolic',
      direction: 'rising',
      by: 10,
      windowDays: 3,
      sustain: { readings: 2, maxGapMinutes: 36 * 60 },
      clear: { by: 5 },
      source: ['PROJECT'],
    });
    // The systolic falls while the diastolic climbs 80 -> 95: the diastolic's rise fires.
    const trace = readingTrace(CUFF, '07:00 150/80\n2026-11-25 07:00 140/92\n2026-11-26 07:00 130/95');
    const state = stateAfter(diastolicRise, trace);
    const status = conditionStatus(state);
    if (status.status !== 'firing' || !status.trigger) throw new Error('not firing');
    expect(status.trigger).toMatchObject({ baseline: { value: 80, unit: 'mm[Hg]', part: 'diastolic' } });
    const message = firedMessage(diastolicRise, { start: 0, trigger: status.trigger }, state, 'UTC');
    expect(message).toContain(
      '130/95 mmHg at 26 Nov, 07:00 UTC, diastolic 15 mmHg above the baseline 80 mmHg',
    );
  });

  it.each([
    [
      'a gain from the lowest of the 3 days before',
      mornings(80, 80.7, 81.4, 82.2, 82.3),
      { latest: 82.3, baseline: 80.7 },
    ],
    [
      'not from a lone low reading that jumped back',
      mornings(80, 80.1, 77.8, 80.1, 80.2),
      { latest: 80.2, baseline: 80.1 },
    ],
  ])('give the screens the change the rule sees: %s', (_what, trace, expected) => {
    const change = windowChange(asKind(gain, 'change'), readingTrace(SCALE, trace), 'UTC');
    expect(change).toMatchObject(expected);
    expect(change?.change).toBeCloseTo(expected.latest - expected.baseline, 9);
  });

  it('report the baseline, in the rule unit, in the trigger', () => {
    const status = conditionStatus(
      stateAfter(gain, readingTrace(SCALE, mornings(80, 80.7, 81.4, 82.2, 82.3))),
    );
    expect(status.status === 'firing' && status.trigger).toMatchObject({
      value: 82.3,
      unit: 'kg',
      baseline: { value: 80, unit: 'kg' },
    });
  });
});
