/**
 * A simulated continuous glucose monitor: CGM service (0x181F) with CGM Measurement (0x2AA7,
 * notify, a record every 5 minutes), CGM Feature (0x2AA8), CGM Session Start Time (0x2AAA),
 * CGM Session Run Time (0x2AAB) and a Record Access Control Point (0x2A52) for the records of
 * the current session (filter: time offset in minutes), plus Device Information and Battery.
 * Every characteristic needs a bonded link (the CGM Profile requires one). Not simulated: CGM
 * Status (0x2AA9) and the Specific Ops Control Point (0x2AAC).
 *
 * Sensor sessions last 14 days and follow each other. A record carries the interstitial
 * glucose (the blood curve about 7 minutes late, with a slow calibration bias and noise),
 * the trend over the last 15 minutes (mg/dL/min), the quality (lower on a sensor's first
 * day), and the annunciation octets the sensor raises: warnings against the patient's alert
 * levels, "calibration recommended" early in a session (on the model without E2E-CRC), a low
 * battery. One model appends an E2E-CRC to every value (and says so in CGM Feature), the
 * other does not.
 */
import { CGM_FEATURE_UUID, type CgmFeatureName, encodeCgmFeature } from '../../gatt/cgm-feature.ts';
import {
  CGM_MEASUREMENT_UUID,
  CGM_SERVICE,
  type CgmMeasurementRecord,
  type CgmWarning,
  encodeCgmMeasurement,
} from '../../gatt/cgm-measurement.ts';
import { CGM_SESSION_RUN_TIME_UUID, encodeCgmSessionRunTime } from '../../gatt/cgm-session-run-time.ts';
import {
  CGM_SESSION_START_TIME_UUID,
  type CgmSessionStartTime,
  DST_OFFSETS,
  encodeCgmSessionStartTime,
} from '../../gatt/cgm-session-start-time.ts';
import { medicalNumber } from '../../gatt/ieee11073.ts';
import { nameOfCode } from '../../gatt/named-values.ts';
import {
  clampGlucose,
  GLUCOSE_CEILING_MGDL,
  GLUCOSE_FLOOR_MGDL,
  type GlucoseCurve,
} from '../../simulator/glucose-physiology.ts';
import { DAY_MS, HOUR_MS, type LocalTime, MINUTE_MS } from '../../simulator/local-time.ts';
import { CGM_RACP_ERRORS, RecordAccessServer } from '../../simulator/record-access-server.ts';
import type { SeededNoise } from '../../simulator/seeded-noise.ts';
import {
  type DeviceModelOptions,
  type ModelParts,
  modelDevice,
  modelParts,
  type VirtualDevice,
} from '../../simulator/virtual-device.ts';

export const CGM_RECORD_INTERVAL_MINUTES = 5;
export const CGM_SESSION_DAYS = 14;
const SESSION_MS = CGM_SESSION_DAYS * DAY_MS;
const INTERSTITIAL_LAG_MINUTES = 7;
const TREND_WINDOW_MINUTES = 15;
/** The sensor's alert levels, as a clinician would set them: level 1 and 2 hypoglycaemia [K1], level 2 hyperglycaemia [K3]. */
const PATIENT_LOW_MGDL = 70;
const HYPO_MGDL = 54;
const PATIENT_HIGH_MGDL = 250;
/** Rate alerts at 2 mg/dL/min: "rising/falling" on the Dexcom arrows [K5]. */
const RATE_ALERT_MGDL_PER_MIN = 2;
const BATTERY_LOW_PERCENT = 10;

export const CGM_FEATURES: readonly CgmFeatureName[] = [
  'patient_high_low_alerts',
  'hypo_alerts',
  'rate_of_increase_decrease_alerts',
  'sensor_malfunction_detection',
  'sensor_result_high_low_detection',
  'low_battery_detection',
  'general_device_fault',
  'cgm_trend_information',
  'cgm_quality',
];

export interface CgmSensorOptions extends DeviceModelOptions {
  records: CgmRecords;
  /** This model protects its values with an E2E-CRC. */
  e2eCrc: boolean;
}

