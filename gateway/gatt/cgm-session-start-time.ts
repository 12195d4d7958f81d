/**
 * CGM Session Start Time (0x2AAA, read/write): Date Time (local), Time Zone (sint8, in
 * 15-minute steps, -48..+56, -128 unknown), DST Offset (uint8: 0 standard, 2 +0.5 h,
 * 4 +1 h, 8 +2 h, 255 unknown), E2E-CRC when CGM Feature announces it.
 * Local time = UTC + time zone + DST offset.
 */
import { decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import type { CgmDecodeOptions } from './cgm-options.ts';
import { withCgmOptions } from './characteristic.ts';
import {
  type DateTime,
  type DeviceClock,
  deviceTimeToUtc,
  readDateTime,
  type TimeResult,
  wallClockMs,
  writeDateTime,
} from './date-time.ts';
import type { Decoded } from './decode-result.ts';
import { appendE2eCrc, checkE2eCrc } from './e2e-crc.ts';
import type { NameOf } from './named-values.ts';

export const CGM_SESSION_START_TIME_UUID = '2aaa';
export const CGM_SESSION_START_TIME_NAME = 'CGM Session Start Time';

const TIME_ZONE_UNKNOWN = -128;
const TIME_ZONE_MIN = -48;
const TIME_ZONE_MAX = 56;

export const DST_OFFSETS = {
  standard_time: 0,
  half_an_hour_daylight_time: 2,
  daylight_time: 4,
  double_daylight_time: 8,
  unknown: 255,
} as const;
export type DstOffset = NameOf<typeof DST_OFFSETS>;

export interface CgmSessionStartTime {
  /** Local wall-clock time of the session start. */
  startTime: DateTime;
  /** Offset of the local standard time from UTC in 15-minute steps (+20 = UTC+5); null when unknown. */
  timeZoneQuarterHours: number | null;
  dstOffset: DstOffset;
}

export function decodeCgmSessionStartTime(
  bytes: Uint8Array,
  options: CgmDecodeOptions,
): Decoded<CgmSessionStartTime> {
  return decodeGatt(CGM_SESSION_START_TIME_NAME, bytes, (reader) => {
    if (options.e2eCrc) checkE2eCrc(reader);
    const startTime = readDateTime(reader, 'session start time');
    const zoneOffset = reader.offset;
    const zone = reader.sint8('time zone');
    if (zone !== TIME_ZONE_UNKNOWN && (zone < TIME_ZONE_MIN || zone > TIME_ZONE_MAX)) {
      reader.fail(
        'reserved',
        'time zone',
        zoneOffset,
        `time zone ${zone} is outside ${TIME_ZONE_MIN}..${TIME_ZONE_MAX}`,
      );
    }
    return {
      startTime,
      timeZoneQuarterHours: zone === TIME_ZONE_UNKNOWN ? null : zone,
      dstOffset: reader.code(DST_OFFSETS, 1, 'DST offset'),
    };
  });
}

export function encodeCgmSessionStartTime(value: CgmSessionStartTime, options: CgmDecodeOptions): Uint8Array {
  const writer = writeDateTime(new ByteWriter(), value.startTime, 'session start time')
    .sint8(value.timeZoneQuarterHours ?? TIME_ZONE_UNKNOWN, 'time zone')
    .uint8(DST_OFFSETS[value.dstOffset], 'DST offset');
  return options.e2eCrc ? appendE2eCrc(writer.toBytes()) : writer.toBytes();
}

/**
 * The session start in UTC: from the characteristic's own time zone and DST offset when
 * both are known, else from the device's IANA zone; corrected by the device clock offset.
 */
export function sessionStartToUtc(value: CgmSessionStartTime, clock: DeviceClock): TimeResult {
  if (value.timeZoneQuarterHours === null || value.dstOffset === 'unknown') {
    return deviceTimeToUtc(value.startTime, clock);
  }
  const wall = wallClockMs(value.startTime);
  if (!wall.ok) return wall;
  // DST offset codes count half hours: 2 = +0.5 h, 4 = +1 h, 8 = +2 h.
  const localOffsetMinutes = value.timeZoneQuarterHours * 15 + DST_OFFSETS[value.dstOffset] * 15;
  return { ok: true, ms: wall.ms - localOffsetMinutes * 60_000 - (clock.clockOffsetMs ?? 0) };
}

export const CGM_SESSION_START_TIME = withCgmOptions({
  uuid: CGM_SESSION_START_TIME_UUID,
  name: CGM_SESSION_START_TIME_NAME,
  decode: decodeCgmSessionStartTime,
  examples: [
    { hex: 'ea 07 0b 19 08 00 00 14 00', what: '2026-11-25 08:00:00, UTC+5, standard time' },
    { hex: 'ea 07 0b 18 08 00 00 14 00', what: '2026-11-24 08:00:00, UTC+5, standard time' },
    {
      hex: 'ea 07 0b 18 08 00 00 14 00 10 5e',
      what: '2026-11-24 08:00:00, UTC+5, with its E2E-CRC',
      options: { cgmE2eCrc: true },
    },
  ],
});
