import { describe, expect, it } from 'vitest';
import { AlertEvent, type Reading } from '../common/contract.ts';
import type { AlertEmission } from './alert-lifecycle.ts';
import {
  AlertActionError,
  acknowledge,
  activeAlerts,
  createEngine,
  type EngineState,
  gatewayStatus,
  ingest,
  ingestChanges,
  type PatientChanges,
  reevaluateChanges,
  reorderWindow,
  replayFrom,
  resolve,
  setCarePlan,
  snooze,
  tick,
} from './alerts-engine.ts';
import { CarePlanError, type CarePlanInput } from './care-plan.ts';
import { at, readingTrace } from './reading-trace.ts';
import { CGM, METER, OXIMETER, WARD_POLICY } from './test-ward.ts';
import {
  type Action,
  acknowledgeRule,
  alertOf,
  engineWith,
  line,
  type Run,
  restarted,
  simulate,
} from './ward-simulation.ts';

const MINUTE = 60_000;

const diabetes: CarePlanInput = { patientId: 'p-001', templates: ['diabetes'] };
const general: CarePlanInput = { patientId: 'p-001', templates: ['general_adult'] };

/** A glucose table with both units, as two traces from one CGM. */
function glucoseTraces(table: string): { mgdl: Reading[]; mmol: Reading[] } {
  const rows = table
    .trim()
    .split('\n')
    .slice(1)
    .map((row) => row.trim().split(/\s+/));
  const column = (i: number) => rows.map((row) => `${row[0]} ${row[i]}`).join('\n');
  return {
    mgdl: readingTrace(CGM, column(1)),
    mmol: readingTrace({ ...CGM, unit: 'mmol/L' }, column(2)),
  };
}

// A night-time hypoglycaemia on a CGM sending every 5 minutes: down through 70 at 01:55,
// below 54 from 02:15, a false start at 02:45, back above 54 from 02:55 and 70 from 03:05.
const night = glucoseTraces(`
  time   mg/dL  mmol/L
  01:40    92     5.1
  01:45    84     4.7
  01:50    76     4.2
  01:55    69     3.8
  02:00    64     3.6
  02:05    60     3.3
  02:10    56     3.1
  02:15    53     2.9
  02:20    51     2.8
  02:25    50     2.8
  02:30    49     2.7
  02:35    50     2.8
  02:40    52     2.9
  02:45    58     3.2
  02:50    53     2.9
  02:55    60     3.3
  03:00    66     3.7
  03:05    72     4.0
  03:10    75     4.2
  03:15    78     4.3
  03:20    82     4.6
`);
const nightActions = { '02:20': acknowledgeRule('diabetes.hypo_l1', 'nurse.amina') };
const nightRun = (readings: Reading[]) =>
  simulate(engineWith([diabetes]), { from: '01:30', to: '03:30', readings, actions: nightActions });

describe('a night-time CGM hypoglycaemia', () => {
  const expected = [
    '02:10 fired diabetes.hypo_l1 56 mg/dL -> nurse.amina, nurse.sana',
    // The second consecutive reading below 54 (02:15 53, 02:20 51): level 2 [K1][K2][NS1].
    '02:20 fired diabetes.hypo_l2 51 mg/dL -> nurse.amina, nurse.sana',
    '02:20 acknowledged diabetes.hypo_l1',
    '02:30 renotified diabetes.hypo_l2 -> nurse.amina, nurse.sana',
    '02:35 escalated diabetes.hypo_l2 -> dr.bilal',
    '02:45 renotified diabetes.hypo_l2 -> dr.bilal',
    '02:50 escalated diabetes.hypo_l2 -> dr.chaudhry',
    '03:00 renotified diabetes.hypo_l2 -> dr.chaudhry',
    '03:05 escalated diabetes.hypo_l2 -> dr.chaudhry',
    // 15 min at or above 54 since 02:55 (02:50 was 53) [K1][K4].
    '03:10 resolved diabetes.hypo_l2 75 mg/dL',
    '03:20 resolved diabetes.hypo_l1 82 mg/dL',
  ];

  it('fires level 1 after 15 min below 70 and level 2 once, on the second reading below 54, escalates the unacknowledged level 2 up the care team, re-notifies, and resolves each after 15 min back above its level', () => {
    expect(nightRun(night.mgdl).emissions.map((e) => line(e))).toEqual(expected);
  });

  it('gives the same alerts, with the same ids, when the CGM reports in mmol/L', () => {
    const mgdl = nightRun(night.mgdl).emissions;
    const mmol = nightRun(night.mmol).emissions;
    expect(mmol.map((e) => line(e, { values: false }))).toEqual(mgdl.map((e) => line(e, { values: false })));
    expect(mmol.map((e) => e.event.eventId)).toEqual(mgdl.map((e) => e.event.eventId));
    expect(mmol[0]?.event).toMatchObject({ value: 3.1, unit: 'mmol/L' });
  });

  it('tells the nurse the reading, since when and the rule, in the clinic time zone', () => {
    const state = setCarePlan(
      createEngine({ ...WARD_POLICY, timeZone: 'Asia/Karachi' }),
      diabetes,
      at('01:30'),
      'dr.bilal',
    );
    const run = simulate(state.state, { from: '01:30', to: '02:10', readings: night.mgdl });
    expect(run.emissions.map((e) => e.event.message)).toEqual([
      'Low glucose (level 1) on CGM: 56 mg/dL at 24 Nov, 07:10 GMT+5; condition since 24 Nov, 06:55 GMT+5. ' +
        'Rule: CGM glucose below 70 mg/dL for 15 min (readings at most 20 min apart); clears at 70 mg/dL or above for 15 min.',
    ]);
  });

  it('emits only valid contract events, each with its own event id', () => {
    const { emissions } = nightRun(night.mgdl);
    for (const e of emissions) expect(AlertEvent.safeParse(e.event).success).toBe(true);
    expect(new Set(emissions.map((e) => e.event.eventId)).size).toBe(emissions.length);
  });
});

