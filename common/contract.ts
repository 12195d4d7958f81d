/**
 * The public wire contract, version 1: MQTT topics and message schemas shared by the
 * gateway, the ingest, the alerts engine, the dashboard and the tests. The README's
 * "Wire contract" section documents it for third-party gateways; keep both in step.
 * Changing a shape in a way an existing publisher would notice needs a new version
 * (`rpm/v2/...`), not an edit here.
 */
import { z } from 'zod';
import { describeIssues } from './describe-issues.ts';
import { DEVICE_KIND_NAMES } from './device-kinds.ts';
import { ComponentName, checkMetricValue, componentsOf, METRICS, Metric, Unit } from './metrics.ts';
import { ReadingContext } from './reading-context.ts';
import { printable, text, unsafeCharacter } from './text.ts';

export const CONTRACT_VERSION = 'v1';
const ROOT = `rpm/${CONTRACT_VERSION}`;

/** Largest MQTT payload the server accepts; larger publishes are refused by the broker. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
/** Most readings in one batch message. */
export const MAX_READINGS_PER_BATCH = 500;
/** A sample time further than this in the future is a clock fault, not a reading. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
/**
 * A sample time further than this in the past (the default; RPM_INGEST_MAX_READING_AGE_DAYS)
 * is a device clock that was reset, not a reading: a meter or cuff whose battery was
 * changed counts from its epoch (2000-01-01 or similar). 90 days reaches past every device
 * memory a gateway backfills (a CGM keeps hours to 14 days, a cuff a few weeks of readings)
 * and the longest window a screen or rule uses (30 days of adherence).
 */
export const DEFAULT_MAX_READING_AGE_DAYS = 90;

/**
 * Identifiers are pseudonymous codes, never names: letters, digits and `_ . : -`,
 * 1-64 characters, so they are safe in topics, InfluxDB tags and logs.
 * (`:` allows Bluetooth addresses as device ids.)
 */
const idPattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const idSchema = (what: string) =>
  text().regex(
    idPattern,
    `${what} must be 1-64 characters of letters, digits and _ . : - (no / + # or spaces)`,
  );
export const GatewayId = idSchema('gatewayId');
export const PatientId = idSchema('patientId');
export const DeviceId = idSchema('deviceId');

/** ISO 8601 in UTC with a `Z`, e.g. `2026-11-24T08:00:00.000Z`. */
export const UtcTimestamp = z.iso.datetime({ message: 'must be an ISO 8601 UTC timestamp ending in Z' });

// ---------------------------------------------------------------------------
// Topics

export const topics = {
  readings: (gatewayId: string) => `${ROOT}/gw/${gatewayId}/readings`,
  /** The same readings as a compact CBOR batch of series (common/series-batch.ts). */
  series: (gatewayId: string) => `${ROOT}/gw/${gatewayId}/series`,
  status: (gatewayId: string) => `${ROOT}/gw/${gatewayId}/status`,
  /** Server -> gateway: readings the server refused, with the reason (see RejectionMessage). */
  rejections: (gatewayId: string) => `${ROOT}/gw/${gatewayId}/rejections`,
  alerts: (patientId: string) => `${ROOT}/alerts/${patientId}`,
  /** Subscription filters used by the server. */
  allReadings: `${ROOT}/gw/+/readings`,
  allSeries: `${ROOT}/gw/+/series`,
  allStatus: `${ROOT}/gw/+/status`,
  allAlerts: `${ROOT}/alerts/+`,
  /** Everything one gateway may publish or subscribe to. */
  gatewayScope: (gatewayId: string) => `${ROOT}/gw/${gatewayId}/`,
} as const;

export const GatewayTopicKind = z.enum(['readings', 'series', 'status', 'rejections']);
export type GatewayTopicKind = z.infer<typeof GatewayTopicKind>;

/** Splits `rpm/v1/gw/{gatewayId}/{kind}`; undefined for any other topic. */
export function parseGatewayTopic(topic: string): { gatewayId: string; kind: GatewayTopicKind } | undefined {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[0] !== 'rpm' || parts[1] !== CONTRACT_VERSION || parts[2] !== 'gw') return;
  const gatewayId = GatewayId.safeParse(parts[3]);
  const kind = GatewayTopicKind.safeParse(parts[4]);
  if (!gatewayId.success || !kind.success) return;
  return { gatewayId: gatewayId.data, kind: kind.data };
}

