/**
 * Decoded GATT measurements -> contract readings (ReadingInput) for one device.
 *
 * Nothing wrong is ever emitted: a special value (NaN, NRes), a value outside the contract's
 * physiological limits (checkMetricValue), a sample time that cannot be established, or
 * anything the contract's Reading schema refuses becomes a SkippedValue with a reason the
 * caller can log. Device status bits become the contract's flags, as the comments on
 * ReadingFlag in common/contract.ts describe.
 *
 * Two things are never skipped, because dropping them would hide what matters most:
 * - a device's "HI"/"LO" (+/-INFINITY, or a "result higher/lower than the device can process"
 *   bit) is sent flagged `result_above_device_range` / `result_below_device_range`, with the
 *   device's number when it is within the contract's limits, else that limit (metricRange);
 * - a sample time later than the moment the value arrived (plus DEVICE_CLOCK_TOLERANCE_MS)
 *   comes from a clock that runs fast: the value is sent at its receipt time, flagged
 *   `time_estimated`, and listed in `retimed` so the caller can warn.
 *
 * Idempotency keys: `{deviceId}:glucose:{sequence}:{device base time, YYYYMMDDThhmmss}` for
 * glucose meter records (a reset meter's record 1 is not the old record 1; the device's own
 * wall-clock digits, so no zone or clock correction can change a record's key),
 * `{deviceId}:{metric}:{sample time ms}` for everything else.
 */
import { Reading, type ReadingContext, ReadingFlag, type ReadingInput } from '../common/contract.ts';
import { checkMetricValue, type Metric, metricRange, type Unit } from '../common/metrics.ts';
import type { BodySensorLocationName } from './gatt/body-sensor-location.ts';
import {
  CGM_CAL_TEMP_OCTET,
  CGM_STATUS_OCTET,
  CGM_WARNING_OCTET,
  type CgmCalTemp,
  type CgmMeasurement,
  type CgmMeasurementRecord,
  type CgmStatus,
  type CgmWarning,
} from './gatt/cgm-measurement.ts';
import { type CgmSessionStartTime, sessionStartToUtc } from './gatt/cgm-session-start-time.ts';
import { type DateTime, type DeviceClock, deviceTimeToUtc, type TimeResult } from './gatt/date-time.ts';
import {
  GLUCOSE_SENSOR_STATUS,
  type GlucoseMeasurement,
  type GlucoseSensorStatus,
} from './gatt/glucose-measurement.ts';
import type { GlucoseMeasurementContext } from './gatt/glucose-measurement-context.ts';
import type { GlucoseSampleLocation } from './gatt/glucose-sample.ts';
import type { HeartRateMeasurement } from './gatt/heart-rate-measurement.ts';
import {
  describeSpecial,
  type MedicalFloat,
  type MedicalSpecialValue,
  scaleByPowerOfTen,
} from './gatt/ieee11073.ts';
import { type BitTable, bitsOf, type NameOf } from './gatt/named-values.ts';
import type { PlxContinuousMeasurement } from './gatt/plx-continuous-measurement.ts';
import type { PlxSpotCheckMeasurement } from './gatt/plx-spot-check-measurement.ts';
import {
  PLX_DEVICE_AND_SENSOR_STATUS,
  PLX_MEASUREMENT_STATUS,
  type PlxDeviceAndSensorStatus,
  type PlxMeasurementStatus,
  type PlxStatusFields,
} from './gatt/plx-status.ts';

/** The device the values came from, when they arrived, and how its clock relates to true time. */
export interface ReadingSource extends DeviceClock {
  patientId: string;
  deviceId: string;
  /** When the gateway received the value (from the injected clock). */
  receivedAt: Date;
}

export interface SkippedValue {
  deviceId: string;
  metric: Metric;
  reason: string;
}

/** A reading sent at its receipt time because the device's time for it was later. */
export interface RetimedReading {
  deviceId: string;
  readingId: string;
  /** The device's time minus the receipt time, ms: how far its clock runs ahead, at least. */
  deviceClockAheadMs: number;
}

export interface ReadingBatch {
  readings: ReadingInput[];
  skipped: SkippedValue[];
  retimed: RetimedReading[];
}

function emptyBatch(): ReadingBatch {
  return { readings: [], skipped: [], retimed: [] };
}

