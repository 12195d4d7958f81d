/**
 * Care plan templates: the default rules for a kind of patient, as data. Every number is
 * a default a clinician can override per patient (care-plan.ts); every rule names its
 * sources (keys of shared/clinical-reference.md) in `source` and beside the number.
 *
 * Severity follows one mapping where NEWS2 applies [K6]: a single-parameter score of 3
 * (the "urgent review" band) is `critical`, a score of 2 is `warning`, a score of 1 is not
 * alerted by default. Durations ("sustain") exist because delays and sensible limits cut
 * nuisance alarms by more than half without hiding sustained events [K14][K15]; alarm
 * fatigue is itself a safety risk [K11][K12][K13][K16].
 *
 * Sustained conditions count a run of consecutive readings only while they are at most
 * `maxGapMinutes` apart (default 20 min for a CGM, twice the interval, 2 min, for
 * continuous SpO2 and pulse; sample-intervals.ts), so two spot checks hours apart never
 * make "held for 3 h".
 *
 * No-data rules watch a source only once it has sent a reading for the patient: most
 * diabetic patients here test with a meter and have no CGM, and a CGM-only patient has no
 * meter, so "silent since monitoring began" would be an alert nobody can act on, repeated
 * forever [K11][K16]. A device that sent and then stopped is what these rules are for.
 *
 * Spot measurements (a cuff, a scale, a thermometer, a meter) have no regular interval:
 * one reading decides unless the rule asks for a confirmation, and then it says how far
 * apart the confirming readings may be (`maxGapMinutes`).
 *
 * Blood pressure rules name the parts they compare; a condition holds when any named part
 * is beyond its level (>= 180 systolic OR >= 110 diastolic), one alert per reading.
 *
 * Disease templates are built on `general_adult` and may replace its rules where they
 * overlap (COPD's SpO2 target replaces the general SpO2 rules). Temperature is a NEWS2
 * parameter like pulse and SpO2, so its rules are general (every adult with a
 * thermometer), not a template of their own.
 */
import { z } from 'zod';
import { type ReadingSelection, Rule, RuleId, type RuleInput } from './rule-schema.ts';

export const TemplateId = z.enum(['general_adult', 'diabetes', 'copd', 'heart_failure', 'hypertension']);
export type TemplateId = z.infer<typeof TemplateId>;

export const CarePlanTemplate = z.strictObject({
  id: TemplateId,
  title: z.string().min(1),
  /** Templates whose rules this one includes (then adjusts with `replaces`). */
  builtOn: z.array(TemplateId),
  /** Rules of the included templates that this template's own rules supersede. */
  replaces: z.array(RuleId),
  rules: z.array(Rule).min(1),
});
export type CarePlanTemplate = z.infer<typeof CarePlanTemplate>;

const CGM_GLUCOSE: z.input<typeof ReadingSelection> = { metrics: ['glucose'], glucoseSource: 'cgm' };
const METER_GLUCOSE: z.input<typeof ReadingSelection> = { metrics: ['glucose'], glucoseSource: 'meter' };
const SPO2: z.input<typeof ReadingSelection> = { metrics: ['spo2'] };
/** A pulse is a pulse whether a chest strap (heart_rate) or an oximeter (pulse_rate) counts it. */
const PULSE: z.input<typeof ReadingSelection> = { metrics: ['heart_rate', 'pulse_rate'] };
const CUFF: z.input<typeof ReadingSelection> = { metrics: ['blood_pressure'] };
const SCALE: z.input<typeof ReadingSelection> = { metrics: ['body_weight'] };
const THERMOMETER: z.input<typeof ReadingSelection> = { metrics: ['body_temperature'] };

