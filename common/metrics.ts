/**
 * The metric catalogue: every metric the platform carries is one row here, and everything
 * that lists metrics derives from it (the contract's limits, storage, the rules' sample
 * intervals and words, the dashboard's queries, tiles and charts).
 *
 * For each metric: its words, the UCUM units it may arrive in with the range a real
 * measurement can have in each, the unit it is stored and compared in, its components
 * (blood pressure: the systolic is the reading's `value`, diastolic and mean travel beside
 * it in `components`), its LOINC and IEEE 11073 MDC codes, how often a device sends it when
 * it monitors continuously, how it is shown (precision, chart scale).
 *
 * A value outside its range is not physiologically possible (or not a measurement at all)
 * and is dead-lettered, never stored. A device's "HI"/"LO" is sent as the range's limit with
 * a flag saying so (`result_above_device_range` / `result_below_device_range`,
 * common/contract.ts). The ranges are deliberately wide: they exist to catch broken encoders
 * and unit mix-ups (a glucose in mmol/L sent as mg/dL), not to judge the patient. Clinical
 * thresholds live in the alert templates (alerts/), with their sources.
 *
 * Codes: ../shared/clinical-reference.md, "Observation codes" [S1]-[S5]; body temperature
 * 8310-5 is the FHIR R4 vital-signs profile's code [S4], MDC_TEMP_BODY (partition 2, term
 * 19292) the PHD IG's. Codes are carried into documentation and exports, never used as keys.
 */
import { z } from 'zod';
import { convertUnit } from './units.ts';

export const Metric = z.enum([
  'heart_rate',
  'pulse_rate',
  'spo2',
  'glucose',
  'blood_pressure',
  'body_weight',
  'body_temperature',
  'battery',
]);
export type Metric = z.infer<typeof Metric>;

/** UCUM codes. */
export const Unit = z.enum([
  '/min',
  '%',
  'mg/dL',
  'mmol/L',
  'mm[Hg]',
  'kPa',
  'kg',
  '[lb_av]',
  'Cel',
  '[degF]',
]);
export type Unit = z.infer<typeof Unit>;

/** Each unit as a nurse reads it in a sentence: "mmHg", "°C", "lb" (the codes are UCUM's). */
const UNIT_LABELS: Record<Unit, string> = {
  '/min': '/min',
  '%': '%',
  'mg/dL': 'mg/dL',
  'mmol/L': 'mmol/L',
  'mm[Hg]': 'mmHg',
  kPa: 'kPa',
  kg: 'kg',
  '[lb_av]': 'lb',
  Cel: '°C',
  '[degF]': '°F',
};

/** A unit code as words show it; an unknown code as it is. */
export function unitLabel(unit: string): string {
  const known = Unit.safeParse(unit);
  return known.success ? UNIT_LABELS[known.data] : unit;
}

/** The parts of a compound reading besides its `value`. */
export const ComponentName = z.enum(['diastolic', 'mean']);
export type ComponentName = z.infer<typeof ComponentName>;

/** The range a real measurement can have, in the metric's stored unit. */
export interface Limits {
  min: number;
  max: number;
}

/** Limits expressed in one unit. */
export interface UnitRange extends Limits {
  unit: Unit;
}

export interface Codes {
  loinc?: string;
  /** IEEE 11073-10101 term: partition x 65536 + term code, and its reference id. */
  mdc?: { code: number; name: string };
}

export interface ComponentRow {
  label: string;
  required: boolean;
  /** This component's limits, in the metric's stored unit; it arrives in the metric's units. */
  limits: Limits;
  codes: Codes;
}