/** The batches as one, in order. */
export function concatBatches(batches: readonly ReadingBatch[]): ReadingBatch {
  return {
    readings: batches.flatMap((b) => b.readings),
    skipped: batches.flatMap((b) => b.skipped),
    retimed: batches.flatMap((b) => b.retimed),
  };
}

/**
 * How far a device's time for a value may run ahead of the value's arrival and still be
 * taken as the sample time: a second-resolution device clock a little fast is harmless, a
 * time minutes ahead is a clock fault (the server refuses it, MAX_CLOCK_SKEW_MS).
 */
export const DEVICE_CLOCK_TOLERANCE_MS = 60_000;

/** Contract limits of ReadingContext.rrIntervalsMs. */
const MAX_RR_MS = 5000;
const MAX_RR_COUNT = 64;
const LATEST_REPRESENTABLE_MS = 8.64e15;

type FlagTable<N extends string> = Partial<Record<N, ReadingFlag>>;

const PLX_MEASUREMENT_FLAGS: FlagTable<PlxMeasurementStatus> = {
  early_estimated_data: 'early_estimate',
  data_from_measurement_storage: 'from_storage',
  data_for_demonstration: 'demonstration',
  data_for_testing: 'testing',
  calibration_ongoing: 'calibrating',
  measurement_unavailable: 'invalid',
  questionable_measurement_detected: 'questionable',
  invalid_measurement_detected: 'invalid',
};

const PLX_DEVICE_FLAGS: FlagTable<PlxDeviceAndSensorStatus> = {
  equipment_malfunction_detected: 'device_fault',
  signal_processing_irregularity_detected: 'questionable',
  inadequate_signal_detected: 'signal_fault',
  poor_signal_detected: 'signal_fault',
  low_perfusion_detected: 'signal_fault',
  erratic_signal_detected: 'signal_fault',
  nonpulsatile_signal_detected: 'signal_fault',
  questionable_pulse_detected: 'questionable',
  sensor_interference_detected: 'signal_fault',
  sensor_unconnected_to_user: 'no_sensor_contact',
  unknown_sensor_connected: 'sensor_fault',
  sensor_displaced: 'no_sensor_contact',
  sensor_malfunctioning: 'sensor_fault',
  sensor_disconnected: 'sensor_fault',
};

const GLUCOSE_FLAGS: FlagTable<GlucoseSensorStatus> = {
  device_battery_low: 'battery_low',
  sensor_malfunction: 'sensor_fault',
  sample_size_insufficient: 'sample_error',
  strip_insertion_error: 'sample_error',
  strip_type_incorrect: 'sample_error',
  result_higher_than_device_can_process: 'result_above_device_range',
  result_lower_than_device_can_process: 'result_below_device_range',
  temperature_too_high: 'temperature_out_of_range',
  temperature_too_low: 'temperature_out_of_range',
  read_interrupted: 'sample_error',
  general_device_fault: 'device_fault',
  // "time fault has occurred and time may be inaccurate": the device clock cannot be trusted.
  time_fault: 'clock_not_set',
};

const CGM_STATUS_FLAGS: FlagTable<CgmStatus> = {
  device_battery_low: 'battery_low',
  sensor_type_incorrect_for_device: 'sensor_fault',
  sensor_malfunction: 'sensor_fault',
  general_device_fault: 'device_fault',
};

const CGM_CAL_TEMP_FLAGS: FlagTable<CgmCalTemp> = {
  time_synchronization_required: 'clock_not_set',
  calibration_not_allowed: 'calibrating',
  calibration_required: 'calibrating',
  sensor_temperature_too_high: 'temperature_out_of_range',
  sensor_temperature_too_low: 'temperature_out_of_range',
};

const CGM_WARNING_FLAGS: FlagTable<CgmWarning> = {
  result_lower_than_device_can_process: 'result_below_device_range',
  result_higher_than_device_can_process: 'result_above_device_range',
};

const CONTRACT_SAMPLE_LOCATION = {
  finger: 'finger',
  alternate_site_test: 'alternate_site',
  earlobe: 'earlobe',
  control_solution: 'control_solution',
  not_available: 'unknown',
} as const satisfies Record<GlucoseSampleLocation, ReadingContext['sampleLocation']>;

function flagsFrom<N extends string>(names: readonly N[] | undefined, table: FlagTable<N>): ReadingFlag[] {
  return (names ?? []).flatMap((name) => table[name] ?? []);
}