/** Splits `rpm/v1/alerts/{patientId}`; undefined for any other topic. */
export function parseAlertsTopic(topic: string): { patientId: string } | undefined {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== 'rpm' || parts[1] !== CONTRACT_VERSION || parts[2] !== 'alerts')
    return;
  const patientId = PatientId.safeParse(parts[3]);
  return patientId.success ? { patientId: patientId.data } : undefined;
}

// ---------------------------------------------------------------------------
// Readings

/**
 * Why a reading may not be trusted on its own. Set by the gateway from the device's
 * own status bits; the alerts engine never fires a clinical alert on a reading that
 * carries any flag in UNRELIABLE_FLAGS.
 */
export const ReadingFlag = z.enum([
  'no_sensor_contact', // HR: contact supported and not detected; PLX: sensor unconnected/displaced
  'questionable', // PLX questionable measurement, signal processing irregularity, questionable pulse
  'invalid', // PLX invalid measurement detected
  'signal_fault', // PLX inadequate/poor/erratic/nonpulsatile signal, low perfusion, interference
  'sensor_fault', // sensor malfunction (PLX, glucose, CGM)
  'device_fault', // equipment malfunction, general device fault
  'early_estimate', // PLX early estimated data
  'calibrating', // PLX calibration ongoing; CGM calibration required/not allowed
  'demonstration', // PLX data for demonstration
  'testing', // PLX data for testing
  'control_solution', // glucose control-solution test: never a patient value
  'sample_error', // glucose sample insufficient, strip errors, read interrupted
  'temperature_out_of_range', // glucose/CGM temperature too high or low
  // The device's "HI" / "LO": the true value is above / below what the device can measure
  // (an IEEE 11073 +/-INFINITY, or a "result higher/lower than the device can process" status
  // bit). `value` is then a bound, not a measurement: the number the device sent with the bit
  // when it is within the metric's limits (common/metrics.ts), else that limit (glucose
  // 1000 / 10 mg/dL, 55.5 / 0.56 mmol/L). Show "HI" / "LO", never the number; it compares as
  // above / below every clinical threshold, so alerts still fire on it.
  'result_above_device_range',
  'result_below_device_range',
  'from_storage', // replayed from device memory (still a valid reading)
  'clock_not_set', // device clock not set: time is the gateway's estimate
  // The sample time is the gateway's estimate: derived (CGM without a session start time), or
  // the moment the gateway received the value, when the device's own time for it was later
  // than that (its clock runs fast): the true sample time is at or before `time`.
  'time_estimated',
  'battery_low', // device battery low (informative)
  // Blood pressure: the cuff's Measurement Status (Blood Pressure Measurement 0x2A35).
  'body_movement', // body movement during the measurement: the value may be wrong
  'cuff_fit_poor', // cuff too loose: the value may be wrong
  'irregular_pulse', // irregular pulse detected: shown to the nurse and doctor with the reading
  'pulse_rate_out_of_range', // the cuff's pulse rate beyond its limits (informative)
  // Improper measurement position (arm not at heart level): shown, not a reason to distrust
  // the reading outright: a position error is some 10 mmHg, and a crisis must still page.
  'improper_position',
]);
export type ReadingFlag = z.infer<typeof ReadingFlag>;

export const UNRELIABLE_FLAGS: ReadonlySet<ReadingFlag> = new Set<ReadingFlag>([
  'no_sensor_contact',
  'questionable',
  'invalid',
  'signal_fault',
  'sensor_fault',
  'device_fault',
  'early_estimate',
  'calibrating',
  'demonstration',
  'testing',
  'control_solution',
  'sample_error',
  'temperature_out_of_range',
  'body_movement',
  'cuff_fit_poor',
]);

export function isClinicallyReliable(reading: { flags: readonly ReadingFlag[] }): boolean {
  return !reading.flags.some((f) => UNRELIABLE_FLAGS.has(f));
}

/** A reading that is the device's LO or HI: its value is a bound, shown as "LO" / "HI". */
export const DeviceRangeBound = z.enum(['below', 'above']);
export type DeviceRangeBound = z.infer<typeof DeviceRangeBound>;