export interface MetricRow {
  /** As a heading: "Blood pressure". */
  label: string;
  /** In a sentence: "blood pressure". */
  words: string;
  description: string;
  /** The unit InfluxDB holds, the dashboard shows and rules are compared in by default. */
  storedUnit: Unit;
  /** The stored unit as a nurse reads it on a screen. */
  displayUnit: string;
  /** Accepted units, the stored unit first. */
  units: readonly Unit[];
  /** The limits of `value`, in the stored unit: a value in another unit is converted (exactly) to be compared. */
  limits: Limits;
  /** What `value` is when the metric has components ("Systolic"), with its own codes. */
  valueLabel?: string;
  valueCodes?: Codes;
  components?: Partial<Record<ComponentName, ComponentRow>>;
  /** Parts that must be in ascending order when present (`value` names the value itself). */
  ascending?: readonly (ComponentName | 'value')[];
  codes: Codes;
  /**
   * Minutes between readings when a device monitors continuously (a strap, an oximeter, a
   * CGM for glucose from a CGM): what a sustained rule's readings may be apart. Absent: spot
   * measurements, for which a sustained rule must state its own gap.
   */
  continuousMinutes?: number;
  /** Glucose: the CGM's interval; meter tests are spot measurements. */
  cgmMinutes?: number;
  /**
   * Glucose: how far apart two CGM readings of one sustained run may be (by default a run
   * allows twice the interval, one lost reading; see alerts/sample-intervals.ts).
   */
  cgmMaxGapMinutes?: number;
  /** Decimals shown. */
  precision: number;
  /**
   * The units the guidelines state this metric's levels in, each with the decimals they
   * write it with, where they state more than one (glucose: 70 mg/dL, 3.9 mmol/L). A rule
   * compares a reading in such a unit in the reading's own unit (alerts/rule-schema.ts,
   * levelInUnit); any other reading is converted exactly to the rule's unit.
   */
  guidelineDecimals?: Partial<Record<Unit, number>>;
  /**
   * Charted on the patient view, on an axis no narrower than `minSpan` (stored unit); with
   * `sparkline`, also drawn small on the ward tile (continuously monitored vitals).
   */
  chart?: { minSpan: number; sparklineMinSpan?: number };
  /** Shown in place of this metric where the patient has none of it (a pulse for a heart rate). */
  standsInFor?: Metric;
}

/** Shown on the ward tiles and charts, in this order. */
export const VITAL_METRICS = [
  'heart_rate',
  'spo2',
  'glucose',
  'blood_pressure',
  'body_weight',
  'body_temperature',
] as const satisfies readonly Metric[];
export type VitalMetric = (typeof VITAL_METRICS)[number];

/** The vitals whose last hours a ward tile draws as a sparkline. */
export const SPARKLINE_METRICS = ['heart_rate', 'spo2', 'glucose'] as const satisfies readonly VitalMetric[];
export type SparklineMetric = (typeof SPARKLINE_METRICS)[number];