// What kind of threshold each rule is; the rules below add their numbers and sources.
const CGM_LOW = { kind: 'threshold', readings: CGM_GLUCOSE, unit: 'mg/dL', direction: 'below' } as const;
const METER_LOW = { kind: 'threshold', readings: METER_GLUCOSE, unit: 'mg/dL', direction: 'below' } as const;
const CGM_HIGH = { kind: 'threshold', readings: CGM_GLUCOSE, unit: 'mg/dL', direction: 'above' } as const;
const SPO2_AT_OR_BELOW = {
  kind: 'threshold',
  readings: SPO2,
  unit: '%',
  direction: 'below',
  inclusive: true,
} as const;
const PULSE_AT_OR_ABOVE = {
  kind: 'threshold',
  readings: PULSE,
  unit: '/min',
  direction: 'above',
  inclusive: true,
} as const;
const PULSE_AT_OR_BELOW = { ...PULSE_AT_OR_ABOVE, direction: 'below' } as const;
const TEMPERATURE_AT_OR_ABOVE = { ...PULSE_AT_OR_ABOVE, readings: THERMOMETER, unit: 'Cel' } as const;
const BP_AT_OR_ABOVE = { ...PULSE_AT_OR_ABOVE, readings: CUFF, unit: 'mm[Hg]' } as const;
const SYSTOLIC_AT_OR_BELOW = { ...BP_AT_OR_ABOVE, direction: 'below' } as const;
/** Home blood pressure over a week, judged on enough of it: 12 readings on 4 days. */
const HOME_BP_MEAN = {
  ...BP_AT_OR_ABOVE,
  kind: 'average',
  windowDays: 7,
  minReadings: 12,
  minDays: 4,
} as const;

const generalAdult: RuleInput[] = [
  {
    ...SPO2_AT_OR_BELOW,
    id: 'general.spo2_low',
    title: 'Low oxygen saturation',
    severity: 'critical',
    // NEWS2 Scale 1: SpO2 <= 91 % scores 3 [K6]; held 5 min (project default for home
    // oximetry, delays cut nuisance alarms [K14][K15]); clears at >= 94 %, score 0-1 [K6].
    level: 91,
    sustain: { minutes: 5 },
    clear: { level: 94 },
    source: ['K6', 'K14', 'K15'],
  },
  {
    ...SPO2_AT_OR_BELOW,
    id: 'general.spo2_moderately_low',
    title: 'Moderately low oxygen saturation',
    severity: 'warning',
    // NEWS2 Scale 1: SpO2 92-93 % scores 2 [K6] (<= 91 % is general.spo2_low). Held 15 min
    // like the pulse warning, so a brief dip pages nobody [K14][K15]; clears at >= 96 %,
    // score 0 [K6], as the pulse warning clears in the score-0 band (hysteresis: 94-95 %,
    // score 1, neither fires nor clears).
    level: 93,
    sustain: { minutes: 15 },
    clear: { level: 96 },
    source: ['K6', 'K14', 'K15'],
  },
  {
    ...PULSE_AT_OR_ABOVE,
    id: 'general.pulse_very_high',
    title: 'Very fast pulse',
    severity: 'critical',
    // NEWS2 pulse >= 131 /min scores 3 [K6]; held 5 min [K14][K15]; clears at <= 110 (score 0-1) [K6].
    level: 131,
    sustain: { minutes: 5 },
    clear: { level: 110 },
    source: ['K6', 'K14', 'K15'],
  },
  {
    ...PULSE_AT_OR_ABOVE,
    id: 'general.pulse_high',
    title: 'Fast pulse',
    severity: 'warning',
    // NEWS2 pulse 111-130 /min scores 2 [K6]; held 15 min so that a walk or stairs do not
    // page anyone [K14][K15]; clears at <= 90 (score 0) [K6].
    level: 111,
    sustain: { minutes: 15 },
    clear: { level: 90 },
    source: ['K6', 'K14', 'K15'],
  },
  {
    ...PULSE_AT_OR_BELOW,
    id: 'general.pulse_very_low',
    title: 'Very slow pulse',
    severity: 'critical',
    // NEWS2 pulse <= 40 /min scores 3 [K6]; held 5 min [K14][K15]; clears at >= 51 (score 0) [K6].
    level: 40,
    sustain: { minutes: 5 },
    clear: { level: 51 },
    source: ['K6', 'K14', 'K15'],
  },
  {
    ...TEMPERATURE_AT_OR_ABOVE,
    id: 'general.temperature_high',
    title: 'High temperature',
    severity: 'warning',
    // NEWS2 temperature >= 39.1 °C scores 2 [K6]. A thermometer reading is a spot
    // measurement taken on purpose: one reading decides, as a meter test does. Clears at
    // <= 38.0 °C, score 0 (38.1-39.0 scores 1, hysteresis) [K6]. [degF] readings are
    // compared in Cel, exactly (102.4 [degF] is 39.11 Cel).
    level: 39.1,
    clear: { level: 38 },
    source: ['K6'],
  },
  {
    ...TEMPERATURE_AT_OR_ABOVE,
    direction: 'below',
    id: 'general.temperature_low',
    title: 'Low temperature',
    severity: 'critical',
    // NEWS2 temperature <= 35.0 °C scores 3 [K6]; one reading decides. Clears at >= 36.1 °C,
    // score 0 (35.1-36.0 scores 1, hysteresis) [K6].
    level: 35,
    clear: { level: 36.1 },
    source: ['K6'],
  },
];

