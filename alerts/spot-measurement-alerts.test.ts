import { describe, expect, it } from 'vitest';
import type { AlertEmission } from './alert-lifecycle.ts';
import { replayFrom, setCarePlan } from './alerts-engine.ts';
import type { CarePlanInput } from './care-plan.ts';
import { at, readingTrace, stamp } from './reading-trace.ts';
import { CUFF, SCALE, THERMOMETER } from './test-ward.ts';
import { acknowledgeRule, line, type Run, wardLog, withRestart } from './ward-simulation.ts';

const MINUTE = 60_000;

const hypertension: CarePlanInput = { patientId: 'p-001', templates: ['hypertension'] };
const heartFailure: CarePlanInput = { patientId: 'p-001', templates: ['heart_failure'] };
const general: CarePlanInput = { patientId: 'p-001', templates: ['general_adult'] };

const lines = (run: Run) => run.emissions.map((e) => line(e));
const ids = (emissions: readonly AlertEmission[]) => emissions.map((e) => e.event.eventId);

/** A server restart after `restartAfter` neither repeats nor loses an event: the same lines, the same ids. */
function expectSameWithRestart(
  plan: CarePlanInput,
  run: Parameters<typeof withRestart>[1],
  restartAfter: string,
  uninterrupted: Run,
): void {
  const all = withRestart(plan, run, restartAfter);
  expect(all.map((e) => line(e))).toEqual(lines(uninterrupted));
  expect(ids(all)).toEqual(ids(uninterrupted.emissions));
}

describe('a week of home blood pressure (hypertension)', () => {
  // Three readings on the first morning, then mornings and evenings: means 142/89 by the 27th.
  const week = readingTrace(
    CUFF,
    `
    07:00  152/96
    07:02  150/95
    07:04  151/94
    21:00  138/88
    2026-11-25 07:00  142/89
    2026-11-25 07:02  140/88
    2026-11-25 21:00  136/86
    2026-11-26 07:00  141/88
    2026-11-26 07:02  139/87
    2026-11-26 21:00  137/86
    2026-11-27 07:00  140/88
    2026-11-27 07:02  138/87
    2026-11-27 21:00  136/85
    2026-11-28 07:00  139/86
    `,
  );
  const wholeWeek = { from: '06:55', to: '2026-11-28 22:00', readings: week };
  const uninterrupted = wardLog(hypertension, wholeWeek);

  it('alerts nobody on a first morning of three high readings alone', () => {
    const morning = wardLog(hypertension, { ...wholeWeek, to: '12:00' });
    expect(morning.emissions).toEqual([]);
  });

  it('shows the 7-day mean above 135/85 once, for review, when 12 readings on 4 days say so', () => {
    expect(lines(uninterrupted)).toEqual(['2026-11-27 07:02 fired hypertension.home_mean_high 138 mm[Hg]']);
    expect(uninterrupted.emissions[0]?.event.message).toBe(
      'Home blood pressure above target, for review: 138/87 mmHg at 27 Nov, 07:02 UTC ' +
        '(mean 142/89.33 mmHg of 12 readings on 4 days); condition since 27 Nov, 07:02 UTC. ' +
        'Rule: blood pressure 7-day mean at or above 135/85 mmHg (either part; at least 12 readings on 4 days); ' +
        'clears at 130/80 mmHg or below (both parts).',
    );
  });

  it.each(['2026-11-26 22:00', '2026-11-27 12:00'])(
    'gives the same alert, with the same id and never twice, when the server restarts after %s (a replay of 7 days)',
    (restartAfter) => expectSameWithRestart(hypertension, wholeWeek, restartAfter, uninterrupted),
  );
});

describe('a home blood pressure that comes down', () => {
  // Four days at 145/92 (three readings a day), then six at 118/74 (two a day).
  const days = Array.from({ length: 10 }, (_, day) =>
    (day < 4 ? ['07:00 145/92', '07:02 145/92', '21:00 145/92'] : ['07:00 118/74', '21:00 118/74']).map(
      (row) => `${stamp(at(row.slice(0, 5)).getTime() + day * 86_400_000)} ${row.slice(6)}`,
    ),
  );
  const readings = readingTrace(CUFF, days.flat().join('\n'));
  const tenDays = { from: '06:55', to: '2026-12-03 22:00', readings };
  const uninterrupted = wardLog(hypertension, tenDays);

  it('resolves on the clock, once the high days have left the 7-day window', () => {
    expect(lines(uninterrupted)).toEqual([
      '2026-11-27 21:00 fired hypertension.home_mean_high 145 mm[Hg]',
      // With the 26th in the window the diastolic mean stays above 80 (81.2 on the 2nd); at
      // midnight it leaves, and the mean of the 27th to the 3rd is 124.23/78.15.
      '2026-12-03 00:00 resolved hypertension.home_mean_high',
    ]);
  });

  it.each(['2026-11-30 12:00', '2026-12-03 12:00'])(
    'neither repeats nor loses it when the server restarts after %s',
    (restartAfter) => expectSameWithRestart(hypertension, tenDays, restartAfter, uninterrupted),
  );
});