export const METRICS: Record<Metric, MetricRow> = {
  heart_rate: {
    label: 'Heart rate',
    words: 'heart rate',
    description: 'Heart rate from a heart-rate sensor (strap, watch)',
    storedUnit: '/min',
    displayUnit: 'bpm',
    // Below 20 or above 300 /min is not a sensed heart rate.
    units: ['/min'],
    limits: { min: 20, max: 300 },
    codes: { loinc: '8867-4', mdc: { code: 147842, name: 'MDC_ECG_HEART_RATE' } },
    continuousMinutes: 1,
    precision: 0,
    chart: { minSpan: 30, sparklineMinSpan: 20 },
  },
  pulse_rate: {
    label: 'Pulse rate',
    words: 'pulse rate',
    description: 'Pulse rate from a pulse oximeter',
    storedUnit: '/min',
    displayUnit: 'bpm',
    units: ['/min'],
    limits: { min: 20, max: 300 },
    codes: { loinc: '8867-4', mdc: { code: 149530, name: 'MDC_PULS_OXIM_PULS_RATE' } },
    continuousMinutes: 1,
    precision: 0,
    standsInFor: 'heart_rate',
  },
  spo2: {
    label: 'SpO2',
    words: 'SpO2',
    description: 'Peripheral oxygen saturation by pulse oximetry',
    storedUnit: '%',
    displayUnit: '%',
    // The whole 0-100 %: oximeters display down to 0-1 % (Nonin 7500FO display range 0-100 %;
    // Masimo SET module measurement range 1-100 %), accuracy being specified for 70-100 % only
    // (ISO 80601-2-61), and a real severe hypoxaemia below 50 % must reach the nurse, not the
    // dead letters.
    units: ['%'],
    limits: { min: 0, max: 100 },
    codes: { loinc: '59408-5', mdc: { code: 150456, name: 'MDC_PULS_OXIM_SAT_O2' } },
    continuousMinutes: 1,
    precision: 0,
    chart: { minSpan: 8, sparklineMinSpan: 6 },
  },
  glucose: {
    label: 'Glucose',
    words: 'glucose',
    description: 'Glucose concentration: capillary (meter) or interstitial (CGM)',
    storedUnit: 'mg/dL',
    displayUnit: 'mg/dL',
    // 10-1000 mg/dL spans every meter and CGM reporting range (typically 20-600 / 40-400).
    // The mmol/L range is the same span converted with 18.0156 (see common/units.ts).
    units: ['mg/dL', 'mmol/L'],
    limits: { min: 10, max: 1000 },
    // 2339-0 glucose in blood; exports refine it by source: meter 41653-7 / MDC 160184
    // (capillary whole blood), CGM 99504-3 / MDC_CONC_GLU_ISF 160212 [S1][S2][S5].
    codes: { loinc: '2339-0' },
    // One reading every 5 minutes (gateway/profiles/cgm/simulated-sensor.ts; Nightscout calls a CGM
    // stale after 15 min, three missed readings [NS1]).
    cgmMinutes: 5,
    // A run of CGM readings tolerates gaps of up to 20 min: a sensor that loses packets, or
    // a backlog from a sensor that keeps one reading per 15 min in its history (as
    // FreeStyle Libre does), still shows a low held for an hour; Nightscout calls a CGM
    // stale only after 15 min [NS1]. Two meter tests are never a run (PROJECT).
    cgmMaxGapMinutes: 20,
    precision: 0,
    // The consensus levels are stated in both units, the mmol/L to one decimal: 54/3.0,
    // 70/3.9, 180/10.0, 250/13.9 [K1][K3].
    guidelineDecimals: { 'mg/dL': 0, 'mmol/L': 1 },
    chart: { minSpan: 80, sparklineMinSpan: 60 },
  },
  blood_pressure: {
    label: 'Blood pressure',
    words: 'blood pressure',
    description: 'Non-invasive blood pressure from a cuff: systolic, diastolic and mean arterial',
    storedUnit: 'mm[Hg]',
    displayUnit: 'mmHg',
    // Oscillometric home cuffs measure 0-299 mmHg cuff pressure and report systolic 60-260,
    // diastolic 40-215 (e.g. Omron HEM-7156 specification); the limits are wider, so a real
    // hypotension or crisis is stored, and narrower than what no cuff can report. kPa limits
    // are the same converted (metricRange).
    units: ['mm[Hg]', 'kPa'],
    limits: { min: 40, max: 300 },
    valueLabel: 'Systolic',
    valueCodes: { loinc: '8480-6', mdc: { code: 150021, name: 'MDC_PRESS_BLD_NONINV_SYS' } },
    components: {
      diastolic: {
        label: 'Diastolic',
        required: true,
        limits: { min: 20, max: 250 },
        codes: { loinc: '8462-4', mdc: { code: 150022, name: 'MDC_PRESS_BLD_NONINV_DIA' } },
      },
      mean: {
        label: 'Mean arterial pressure',
        required: false,
        limits: { min: 25, max: 280 },
        codes: { loinc: '8478-0', mdc: { code: 150023, name: 'MDC_PRESS_BLD_NONINV_MEAN' } },
      },
    },
    ascending: ['diastolic', 'mean', 'value'],
    codes: { loinc: '85354-9', mdc: { code: 150020, name: 'MDC_PRESS_BLD_NONINV' } },
    precision: 0,
    chart: { minSpan: 60 },
  },
  body_weight: {
    label: 'Weight',
    words: 'weight',
    description: 'Body weight from a scale',
    storedUnit: 'kg',
    displayUnit: 'kg',
    // 0.5-500 kg: from an infant on a baby scale to the heaviest a bariatric scale weighs.
    units: ['kg', '[lb_av]'],
    limits: { min: 0.5, max: 500 },
    codes: { loinc: '29463-7', mdc: { code: 188736, name: 'MDC_MASS_BODY_ACTUAL' } },
    precision: 1,
    chart: { minSpan: 4 },
  },
  body_temperature: {
    label: 'Temperature',
    words: 'temperature',
    description: 'Body temperature from a thermometer',
    storedUnit: 'Cel',
    displayUnit: '°C',
    // 20-45 °C: clinical thermometers measure 32-42.9 °C (ISO 80601-2-56 asks at least
    // 34-42); a severe hypothermia below that must still be stored, not refused.
    units: ['Cel', '[degF]'],
    limits: { min: 20, max: 45 },
    codes: { loinc: '8310-5', mdc: { code: 150364, name: 'MDC_TEMP_BODY' } },
    precision: 1,
    chart: { minSpan: 2 },
  },
  battery: {
    label: 'Battery',
    words: 'battery',
    description: 'Battery level of a device',
    storedUnit: '%',
    displayUnit: '%',
    units: ['%'],
    limits: { min: 0, max: 100 },
    codes: {},
    precision: 0,
  },
};