describe('a backlog that arrives after a power cut', () => {
  /** CGM readings every 5 min at `value` over [from, to), as a trace. */
  const steady = (from: string, to: string, value: number) => {
    const rows: string[] = [];
    for (let t = at(from).getTime(); t < at(to).getTime(); t += 5 * MINUTE) {
      rows.push(`${new Date(t).toISOString().slice(11, 16)} ${value}`);
    }
    return readingTrace(CGM, rows.join('\n'));
  };

  it('records a night-time low that began and ended in transit for review, paging nobody', () => {
    // The gateway was dark from 01:30 to 08:00; its backlog arrives at once.
    const backlog = [...night.mgdl, ...steady('03:25', '08:00', 100)];
    const { emissions, state } = ingest(engineWith([diabetes]), backlog, at('08:00'));
    expect(emissions.map((e) => line(e))).toEqual([
      '08:00 fired diabetes.hypo_l1 56 mg/dL (silenced)',
      '08:00 fired diabetes.hypo_l2 51 mg/dL (silenced)',
      '08:00 resolved diabetes.hypo_l2 75 mg/dL (silenced)',
      '08:00 resolved diabetes.hypo_l1 82 mg/dL (silenced)',
    ]);
    expect(emissions[0]?.event.message).toMatch(
      /^Happened while the readings were in transit \(a gateway offline, or the server restarting\); they arrived 24 Nov, 08:00 UTC\. For review: nobody was paged\. Low glucose \(level 1\) on CGM: 56 mg\/dL at 24 Nov, 02:10 UTC/,
    );
    // Nothing is reminded or escalated later (the CGM then falls silent: that is its own alert).
    const later = tick(state, at('09:00')).emissions.filter((e) => e.event.ruleId !== 'diabetes.cgm_stale');
    expect(later).toEqual([]);
  });

  it('does not page a late episode on fresh readings that are already back in range', () => {
    const backlog = [...steady('06:00', '07:00', 60), ...steady('07:00', '08:00', 110)];
    const { emissions } = ingest(engineWith([diabetes]), backlog, at('08:00'));
    expect(emissions.map((e) => line(e))).toEqual([
      '08:00 fired diabetes.hypo_l1 60 mg/dL (silenced)',
      '08:00 resolved diabetes.hypo_l1 110 mg/dL (silenced)',
    ]);
  });

  it('pages an episode still going on when its readings arrive, saying since when', () => {
    const backlog = steady('06:00', '08:00', 60);
    const { emissions, state } = ingest(engineWith([diabetes]), backlog, at('08:00'));
    expect(emissions.map((e) => line(e))).toEqual([
      '08:00 fired diabetes.hypo_l1 60 mg/dL (silenced)',
      '08:00 renotified diabetes.hypo_l1 -> nurse.amina, nurse.sana',
    ]);
    expect(emissions[1]?.event.message).toBe(
      'Low glucose (level 1) on CGM: still going on, since 24 Nov, 06:00 UTC (its first readings arrived late); now 60 mg/dL at 24 Nov, 07:00 UTC.',
    );
    // From now on it is an alert like any other: reminded while nobody acknowledges it.
    const later = tick(state, at('08:31')).emissions.filter((e) => e.event.ruleId !== 'diabetes.cgm_stale');
    expect(later.map((e) => line(e))).toEqual([
      '08:31 renotified diabetes.hypo_l1 -> nurse.amina, nurse.sana',
    ]);
  });
});

