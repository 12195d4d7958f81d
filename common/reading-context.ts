/**
 * The reading context catalogue: every key a reading's `context` may carry (what a clinician
 * needs to trust the number), each once, with its schema and the InfluxDB field it is stored
 * in. The contract's `ReadingContext` and the storage's fields (ingest/readings-storage.ts)
 * derive from it, so a device kind's new context is one entry here. All keys are optional;
 * unknown keys are refused so that a typo does not silently drop context.
 */
import { z } from 'zod';

export const GlucoseSampleType = z.enum([
  'capillary_whole_blood',
  'capillary_plasma',
  'venous_whole_blood',
  'venous_plasma',
  'arterial_whole_blood',
  'arterial_plasma',
  'undetermined_whole_blood',
  'undetermined_plasma',
  'interstitial_fluid',
  'control_solution',
]);
export const GlucoseSampleLocation = z.enum([
  'finger',
  'alternate_site',
  'earlobe',
  'control_solution',
  'unknown',
]);
export const MealContext = z.enum(['preprandial', 'postprandial', 'fasting', 'casual', 'bedtime']);
export const BodySensorLocation = z.enum(['other', 'chest', 'wrist', 'finger', 'hand', 'ear_lobe', 'foot']);
/** Where a temperature was taken (Temperature Type 0x2A1D). */
export const TemperatureSite = z.enum([
  'armpit',
  'body',
  'ear',
  'finger',
  'gastro_intestinal_tract',
  'mouth',
  'rectum',
  'toe',
  'tympanum',
]);

/** How a context value is stored: a string, an integer, a float, or a list of numbers (comma-separated). */
export type ContextFieldType = 'string' | 'int' | 'float' | 'numbers';

interface ContextKey<S extends z.ZodType> {
  schema: S;
  /** The InfluxDB field; none for the glucose source, which is a tag. */
  stored: { field: string; type: ContextFieldType } | 'tag';
}

const key = <S extends z.ZodType>(schema: S, stored: ContextKey<S>['stored']): ContextKey<S> => ({
  schema,
  stored,
});

export const CONTEXT_KEYS = {
  /** Heart rate: RR intervals in milliseconds (from 1/1024 s units). */
  rrIntervalsMs: key(z.array(z.number().positive().max(5000)).max(64), { field: 'rr_ms', type: 'numbers' }),
  /** Heart rate: cumulative energy expended, kilojoules. */
  energyExpendedKj: key(z.number().int().nonnegative(), { field: 'energy_kj', type: 'int' }),
  bodySensorLocation: key(BodySensorLocation, { field: 'body_location', type: 'string' }),
  /** Pulse oximetry: pulse amplitude index, %. */
  pulseAmplitudeIndex: key(z.number().nonnegative().max(100), { field: 'pai', type: 'float' }),
  /** Pulse oximetry: which averaging the value comes from. */
  spo2Averaging: key(z.enum(['normal', 'fast', 'slow', 'spot_check']), {
    field: 'averaging',
    type: 'string',
  }),
  /** Glucose: sample type and location (Glucose Measurement type/location nibble). */
  sampleType: key(GlucoseSampleType, { field: 'sample_type', type: 'string' }),
  sampleLocation: key(GlucoseSampleLocation, { field: 'sample_location', type: 'string' }),
  mealContext: key(MealContext, { field: 'meal', type: 'string' }),
  /** Glucose only: `meter` (spot test) or `cgm` (continuous); stored as the `source` tag. */
  source: key(z.enum(['meter', 'cgm']), 'tag'),
  /** Device sequence number (glucose record number). */
  sequenceNumber: key(z.number().int().nonnegative().max(65535), { field: 'sequence', type: 'int' }),
  /** CGM: rate of change in mg/dL/min as the device reports it. */
  trendMgdlPerMin: key(z.number().min(-100).max(100), { field: 'trend', type: 'float' }),
  /** CGM: quality, %. */
  qualityPercent: key(z.number().min(0).max(100), { field: 'quality', type: 'float' }),
  /** Blood pressure: the pulse rate the cuff measured with it, /min. */
  pulseRatePerMin: key(z.number().min(0).max(300), { field: 'pulse', type: 'float' }),
  /** Shared cuffs and scales: the device's user number (0-254) the measurement was taken for. */
  deviceUserId: key(z.number().int().min(0).max(254), { field: 'user_id', type: 'int' }),
  /** Weight: the body-mass index (kg/m2) and height (m) the scale reported with it. */
  bmi: key(z.number().positive().max(200), { field: 'bmi', type: 'float' }),
  heightM: key(z.number().positive().max(3), { field: 'height_m', type: 'float' }),
  /** Temperature: where it was taken. */
  temperatureSite: key(TemperatureSite, { field: 'site', type: 'string' }),
  /** Raw device status bits as received (hex), for support; never interpreted downstream. */
  deviceStatusHex: key(z.string().regex(/^[0-9a-f]{0,16}$/), { field: 'device_status', type: 'string' }),
};
type ContextKeys = typeof CONTEXT_KEYS;

const shape = Object.fromEntries(
  Object.entries(CONTEXT_KEYS).map(([name, { schema }]) => [name, schema.optional()]),
) as { [K in keyof ContextKeys]: z.ZodOptional<ContextKeys[K]['schema']> };

export const ReadingContext = z.strictObject(shape);
export type ReadingContext = z.infer<typeof ReadingContext>;

/** Every context key stored as a field, with its field and type. */
export const CONTEXT_FIELDS = Object.entries(CONTEXT_KEYS).flatMap(([name, { stored }]) =>
  stored === 'tag' ? [] : [{ key: name as keyof ReadingContext, ...stored }],
);