export function deviceRangeBound(flags: readonly string[]): DeviceRangeBound | undefined {
  if (flags.includes('result_below_device_range')) return 'below';
  if (flags.includes('result_above_device_range')) return 'above';
  return undefined;
}

export const Reading = z
  .strictObject({
    /**
     * Idempotency key: unique per reading, identical on every retry. Recommended:
     * `{deviceId}:{metric}:{sample time ms}`, or for records numbered by the device
     * `{deviceId}:{metric}:{sequence}:{device's own time}` (a meter whose memory is cleared
     * numbers from 1 again, so the sequence alone is not unique).
     */
    id: text().min(1).max(128),
    patientId: PatientId,
    deviceId: DeviceId,
    metric: Metric,
    /** The measured value; for blood pressure the systolic (METRICS[metric].valueLabel). */
    value: z.number().finite(),
    /** The other parts of a compound reading, in `unit`: blood pressure's diastolic and mean. */
    components: z.partialRecord(ComponentName, z.number().finite()).optional(),
    unit: Unit,
    /** The device's sample time, UTC. Never the time the reading was sent or received. */
    time: UtcTimestamp,
    flags: z.array(ReadingFlag).max(16).default([]),
    context: ReadingContext.default({}),
  })
  .superRefine(checkReadingValues)
  .transform(canonicalReading);
export type Reading = z.infer<typeof Reading>;

/**
 * One reading, one form: the time to the millisecond InfluxDB keeps (`...00Z` and
 * `...00.000123Z` are both `...00.000Z`), and no empty `components` or `rrIntervalsMs` (an
 * empty list says nothing). So a reading handed on live equals the same reading read back
 * from storage.
 */
function canonicalReading<
  R extends { time: string; components?: object | undefined; context: ReadingContext },
>(reading: R): R {
  const { components, ...rest } = reading;
  const { rrIntervalsMs, ...context } = reading.context;
  return {
    ...rest,
    time: new Date(Date.parse(reading.time)).toISOString(),
    ...(components && Object.keys(components).length > 0 && { components }),
    context: rrIntervalsMs?.length ? reading.context : context,
  } as R;
}

/** `heart_rate`, or a part of a compound metric: `blood_pressure diastolic`. */
function partName(metric: Metric, part: ComponentName | 'value'): string {
  const row = METRICS[metric];
  if (!row.components) return metric;
  const label = part === 'value' ? row.valueLabel : row.components[part]?.label;
  return `${metric} ${(label ?? part).toLowerCase()}`;
}

/**
 * A reading's numbers against the catalogue: the unit fits the metric, the value and each
 * component are within their limits (each named), a compound metric has its required
 * components and no others, and their order holds (a diastolic above the systolic is a
 * broken encoder, not a blood pressure).
 */
function checkReadingValues(
  r: {
    metric: Metric;
    unit: Unit;
    value: number;
    components?: Partial<Record<ComponentName, number>> | undefined;
    flags?: readonly string[];
    context?: { source?: string | undefined };
  },
  ctx: z.RefinementCtx,
): void {
  const issue = (path: (string | number)[], message: string, reason: RejectionReason = 'invalid_reading') =>
    ctx.addIssue({ code: 'custom', path, message, params: { reason } });
  if (r.context?.source !== undefined && r.metric !== 'glucose') {
    issue(['context', 'source'], `context.source (meter or cgm) is for glucose, not ${r.metric}`);
  }
  const problem = checkMetricValue(r.metric, r.unit, r.value);
  if (problem?.kind === 'unit') {
    issue(
      ['unit'],
      `unit '${r.unit}' does not fit metric '${r.metric}' (expected ${problem.allowed.join(' or ')})`,
      'unit_mismatch',
    );
    return;
  }
  const outside = (
    path: (string | number)[],
    what: string,
    value: number,
    range: { min: number; max: number },
  ) =>
    issue(
      path,
      `${value} ${r.unit} is outside the physiological limits for ${what} (${range.min}-${range.max} ${r.unit})`,
      'out_of_range',
    );
  if (problem?.kind === 'range') outside(['value'], partName(r.metric, 'value'), r.value, problem);
  const known = new Set(componentsOf(r.metric).map(([name]) => name));
  for (const name of Object.keys(r.components ?? {}) as ComponentName[]) {
    if (!known.has(name)) issue(['components', name], `${r.metric} has no component '${name}'`);
  }
  for (const [name, row] of componentsOf(r.metric)) {
    const value = r.components?.[name];
    if (value === undefined) {
      if (row.required) issue(['components', name], `${partName(r.metric, name)} is missing`);
      continue;
    }
    const componentProblem = checkMetricValue(r.metric, r.unit, value, name);
    if (componentProblem?.kind === 'range')
      outside(['components', name], partName(r.metric, name), value, componentProblem);
  }
  // A bound (the device's LO / HI) is not the value, so it has no order with the other parts.
  const bound = deviceRangeBound(r.flags ?? []) !== undefined;
  const present = (METRICS[r.metric].ascending ?? []).flatMap((part) => {
    if (part === 'value' && bound) return [];
    const value = part === 'value' ? r.value : r.components?.[part];
    return value === undefined ? [] : [{ part, value }];
  });
  for (let i = 1; i < present.length; i++) {
    const [lower, higher] = [present[i - 1], present[i]];
    if (lower && higher && lower.value > higher.value) {
      const path = lower.part === 'value' ? ['value'] : ['components', lower.part];
      issue(
        path,
        `${partName(r.metric, lower.part)} ${lower.value} ${r.unit} is above ${partName(r.metric, higher.part)} ${higher.value} ${r.unit}`,
      );
    }
  }
}