/**
 * Monitoring interrupted: an oximeter or strap that keeps sending, but only readings it
 * flags (no finger contact, a signal fault), leaves the patient unmonitored while it looks
 * in use. 15 min: longer than the 5 min the critical SpO2 and pulse rules need [K6][K14],
 * so a fault that hides a critical episode is told within the time the warning rules take;
 * a moment's movement artefact is not [K14][K15] (PROJECT).
 */
const FAULTS = { kind: 'no_data', watch: 'faults', silentMinutes: 15 } as const;
const monitoringInterrupted: RuleInput[] = [
  {
    ...FAULTS,
    id: 'general.spo2_unmonitored',
    title: 'SpO2 cannot be monitored',
    severity: 'warning',
    readings: SPO2,
    source: ['K6', 'K14', 'K15', 'PROJECT'],
  },
  {
    ...FAULTS,
    id: 'general.pulse_unmonitored',
    title: 'Pulse cannot be monitored',
    severity: 'info',
    readings: PULSE,
    source: ['K6', 'K14', 'K15', 'PROJECT'],
  },
];

/**
 * The home gateway offline: outside the cities the power goes for hours a day (load-
 * shedding), and the gateway with it. One alert per patient of the household says why
 * their tiles are silent, instead of one no-data alert per device as if the patient had
 * stopped measuring; the readings are kept on the gateway and arrive when it is back.
 * Info by default (a doctor may raise it for a patient who must not go unwatched); after
 * 30 min, so a router restart or a short cut pages nobody (PROJECT).
 */
const gatewayOffline: RuleInput = {
  kind: 'no_data',
  watch: 'gateway',
  id: 'general.gateway_offline',
  title: 'Home gateway offline',
  severity: 'info',
  readings: {
    metrics: ['heart_rate', 'spo2', 'glucose', 'blood_pressure', 'body_weight', 'body_temperature'],
  },
  silentMinutes: 30,
  source: ['PROJECT'],
};