describe('a doctor lowering the home target', () => {
  it('judges the days already measured against the new level, at the next reading', () => {
    // 12 readings on four days at 132/82, below 135/85: nothing. The doctor lowers the target
    // to 130/80 on the 27th at 21:10; the window is kept, so the next reading decides (a new
    // window would need 12 readings on 4 days again).
    const days = ['07:00', '2026-11-25 07:00', '2026-11-26 07:00', '2026-11-27 07:00'].flatMap((morning) => [
      `${morning} 132/82`,
      `${stamp(at(morning).getTime() + 2 * MINUTE)} 132/82`,
      `${stamp(at(morning).getTime() + 14 * 60 * MINUTE)} 132/82`,
    ]);
    const readings = readingTrace(CUFF, [...days, '2026-11-27 21:30 131/81'].join('\n'));
    const lowered = {
      ...hypertension,
      overrides: {
        'hypertension.home_mean_high': {
          level: { systolic: 130, diastolic: 80 },
          clear: { level: { systolic: 125, diastolic: 75 } },
        },
      },
    };
    const run = wardLog(hypertension, {
      from: '06:55',
      to: '2026-11-27 22:00',
      readings,
      actions: { '2026-11-27 21:10': (state, now) => setCarePlan(state, lowered, now, 'dr.bilal') },
    });
    expect(lines(run)).toEqual(['2026-11-27 21:30 fired hypertension.home_mean_high 131 mm[Hg]']);
  });
});

describe('severe blood pressure (hypertension.severe)', () => {
  it('pages critical on 185/115 confirmed by a second reading within 15 min, and not on one that is not', () => {
    // 185/115 then 150/95 five minutes later; 186/116 then 184/112 six minutes later.
    const readings = readingTrace(
      CUFF,
      '08:00 185/115\n08:05 150/95\n12:00 186/116\n12:06 184/112\n12:40 150/92',
    );
    const run = wardLog(hypertension, {
      from: '07:55',
      to: '12:45',
      readings,
      actions: { '12:10': acknowledgeRule('hypertension.severe', 'nurse.amina') },
    });
    expect(lines(run)).toEqual([
      // 08:00 185/115 then 150/95: not confirmed, nobody paged.
      '12:06 fired hypertension.severe 184 mm[Hg] -> nurse.amina, nurse.sana',
      '12:10 acknowledged hypertension.severe',
      '12:40 resolved hypertension.severe 150 mm[Hg]',
    ]);
    expect(run.emissions[0]?.event).toMatchObject({
      value: 184,
      components: { diastolic: 112 },
      unit: 'mm[Hg]',
    });
    expect(run.emissions[0]?.event.message).toBe(
      'Severe blood pressure, confirmed: 184/112 mmHg at 24 Nov, 12:06 UTC; condition since 24 Nov, 12:00 UTC. ' +
        'Rule: blood pressure at or above 180/110 mmHg (either part) for 2 consecutive readings ' +
        '(readings at most 15 min apart); clears at 159/99 mmHg or below (both parts).',
    );
  });

  it('does not page on a single 185/115 that nobody repeats, nor on a repeat 20 min later', () => {
    const single = readingTrace(CUFF, '08:00  185/115');
    const late = readingTrace(CUFF, '08:00  185/115\n08:20  183/112');
    for (const readings of [single, late]) {
      expect(wardLog(hypertension, { from: '07:55', to: '09:00', readings }).emissions).toEqual([]);
    }
  });

  it('compares a cuff in kPa in mm[Hg]: 24/14.7 kPa (180.01/110.26 mm[Hg]) pages, 23.9/14.6 kPa (179.27/109.51) does not', () => {
    const kPa = { ...CUFF, unit: 'kPa' } as const;
    const run = (table: string) =>
      lines(
        wardLog(hypertension, {
          from: '07:55',
          to: '08:10',
          readings: readingTrace(kPa, table),
        }),
      );
    expect(run('08:00  24/14.7\n08:05  24.1/14.8')).toEqual([
      '08:05 fired hypertension.severe 24.1 kPa -> nurse.amina, nurse.sana',
    ]);
    expect(run('08:00  23.9/14.6\n08:05  23.9/14.6')).toEqual([]);
  });

  it('pages a systolic of 88 once, as critical (NEWS2 score 3), and a later 96 as the warning (score 2)', () => {
    const readings = readingTrace(CUFF, '08:00  88/55\n18:00  96/60\n2026-11-25 08:00  118/76');
    const run = wardLog(hypertension, {
      from: '07:55',
      to: '2026-11-25 08:05',
      readings,
      actions: {
        '08:05': acknowledgeRule('hypertension.hypotension_severe', 'nurse.amina'),
        '18:05': acknowledgeRule('hypertension.hypotension', 'nurse.amina'),
      },
    });
    expect(lines(run)).toEqual([
      '08:00 fired hypertension.hypotension_severe 88 mm[Hg] -> nurse.amina, nurse.sana',
      '08:05 acknowledged hypertension.hypotension_severe',
      '18:00 fired hypertension.hypotension 96 mm[Hg] -> nurse.amina, nurse.sana',
      '18:05 acknowledged hypertension.hypotension',
      '2026-11-25 08:00 resolved hypertension.hypotension_severe 118 mm[Hg]',
      '2026-11-25 08:00 resolved hypertension.hypotension 118 mm[Hg]',
    ]);
  });
});

