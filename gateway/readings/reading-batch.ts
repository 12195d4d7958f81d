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
 * Idempotency keys are `{deviceId}:{metric}:{suffix}`: the sample time in ms, or where the
 * device stamps its measurements with its own clock, those wall-clock digits
 * (`stampedTime`), so no zone or clock correction can change a stored measurement's key
 * when the device sends it again (glucose meter records add their sequence number).
 */
import { Reading, ReadingFlag, type ReadingInput } from '../../common/contract.ts';
import {
  type ComponentName,
  checkMetricValue,
  type Metric,
  metricRange,
  type Unit,
} from '../../common/metrics.ts';
import type { ReadingContext } from '../../common/reading-context.ts';
import { type DateTime, type DeviceClock, deviceTimeToUtc, type TimeResult } from '../gatt/date-time.ts';
import {
  describeSpecial,
  type MedicalFloat,
  type MedicalSpecialValue,
  scaleByPowerOfTen,
} from '../gatt/ieee11073.ts';
import { type BitTable, bitsOf, type NameOf } from '../gatt/named-values.ts';

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

export function emptyBatch(): ReadingBatch {
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

const LATEST_REPRESENTABLE_MS = 8.64e15;

export type FlagTable<N extends string> = Partial<Record<N, ReadingFlag>>;

export function flagsFrom<N extends string>(
  names: readonly N[] | undefined,
  table: FlagTable<N>,
): ReadingFlag[] {
  return (names ?? []).flatMap((name) => table[name] ?? []);
}

/** Raw status bits as lowercase hex, `digits` wide, for ReadingContext.deviceStatusHex. */
export function statusHex<T extends BitTable>(table: T, names: readonly NameOf<T>[], digits: number): string {
  return bitsOf(table, names).toString(16).padStart(digits, '0');
}

/** A number in its clinical unit, or the special value it was. */
export function measured(value: MedicalFloat, power = 0): number | MedicalSpecialValue {
  return value.kind === 'number' ? scaleByPowerOfTen(value, power) : value;
}

export function finiteIn(value: MedicalFloat | undefined, min: number, max: number): number | undefined {
  return value?.kind === 'number' && value.value >= min && value.value <= max ? value.value : undefined;
}

export const receivedTime = (source: ReadingSource): TimeResult => ({
  ok: true,
  ms: source.receivedAt.getTime(),
});

export interface Candidate {
  metric: Metric;
  unit: Unit;
  value: number | MedicalSpecialValue;
  /** The other parts of a compound value (blood pressure's diastolic and mean), as numbers. */
  components?: Partial<Record<ComponentName, number>>;
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
export function beyondRange(
  value: number | MedicalSpecialValue,
  flags: readonly ReadingFlag[],
): Beyond | undefined {
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
export function valueToSend(candidate: Candidate, beyond: Beyond | undefined): number | string {
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
export function toReading(candidate: Candidate, source: ReadingSource): Emitted | string {
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
    ...(candidate.components && { components: candidate.components }),
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

export class BatchBuilder {
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

/**
 * A measurement's time and key: the device's time stamp (in the device zone, corrected by
 * the clock offset) keyed by its own digits, or without one the receipt time.
 */
export function stampedTime(
  timestamp: DateTime | undefined,
  source: ReadingSource,
): { time: TimeResult; key?: string } {
  if (!timestamp) return { time: receivedTime(source) };
  return { time: deviceTimeToUtc(timestamp, source), key: wallClockDigits(timestamp) };
}

/** A device wall-clock time as written, digits only (`20261124T080000`); 0s for unknown fields. */
export function wallClockDigits(t: DateTime): string {
  const digits = (n: number | null, width: number) => String(n ?? 0).padStart(width, '0');
  const date = digits(t.year, 4) + digits(t.month, 2) + digits(t.day, 2);
  return `${date}T${digits(t.hours, 2)}${digits(t.minutes, 2)}${digits(t.seconds, 2)}`;
}
