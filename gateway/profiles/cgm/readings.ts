/** CGM Measurement records (0x2AA7) -> glucose readings at session start + time offset. */
import type { ReadingFlag } from '../../../common/contract.ts';
import {
  CGM_CAL_TEMP_OCTET,
  CGM_STATUS_OCTET,
  CGM_WARNING_OCTET,
  type CgmCalTemp,
  type CgmMeasurement,
  type CgmMeasurementRecord,
  type CgmStatus,
  type CgmWarning,
} from '../../gatt/cgm-measurement.ts';
import { type CgmSessionStartTime, sessionStartToUtc } from '../../gatt/cgm-session-start-time.ts';
import type { TimeResult } from '../../gatt/date-time.ts';

import {
  BatchBuilder,
  type FlagTable,
  finiteIn,
  flagsFrom,
  measured,
  type ReadingBatch,
  type ReadingSource,
  statusHex,
} from '../../readings/reading-batch.ts';

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