describe('weight in heart failure (heart.weight_gain)', () => {
  /** One weighing each morning at 07:00 from the 24th. */
  const mornings = (...kg: number[]) =>
    readingTrace(
      SCALE,
      kg.map((value, i) => `${stamp(at('07:00').getTime() + i * 86_400_000)} ${value}`).join('\n'),
    );
  const gained = mornings(80, 80.7, 81.4, 82.2, 82.3, 81);
  const days = { from: '06:55', to: '2026-11-29 07:30' };
  const actions = { '2026-11-28 07:10': acknowledgeRule('heart.weight_gain', 'nurse.amina') };

  it('warns when 2.2 kg gained in 3 days holds on the next morning, and resolves back within 1 kg', () => {
    const run = wardLog(heartFailure, { ...days, readings: gained, actions });
    expect(lines(run)).toEqual([
      '2026-11-28 07:00 fired heart.weight_gain 82.3 kg -> nurse.amina, nurse.sana',
      '2026-11-28 07:10 acknowledged heart.weight_gain',
      '2026-11-29 07:00 resolved heart.weight_gain 81 kg',
    ]);
    expect(run.emissions[0]?.event.message).toContain(
      '82.3 kg at 28 Nov, 07:00 UTC, 2.3 kg above the baseline 80 kg; condition since 27 Nov, 07:00 UTC',
    );
  });

  it('stays quiet on 1.5 kg gained in 3 days', () => {
    const run = wardLog(heartFailure, {
      ...days,
      readings: mornings(80, 80.5, 81, 81.5, 81.5),
    });
    expect(run.emissions).toEqual([]);
  });

  it('stays quiet on one reading 2.3 kg up that jumps back the next morning', () => {
    const run = wardLog(heartFailure, {
      ...days,
      readings: mornings(80, 80.1, 82.4, 80.2, 80.1),
    });
    expect(run.emissions).toEqual([]);
  });

  it('fires on time, with the same id, when the server restarts between the gain and its confirmation', () => {
    const run = { ...days, readings: gained, actions };
    expectSameWithRestart(heartFailure, run, '2026-11-27 12:00', wardLog(heartFailure, run));
  });
});

describe('temperature (general adult, NEWS2)', () => {
  it('compares a thermometer in [degF] in Cel: 102.2 (39.0 Cel) is score 1, 102.4 (39.11 Cel) warns, 100.2 (37.89 Cel) resolves', () => {
    const readings = readingTrace(
      { ...THERMOMETER, unit: '[degF]' },
      `
      17:00  102.2
      18:00  102.4
      20:00  101.8
      23:00  100.2
      `,
    );
    const actions = { '18:05': acknowledgeRule('general.temperature_high', 'nurse.sana') };
    expect(lines(wardLog(general, { from: '16:55', to: '23:05', readings, actions }))).toEqual([
      '18:00 fired general.temperature_high 102.4 [degF] -> nurse.amina, nurse.sana',
      '18:05 acknowledged general.temperature_high',
      // 101.8 [degF] at 20:00 is 38.78 Cel, NEWS2 score 1: neither fires nor clears.
      '23:00 resolved general.temperature_high 100.2 [degF]',
    ]);
  });

  it('pages critical on 34.8 Cel (NEWS2 score 3)', () => {
    const run = wardLog(general, {
      from: '05:55',
      to: '06:00',
      readings: readingTrace(THERMOMETER, '06:00  34.8'),
    });
    expect(lines(run)).toEqual(['06:00 fired general.temperature_low 34.8 Cel -> nurse.amina, nurse.sana']);
  });
});

describe('replay after a restart', () => {
  it('reaches back a week (and the clock change hour) for 7-day means, 5.5 days for a confirmed 3-day weight gain', () => {
    expect(replayFrom([hypertension], at('2026-11-30 12:00')).toISOString()).toBe('2026-11-23T11:00:00.000Z');
    // 3 days before the first gain reading's day, that day, and 36 h for its confirmation.
    expect(replayFrom([heartFailure], at('2026-11-30 12:00')).toISOString()).toBe('2026-11-24T23:00:00.000Z');
  });
});