/** Raw status bits as lowercase hex, `digits` wide, for ReadingContext.deviceStatusHex. */
function statusHex<T extends BitTable>(table: T, names: readonly NameOf<T>[], digits: number): string {
  return bitsOf(table, names).toString(16).padStart(digits, '0');
}

/** A number in its clinical unit, or the special value it was. */
function measured(value: MedicalFloat, power = 0): number | MedicalSpecialValue {
  return value.kind === 'number' ? scaleByPowerOfTen(value, power) : value;
}

function finiteIn(value: MedicalFloat | undefined, min: number, max: number): number | undefined {
  return value?.kind === 'number' && value.value >= min && value.value <= max ? value.value : undefined;
}

const receivedTime = (source: ReadingSource): TimeResult => ({ ok: true, ms: source.receivedAt.getTime() });

interface Candidate {
  metric: Metric;
  unit: Unit;
  value: number | MedicalSpecialValue;
  time: TimeResult;
  /** Idempotency key suffix; the sample time in ms when absent. */
  key?: string;
  flags: readonly ReadingFlag[];
  context: ReadingContext;
}

type Beyond = 'above' | 'below';
const BEYOND_FLAG = {
  above: 'result_above_device_range',
  below: 'result_below_device_range',
} as const satisfies Record<Beyond, ReadingFlag>;

/** Whether the device says the true value lies beyond what it can measure ("HI"/"LO"), and which way. */
function beyondRange(value: number | MedicalSpecialValue, flags: readonly ReadingFlag[]): Beyond | undefined {
  if (typeof value !== 'number' && value.special === 'positive_infinity') return 'above';
  if (typeof value !== 'number' && value.special === 'negative_infinity') return 'below';
  if (flags.includes(BEYOND_FLAG.above)) return 'above';
  if (flags.includes(BEYOND_FLAG.below)) return 'below';
  return undefined;
}

/**
 * The number to send, or why there is none. A "HI"/"LO" keeps the device's number when the
 * contract takes it, else becomes the contract's limit on its side: a bound, never a
 * measurement, which the flag says.
 */
function valueToSend(candidate: Candidate, beyond: Beyond | undefined): number | string {
  const { metric, unit, value } = candidate;
  const range = metricRange(metric, unit);
  if (beyond && range) {
    const fits = typeof value === 'number' && checkMetricValue(metric, unit, value) === undefined;
    return fits ? value : beyond === 'above' ? range.max : range.min;
  }
  if (typeof value !== 'number') return `${metric} is ${describeSpecial(value.special)}`;
  const problem = checkMetricValue(metric, unit, value);
  if (problem?.kind === 'range') {
    return `${value} ${unit} is outside the physiological limits for ${metric} (${problem.min}-${problem.max} ${unit})`;
  }
  return value;
}

interface Emitted {
  reading: ReadingInput;
  /** Set when the device's time was later than the receipt time, which the reading took instead. */
  deviceClockAheadMs?: number;
}

/** The contract reading for a candidate, or why there must be none. */
function toReading(candidate: Candidate, source: ReadingSource): Emitted | string {
  const { metric, unit, time } = candidate;
  const beyond = beyondRange(candidate.value, candidate.flags);
  const value = valueToSend(candidate, beyond);
  if (typeof value === 'string') return value;
  if (!time.ok) return `no sample time: ${time.reason}`;
  if (!Number.isFinite(time.ms) || Math.abs(time.ms) > LATEST_REPRESENTABLE_MS) {
    return `sample time ${time.ms} ms is not a representable date`;
  }
  const flags = new Set(candidate.flags);
  if (beyond) flags.add(BEYOND_FLAG[beyond]);
  const receivedMs = source.receivedAt.getTime();
  const aheadMs = time.ms - receivedMs;
  const fastClock = aheadMs > DEVICE_CLOCK_TOLERANCE_MS;
  if (fastClock) flags.add('time_estimated');
  const reading: ReadingInput = {
    id: `${source.deviceId}:${metric}:${candidate.key ?? time.ms}`,
    patientId: source.patientId,
    deviceId: source.deviceId,
    metric,
    value,
    unit,
    time: new Date(fastClock ? receivedMs : time.ms).toISOString(),
    flags: ReadingFlag.options.filter((flag) => flags.has(flag)),
    context: candidate.context,
  };
  const checked = Reading.safeParse(reading);
  if (!checked.success) {
    return `refused by the contract: ${checked.error.issues.map((issue) => issue.message).join('; ')}`;
  }
  return fastClock ? { reading, deviceClockAheadMs: aheadMs } : { reading };
}