describe('a six-hour power cut at a home with a CGM, an oximeter and a meter', () => {
  const plan: CarePlanInput = { patientId: 'p-001', templates: ['diabetes', 'copd'] };
  const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);
  /** One reading every `every` minutes over [from, to), valued by `value(minute)`. */
  const series = (
    device: Parameters<typeof readingTrace>[0],
    from: string,
    to: string,
    every: number,
    value: (t: number) => number,
  ) => {
    const rows: string[] = [];
    for (let t = at(from).getTime(); t < at(to).getTime(); t += every * MINUTE)
      rows.push(`${hhmm(t)} ${value(t)}`);
    return readingTrace(device, rows.join('\n'));
  };
  // A night-time low while the gateway was dark: down from 110 (02:30) to 62 (03:00), at
  // 62 until 03:40, back up to 110 by 04:10, slower than a rapid fall.
  const glucose = (t: number) => {
    const minutes = (from: string) => (t - at(from).getTime()) / MINUTE;
    if (t < at('02:30').getTime() || t >= at('04:10').getTime()) return 110;
    if (t < at('03:00').getTime()) return Math.round(110 - 1.6 * minutes('02:30'));
    if (t < at('03:40').getTime()) return 62;
    return Math.round(62 + 1.6 * minutes('03:40'));
  };
  const home = (from: string, to: string) => [
    ...series(CGM, from, to, 5, glucose),
    ...series(OXIMETER, from, to, 1, () => 95),
  ];
  const status =
    (online: boolean, spooled = 0): Action =>
    (state, now) =>
      gatewayStatus(state, { gatewayId: 'gw-1', online, spooled, at: now, patientIds: ['p-001'] }, now);
  /** The gateway's status every minute over [from, to), as ours sends it while connected. */
  const onlineEveryMinute = (from: string, to: string): Record<string, Action> => {
    const actions: Record<string, Action> = {};
    for (let t = at(from).getTime(); t < at(to).getTime(); t += MINUTE) actions[hhmm(t)] = status(true);
    return actions;
  };

  it('raises one offline alert and no device alert, and the night-time low arrives as one review item that paged nobody', () => {
    const before = [...home('00:00', '01:00'), ...readingTrace(METER, '00:30 120')];
    const backlog = home('01:00', '07:00');
    const run = simulate(engineWith([plan], '00:00'), {
      from: '00:00',
      to: '08:00',
      // Live readings again after the backlog (the gateway's spool is first in, first out).
      readings: [...before, ...home('07:05', '08:00')],
      actions: {
        ...onlineEveryMinute('00:00', '01:00'),
        ...onlineEveryMinute('07:03', '08:01'),
        '01:00': status(false), // the last will: the power went
        '07:00': status(true, backlog.length), // back, with its spool
        '07:01': (state, now) => ingest(state, backlog, now),
        '07:02': status(true, 0),
      },
    });
    expect(run.emissions.map((e) => line(e))).toEqual([
      '01:30 fired general.gateway_offline',
      '07:00 resolved general.gateway_offline',
      '07:01 fired diabetes.hypo_l1 62 mg/dL (silenced)',
      '07:01 resolved diabetes.hypo_l1 94 mg/dL (silenced)',
    ]);
    const offline = run.emissions[0]?.event;
    expect(offline?.message).toBe(
      'Home gateway offline: gw-1 offline since 24 Nov, 01:00 UTC: power or internet. Readings are kept on the gateway and will arrive when it is back; device alerts wait until then.',
    );
    expect(offline?.severity).toBe('info');
  });

  it('raises no CGM silence while a backlog arrives in several messages from a gateway that does not report its spool', () => {
    const run = simulate(engineWith([plan], '00:00'), {
      from: '00:00',
      to: '07:30',
      readings: [...home('00:00', '01:00'), ...home('07:05', '07:30')],
      actions: {
        ...onlineEveryMinute('00:00', '01:00'),
        '01:00': status(false),
        ...onlineEveryMinute('07:00', '07:31'),
        '07:01': (state, now) => ingest(state, home('01:00', '03:00'), now),
        '07:02': (state, now) => ingest(state, home('03:00', '05:00'), now),
        '07:03': (state, now) => ingest(state, home('05:00', '07:00'), now),
      },
    });
    expect(run.emissions.map((e) => line(e, { values: false }))).toEqual([
      '01:30 fired general.gateway_offline',
      '07:00 resolved general.gateway_offline',
      '07:02 fired diabetes.hypo_l1 (silenced)',
      '07:02 resolved diabetes.hypo_l1 (silenced)',
    ]);
  });

  it('counts a gateway that sends no status for 10 minutes as offline, and holds no-data alerts while it catches up', () => {
    const run = simulate(engineWith([plan], '00:00'), {
      from: '00:00',
      to: '02:00',
      readings: home('00:00', '00:50'),
      actions: onlineEveryMinute('00:00', '00:50'),
    });
    // No status after 00:49: offline from 00:59 (last heard of at 00:49, so the alert at
    // 01:19); the CGM's silence (from 00:45) waits.
    expect(run.emissions.map((e) => line(e))).toEqual(['01:19 fired general.gateway_offline']);
  });

  it('does not raise an outage again after a clinician closed its alert', () => {
    const closeOffline: Action = (state, now) =>
      resolve(
        state,
        {
          alertId: alertOf(state, 'general.gateway_offline').alertId,
          by: 'nurse.amina',
          note: 'called the family: power cut',
        },
        now,
      );
    const run = simulate(engineWith([plan], '00:00'), {
      from: '00:00',
      to: '03:00',
      readings: home('00:00', '01:00'),
      actions: { ...onlineEveryMinute('00:00', '01:00'), '01:00': status(false), '01:40': closeOffline },
    });
    expect(run.emissions.map((e) => line(e, { values: false }))).toEqual([
      '01:30 fired general.gateway_offline',
      '01:40 resolved general.gateway_offline',
    ]);
    // And the patient's state settles: a tick changes nothing.
    expect(tick(run.state, at('03:01')).state.patients['p-001']).toBe(run.state.patients['p-001']);
  });

  it('does not let a stuck spool hide a silent CGM for more than 30 minutes', () => {
    const run = simulate(engineWith([plan], '00:00'), {
      from: '00:00',
      to: '01:30',
      readings: [...home('00:00', '01:00'), ...series(OXIMETER, '01:00', '01:30', 1, () => 95)],
      // Online from 00:00, every minute saying 500 readings wait in its spool.
      actions: Object.fromEntries(
        Object.keys(onlineEveryMinute('00:00', '01:31')).map((t) => [t, status(true, 500)]),
      ),
    });
    expect(run.emissions.map((e) => line(e, { values: false }))).toEqual([
      '01:26 fired diabetes.cgm_stale -> nurse.amina, nurse.sana',
    ]);
  });

  it('takes the readings of a gateway that sends its status only when it connects as its sign of life', () => {
    const run = simulate(engineWith([plan], '00:00'), {
      from: '00:00',
      to: '03:00',
      readings: home('00:00', '02:00'),
      actions: { '00:00': status(true) },
    });
    // Last heard of at 01:59 (a reading): offline from 02:09, alerted 30 min after 01:59.
    expect(run.emissions.map((e) => line(e, { values: false }))).toEqual([
      '02:29 fired general.gateway_offline',
    ]);
  });

  it('still raises a silent device once its gateway is back and has caught up', () => {
    const run = simulate(engineWith([plan], '00:00'), {
      from: '00:00',
      to: '02:00',
      readings: [...home('00:00', '01:00'), ...series(OXIMETER, '01:10', '02:00', 1, () => 95)],
      actions: {
        ...onlineEveryMinute('00:00', '00:30'),
        '00:30': status(false),
        ...onlineEveryMinute('01:10', '02:01'),
      },
    });
    // The CGM sent nothing after 00:55 and still sends nothing once the gateway is back:
    // the gateway explained the silence only while it was offline.
    expect(run.emissions.map((e) => line(e))).toEqual([
      '01:00 fired general.gateway_offline',
      '01:10 resolved general.gateway_offline',
      // Silent since 00:55: due at 01:26 whatever the gateway did in between.
      '01:26 fired diabetes.cgm_stale -> nurse.amina, nurse.sana',
      '01:56 renotified diabetes.cgm_stale -> nurse.amina, nurse.sana',
    ]);
  });
});

