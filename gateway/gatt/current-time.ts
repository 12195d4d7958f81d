/**
 * Current Time (0x2A2B, Current Time Service 0x1805; read, notify): the device clock now.
 * 10 bytes: Exact Time 256 = Date Time (7, the device's wall clock) + Day of Week (uint8:
 * 1 Monday .. 7 Sunday, 0 unknown) + Fractions256 (uint8, 1/256 s), then Adjust Reason
 * (uint8 bits: 0 manual time update, 1 external reference time update, 2 change of time
 * zone, 3 change of DST). The gateway reads it to measure how far a device clock is off.
 */
import { decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import { type DateTime, readDateTime, writeDateTime } from './date-time.ts';
import type { Decoded } from './decode-result.ts';

/** The Current Time service (0x1805, Bluetooth SIG Assigned Numbers), as noble spells it. */
export const CURRENT_TIME_SERVICE = '1805';

export const CURRENT_TIME_UUID = '2a2b';
export const CURRENT_TIME_NAME = 'Current Time';

const DAY_OF_WEEK_OFFSET = 7;
const SUNDAY = 7;
const ADJUST_REASON_OFFSET = 9;
/** Bits 4-7 of Adjust Reason are reserved. */
const ADJUST_REASON_BITS = 0x0f;

export interface CurrentTime {
  dateTime: DateTime;
  /** 1 Monday .. 7 Sunday; null when unknown. */
  dayOfWeek: number | null;
  /** Fractions of a second, 1/256 s. */
  fractions256: number;
  /** Adjust Reason bits as sent (0-15). */
  adjustReason: number;
}

export function decodeCurrentTime(bytes: Uint8Array): Decoded<CurrentTime> {
  return decodeGatt(CURRENT_TIME_NAME, bytes, (reader) => {
    const dateTime = readDateTime(reader, 'current time');
    const dayOfWeek = reader.uint8('day of week');
    if (dayOfWeek > SUNDAY) {
      reader.fail('reserved', 'day of week', DAY_OF_WEEK_OFFSET, `day of week ${dayOfWeek} is reserved`);
    }
    const fractions256 = reader.uint8('fractions256');
    const adjustReason = reader.uint8('adjust reason');
    if ((adjustReason & ~ADJUST_REASON_BITS) !== 0) {
      reader.fail(
        'reserved',
        'adjust reason',
        ADJUST_REASON_OFFSET,
        `adjust reason 0x${adjustReason.toString(16)} sets reserved bits`,
      );
    }
    return { dateTime, dayOfWeek: dayOfWeek === 0 ? null : dayOfWeek, fractions256, adjustReason };
  });
}

export function encodeCurrentTime(value: CurrentTime): Uint8Array {
  return writeDateTime(new ByteWriter(), value.dateTime, 'current time')
    .uint8(value.dayOfWeek ?? 0, 'day of week')
    .uint8(value.fractions256, 'fractions256')
    .uint8(value.adjustReason, 'adjust reason')
    .toBytes();
}

export const CURRENT_TIME = plain({
  uuid: CURRENT_TIME_UUID,
  name: CURRENT_TIME_NAME,
  decode: decodeCurrentTime,
  examples: [
    {
      hex: 'ea 07 0b 1a 09 00 00 04 00 01',
      what: '2026-11-26 09:00:00, Thursday, no fractions, manual adjustment',
    },
    {
      hex: 'ea 07 0b 18 08 00 00 02 80 01',
      what: '2026-11-24 08:00:00, Tuesday, 128/256 s, manual adjustment',
    },
    { hex: '00 00 00 00 0a 1e 00 00 00 00', what: 'date and weekday unknown, 10:30:00, no adjustment' },
  ],
});
