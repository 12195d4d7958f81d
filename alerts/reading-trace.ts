/**
 * Readings written as small tables, for the alerts tests: one reading per line, the
 * sample time (`02:15`, or `2026-11-25 02:15` on another day), the value, then any flags.
 * A blood pressure is written systolic/diastolic(/mean): `185/115` or `185/115/138`.
 *
 *   readingTrace(cgm, `
 *     02:10  56
 *     02:15  53  no_sensor_contact
 *   `)
 */
import { Reading } from '../common/contract.ts';
import { componentsOf, type Metric, type Unit } from '../common/metrics.ts';
import type { GlucoseSource } from './rule-schema.ts';

export const TRACE_DAY = '2026-11-24';

export interface TraceDevice {
  patientId: string;
  deviceId: string;
  metric: Metric;
  unit: Unit;
  glucoseSource?: GlucoseSource;
}

/** `02:15` (on TRACE_DAY) or `2026-11-25 02:15` as a Date. */
export function at(time: string): Date {
  const [day, clock] = time.includes(' ') ? time.split(' ') : [TRACE_DAY, time];
  return new Date(`${day}T${clock}:00.000Z`);
}

/** The inverse of `at`: `02:15` on TRACE_DAY, `2026-11-25 02:15` on another day. */
export function stamp(time: number | string): string {
  const iso = new Date(time).toISOString();
  const [day, clock] = [iso.slice(0, 10), iso.slice(11, 16)];
  return day === TRACE_DAY ? clock : `${day} ${clock}`;
}

export function readingTrace(device: TraceDevice, table: string): Reading[] {
  return table
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const words = line.split(/\s+/);
      const dated = /^\d{4}-\d{2}-\d{2}$/.test(words[0] ?? '');
      const [time, value, ...flags] = dated ? [`${words[0]} ${words[1]}`, ...words.slice(2)] : words;
      const sampled = at(time ?? '').toISOString();
      // `185/115/138`: the value, then the metric's components in catalogue order.
      const [first, ...rest] = (value ?? '').split('/');
      const components = Object.fromEntries(
        componentsOf(device.metric).flatMap(([name], i) =>
          rest[i] === undefined ? [] : [[name, Number(rest[i])]],
        ),
      );
      return Reading.parse({
        id: `${device.deviceId}:${device.metric}:${sampled}`,
        patientId: device.patientId,
        deviceId: device.deviceId,
        metric: device.metric,
        value: Number(first),
        ...(rest.length > 0 && { components }),
        unit: device.unit,
        time: sampled,
        flags,
        context: device.glucoseSource ? { source: device.glucoseSource } : {},
      });
    });
}