describe('readings that arrive out of order', () => {
  /**
   * The alerts service's part: each message ingested as it arrives; readings that came after
   * newer ones re-evaluate their rules over what storage holds by then (every reading so far).
   */
  function deliver(start: EngineState, messages: Reading[][], now: Date) {
    let state = start;
    const emissions: AlertEmission[] = [];
    const stored: Reading[] = [];
    const apply = (changes: PatientChanges) => {
      state = { ...state, patients: { ...state.patients, ...changes.patients } };
      emissions.push(...changes.emissions);
    };
    for (const message of messages) {
      stored.push(...message);
      const changes = ingestChanges(state, message, now);
      apply(changes);
      for (const late of changes.outOfOrder ?? []) {
        const window = reorderWindow(state, late, now);
        if (!window) continue;
        const inWindow = stored.filter(
          (r) => window.metrics.includes(r.metric) && Date.parse(r.time) >= window.fromMs,
        );
        apply(reevaluateChanges(state, late, inWindow, now));
      }
    }
    return { state, emissions, stored };
  }
  // A 25-minute low at 64 mg/dL, as a phone app uploads it: newest first, one per message.
  const low = readingTrace(CGM, '02:05 64\n02:10 64\n02:15 64\n02:20 64\n02:25 64\n02:30 64');

  it('fires a low sent newest first, one reading per message, as it fires the same readings in order', () => {
    const inOrder = deliver(engineWith([diabetes]), [low], at('02:31'));
    const newestFirst = deliver(
      engineWith([diabetes]),
      [...low].reverse().map((r) => [r]),
      at('02:31'),
    );
    const lines = (run: { emissions: AlertEmission[] }) =>
      run.emissions.map((e) => line(e, { values: false }));
    expect(lines(inOrder)).toEqual(['02:31 fired diabetes.hypo_l1 -> nurse.amina, nurse.sana']);
    expect(lines(newestFirst)).toEqual(lines(inOrder));
    // A server restart replays the stored readings in time order: nothing new, nothing lost.
    const replay = restarted(diabetes, newestFirst.state, at('02:32'), newestFirst.stored);
    expect(replay.emissions).toEqual([]);
    expect(activeAlerts(replay.state).map((a) => a.ruleId)).toEqual(['diabetes.hypo_l1']);
  });

  it('re-evaluates what lies within the reorder horizon when a message also holds an older reading', () => {
    const [first] = low;
    if (!first) throw new Error('test setup');
    const old = {
      ...first,
      id: 'cgm-1:old',
      value: 120,
      time: new Date(at('02:31').getTime() - 8 * 3_600_000).toISOString(),
    };
    const run = deliver(engineWith([diabetes]), [low.slice(-1), [old, ...low.slice(0, -1)]], at('02:31'));
    expect(run.emissions.map((e) => line(e, { values: false }))).toEqual([
      '02:31 fired diabetes.hypo_l1 -> nurse.amina, nurse.sana',
    ]);
  });

  it('keeps an alert already raised when an earlier reading of its episode arrives later (its id and start stay)', () => {
    const { emissions, state } = deliver(
      engineWith([diabetes]),
      [low.slice(1), low.slice(0, 1)],
      at('02:31'),
    );
    expect(emissions.map((e) => line(e, { values: false }))).toEqual([
      '02:31 fired diabetes.hypo_l1 -> nurse.amina, nurse.sana',
    ]);
    expect(activeAlerts(state)[0]?.episodeStart).toBe(at('02:10').toISOString());
  });
});