/** The vitals the patient view charts: those with a chart. */
export const CHART_METRICS = VITAL_METRICS.filter((m) => METRICS[m].chart !== undefined);

export type RangeProblem = { kind: 'unit'; allowed: Unit[] } | { kind: 'range'; min: number; max: number };

/** Decimals a limit in a unit other than the stored one is given to. */
const CONVERTED_LIMIT_DECIMALS = 2;

/**
 * The limits of `metric` (or one of its components) in `unit`; undefined when the unit does
 * not fit. In the stored unit as the catalogue states them; in another unit converted and
 * rounded inwards (to the hundredth), so a limit in any unit is itself an acceptable value:
 * a device's "HI" sent as the kPa limit is within the mm[Hg] one.
 */
export function metricRange(metric: Metric, unit: Unit, component?: ComponentName): UnitRange | undefined {
  const row = METRICS[metric];
  const limits = limitsOf(metric, component);
  if (!limits || !row.units.includes(unit)) return undefined;
  if (unit === row.storedUnit) return { unit, ...limits };
  const scale = 10 ** CONVERTED_LIMIT_DECIMALS;
  const a = convertUnit(limits.min, row.storedUnit, unit);
  const b = convertUnit(limits.max, row.storedUnit, unit);
  // A conversion may reverse the order (none of today's do); the range is the lower to the higher.
  return {
    unit,
    min: Math.ceil(Math.min(a, b) * scale) / scale,
    max: Math.floor(Math.max(a, b) * scale) / scale,
  };
}

/** The limits of `metric` (or one of its components), in its stored unit. */
function limitsOf(metric: Metric, component?: ComponentName): Limits | undefined {
  const row = METRICS[metric];
  return component === undefined ? row.limits : row.components?.[component]?.limits;
}

/**
 * Checks a value and unit against the catalogue; undefined when acceptable. The value is
 * compared in the stored unit, where the limits are stated; a problem names the limits in
 * the value's own unit.
 */
export function checkMetricValue(
  metric: Metric,
  unit: Unit,
  value: number,
  component?: ComponentName,
): RangeProblem | undefined {
  const row = METRICS[metric];
  const range = metricRange(metric, unit, component);
  const limits = limitsOf(metric, component);
  if (!range || !limits) return { kind: 'unit', allowed: [...row.units] };
  const stored = convertUnit(value, unit, row.storedUnit);
  if (!(stored >= limits.min && stored <= limits.max))
    return { kind: 'range', min: range.min, max: range.max };
  return undefined;
}

/** The metric's components, in catalogue order. */
export function componentsOf(metric: Metric): [ComponentName, ComponentRow][] {
  const components = METRICS[metric].components ?? {};
  return ComponentName.options.flatMap((name) => {
    const row = components[name];
    return row ? [[name, row] as [ComponentName, ComponentRow]] : [];
  });
}
