import { describe, expect, it } from 'vitest';
import { appendE2eCrc, e2eCrc } from './e2e-crc.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';

describe('E2E-CRC (CRC-16/MCRF4XX: poly 0x1021 reflected, seed 0xFFFF)', () => {
  it.each([
    // CRC catalogue check value for CRC-16/MCRF4XX
    ['31 32 33 34 35 36 37 38 39', 0x6f91],
    // Nordic nRF Toolbox CGMS parsing tests: a byte run, a full CGM record, a 6-byte record
    ['3e 01 02 03 04 05 06 07 08 09', 12033],
    ['0f e3 78 00 1e 00 01 02 03 50 00 60 00', 0xacec],
    ['08 00 78 00 1e 00', 39220],
    // the seed alone
    ['', 0xffff],
  ])('of %s is %i', (hex, crc) => {
    expect(e2eCrc(hexBytes(hex))).toBe(crc);
  });

  it('appends the CRC least significant byte first', () => {
    expect(formatHexBytes(appendE2eCrc(hexBytes('0f e3 78 00 1e 00 01 02 03 50 00 60 00')))).toBe(
      '0f e3 78 00 1e 00 01 02 03 50 00 60 00 ec ac',
    );
  });

  it('changes when any single bit of the record changes', () => {
    const record = hexBytes('0f e3 78 00 1e 00 01 02 03 50 00 60 00');
    for (let bit = 0; bit < record.length * 8; bit++) {
      const flipped = Uint8Array.from(record);
      flipped[bit >> 3] = (flipped[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      expect(e2eCrc(flipped)).not.toBe(0xacec);
    }
  });
});
