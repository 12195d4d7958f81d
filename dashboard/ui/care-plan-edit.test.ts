import { describe, expect, it } from 'vitest';
import type { CarePlanRule } from './api-types.ts';
import { carePlanUpdate, overrideText, readOverrides } from './care-plan-edit.ts';

const rule = (ruleId: string, kind: CarePlanRule['kind'], enabled = true): CarePlanRule => ({
  ruleId,
  title: ruleId === 'general.spo2_low' ? 'Low oxygen saturation' : 'CGM not sending readings',
  metric: 'spo2',
  kind,
  severity: 'critical',
  enabled,
  summary: '',
  levelParts: [],
  source: 'K6',
});
const spo2 = rule('general.spo2_low', 'threshold');
const stale = rule('diabetes.cgm_stale', 'no_data');
const homeMean: CarePlanRule = {
  ...rule('hypertension.home_mean_high', 'average'),
  title: 'Home blood pressure above target',
  metric: 'blood_pressure',
  levelParts: ['systolic', 'diastolic'],
};
const unchanged = (r: CarePlanRule, value = '') => ({ ruleId: r.ruleId, enabled: r.enabled, value });

describe('carePlanUpdate', () => {
  it('sends a changed level and a switched-off rule as overrides, keeping other overrides', () => {
    const current = { 'general.spo2_low': { sustain: { minutes: 10 } } };
    const update = carePlanUpdate(
      [spo2, stale],
      current,
      ['diabetes'],
      [unchanged(spo2, '90'), { ruleId: stale.ruleId, enabled: false, value: '' }],
    );
    expect(update).toEqual({
      ok: true,
      body: {
        templates: ['diabetes'],
        overrides: {
          'general.spo2_low': { sustain: { minutes: 10 }, level: 90 },
          'diabetes.cgm_stale': { enabled: false },
        },
      },
    });
  });

  it('returns a value to the template when its box is emptied, dropping an override left empty', () => {
    const update = carePlanUpdate(
      [spo2],
      { 'general.spo2_low': { level: 88 } },
      ['general_adult'],
      [unchanged(spo2)],
    );
    expect(update).toEqual({ ok: true, body: { templates: ['general_adult'], overrides: {} } });
  });

  it('refuses a value that is not a number, naming the rule', () => {
    expect(carePlanUpdate([spo2], {}, ['general_adult'], [unchanged(spo2, '9O')])).toEqual({
      ok: false,
      problems: ['Low oxygen saturation: alert level must be a number, not "9O"'],
    });
  });

  it('refuses a plan without a template', () => {
    expect(carePlanUpdate([], {}, [], [])).toMatchObject({
      ok: false,
      problems: ['Choose at least one template'],
    });
  });
});

describe('a blood-pressure level, part by part', () => {
  it('sends "130/80" as the systolic and diastolic, and "-" keeps a part as the template has it', () => {
    for (const [typed, level] of [
      ['130/80', { systolic: 130, diastolic: 80 }],
      [' 128 / - ', { systolic: 128 }],
    ] as const) {
      expect(carePlanUpdate([homeMean], {}, ['hypertension'], [unchanged(homeMean, typed)])).toEqual({
        ok: true,
        body: { templates: ['hypertension'], overrides: { 'hypertension.home_mean_high': { level } } },
      });
    }
  });

  it('refuses a level not written as systolic/diastolic, saying how to write it', () => {
    for (const typed of ['130', '130/80/70', '130/x']) {
      const update = carePlanUpdate([homeMean], {}, ['hypertension'], [unchanged(homeMean, typed)]);
      expect(update.ok ? [] : update.problems).toEqual([
        expect.stringMatching(
          /^Home blood pressure above target: mean level must be written as systolic\/diastolic/,
        ),
      ]);
    }
  });

  it('shows an overridden level as it is written', () => {
    expect(
      overrideText({ 'hypertension.home_mean_high': { level: { systolic: 130, diastolic: 80 } } }, homeMean),
    ).toBe('130/80');
    expect(overrideText({ 'hypertension.home_mean_high': { level: { diastolic: 80 } } }, homeMean)).toBe(
      '-/80',
    );
  });
});

describe('reading the overrides the server sent', () => {
  it('shows an overridden value in its box and ignores malformed entries', () => {
    const overrides = readOverrides({ 'general.spo2_low': { level: 89 }, broken: 5 });
    expect(overrides).toEqual({ 'general.spo2_low': { level: 89 } });
    expect(overrideText(overrides, spo2)).toBe('89');
    expect(overrideText(overrides, stale)).toBe('');
    expect(readOverrides(null)).toEqual({});
  });
});
