/**
 * CGM Session Run Time (0x2AAB, read): the expected run time of the session in hours
 * (uint16), not the time elapsed; E2E-CRC when CGM Feature announces it.
 */
import { decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import type { CgmDecodeOptions } from './cgm-options.ts';
import { withCgmOptions } from './characteristic.ts';
import type { Decoded } from './decode-result.ts';
import { appendE2eCrc, checkE2eCrc } from './e2e-crc.ts';

export const CGM_SESSION_RUN_TIME_UUID = '2aab';
export const CGM_SESSION_RUN_TIME_NAME = 'CGM Session Run Time';

export interface CgmSessionRunTime {
  hours: number;
}

export function decodeCgmSessionRunTime(
  bytes: Uint8Array,
  options: CgmDecodeOptions,
): Decoded<CgmSessionRunTime> {
  return decodeGatt(CGM_SESSION_RUN_TIME_NAME, bytes, (reader) => {
    if (options.e2eCrc) checkE2eCrc(reader);
    return { hours: reader.uint16('session run time') };
  });
}

export function encodeCgmSessionRunTime(value: CgmSessionRunTime, options: CgmDecodeOptions): Uint8Array {
  const bytes = new ByteWriter().uint16(value.hours, 'session run time').toBytes();
  return options.e2eCrc ? appendE2eCrc(bytes) : bytes;
}

export const CGM_SESSION_RUN_TIME = withCgmOptions({
  uuid: CGM_SESSION_RUN_TIME_UUID,
  name: CGM_SESSION_RUN_TIME_NAME,
  decode: decodeCgmSessionRunTime,
  examples: [
    { hex: '50 01', what: '336 hours' },
    { hex: '50 01 c6 32', what: '336 hours, with its E2E-CRC', options: { cgmE2eCrc: true } },
  ],
});