class BatchBuilder {
  readonly batch: ReadingBatch = emptyBatch();

  constructor(private readonly source: ReadingSource) {}

  skip(metric: Metric, reason: string): void {
    this.batch.skipped.push({ deviceId: this.source.deviceId, metric, reason });
  }

  emit(candidate: Candidate): void {
    const emitted = toReading(candidate, this.source);
    if (typeof emitted === 'string') {
      this.skip(candidate.metric, emitted);
      return;
    }
    const { reading, deviceClockAheadMs } = emitted;
    this.batch.readings.push(reading);
    if (deviceClockAheadMs !== undefined) {
      this.batch.retimed.push({ deviceId: this.source.deviceId, readingId: reading.id, deviceClockAheadMs });
    }
  }
}

/**
 * A transfer of stored records from a device whose clock runs fast: each retimed reading
 * was put at the receipt time, so several would share one time (and one InfluxDB point).
 * Every one is moved back by the largest lead in the batch instead, so the newest lands at
 * the receipt time and the others keep their order and spacing.
 */
export function spreadRetimed(batch: ReadingBatch): ReadingBatch {
  if (batch.retimed.length < 2) return batch;
  const lead = new Map(batch.retimed.map((r) => [r.readingId, r.deviceClockAheadMs]));
  const largest = Math.max(...lead.values());
  const readings = batch.readings.map((reading) => {
    const ahead = lead.get(reading.id);
    if (ahead === undefined) return reading;
    return { ...reading, time: new Date(Date.parse(reading.time) + ahead - largest).toISOString() };
  });
  return { ...batch, readings };
}

/** Heart rate at receive time, with RR intervals (ms), energy expended and body location as context. */
export function heartRateReadings(
  measurement: HeartRateMeasurement,
  source: ReadingSource,
  bodySensorLocation?: BodySensorLocationName,
): ReadingBatch {
  const builder = new BatchBuilder(source);
  const rrMs = measurement.rrIntervals.map((rr) => rr.ms);
  const plausible = rrMs.filter((ms) => ms > 0 && ms <= MAX_RR_MS);
  if (plausible.length < rrMs.length) {
    builder.skip(
      'heart_rate',
      `${rrMs.length - plausible.length} RR interval(s) outside 0-${MAX_RR_MS} ms left out`,
    );
  }
  const rrIntervalsMs = plausible.slice(-MAX_RR_COUNT);
  builder.emit({
    metric: 'heart_rate',
    unit: '/min',
    value: measurement.heartRate,
    time: receivedTime(source),
    flags: measurement.sensorContact === 'not_detected' ? ['no_sensor_contact'] : [],
    context: {
      ...(rrIntervalsMs.length > 0 ? { rrIntervalsMs } : {}),
      ...(measurement.energyExpendedKj === undefined
        ? {}
        : { energyExpendedKj: measurement.energyExpendedKj }),
      ...(bodySensorLocation ? { bodySensorLocation } : {}),
    },
  });
  return builder.batch;
}

function plxFlags(fields: PlxStatusFields): ReadingFlag[] {
  return [
    ...flagsFrom(fields.measurementStatus, PLX_MEASUREMENT_FLAGS),
    ...flagsFrom(fields.deviceAndSensorStatus, PLX_DEVICE_FLAGS),
  ];
}

/** Measurement status (4 hex digits) then device and sensor status (6), those present. */
function plxContext(fields: PlxStatusFields, spo2Averaging: ReadingContext['spo2Averaging']): ReadingContext {
  const statusHexDigits =
    (fields.measurementStatus ? statusHex(PLX_MEASUREMENT_STATUS, fields.measurementStatus, 4) : '') +
    (fields.deviceAndSensorStatus
      ? statusHex(PLX_DEVICE_AND_SENSOR_STATUS, fields.deviceAndSensorStatus, 6)
      : '');
  const pulseAmplitudeIndex = finiteIn(fields.pulseAmplitudeIndex, 0, 100);
  return {
    spo2Averaging,
    ...(pulseAmplitudeIndex === undefined ? {} : { pulseAmplitudeIndex }),
    ...(statusHexDigits ? { deviceStatusHex: statusHexDigits } : {}),
  };
}