/**
 * The records a sensor makes: a pure function of the session and the time offset. Sessions
 * follow each other from `firstSessionMs`; `calibrationHints` raises "calibration
 * recommended" in a session's first 12 hours.
 */
export class CgmRecords {
  constructor(
    private readonly curve: GlucoseCurve,
    private readonly noise: SeededNoise,
    private readonly firstSessionMs: number,
    private readonly calibrationHints: boolean,
  ) {}

  /** Start of the session running at `atMs`. */
  sessionStartAt(atMs: number): number {
    return (
      this.firstSessionMs + Math.max(0, Math.floor((atMs - this.firstSessionMs) / SESSION_MS)) * SESSION_MS
    );
  }

  /** Time offsets (minutes) of the records the current session holds at `nowMs`. */
  offsetsAt(nowMs: number): number[] {
    const elapsed = Math.floor((nowMs - this.sessionStartAt(nowMs)) / MINUTE_MS);
    const count = Math.floor(elapsed / CGM_RECORD_INTERVAL_MINUTES) + 1;
    return Array.from({ length: Math.max(0, count) }, (_, i) => i * CGM_RECORD_INTERVAL_MINUTES);
  }

  /** Interstitial glucose the sensor reads at `atMs`, mg/dL (not rounded). */
  sensorGlucoseAt(atMs: number): number {
    const blood = this.curve.mgdlAt(atMs - INTERSTITIAL_LAG_MINUTES * MINUTE_MS);
    const bias = 1 + 0.03 * this.noise.smooth(6 * HOUR_MS, atMs, 'cgm-bias');
    return clampGlucose(blood * bias + 2 * this.noise.normal('cgm', atMs));
  }

  record(sessionStartMs: number, offsetMinutes: number, batteryLow: boolean): CgmMeasurementRecord {
    const atMs = sessionStartMs + offsetMinutes * MINUTE_MS;
    const glucose = Math.round(this.sensorGlucoseAt(atMs));
    const lagged = atMs - INTERSTITIAL_LAG_MINUTES * MINUTE_MS;
    const trend =
      (this.curve.mgdlAt(lagged) - this.curve.mgdlAt(lagged - TREND_WINDOW_MINUTES * MINUTE_MS)) /
      TREND_WINDOW_MINUTES;
    const firstDay = offsetMinutes < 24 * 60;
    const quality = Math.round(
      firstDay ? 85 + 10 * this.noise.unit('quality', atMs) : 95 + 5 * this.noise.unit('quality', atMs),
    );
    const warning = warningsFor(glucose, trend);
    const calibrate = this.calibrationHints && offsetMinutes < 12 * 60;
    return {
      glucose: medicalNumber(glucose, 0),
      timeOffsetMinutes: offsetMinutes,
      ...(batteryLow ? { status: ['device_battery_low' as const] } : {}),
      ...(calibrate ? { calTemp: ['calibration_recommended' as const] } : {}),
      ...(warning.length > 0 ? { warning } : {}),
      trend: medicalNumber(Math.round(trend * 10), -1),
      quality: medicalNumber(Math.min(100, quality), 0),
    };
  }
}

function warningsFor(glucose: number, trend: number): CgmWarning[] {
  const warnings: CgmWarning[] = [];
  if (glucose < PATIENT_LOW_MGDL) warnings.push('result_lower_than_patient_low_level');
  if (glucose > PATIENT_HIGH_MGDL) warnings.push('result_higher_than_patient_high_level');
  if (glucose < HYPO_MGDL) warnings.push('result_lower_than_hypo_level');
  if (trend <= -RATE_ALERT_MGDL_PER_MIN) warnings.push('rate_of_decrease_exceeded');
  if (trend >= RATE_ALERT_MGDL_PER_MIN) warnings.push('rate_of_increase_exceeded');
  if (glucose <= GLUCOSE_FLOOR_MGDL) warnings.push('result_lower_than_device_can_process');
  if (glucose >= GLUCOSE_CEILING_MGDL) warnings.push('result_higher_than_device_can_process');
  return warnings;
}