describe('SpO2', () => {
  it('fires nothing for a dip shorter than the 5 sustained minutes', () => {
    const readings = readingTrace(
      OXIMETER,
      '10:00 97\n10:01 90\n10:02 89\n10:03 88\n10:04 89\n10:05 95\n10:06 97',
    );
    expect(simulate(engineWith([general]), { from: '10:00', to: '10:30', readings }).emissions).toEqual([]);
  });

  const minutesAt = (value: number, from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `10:${String(from + i).padStart(2, '0')} ${value}`).join(
      '\n',
    );

  it('fires for a general patient at 89 % sustained, and nothing for a COPD patient (target 88-92 %)', () => {
    const readings = readingTrace(OXIMETER, minutesAt(89, 0, 12));
    const generalRun = simulate(engineWith([general]), { from: '10:00', to: '10:12', readings });
    const copdRun = simulate(engineWith([{ patientId: 'p-001', templates: ['copd'] }]), {
      from: '10:00',
      to: '10:12',
      readings,
    });
    expect(generalRun.emissions.map((e) => line(e))).toEqual([
      '10:05 fired general.spo2_low 89 % -> nurse.amina, nurse.sana',
    ]);
    expect(copdRun.emissions).toEqual([]);
  });

  it('fires for a COPD patient held at 84 %, below the COPD target', () => {
    const readings = readingTrace(OXIMETER, minutesAt(84, 0, 6));
    const copdRun = simulate(engineWith([{ patientId: 'p-001', templates: ['copd'] }]), {
      from: '10:00',
      to: '10:06',
      readings,
    });
    expect(copdRun.emissions.map((e) => line(e))).toEqual([
      '10:05 fired copd.spo2_low 84 % -> nurse.amina, nurse.sana',
    ]);
  });
});

describe('meter lows', () => {
  it('fires the meter level-2 low on a meter LO and says LO with the bound, not the bound as a value', () => {
    const readings = readingTrace(METER, '07:00 20 result_below_device_range');
    const run = simulate(engineWith([diabetes]), { from: '06:55', to: '07:05', readings });
    // One page: below 54 the level-2 rule takes over from level 1.
    expect(run.emissions.map((e) => line(e))).toEqual([
      '07:00 fired diabetes.meter_hypo_l2 20 mg/dL -> nurse.amina, nurse.sana',
    ]);
    expect(run.emissions[0]?.event.message).toContain(
      "LO (below 20 mg/dL, the device's range) at 24 Nov, 07:00 UTC",
    );
  });

  it('fires level 1 alone on a meter test between 54 and 70, and keeps it while a later test is below 54', () => {
    const readings = readingTrace(METER, '07:00 62\n12:00 48\n19:00 110');
    const run = simulate(engineWith([diabetes]), { from: '06:55', to: '19:05', readings });
    const changes = run.emissions.filter((e) => ['fired', 'resolved'].includes(e.event.type));
    expect(changes.map((e) => line(e))).toEqual([
      '07:00 fired diabetes.meter_hypo_l1 62 mg/dL -> nurse.amina, nurse.sana',
      '12:00 fired diabetes.meter_hypo_l2 48 mg/dL -> nurse.amina, nurse.sana',
      '19:00 resolved diabetes.meter_hypo_l1 110 mg/dL',
      '19:00 resolved diabetes.meter_hypo_l2 110 mg/dL',
    ]);
  });
});

describe('meter lows when the doctor changed level 2', () => {
  const fired = (overrides: CarePlanInput['overrides'], value: number) => {
    const readings = readingTrace(METER, `07:00 ${value}`);
    const run = simulate(engineWith([{ ...diabetes, overrides }]), { from: '06:55', to: '07:05', readings });
    return run.emissions.filter((e) => e.event.type === 'fired').map((e) => e.event.ruleId);
  };

  it.each([
    [
      'level 2 switched off: level 1 takes every low',
      { 'diabetes.meter_hypo_l2': { enabled: false } },
      52,
      ['diabetes.meter_hypo_l1'],
    ],
    [
      'level 2 lowered to 50: 52 is level 1',
      { 'diabetes.meter_hypo_l2': { level: 50 } },
      52,
      ['diabetes.meter_hypo_l1'],
    ],
    [
      'level 2 lowered to 50: 48 is level 2 alone',
      { 'diabetes.meter_hypo_l2': { level: 50 } },
      48,
      ['diabetes.meter_hypo_l2'],
    ],
    [
      'level 2 made inclusive at 54: 54 is level 2 alone',
      { 'diabetes.meter_hypo_l2': { inclusive: true, clear: { level: 55 } } },
      54,
      ['diabetes.meter_hypo_l2'],
    ],
  ])('%s', (_case, overrides, value, rules) => {
    expect(fired(overrides, value)).toEqual(rules);
  });
});

describe('no data', () => {
  it('raises a stale-CGM alert 30 min after the last reading and resolves it when readings come back', () => {
    const readings = readingTrace(
      CGM,
      '02:00 110\n02:05 110\n02:10 111\n02:15 110\n02:20 112\n02:25 110\n02:30 110\n03:30 105\n03:35 104',
    );
    const run = simulate(engineWith([diabetes]), { from: '02:00', to: '03:40', readings });
    expect(run.emissions.map((e) => line(e))).toEqual([
      '03:01 fired diabetes.cgm_stale -> nurse.amina, nurse.sana',
      '03:30 resolved diabetes.cgm_stale 105 mg/dL',
    ]);
    expect(run.emissions[0]?.event.message).toBe(
      'CGM not sending readings: no reliable CGM glucose reading since 24 Nov, 02:30 UTC (expected within 30 min).',
    );
  });

  it('counts a CGM that only sends flagged readings as silent, and says what it sent', () => {
    const readings = readingTrace(
      CGM,
      '02:00 110\n02:10 40 sensor_fault\n02:20 40 sensor_fault\n02:30 40 sensor_fault\n02:40 40 sensor_fault',
    );
    const run = simulate(engineWith([diabetes]), { from: '02:00', to: '02:45', readings });
    expect(run.emissions.map((e) => line(e))).toEqual([
      '02:31 fired diabetes.cgm_stale -> nurse.amina, nurse.sana',
    ]);
    expect(run.emissions[0]?.event.message).toContain('the device did send readings flagged sensor_fault');
  });
});

