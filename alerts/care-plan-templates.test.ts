import { describe, expect, it } from 'vitest';
import { TEMPLATES } from './care-plan-templates.ts';
import { describeRule } from './rule-description.ts';

describe('care plan templates', () => {
  it('hold the cited defaults the README lists (a change here is a clinical change: update both)', () => {
    const table = Object.values(TEMPLATES).flatMap((template) =>
      template.rules.map((r) => `${r.id} | ${describeRule(r)} | ${r.severity} | ${r.source.join(' ')}`),
    );
    expect(table).toEqual([
      'general.spo2_low | SpO2 at or below 91 % for 5 min (readings at most 2 min apart); clears at 94 % or above | critical | K6 K14 K15',
      'general.spo2_moderately_low | SpO2 at or below 93 % for 15 min (readings at most 2 min apart); clears at 96 % or above | warning | K6 K14 K15',
      'general.pulse_very_high | heart rate or pulse rate at or above 131 /min for 5 min (readings at most 2 min apart); clears at 110 /min or below | critical | K6 K14 K15',
      'general.pulse_high | heart rate or pulse rate at or above 111 /min for 15 min (readings at most 2 min apart); clears at 90 /min or below | warning | K6 K14 K15',
      'general.pulse_very_low | heart rate or pulse rate at or below 40 /min for 5 min (readings at most 2 min apart); clears at 51 /min or above | critical | K6 K14 K15',
      'general.temperature_high | temperature at or above 39.1 °C (one reading); clears at 38 °C or below | warning | K6',
      'general.temperature_low | temperature at or below 35 °C (one reading); clears at 36.1 °C or above | critical | K6',
      'general.spo2_unmonitored | the SpO2 device sending only readings it flags unreliable for 15 min; clears on a reliable reading, or when it stops sending for as long | warning | K6 K14 K15 PROJECT',
      'general.pulse_unmonitored | the heart rate or pulse rate device sending only readings it flags unreliable for 15 min; clears on a reliable reading, or when it stops sending for as long | info | K6 K14 K15 PROJECT',
      'general.gateway_offline | the home gateway offline for 30 min (its last will, or no status); clears when it is back | info | PROJECT',
      'diabetes.hypo_l1 | CGM glucose below 70 mg/dL for 15 min (readings at most 20 min apart); clears at 70 mg/dL or above for 15 min | warning | K1 K2 K4',
      'diabetes.hypo_l2 | CGM glucose below 54 mg/dL for 2 consecutive readings (readings at most 20 min apart); clears at 54 mg/dL or above for 15 min | critical | NS1 K1 K2 K4 K14 K15',
      'diabetes.meter_hypo_l1 | meter glucose below 70 mg/dL (one reading); where diabetes.meter_hypo_l2 fires, it alerts instead; clears at 70 mg/dL or above | warning | K1',
      'diabetes.meter_hypo_l2 | meter glucose below 54 mg/dL (one reading); clears at 54 mg/dL or above | critical | K1 K2',
      'diabetes.hyper_l1 | CGM glucose above 180 mg/dL for 3 h (readings at most 20 min apart); clears at 180 mg/dL or below | info | K3 TP5',
      'diabetes.hyper_l2 | CGM glucose above 250 mg/dL for 1 h (readings at most 20 min apart); clears at 250 mg/dL or below | warning | K3 TP5',
      'diabetes.rapid_fall | CGM glucose falling at 2 mg/dL/min or faster (least-squares slope over 15 min, at least 3 readings spanning 10 min) while below 100 mg/dL; clears when falling slower than 1 mg/dL/min | warning | K5 K1',
      'diabetes.cgm_stale | no reliable CGM glucose reading for more than 30 min (watched once it has sent a reading) | warning | NS1',
      'diabetes.meter_unused | no reliable meter glucose reading for more than 26 h (watched once it has sent a reading) | info | PROJECT',
      'diabetes.meter_schedule | a meter glucose measurement prescribed at 07:00 not taken from 2 h before to 2 h after (watched once the device has sent a reading); clears with the next reading | info | PROJECT',
      'copd.spo2_low | SpO2 at or below 85 % for 5 min (readings at most 2 min apart); clears at 88 % or above | warning | K6 K10 K14 K15',
      'copd.spo2_very_low | SpO2 at or below 83 % for 5 min (readings at most 2 min apart); clears at 88 % or above | critical | K6 K10 K14 K15',
      'heart.pulse_high | heart rate or pulse rate at or above 111 /min for 10 min (readings at most 2 min apart); clears at 90 /min or below | warning | K6 K14 K15',
      'heart.pulse_low | heart rate or pulse rate at or below 50 /min for 10 min (readings at most 2 min apart); clears at 51 /min or above for 10 min | warning | K6 K14 K15 PROJECT',
      'heart.weight_gain | weight rise of more than 2 kg within 3 days (latest reading against the lowest of the 3 days before; a lone reading that jumps back does not count) for 2 consecutive readings (readings at most 36 h apart); clears back within 1 kg of the lowest it rose from | warning | K20 K9 PROJECT',
      'hypertension.home_mean_high | blood pressure 7-day mean at or above 135/85 mmHg (either part; at least 12 readings on 4 days); clears at 130/80 mmHg or below (both parts) | info | K8 K7 PROJECT',
      'hypertension.home_mean_grade2 | blood pressure 7-day mean at or above 160/100 mmHg (either part; at least 12 readings on 4 days); clears at 155/95 mmHg or below (both parts) | warning | K8 PROJECT',
      'hypertension.severe | blood pressure at or above 180/110 mmHg (either part) for 2 consecutive readings (readings at most 15 min apart); clears at 159/99 mmHg or below (both parts) | critical | K8 K7',
      'hypertension.hypotension_severe | blood pressure (systolic) at or below 90 mmHg (one reading); clears at 101 mmHg or above | critical | K6',
      'hypertension.hypotension | blood pressure (systolic) at or below 100 mmHg (one reading); where hypertension.hypotension_severe fires, it alerts instead; clears at 111 mmHg or above | warning | K6',
      'hypertension.bp_schedule | a blood pressure measurement prescribed at 07:00, 19:00 not taken from 1 h before to 2 h after (watched once the device has sent a reading); clears with the next reading | info | K8 PROJECT',
    ]);
  });

  it('give every rule an id of its own and replace only rules of the templates they build on', () => {
    const ids = Object.values(TEMPLATES).flatMap((t) => t.rules.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const template of Object.values(TEMPLATES)) {
      const inherited = template.builtOn.flatMap((base) => TEMPLATES[base].rules.map((r) => r.id));
      expect(inherited).toEqual(expect.arrayContaining(template.replaces));
    }
  });

  it('name each rule after its template so overrides read clearly', () => {
    const prefixes = {
      general_adult: 'general.',
      diabetes: 'diabetes.',
      copd: 'copd.',
      heart_failure: 'heart.',
      hypertension: 'hypertension.',
    };
    for (const template of Object.values(TEMPLATES)) {
      for (const rule of template.rules) expect(rule.id.startsWith(prefixes[template.id])).toBe(true);
    }
  });
});