const diabetes: RuleInput[] = [
  {
    ...CGM_LOW,
    id: 'diabetes.hypo_l1',
    title: 'Low glucose (level 1) on CGM',
    severity: 'warning',
    // Level 1 hypoglycaemia < 70 mg/dL (3.9 mmol/L) [K1][K2]. A CGM event needs >= 15
    // consecutive minutes below and ends after >= 15 minutes at or above [K1][K4];
    // "consecutive": readings at most 20 min apart (a CGM losing packets; common/metrics.ts).
    level: 70,
    sustain: { minutes: 15 },
    clear: { level: 70, sustain: { minutes: 15 } },
    source: ['K1', 'K2', 'K4'],
  },
  {
    ...CGM_LOW,
    id: 'diabetes.hypo_l2',
    title: 'Very low glucose (level 2) on CGM',
    severity: 'critical',
    // Level 2 hypoglycaemia < 54 mg/dL (3.0 mmol/L) [K1][K2]. The 15 min in K1/K4 define
    // the CGM *event* for statistics, not a delay before an alarm: an alarm should be
    // prompt, and Nightscout's urgent low fires on one reading [NS1]. A second consecutive
    // reading (at most 20 min apart) guards against one artefactual CGM value [K14][K15].
    // Clears after >= 15 min at or above 54 [K1][K4]. (A meter reading < 54 pages at
    // once: diabetes.meter_hypo_l2.)
    level: 54,
    sustain: { readings: 2 },
    clear: { level: 54, sustain: { minutes: 15 } },
    source: ['NS1', 'K1', 'K2', 'K4', 'K14', 'K15'],
  },
  {
    ...METER_LOW,
    id: 'diabetes.meter_hypo_l1',
    title: 'Low glucose (level 1) on meter',
    severity: 'warning',
    // < 70 mg/dL [K1]. A meter test is a single measurement, so one reading decides; the
    // alert clears with the next meter test at or above 70. Below 54 the level-2 rule
    // takes over [K1][K2]: one test pages once, as the critical it is.
    level: 70,
    clear: { level: 70 },
    handsOverTo: 'diabetes.meter_hypo_l2',
    source: ['K1'],
  },
  {
    ...METER_LOW,
    id: 'diabetes.meter_hypo_l2',
    title: 'Very low glucose (level 2) on meter',
    severity: 'critical',
    // < 54 mg/dL [K1][K2]; one meter reading decides.
    level: 54,
    clear: { level: 54 },
    source: ['K1', 'K2'],
  },
  {
    ...CGM_HIGH,
    id: 'diabetes.hyper_l1',
    title: 'High glucose (level 1) for hours on CGM',
    severity: 'info',
    // Level 1 hyperglycaemia > 180 mg/dL (10.0 mmol/L) [K3]. Post-meal peaks are expected:
    // a delay of 3 h, within Tidepool's 0-6 h high-alert delay [TP5]. Clears back in range [K3].
    // CGM only: "held for 3 h" needs continuous readings (at most 20 min apart, PROJECT);
    // the levels and the time above range are CGM measures [K3]. Meter tests hours apart
    // are separate facts and never form one run, nor mix with CGM values in one.
    level: 180,
    sustain: { minutes: 180 },
    clear: { level: 180 },
    source: ['K3', 'TP5'],
  },
  {
    ...CGM_HIGH,
    id: 'diabetes.hyper_l2',
    title: 'Very high glucose (level 2) on CGM',
    severity: 'warning',
    // Level 2 hyperglycaemia > 250 mg/dL (13.9 mmol/L) [K3]; a delay of 1 h [TP5]. CGM
    // only, readings at most 20 min apart, as for level 1.
    level: 250,
    sustain: { minutes: 60 },
    clear: { level: 250 },
    source: ['K3', 'TP5'],
  },
  {
    kind: 'rate',
    id: 'diabetes.rapid_fall',
    title: 'Glucose falling fast on CGM',
    severity: 'warning',
    readings: CGM_GLUCOSE,
    unit: 'mg/dL',
    // Dexcom trend arrows over the last 15-20 min: falling 2-3, rapidly falling > 3,
    // steady < 1 mg/dL/min [K5]. A least-squares slope over 15 min uses every reading, so
    // one noisy value cannot make (or hide) a fall the way a two-endpoint difference can.
    direction: 'falling',
    ratePerMinute: 2,
    clearRatePerMinute: 1,
    windowMinutes: 15,
    minReadings: 3,
    minSpanMinutes: 10,
    // Gate: from below 100 mg/dL a fall of 2 mg/dL/min reaches the level-1 line (70 [K1])
    // within 15 min, before the level-1 alert could fire.
    gate: { direction: 'below', level: 100 },
    source: ['K5', 'K1'],
  },
  {
    kind: 'no_data',
    id: 'diabetes.cgm_stale',
    title: 'CGM not sending readings',
    severity: 'warning',
    readings: CGM_GLUCOSE,
    // Nightscout: stale data warns at 15 min and is urgent at 30 min [NS1]; a patient whose
    // CGM is silent is unmonitored for lows. Watches only a patient whose CGM has sent at
    // least one reading (see the header): a meter-only patient is never told off for it.
    silentMinutes: 30,
    source: ['NS1'],
  },
  {
    kind: 'no_data',
    id: 'diabetes.meter_unused',
    title: 'Glucose meter not used today',
    severity: 'info',
    readings: METER_GLUCOSE,
    // No published threshold: daily testing with a 2-hour margin (26 h). Set per patient.
    // Watches only a patient whose meter has sent at least one reading (a CGM-only patient
    // does not use one).
    silentMinutes: 26 * 60,
    source: ['PROJECT'],
  },
  {
    kind: 'schedule',
    id: 'diabetes.meter_schedule',
    title: 'Glucose test not taken as prescribed',
    severity: 'info',
    readings: METER_GLUCOSE,
    // A fasting test before breakfast, as a doctor prescribes it (no published default
    // time: off until set per patient); from 2 h before to 2 h after (PROJECT).
    enabled: false,
    times: ['07:00'],
    earlyMinutes: 120,
    lateMinutes: 120,
    source: ['PROJECT'],
  },
];