describe('no data from a device the patient does not have', () => {
  // Meter tests twice a day, in range, for two days; no CGM at all.
  const meterOnly = readingTrace(
    METER,
    '08:00 120\n20:00 140\n2026-11-25 08:00 118\n2026-11-25 20:00 150\n2026-11-26 08:00 125',
  );

  it('never tells a meter-only patient that their (absent) CGM is silent', () => {
    const run = simulate(engineWith([diabetes], '07:30'), {
      from: '07:30',
      to: '2026-11-26 08:30',
      readings: meterOnly,
    });
    expect(run.emissions).toEqual([]);
  });

  it('does not call two high meter tests 12 h apart "high for hours"', () => {
    const run = simulate(engineWith([diabetes], '07:30'), {
      from: '07:30',
      to: '20:30',
      readings: readingTrace(METER, '08:00 260\n20:00 262'),
    });
    expect(run.emissions).toEqual([]);
  });

  it('never tells a CGM-only patient that their (absent) meter is unused', () => {
    const day = Array.from({ length: 12 * 28 }, (_, i) => {
      const t = new Date(at('02:00').getTime() + i * 5 * MINUTE).toISOString();
      return `${t.slice(0, 10)} ${t.slice(11, 16)} 110`;
    }).join('\n');
    const run = simulate(engineWith([diabetes], '02:00'), {
      from: '02:00',
      to: '2026-11-25 05:55',
      readings: readingTrace(CGM, day),
    });
    expect(run.emissions).toEqual([]);
  });

  it('does not start watching a CGM after a restart either, for a patient who never had one', () => {
    const replay = restarted(diabetes, createEngine(WARD_POLICY), at('2026-11-25 09:00'), meterOnly);
    const after = simulate(replay.state, { from: '2026-11-25 09:00', to: '2026-11-25 12:00', readings: [] });
    expect([...replay.emissions, ...after.emissions]).toEqual([]);
  });
});

describe('a CGM that stops, across restarts', () => {
  // Readings until 02:30, then nothing until 06:10; a doctor closes the first alert at 03:10. The
  // replay after a restart reaches back 3 h (diabetes.hyper_l1): after 05:30 it holds no CGM reading.
  const plan: CarePlanInput = { ...diabetes, overrides: { 'diabetes.meter_unused': { enabled: false } } };
  const cgm = readingTrace(
    CGM,
    '02:00 110\n02:05 110\n02:10 111\n02:15 110\n02:20 112\n02:25 110\n02:30 110\n06:10 105\n06:15 104',
  );
  const actions: Record<string, Action> = {
    '03:10': (state, now) =>
      resolve(
        state,
        { alertId: alertOf(state, 'diabetes.cgm_stale').alertId, by: 'dr.bilal', note: 'patient called' },
        now,
      ),
  };
  const run = (state: EngineState, from: string, to: string, readings = cgm) =>
    simulate(state, { from, to, readings, actions });
  const uninterrupted = run(engineWith([plan], '01:30'), '01:30', '06:30').emissions;

  it('fires once 30 min after the last reading, again 30 min after a clinician closed it, and resolves when data returns', () => {
    expect(uninterrupted.filter((e) => e.event.type !== 'renotified').map((e) => line(e))).toEqual([
      '03:01 fired diabetes.cgm_stale -> nurse.amina, nurse.sana',
      '03:10 resolved diabetes.cgm_stale',
      '03:41 fired diabetes.cgm_stale -> nurse.amina, nurse.sana',
      '06:10 resolved diabetes.cgm_stale 105 mg/dL',
    ]);
  });

  it.each(['02:40', '03:05', '03:20', '05:45'])(
    'keeps watching a patient with a CGM history when rebuilt after %s (alerts and a replay from InfluxDB)',
    (restartAfter) => {
      const before = run(engineWith([plan], '01:30'), '01:30', restartAfter);
      const restartAt = new Date(at(restartAfter).getTime() + MINUTE);
      const replay = restarted(plan, before.state, restartAt, cgm);
      expect(replay.emissions).toEqual([]);
      const after = run(replay.state, restartAt.toISOString().slice(11, 16), '06:30');
      const all = [...before.emissions, ...replay.emissions, ...after.emissions];
      expect(all.map((e) => line(e))).toEqual(uninterrupted.map((e) => line(e)));
      expect(all.map((e) => e.event.eventId)).toEqual(uninterrupted.map((e) => e.event.eventId));
    },
  );
});

describe('unreliable readings', () => {
  it('fire nothing: no-contact SpO2 and pulse, questionable meter glucose', () => {
    const spo2 = readingTrace(
      OXIMETER,
      '10:00 80 no_sensor_contact\n10:03 79 no_sensor_contact\n10:07 78 questionable',
    );
    const pulse = readingTrace(
      { ...OXIMETER, metric: 'pulse_rate', unit: '/min' },
      '10:00 150 no_sensor_contact\n10:06 155 signal_fault\n10:12 160 no_sensor_contact',
    );
    const meter = readingTrace(METER, '10:05 38 questionable');
    const run = simulate(
      engineWith([{ patientId: 'p-001', templates: ['diabetes', 'heart_failure'] }], '10:00'),
      {
        from: '10:00',
        to: '10:20',
        readings: [...spo2, ...pulse, ...meter],
      },
    );
    expect(run.emissions).toEqual([]);
  });
});

describe('duplicates and replays', () => {
  it('change nothing: the same readings again, in any order, give no event and the same state', () => {
    const { state } = nightRun(night.mgdl);
    // (As a replay: a live backlog this late would mark the home as catching up.)
    const again = ingest(state, [...night.mgdl].reverse(), at('03:31'), 'replay');
    const twice = ingest(again.state, [...night.mgdl, ...night.mgdl], at('03:32'), 'replay');
    expect([...again.emissions, ...twice.emissions]).toEqual([]);
    expect(twice.state).toEqual(state);
  });
});