/**
 * Meter or CGM: the reading's `context.source`, else an interstitial sample is CGM and
 * anything else a meter. An unlabelled value is thus a spot value, for which the meter
 * rules fire on one reading: the safer reading of an unlabelled low. Storage tags glucose
 * with the same answer, so the alerts rebuilt from InfluxDB see what they saw live.
 */
export function glucoseSourceOf(reading: Pick<Reading, 'context'>): 'cgm' | 'meter' {
  if (reading.context.source) return reading.context.source;
  return reading.context.sampleType === 'interstitial_fluid' ? 'cgm' : 'meter';
}
/** What a publisher writes (flags and context may be omitted). */
export type ReadingInput = z.input<typeof Reading>;

/** The batch envelope; readings are validated one by one so one bad reading spoils nothing else. */
export const ReadingsBatchEnvelope = z.strictObject({
  gatewayId: GatewayId,
  /** Publisher's clock when the batch was sent. */
  sentAt: UtcTimestamp,
  readings: z.array(z.unknown()).min(1).max(MAX_READINGS_PER_BATCH),
});

export const RejectionReason = z.enum([
  'bad_json',
  'bad_cbor',
  'bad_envelope',
  'topic_mismatch',
  'invalid_reading',
  'out_of_range',
  'unit_mismatch',
  'future_timestamp',
  'past_timestamp',
  'patient_not_on_gateway',
  'storage_rejected',
]);
export type RejectionReason = z.infer<typeof RejectionReason>;

export interface RejectedReading {
  /** Position in the batch, and the reading's id when it had a readable one. */
  index: number;
  readingId?: string;
  reason: RejectionReason;
  detail: string;
}

export type BatchValidation =
  | { ok: false; reason: 'bad_json' | 'bad_cbor' | 'bad_envelope' | 'topic_mismatch'; detail: string }
  | {
      ok: true;
      gatewayId: string;
      sentAt: string;
      valid: ValidReading[];
      rejected: RejectedReading[];
      /** The readings as received, for dead-lettering by index. */
      readings: unknown[];
    };

/** A reading that passed validation, with its position in the batch. */
export interface ValidReading {
  index: number;
  reading: Reading;
}

/** The reason a refused reading is filed under: its first custom issue's, else invalid_reading. */
function reasonFor(error: z.ZodError): RejectionReason {
  const reasons = error.issues.flatMap((i) => {
    const reason = i.code === 'custom' ? RejectionReason.safeParse(i.params?.reason) : undefined;
    return reason?.success ? [reason.data] : [];
  });
  for (const preferred of ['unit_mismatch', 'out_of_range'] as const)
    if (reasons.includes(preferred)) return preferred;
  return 'invalid_reading';
}