const copd: RuleInput[] = [
  {
    ...SPO2_AT_OR_BELOW,
    id: 'copd.spo2_low',
    title: 'Oxygen below COPD target',
    severity: 'warning',
    // Hypercapnic COPD: target 88-92 %, scored on NEWS2 Scale 2 [K6][K10]: 84-85 % scores 2,
    // 86-87 % scores 1, 88-92 % scores 0 (so 89 % alerts nobody). Held 5 min [K14][K15];
    // clears back in the target range, >= 88 % [K6][K10].
    level: 85,
    sustain: { minutes: 5 },
    clear: { level: 88 },
    source: ['K6', 'K10', 'K14', 'K15'],
  },
  {
    ...SPO2_AT_OR_BELOW,
    id: 'copd.spo2_very_low',
    title: 'Very low oxygen (COPD)',
    severity: 'critical',
    // NEWS2 Scale 2: <= 83 % scores 3 [K6]; held 5 min [K14][K15]; clears at >= 88 % [K6][K10].
    level: 83,
    sustain: { minutes: 5 },
    clear: { level: 88 },
    source: ['K6', 'K10', 'K14', 'K15'],
  },
];

const heartFailure: RuleInput[] = [
  {
    ...PULSE_AT_OR_ABOVE,
    id: 'heart.pulse_high',
    title: 'Fast pulse (heart failure)',
    severity: 'warning',
    // NEWS2 pulse >= 111 /min scores 2 [K6]. A sustained fast rate (e.g. atrial fibrillation)
    // can precede decompensation, so 10 min instead of the general 15 [K14][K15]; clears at <= 90 [K6].
    level: 111,
    sustain: { minutes: 10 },
    clear: { level: 90 },
    source: ['K6', 'K14', 'K15'],
  },
  {
    ...PULSE_AT_OR_BELOW,
    id: 'heart.pulse_low',
    title: 'Slow pulse (heart failure)',
    severity: 'warning',
    // NEWS2 pulse 41-50 /min scores 1 [K6]: not alerted in general, but rate-slowing heart
    // failure drugs make it worth a nurse's look (project choice). Held 10 min both ways
    // [K14][K15]; clears at >= 51 (score 0) [K6].
    level: 50,
    sustain: { minutes: 10 },
    clear: { level: 51, sustain: { minutes: 10 } },
    source: ['K6', 'K14', 'K15', 'PROJECT'],
  },
  {
    kind: 'change',
    id: 'heart.weight_gain',
    title: 'Weight gain (heart failure)',
    severity: 'warning',
    readings: SCALE,
    unit: 'kg',
    // ESC 2021 self-care: act on an unexpected weight gain of more than 2 kg in 3 days
    // [K20], the guideline rule as cited in [K9]. Measured against the lowest weight of the
    // 3 days before (a lone reading more than 2 kg below both its neighbours, a scale read
    // without clothes, does not count). Confirmed by the next weighing, at most 36 h later
    // (daily morning weighing, PROJECT), still more than 2 kg above the same lowest: one
    // reading that jumps back the next morning pages nobody. Clears on a weighing back
    // within 1 kg of that lowest weight (PROJECT).
    direction: 'rising',
    by: 2,
    windowDays: 3,
    sustain: { readings: 2, maxGapMinutes: 36 * 60 },
    clear: { by: 1 },
    source: ['K20', 'K9', 'PROJECT'],
  },
];