describe('the engine state', () => {
  it('keeps the object of a patient a tick did not change, so the caller persists only what changed', () => {
    const other: CarePlanInput = { patientId: 'p-002', templates: ['general_adult'] };
    const { state } = simulate(engineWith([diabetes, other]), {
      from: '01:30',
      to: '02:09',
      readings: night.mgdl,
    });
    const quiet = tick(state, at('02:09'));
    expect(quiet.state.patients['p-002']).toBe(state.patients['p-002']);
    expect(quiet.state.patients['p-001']).toBe(state.patients['p-001']);
    const stale = tick(state, at('02:45'));
    expect(stale.state.patients['p-001']).not.toBe(state.patients['p-001']);
    expect(stale.state.patients['p-002']).toBe(state.patients['p-002']);
  });
});

describe('restarting the engine', () => {
  const uninterrupted = nightRun(night.mgdl).emissions;
  const nextMinute = (time: string) => new Date(at(time).getTime() + MINUTE).toISOString().slice(11, 16);

  function firstPart(restartAfter: string): Run {
    return simulate(engineWith([diabetes]), {
      from: '01:30',
      to: restartAfter,
      readings: night.mgdl,
      actions: nightActions,
    });
  }

  function secondPart(state: EngineState, restartAfter: string): Run {
    return simulate(state, {
      from: nextMinute(restartAfter),
      to: '03:30',
      readings: night.mgdl,
      actions: nightActions,
    });
  }

  // Inside each run: level 1 (01:55-02:10), level 2 (02:15-02:20), the clearing.
  const restarts = ['02:07', '02:12', '02:17', '02:22', '02:27', '02:40', '02:52', '03:12'];

  it.each(restarts)(
    'rebuilt after %s from persisted alerts and a replay from InfluxDB, fires on time with the same ids and never twice',
    (restartAfter) => {
      const before = firstPart(restartAfter);
      const replay = restarted(diabetes, before.state, at(nextMinute(restartAfter)), night.mgdl);
      const after = secondPart(replay.state, restartAfter);
      const all = [...before.emissions, ...replay.emissions, ...after.emissions];
      expect(all.map((e) => line(e))).toEqual(uninterrupted.map((e) => line(e)));
      expect(all.map((e) => e.event.eventId)).toEqual(uninterrupted.map((e) => e.event.eventId));
    },
  );

  it('asks for a replay long enough for the slowest rule (26 h for the meter)', () => {
    expect(replayFrom([diabetes], at('03:00')).toISOString()).toBe('2026-11-23T01:00:00.000Z');
  });
});

describe('snooze', () => {
  const dips = readingTrace(
    OXIMETER,
    [
      ...Array.from({ length: 6 }, (_, i) => `10:0${i} 89`),
      '10:06 90\n10:08 90\n10:10 90\n10:12 95\n10:13 96\n10:14 96',
      ...Array.from({ length: 32 }, (_, i) => `10:${15 + i} 88`),
    ].join('\n'),
  );

  it('suppresses notifications until it ends, still records a new episode, then re-notifies and escalates again', () => {
    const run = simulate(engineWith([general]), {
      from: '10:00',
      to: '10:46',
      readings: dips,
      actions: {
        '10:07': (state, now) =>
          snooze(
            state,
            {
              patientId: 'p-001',
              ruleId: 'general.spo2_low',
              until: at('10:30').toISOString(),
              by: 'nurse.amina',
            },
            now,
          ),
      },
    });
    expect(run.emissions.map((e) => line(e))).toEqual([
      '10:05 fired general.spo2_low 89 % -> nurse.amina, nurse.sana',
      '10:07 snoozed general.spo2_low',
      '10:12 resolved general.spo2_low 95 % (silenced)',
      '10:20 fired general.spo2_low 88 % (silenced)',
      // The NEWS2 score-2 warning too, once the second dip has held 15 min (not snoozed).
      '10:30 fired general.spo2_moderately_low 88 % -> nurse.amina, nurse.sana',
      '10:30 renotified general.spo2_low -> nurse.amina, nurse.sana',
      '10:40 renotified general.spo2_low -> nurse.amina, nurse.sana',
      '10:45 escalated general.spo2_low -> dr.bilal',
    ]);
    expect(run.emissions[1]?.event).toMatchObject({ by: 'nurse.amina', until: '2026-11-24T10:30:00.000Z' });
  });

  it('is refused for a time in the past, beyond the longest snooze, or a rule the patient does not have', () => {
    const state = engineWith([general]);
    const attempt = (ruleId: string, until: string) => () =>
      snooze(state, { patientId: 'p-001', ruleId, until, by: 'nurse.amina' }, at('10:00'));
    expect(attempt('general.spo2_low', at('09:00').toISOString())).toThrow(AlertActionError);
    expect(attempt('general.spo2_low', '2026-11-26T10:00:00.000Z')).toThrow(/at most 1440 min later/);
    expect(attempt('diabetes.hypo_l1', at('11:00').toISOString())).toThrow(/has no rule diabetes\.hypo_l1/);
  });
});