function emitSpo2AndPulse(
  builder: BatchBuilder,
  pair: { spo2: MedicalFloat; pulseRate: MedicalFloat },
  time: TimeResult,
  flags: readonly ReadingFlag[],
  context: ReadingContext,
): void {
  builder.emit({ metric: 'spo2', unit: '%', value: measured(pair.spo2), time, flags, context });
  builder.emit({ metric: 'pulse_rate', unit: '/min', value: measured(pair.pulseRate), time, flags, context });
}

/**
 * The spot-check's own timestamp, in the device zone and corrected by the clock offset.
 * A device whose clock is not set is trusted only with a measured offset; otherwise a
 * live measurement takes the receive time, a stored one cannot be placed in time.
 */
function spotCheckTime(
  measurement: PlxSpotCheckMeasurement,
  source: ReadingSource,
): { time: TimeResult; flags: ReadingFlag[] } {
  const fromStorage = measurement.measurementStatus?.includes('data_from_measurement_storage') ?? false;
  const { timestamp } = measurement;
  const clockFlags: ReadingFlag[] = measurement.deviceClockNotSet ? ['clock_not_set'] : [];
  const unusable = (reason: string) =>
    fromStorage
      ? { time: { ok: false as const, reason }, flags: [] }
      : { time: receivedTime(source), flags: clockFlags };
  if (!timestamp) return unusable('stored spot-check without a timestamp');
  if (measurement.deviceClockNotSet && source.clockOffsetMs === undefined) {
    return unusable('device clock not set and no measured clock offset');
  }
  return { time: deviceTimeToUtc(timestamp, source), flags: clockFlags };
}

/** SpO2 (%) and pulse rate (/min) at the spot-check's timestamp (else receive time). */
export function plxSpotCheckReadings(
  measurement: PlxSpotCheckMeasurement,
  source: ReadingSource,
): ReadingBatch {
  const builder = new BatchBuilder(source);
  const { time, flags } = spotCheckTime(measurement, source);
  emitSpo2AndPulse(
    builder,
    measurement,
    time,
    [...flags, ...plxFlags(measurement)],
    plxContext(measurement, 'spot_check'),
  );
  return builder.batch;
}

/**
 * SpO2 and pulse rate of the Normal averaging at receive time. Fast and Slow are other
 * averagings of the same moment and would share the Normal readings' idempotency keys,
 * so they are not emitted.
 */
export function plxContinuousReadings(
  measurement: PlxContinuousMeasurement,
  source: ReadingSource,
): ReadingBatch {
  const builder = new BatchBuilder(source);
  emitSpo2AndPulse(
    builder,
    measurement.normal,
    receivedTime(source),
    plxFlags(measurement),
    plxContext(measurement, 'normal'),
  );
  return builder.batch;
}

/** A device wall-clock time as written, digits only (`20261124T080000`); 0s for unknown fields. */
function wallClockDigits(t: DateTime): string {
  const digits = (n: number | null, width: number) => String(n ?? 0).padStart(width, '0');
  const date = digits(t.year, 4) + digits(t.month, 2) + digits(t.day, 2);
  return `${date}T${digits(t.hours, 2)}${digits(t.minutes, 2)}${digits(t.seconds, 2)}`;
}

/** A meter record's own time as digits: with its sequence number, what tells two meters' records apart. */
export const glucoseRecordStamp = (measurement: GlucoseMeasurement): string =>
  wallClockDigits(measurement.baseTime);

/**
 * A glucose meter record in the unit the meter reported it (kg/L x 10^5 = mg/dL,
 * mol/L x 10^3 = mmol/L, exact), at base time + time offset in the device zone. The meal
 * comes from a Glucose Measurement Context with the same sequence number.
 */
