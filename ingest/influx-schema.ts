/**
 * The InfluxDB schema, as pure functions from contract messages to line protocol.
 * The README's "Storage schema" section documents it.
 *
 * Readings: one measurement per metric (`heart_rate`, `pulse_rate`, `spo2`, `glucose`,
 * `battery`). Tags, all low cardinality: `patient`, `device`, `unit` (the stored unit),
 * and for glucose `source` (meter|cgm, as the alerts engine classifies it). The point's time is the device's sample time, so
 * a reading delivered twice overwrites itself: at-least-once delivery, exactly-once
 * storage. Everything that may change between deliveries (the gateway that relayed it,
 * flags) is a field, never a tag, so it cannot split the point in two.
 *
 * Glucose is stored in mg/dL (`value`); a reading sent in mmol/L keeps what was sent in
 * `reported_value`/`reported_unit`, converted with 18.0156 (common/units.ts).
 */
import { Point } from '@influxdata/influxdb-client';
import {
  type GatewayStatus,
  glucoseSourceOf,
  isClinicallyReliable,
  type Reading,
} from '../common/contract.ts';
import { toMgdl } from '../common/units.ts';

export const MEASUREMENT = {
  deadLetter: 'dead_letter',
  gatewayStatus: 'gateway_status',
  deviceStatus: 'device_status',
} as const;

const PRECISION = { convertTime: (d: Date | number | string | undefined) => String(Number(d)) };

function line(point: Point): string {
  const text = point.toLineProtocol(PRECISION);
  if (text === undefined) throw new Error(`point for ${point.toString()} has no fields`);
  return text;
}

export function storedValue(reading: Reading): { value: number; unit: string } {
  if (reading.metric === 'glucose' && reading.unit === 'mmol/L') {
    return { value: toMgdl(reading.value, 'mmol/L'), unit: 'mg/dL' };
  }
  return { value: reading.value, unit: reading.unit };
}

export function readingToLine(reading: Reading, gatewayId: string): string {
  const stored = storedValue(reading);
  const c = reading.context;
  const point = new Point(reading.metric)
    .tag('patient', reading.patientId)
    .tag('device', reading.deviceId)
    .tag('unit', stored.unit)
    .floatField('value', stored.value)
    .booleanField('reliable', isClinicallyReliable(reading))
    .stringField('reading_id', reading.id)
    .stringField('gateway', gatewayId)
    .timestamp(Date.parse(reading.time));
  // The alerts engine's own classification, so a rebuild from InfluxDB replays each value
  // under the rules it was first evaluated by.
  if (reading.metric === 'glucose') point.tag('source', glucoseSourceOf(reading));
  if (stored.unit !== reading.unit) {
    point.floatField('reported_value', reading.value).stringField('reported_unit', reading.unit);
  }
  if (reading.flags.length) point.stringField('flags', reading.flags.join(','));
  if (c.rrIntervalsMs?.length) point.stringField('rr_ms', c.rrIntervalsMs.join(','));
  if (c.energyExpendedKj !== undefined) point.intField('energy_kj', c.energyExpendedKj);
  if (c.bodySensorLocation) point.stringField('body_location', c.bodySensorLocation);
  if (c.pulseAmplitudeIndex !== undefined) point.floatField('pai', c.pulseAmplitudeIndex);
  if (c.spo2Averaging) point.stringField('averaging', c.spo2Averaging);
  if (c.sampleType) point.stringField('sample_type', c.sampleType);
  if (c.sampleLocation) point.stringField('sample_location', c.sampleLocation);
  if (c.mealContext) point.stringField('meal', c.mealContext);
  if (c.sequenceNumber !== undefined) point.intField('sequence', c.sequenceNumber);
  if (c.trendMgdlPerMin !== undefined) point.floatField('trend', c.trendMgdlPerMin);
  if (c.qualityPercent !== undefined) point.floatField('quality', c.qualityPercent);
  if (c.deviceStatusHex) point.stringField('device_status', c.deviceStatusHex);
  return line(point);
}

export interface DeadLetter {
  gatewayId: string;
  reason: string;
  detail: string;
  /** The message id (MQTT packet id) or reading id, for finding it again. */
  ref?: string | undefined;
  /** The offending reading or message, truncated for storage. */
  payload: string;
  at: number;
}

const MAX_DEAD_LETTER_PAYLOAD = 4096;

export function deadLetterToLine(d: DeadLetter): string {
  const point = new Point(MEASUREMENT.deadLetter)
    .tag('gateway', d.gatewayId)
    .tag('reason', d.reason)
    .stringField('detail', d.detail.slice(0, 1000))
    .stringField('payload', d.payload.slice(0, MAX_DEAD_LETTER_PAYLOAD))
    .timestamp(d.at);
  if (d.ref) point.stringField('ref', d.ref);
  return line(point);
}

export function gatewayStatusToLines(status: GatewayStatus, receivedAt: number): string[] {
  const at = status.at ? Date.parse(status.at) : receivedAt;
  const gateway = new Point(MEASUREMENT.gatewayStatus)
    .tag('gateway', status.gatewayId)
    .booleanField('online', status.online)
    .timestamp(at);
  if (status.spooled !== undefined) gateway.intField('spooled', status.spooled);
  if (status.softwareVersion) gateway.stringField('version', status.softwareVersion);
  const devices = status.devices.map((d) => {
    const point = new Point(MEASUREMENT.deviceStatus)
      .tag('gateway', status.gatewayId)
      .tag('patient', d.patientId)
      .tag('device', d.deviceId)
      .tag('kind', d.kind)
      .booleanField('connected', d.connected)
      .timestamp(at);
    if (d.batteryPercent !== null) point.intField('battery', d.batteryPercent);
    if (d.rssi !== null) point.intField('rssi', d.rssi);
    if (d.lastSeen) point.intField('last_seen_ms', Date.parse(d.lastSeen));
    return line(point);
  });
  return [line(gateway), ...devices];
}