describe('clinician actions', () => {
  const low = readingTrace(
    OXIMETER,
    Array.from({ length: 20 }, (_, i) => `10:${String(i).padStart(2, '0')} 89`).join('\n'),
  );

  it('a clinician resolving a firing alert closes it; if the low goes on it must last 5 more minutes to fire again', () => {
    const run = simulate(engineWith([general]), {
      from: '10:00',
      to: '10:19',
      readings: low,
      actions: {
        '10:08': (state, now) =>
          resolve(
            state,
            { alertId: alertOf(state, 'general.spo2_low').alertId, by: 'dr.bilal', note: 'probe re-sited' },
            now,
          ),
      },
    });
    expect(run.emissions.map((e) => line(e))).toEqual([
      '10:05 fired general.spo2_low 89 % -> nurse.amina, nurse.sana',
      '10:08 resolved general.spo2_low',
      '10:14 fired general.spo2_low 89 % -> nurse.amina, nurse.sana',
      // The NEWS2 score-2 warning, held 15 min, was not the alert the clinician closed.
      '10:15 fired general.spo2_moderately_low 89 % -> nurse.amina, nurse.sana',
    ]);
    expect(run.emissions[1]?.event).toMatchObject({ by: 'dr.bilal', note: 'probe re-sited' });
    expect(run.emissions[2]?.event.alertId).not.toBe(run.emissions[0]?.event.alertId);
  });

  it('acknowledging twice, or an unknown alert, emits nothing more or is refused', () => {
    const { state } = simulate(engineWith([general]), { from: '10:00', to: '10:06', readings: low });
    const { alertId } = alertOf(state, 'general.spo2_low');
    const first = acknowledge(
      state,
      { alertId, by: 'nurse.amina', note: 'calling the patient' },
      at('10:07'),
    );
    const second = acknowledge(first.state, { alertId, by: 'dr.bilal' }, at('10:08'));
    expect(first.emissions.map((e) => e.event.type)).toEqual(['acknowledged']);
    expect(second.emissions).toEqual([]);
    expect(() => acknowledge(state, { alertId: 'nope', by: 'nurse.amina' }, at('10:07'))).toThrow(
      /acknowledge refused \(unknown_alert\)/,
    );
  });

  it('disabling a rule in the care plan resolves its active alert; an impossible override leaves the plan as it was', () => {
    const { state } = simulate(engineWith([general]), { from: '10:00', to: '10:06', readings: low });
    const changed = setCarePlan(
      state,
      { ...general, overrides: { 'general.spo2_low': { enabled: false } } },
      at('10:07'),
      'dr.bilal',
    );
    expect(changed.emissions.map((e) => [line(e), e.event.by, e.event.message])).toEqual([
      [
        '10:07 resolved general.spo2_low',
        'dr.bilal',
        'Low oxygen saturation: closed because the rule left the care plan (dr.bilal).',
      ],
    ]);
    expect(() =>
      setCarePlan(
        state,
        { ...general, overrides: { 'general.spo2_low': { clear: { level: 80 } } } },
        at('10:07'),
        'dr.bilal',
      ),
    ).toThrow(CarePlanError);
  });

  it('re-enabling a rule does not raise its old, closed episode again when old readings are delivered again', () => {
    const { state, emissions } = simulate(engineWith([general]), {
      from: '10:00',
      to: '10:06',
      readings: low,
    });
    const disable = { ...general, overrides: { 'general.spo2_low': { enabled: false } } };
    const disabled = setCarePlan(state, disable, at('10:07'), 'dr.bilal');
    const enabled = setCarePlan(disabled.state, general, at('10:08'), 'dr.bilal');
    const redelivered = ingest(enabled.state, low.slice(0, 7), at('10:09'));
    expect(
      [...emissions, ...disabled.emissions, ...enabled.emissions, ...redelivered.emissions].map((e) =>
        line(e),
      ),
    ).toEqual([
      '10:05 fired general.spo2_low 89 % -> nurse.amina, nurse.sana',
      '10:07 resolved general.spo2_low',
    ]);
  });

  it('applies a changed level to the readings after the change: the run starts again under the new level', () => {
    const before = simulate(engineWith([general]), {
      from: '10:00',
      to: '10:03',
      readings: readingTrace(OXIMETER, '10:00 92\n10:03 92'),
    });
    expect(before.emissions).toEqual([]);
    const raised = setCarePlan(
      before.state,
      { ...general, overrides: { 'general.spo2_low': { level: 92 } } },
      at('10:04'),
      'dr.bilal',
    );
    const after = simulate(raised.state, {
      from: '10:04',
      to: '10:12',
      readings: readingTrace(OXIMETER, '10:06 92\n10:08 92\n10:10 92\n10:11 92'),
    });
    expect(after.emissions.map((e) => line(e))).toEqual([
      '10:11 fired general.spo2_low 92 % -> nurse.amina, nurse.sana',
    ]);
  });
});

describe('rate of change on CGM', () => {
  it('fires on a fall of 3 mg/dL/min towards a low, and not on a fall of 1 mg/dL/min', () => {
    const fast = readingTrace(CGM, '02:00 120\n02:05 105\n02:10 90\n02:15 75');
    const slow = readingTrace(CGM, '02:00 99\n02:05 94\n02:10 89\n02:15 84\n02:20 79\n02:25 74');
    expect(
      simulate(engineWith([diabetes]), { from: '02:00', to: '02:20', readings: fast }).emissions.map((e) =>
        line(e),
      ),
    ).toEqual(['02:10 fired diabetes.rapid_fall 90 mg/dL -> nurse.amina, nurse.sana']);
    expect(
      simulate(engineWith([diabetes]), { from: '02:00', to: '02:30', readings: slow }).emissions,
    ).toEqual([]);
  });
});