export function glucoseMeterReadings(
  measurement: GlucoseMeasurement,
  source: ReadingSource,
  context?: GlucoseMeasurementContext,
): ReadingBatch {
  const builder = new BatchBuilder(source);
  const { concentration } = measurement;
  if (!concentration) {
    builder.skip('glucose', `record ${measurement.sequenceNumber} carries no concentration`);
    return builder.batch;
  }
  const inMgdl = concentration.unit === 'kg/L';
  const controlSolution =
    concentration.type === 'control_solution' || concentration.location === 'control_solution';
  const meal = context?.sequenceNumber === measurement.sequenceNumber ? context.meal : undefined;
  builder.emit({
    metric: 'glucose',
    unit: inMgdl ? 'mg/dL' : 'mmol/L',
    value: measured(concentration.value, inMgdl ? 5 : 3),
    time: deviceTimeToUtc(measurement.baseTime, source, measurement.timeOffsetMinutes ?? 0),
    key: `${measurement.sequenceNumber}:${wallClockDigits(measurement.baseTime)}`,
    flags: [
      ...flagsFrom(measurement.sensorStatus, GLUCOSE_FLAGS),
      ...(controlSolution ? (['control_solution'] as const) : []),
    ],
    context: {
      source: 'meter',
      sequenceNumber: measurement.sequenceNumber,
      sampleType: concentration.type,
      sampleLocation: CONTRACT_SAMPLE_LOCATION[concentration.location],
      ...(meal ? { mealContext: meal } : {}),
      ...(measurement.sensorStatus
        ? { deviceStatusHex: statusHex(GLUCOSE_SENSOR_STATUS, measurement.sensorStatus, 4) }
        : {}),
    },
  });
  return builder.batch;
}

export interface CgmSession {
  /** The sensor's CGM Session Start Time, when it could be read. */
  startTime?: CgmSessionStartTime;
  /**
   * Minutes since the session start at receive time, when known (e.g. the CGM Status
   * time offset). Without it, the newest record in the notification is taken as "now".
   */
  minutesSinceStartAtReceipt?: number;
}

function cgmRecordTime(
  record: CgmMeasurementRecord,
  start: TimeResult,
  nowMinutes: number,
  source: ReadingSource,
): { time: TimeResult; flags: ReadingFlag[] } {
  if (start.ok) return { time: { ok: true, ms: start.ms + record.timeOffsetMinutes * 60_000 }, flags: [] };
  const ms = source.receivedAt.getTime() - (nowMinutes - record.timeOffsetMinutes) * 60_000;
  return { time: { ok: true, ms }, flags: ['time_estimated'] };
}

/** CGM records (mg/dL) at session start + time offset; estimated from receive time without a usable start. */
export function cgmReadings(
  measurement: CgmMeasurement,
  source: ReadingSource,
  session: CgmSession,
): ReadingBatch {
  const builder = new BatchBuilder(source);
  const start: TimeResult = session.startTime
    ? sessionStartToUtc(session.startTime, source)
    : { ok: false, reason: 'session start time unknown' };
  const nowMinutes =
    session.minutesSinceStartAtReceipt ?? Math.max(...measurement.records.map((r) => r.timeOffsetMinutes));
  for (const record of measurement.records) {
    const { time, flags } = cgmRecordTime(record, start, nowMinutes, source);
    const annunciated = record.status || record.calTemp || record.warning;
    const trendMgdlPerMin = finiteIn(record.trend, -100, 100);
    const qualityPercent = finiteIn(record.quality, 0, 100);
    builder.emit({
      metric: 'glucose',
      unit: 'mg/dL',
      value: measured(record.glucose),
      time,
      flags: [
        ...flags,
        ...flagsFrom(record.status, CGM_STATUS_FLAGS),
        ...flagsFrom(record.calTemp, CGM_CAL_TEMP_FLAGS),
        ...flagsFrom(record.warning, CGM_WARNING_FLAGS),
      ],
      context: {
        source: 'cgm',
        ...(trendMgdlPerMin === undefined ? {} : { trendMgdlPerMin }),
        ...(qualityPercent === undefined ? {} : { qualityPercent }),
        // Warning octet, Cal/Temp octet, Status octet: the 24-bit annunciation field, 6 hex digits.
        ...(annunciated
          ? {
              deviceStatusHex:
                statusHex(CGM_WARNING_OCTET, record.warning ?? [], 2) +
                statusHex(CGM_CAL_TEMP_OCTET, record.calTemp ?? [], 2) +
                statusHex(CGM_STATUS_OCTET, record.status ?? [], 2),
            }
          : {}),
      },
    });
  }
  return builder.batch;
}