/** CGM Session Start Time for a session start: local time, the zone's standard offset and the DST in force. */
export function sessionStartTime(local: LocalTime, startMs: number): CgmSessionStartTime {
  const year = new Date(startMs).getUTCFullYear();
  const standardMs = Math.min(local.offsetMs(Date.UTC(year, 0, 1)), local.offsetMs(Date.UTC(year, 6, 1)));
  const quarterHours = (ms: number) => Math.round(ms / (15 * MINUTE_MS));
  const dstOffset = nameOfCode(DST_OFFSETS, quarterHours(local.offsetMs(startMs) - standardMs));
  return {
    startTime: local.dateTime(startMs),
    timeZoneQuarterHours: dstOffset ? quarterHours(standardMs) : null,
    dstOffset: dstOffset ?? 'unknown',
  };
}

export function createCgmSensor(o: CgmSensorOptions): VirtualDevice {
  const { records } = o;
  const crc = { e2eCrc: o.e2eCrc };
  /** Sends the session's record at `offset` (minutes) if the gateway listens; false once the link is gone. */
  const notifyRecord = (sessionStartMs: number, offset: number): boolean => {
    const { peripheral, battery } = parts;
    const record = records.record(sessionStartMs, offset, battery.percent < BATTERY_LOW_PERCENT);
    const bytes = encodeCgmMeasurement({ records: [record] }, crc);
    return peripheral.connected && peripheral.notify(CGM_SERVICE, CGM_MEASUREMENT_UUID, bytes);
  };
  const recordAccess = new RecordAccessServer({
    serviceUuid: CGM_SERVICE,
    measurementUuid: CGM_MEASUREMENT_UUID,
    records: {
      keys: () => records.offsetsAt(o.clock.now()),
      send: (offset) => notifyRecord(records.sessionStartAt(o.clock.now()), offset),
    },
    operators: ['all_records', 'greater_than_or_equal_to'],
    errors: CGM_RACP_ERRORS,
  });
  const read = (encode: () => Uint8Array) => ({
    properties: ['read'] as const,
    encrypted: true,
    onRead: encode,
  });
  const parts: ModelParts = modelParts(
    o,
    {
      uuid: CGM_SERVICE,
      characteristics: [
        { uuid: CGM_MEASUREMENT_UUID, properties: ['notify'], encrypted: true },
        {
          uuid: CGM_FEATURE_UUID,
          ...read(() =>
            encodeCgmFeature({
              features: o.e2eCrc ? [...CGM_FEATURES, 'e2e_crc'] : [...CGM_FEATURES],
              type: 'interstitial_fluid',
              sampleLocation: 'subcutaneous_tissue',
            }),
          ),
        },
        {
          uuid: CGM_SESSION_START_TIME_UUID,
          ...read(() => {
            const start = sessionStartTime(o.local, records.sessionStartAt(o.clock.now()));
            return encodeCgmSessionStartTime(start, crc);
          }),
        },
        {
          uuid: CGM_SESSION_RUN_TIME_UUID,
          ...read(() => encodeCgmSessionRunTime({ hours: CGM_SESSION_DAYS * 24 }, crc)),
        },
        recordAccess.characteristic(),
      ],
    },
    [CGM_SERVICE],
  );
  recordAccess.attach(parts.peripheral);
  const scheduleRecord = (afterMs: number) => {
    const start = records.sessionStartAt(afterMs);
    const elapsed = Math.floor((afterMs - start) / MINUTE_MS / CGM_RECORD_INTERVAL_MINUTES) + 1;
    const at = Math.min(start + elapsed * CGM_RECORD_INTERVAL_MINUTES * MINUTE_MS, start + SESSION_MS);
    parts.tasks.once(
      (run) => o.clock.at(at, run),
      () => {
        const sessionStart = records.sessionStartAt(at);
        notifyRecord(sessionStart, (at - sessionStart) / MINUTE_MS);
        scheduleRecord(at);
      },
    );
  };
  return modelDevice('cgm', o.identity, parts, () => scheduleRecord(o.clock.now()));
}
