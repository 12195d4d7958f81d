import { describe, expect, it } from 'vitest';
import {
  CGM_SESSION_RUN_TIME_NAME,
  decodeCgmSessionRunTime,
  encodeCgmSessionRunTime,
} from './cgm-session-run-time.ts';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';

describe('CGM Session Run Time', () => {
  it.each([
    ['50 01', false, 336],
    ['50 01 c6 32', true, 336],
    ['00 00', false, 0],
  ])('decodes %s (E2E-CRC %s) as %i hours', (hex, e2eCrc, hours) => {
    expect(decodedValue(decodeCgmSessionRunTime(hexBytes(hex), { e2eCrc }))).toEqual({ hours });
    expect(formatHexBytes(encodeCgmSessionRunTime({ hours }, { e2eCrc }))).toBe(hex);
  });

  it.each<[boolean, RejectionRow]>([
    [true, ['50 01 c6 33', 'crc', 2, 'E2E-CRC mismatch at offset 2: value says 0x33c6, computed 0x32c6']],
    [true, ['50', 'truncated', 0, 'truncated at offset 0: expected 2 bytes for E2E-CRC, got 1']],
    [false, ['50', 'truncated', 0, 'truncated at offset 0: expected 2 bytes for session run time, got 1']],
    [
      false,
      ['50 01 c6 32', 'trailing', 2, 'unexpected trailing bytes at offset 2: 2 bytes after the last field'],
    ],
  ])('rejects (E2E-CRC %s) %j', (e2eCrc, row) => {
    expectRejection(decodeCgmSessionRunTime(hexBytes(row[0]), { e2eCrc }), CGM_SESSION_RUN_TIME_NAME, row);
  });
});