const hypertension: RuleInput[] = [
  {
    ...HOME_BP_MEAN,
    id: 'hypertension.home_mean_high',
    title: 'Home blood pressure above target, for review',
    severity: 'info',
    // ISH 2020: home blood pressure >= 135/85 mmHg is hypertension [K8] (either part).
    // Judged on a week (7 days) with at least 12 readings on 4 days, so one morning never
    // decides: ACC/AHA classify on the average of >= 2 readings on >= 2 occasions [K7],
    // the counts are this project's (PROJECT). Clears at or below 130/80 (both parts), the
    // ACC/AHA stage-1 line [K7], so a mean hovering at 135/85 does not flap.
    level: { systolic: 135, diastolic: 85 },
    clear: { level: { systolic: 130, diastolic: 80 } },
    source: ['K8', 'K7', 'PROJECT'],
  },
  {
    ...HOME_BP_MEAN,
    id: 'hypertension.home_mean_grade2',
    title: 'Home blood pressure high (grade 2)',
    severity: 'warning',
    // ISH 2020 grade 2: >= 160/100 mmHg [K8], as a 7-day home mean (the grades are office
    // values; home means run lower, so this is the cautious side). Clears 5 mmHg lower on
    // both parts, at or below 155/95 (PROJECT).
    level: { systolic: 160, diastolic: 100 },
    clear: { level: { systolic: 155, diastolic: 95 } },
    source: ['K8', 'PROJECT'],
  },
  {
    ...BP_AT_OR_ABOVE,
    id: 'hypertension.severe',
    title: 'Severe blood pressure, confirmed',
    severity: 'critical',
    // >= 180 systolic or >= 110 diastolic: where ISH 2020 considers hypertensive urgency or
    // emergency [K8] (ACC/AHA: crisis > 180 and/or > 120 [K7]). Confirmed by a repeat
    // reading within 15 min, after a few minutes' rest [K8][K7]: a single unconfirmed
    // 185/115 pages nobody. Clears below grade 2, at or below 159/99 (both parts) [K8].
    level: { systolic: 180, diastolic: 110 },
    sustain: { readings: 2, maxGapMinutes: 15 },
    clear: { level: { systolic: 159, diastolic: 99 } },
    source: ['K8', 'K7'],
  },
  {
    ...SYSTOLIC_AT_OR_BELOW,
    id: 'hypertension.hypotension_severe',
    title: 'Very low blood pressure',
    severity: 'critical',
    // NEWS2 systolic <= 90 mmHg scores 3 [K6] (treated patients can be over-treated). NEWS2
    // scores one observation: one reading decides. Clears at >= 101, score 0-1 [K6].
    level: { systolic: 90 },
    clear: { level: { systolic: 101 } },
    source: ['K6'],
  },
  {
    ...SYSTOLIC_AT_OR_BELOW,
    id: 'hypertension.hypotension',
    title: 'Low blood pressure',
    severity: 'warning',
    // NEWS2 systolic 91-100 mmHg scores 2 [K6]; at or below 90 the critical rule takes
    // over, so one reading pages once. Clears at >= 111, score 0 [K6].
    level: { systolic: 100 },
    clear: { level: { systolic: 111 } },
    handsOverTo: 'hypertension.hypotension_severe',
    source: ['K6'],
  },
  {
    kind: 'schedule',
    id: 'hypertension.bp_schedule',
    title: 'Home blood pressure not measured as prescribed',
    severity: 'info',
    readings: CUFF,
    // Home monitoring morning and evening [K8]. Off until a doctor prescribes it for the
    // patient (and sets the times the patient keeps); a time counts from 1 h before to 2 h
    // after (PROJECT).
    enabled: false,
    times: ['07:00', '19:00'],
    earlyMinutes: 60,
    lateMinutes: 120,
    source: ['K8', 'PROJECT'],
  },
];

/** Every template, validated when this module loads: a template that breaks a rule fails at start-up. */
export const TEMPLATES: Record<TemplateId, CarePlanTemplate> = {
  general_adult: CarePlanTemplate.parse({
    id: 'general_adult',
    title: 'General adult (NEWS2 Scale 1)',
    builtOn: [],
    replaces: [],
    rules: [...generalAdult, ...monitoringInterrupted, gatewayOffline],
  }),
  diabetes: CarePlanTemplate.parse({
    id: 'diabetes',
    title: 'Diabetes',
    builtOn: ['general_adult'],
    replaces: [],
    rules: diabetes,
  }),
  copd: CarePlanTemplate.parse({
    id: 'copd',
    title: 'COPD with hypercapnic risk (SpO2 target 88-92 %, NEWS2 Scale 2)',
    builtOn: ['general_adult'],
    replaces: ['general.spo2_low', 'general.spo2_moderately_low'],
    rules: copd,
  }),
  heart_failure: CarePlanTemplate.parse({
    id: 'heart_failure',
    title: 'Heart failure',
    builtOn: ['general_adult'],
    replaces: ['general.pulse_high'],
    rules: heartFailure,
  }),
  hypertension: CarePlanTemplate.parse({
    id: 'hypertension',
    title: 'Hypertension (home blood pressure)',
    builtOn: ['general_adult'],
    replaces: [],
    rules: hypertension,
  }),
};