/**
 * How deep a batch may nest: envelope, readings, a reading, its context, RR intervals (5),
 * with room to spare. Checked before any recursive work (validation, a dead letter's copy),
 * so a payload nested thousands deep is refused, not a stack overflow that drops the
 * connection and, resent, stops the home's data for good.
 */
const MAX_BATCH_DEPTH = 8;

/** The nesting depth of parsed JSON, counted without recursion and only up to `limit + 1`. */
function nestingDepth(json: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[json, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * A readings batch as its encoding gives it, before the readings are checked: the envelope
 * read, each reading as received (`raw`), or why an entry is no reading at all (`refused`:
 * a compact series that does not hold together stands for the readings it would have given).
 */
export type DecodedBatch =
  | { ok: false; reason: 'bad_json' | 'bad_cbor' | 'bad_envelope'; detail: string }
  | { ok: true; gatewayId: string; sentAt: string; entries: { raw: unknown; refused?: string }[] };

/** A JSON readings batch (`rpm/v1/gw/{id}/readings`), decoded. */
export function decodeJsonBatch(payload: Buffer | string): DecodedBatch {
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'bad_json', detail: `payload is not JSON: ${(err as Error).message}` };
  }
  const deep = tooDeep(json);
  if (deep) return { ok: false, reason: 'bad_envelope', detail: deep };
  const envelope = ReadingsBatchEnvelope.safeParse(json);
  if (!envelope.success) return { ok: false, reason: 'bad_envelope', detail: describeIssues(envelope.error) };
  const { gatewayId, sentAt, readings } = envelope.data;
  return { ok: true, gatewayId, sentAt, entries: readings.map((raw) => ({ raw })) };
}

/** The nesting a decoded batch may have, checked before any recursive work (see MAX_BATCH_DEPTH). */
export function tooDeep(decoded: unknown): string | undefined {
  return nestingDepth(decoded, MAX_BATCH_DEPTH) > MAX_BATCH_DEPTH
    ? `payload nests more than ${MAX_BATCH_DEPTH} levels deep; a readings batch needs at most ${MAX_BATCH_DEPTH}`
    : undefined;
}

/**
 * Checks a decoded readings batch from the gateway of the topic, reading by reading, so one
 * bad reading spoils nothing else. Pure: the clock is passed in. Registry checks (patient
 * known, patient on gateway) belong to the ingest, which has the registry.
 */
export function validateBatch(
  batch: DecodedBatch,
  topicGatewayId: string,
  now: Date,
  maxAgeDays = DEFAULT_MAX_READING_AGE_DAYS,
): BatchValidation {
  if (!batch.ok) return batch;
  if (batch.gatewayId !== topicGatewayId) {
    return {
      ok: false,
      reason: 'topic_mismatch',
      detail: `gatewayId '${batch.gatewayId}' does not match the topic's '${topicGatewayId}'`,
    };
  }
  const valid: ValidReading[] = [];
  const rejected: RejectedReading[] = [];
  const latest = now.getTime() + MAX_CLOCK_SKEW_MS;
  const earliest = now.getTime() - maxAgeDays * 86_400_000;
  batch.entries.forEach(({ raw, refused }, index) => {
    if (refused !== undefined) {
      rejected.push({ index, reason: 'invalid_reading', detail: printable(refused) });
      return;
    }
    // An id that is itself unsafe text is not echoed: the index names the reading.
    const readingId =
      typeof raw === 'object' && raw && 'id' in raw && typeof raw.id === 'string' && !unsafeCharacter(raw.id)
        ? raw.id
        : undefined;
    const parsed = Reading.safeParse(raw);
    if (!parsed.success) {
      rejected.push({
        index,
        readingId,
        reason: reasonFor(parsed.error),
        detail: describeIssues(parsed.error),
      });
    } else if (Date.parse(parsed.data.time) > latest) {
      rejected.push({
        index,
        readingId,
        reason: 'future_timestamp',
        detail: `time ${parsed.data.time} is more than ${MAX_CLOCK_SKEW_MS / 60000} min ahead of the server clock (${now.toISOString()})`,
      });
    } else if (Date.parse(parsed.data.time) < earliest) {
      rejected.push({
        index,
        readingId,
        reason: 'past_timestamp',
        detail: `time ${parsed.data.time} is more than ${maxAgeDays} days before the server clock (${now.toISOString()}): the device's clock was probably reset (a battery change) and needs setting`,
      });
    } else {
      valid.push({ index, reading: parsed.data });
    }
  });
  return {
    ok: true,
    gatewayId: batch.gatewayId,
    sentAt: batch.sentAt,
    valid,
    rejected,
    readings: batch.entries.map((e) => e.raw),
  };
}

