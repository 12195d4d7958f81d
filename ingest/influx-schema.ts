/**
 * The InfluxDB schema of what is not a reading, as pure functions from contract messages to
 * line protocol: dead letters, gateway and device status (the README's "Storage schema").
 * Readings are ingest/readings-storage.ts.
 */
import { Point } from '@influxdata/influxdb-client';
import type { GatewayStatus } from '../common/contract.ts';
import { printable } from '../common/text.ts';
import { lineOf } from './readings-storage.ts';

export const MEASUREMENT = {
  deadLetter: 'dead_letter',
  gatewayStatus: 'gateway_status',
  deviceStatus: 'device_status',
} as const;

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
    .stringField('detail', printable(d.detail).slice(0, 1000))
    .stringField('payload', printable(d.payload).slice(0, MAX_DEAD_LETTER_PAYLOAD))
    .timestamp(d.at);
  if (d.ref) point.stringField('ref', printable(d.ref));
  return lineOf(point);
}

/**
 * A status is stored at the time it arrived: the ward's online state is the latest status
 * received, never a time the sender chose (a status dated 2200 once kept a gateway "online"
 * for good). The gateway's own time travels as `sent_at_ms`.
 */
export function gatewayStatusToLines(status: GatewayStatus, receivedAt: number): string[] {
  const at = receivedAt;
  const gateway = new Point(MEASUREMENT.gatewayStatus)
    .tag('gateway', status.gatewayId)
    .booleanField('online', status.online)
    .timestamp(at);
  if (status.at) gateway.intField('sent_at_ms', Date.parse(status.at));
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
    return lineOf(point);
  });
  return [lineOf(gateway), ...devices];
}