/** Validates a JSON readings payload published on `rpm/v1/gw/{topicGatewayId}/readings`. */
export function validateReadingsPayload(
  payload: Buffer | string,
  topicGatewayId: string,
  now: Date,
  maxAgeDays = DEFAULT_MAX_READING_AGE_DAYS,
): BatchValidation {
  return validateBatch(decodeJsonBatch(payload), topicGatewayId, now, maxAgeDays);
}

/** Server -> gateway on `rpm/v1/gw/{gatewayId}/rejections` (QoS 1, not retained). */
export const RejectionMessage = z.strictObject({
  gatewayId: GatewayId,
  at: UtcTimestamp,
  /** Set when the whole message was refused. */
  message: z.strictObject({ reason: RejectionReason, detail: text() }).optional(),
  readings: z
    .array(
      z.strictObject({
        index: z.number().int().nonnegative(),
        readingId: text().optional(),
        reason: RejectionReason,
        detail: text(),
      }),
    )
    .default([]),
});
export type RejectionMessage = z.infer<typeof RejectionMessage>;

// ---------------------------------------------------------------------------
// Gateway status (retained)

/** The kinds of common/device-kinds.ts. */
export const DeviceKind = z.enum(DEVICE_KIND_NAMES);
export type DeviceKind = z.infer<typeof DeviceKind>;

export const DeviceStatus = z.strictObject({
  deviceId: DeviceId,
  patientId: PatientId,
  kind: DeviceKind,
  name: text().max(64).optional(),
  batteryPercent: z.number().int().min(0).max(100).nullable(),
  rssi: z.number().int().min(-127).max(20).nullable(),
  connected: z.boolean(),
  lastSeen: UtcTimestamp.nullable(),
});
export type DeviceStatus = z.infer<typeof DeviceStatus>;

/**
 * Retained on `rpm/v1/gw/{gatewayId}/status`. The gateway sets `{ gatewayId, online: false }`
 * as its MQTT last will, so a vanished gateway reads as offline.
 */
export const GatewayStatus = z.strictObject({
  gatewayId: GatewayId,
  online: z.boolean(),
  at: UtcTimestamp.optional(),
  softwareVersion: text().max(32).optional(),
  /** Readings waiting in the gateway's disk spool. */
  spooled: z.number().int().nonnegative().optional(),
  devices: z.array(DeviceStatus).max(32).default([]),
});
export type GatewayStatus = z.infer<typeof GatewayStatus>;

// ---------------------------------------------------------------------------
// Alert events

export const Severity = z.enum(['info', 'warning', 'critical']);
export type Severity = z.infer<typeof Severity>;

export const AlertEventType = z.enum([
  'fired',
  'renotified',
  'escalated',
  'acknowledged',
  'snoozed',
  'resolved',
]);
export type AlertEventType = z.infer<typeof AlertEventType>;

/** Server -> subscribers on `rpm/v1/alerts/{patientId}` (QoS 1). */
export const AlertEvent = z.strictObject({
  /** Deterministic: the same episode of the same rule for the same patient has the same id. */
  alertId: text().min(1).max(128),
  /** Unique per event, for idempotent consumers. */
  eventId: text().min(1).max(160),
  type: AlertEventType,
  patientId: PatientId,
  ruleId: text().min(1).max(64),
  severity: Severity,
  metric: Metric.optional(),
  /** The reading that triggered the event, in its own unit (a blood pressure's systolic)... */
  value: z.number().optional(),
  /** ...with a compound reading's other parts (a blood pressure's diastolic and mean), in `unit`. */
  components: z.partialRecord(ComponentName, z.number()).optional(),
  unit: Unit.optional(),
  message: text().max(500),
  at: UtcTimestamp,
  /** Who acted (acknowledged, resolved, snoozed), by user id. */
  by: text().max(64).optional(),
  note: text().max(1000).optional(),
  until: UtcTimestamp.optional(),
});
export type AlertEvent = z.infer<typeof AlertEvent>;
