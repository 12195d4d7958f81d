import { describe, expect, it } from 'vitest';
import { CGM_FEATURE_NAME, type CgmFeature, decodeCgmFeature, encodeCgmFeature } from './cgm-feature.ts';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';

describe('CGM Feature', () => {
  it.each<[string, CgmFeature]>([
    // no E2E-CRC support: the CRC field is 0xFFFF
    [
      '00 00 00 59 ff ff',
      { features: [], type: 'interstitial_fluid', sampleLocation: 'subcutaneous_tissue' },
    ],
    [
      '01 82 00 f9 ff ff',
      {
        features: ['calibration', 'low_battery_detection', 'cgm_trend_information'],
        type: 'interstitial_fluid',
        sampleLocation: 'not_available',
      },
    ],
    // E2E-CRC supported: the CRC covers the first 4 bytes
    [
      '00 90 01 59 c4 5c',
      {
        features: ['e2e_crc', 'cgm_trend_information', 'cgm_quality'],
        type: 'interstitial_fluid',
        sampleLocation: 'subcutaneous_tissue',
      },
    ],
  ])('decodes %s', (hex, expected) => {
    expect(decodedValue(decodeCgmFeature(hexBytes(hex)))).toEqual(expected);
    expect(formatHexBytes(encodeCgmFeature(expected))).toBe(hex);
  });

  it.each<RejectionRow>([
    ['00 90 01 59 c4 5d', 'crc', 4, 'E2E-CRC mismatch at offset 4: value says 0x5dc4, computed 0x5cc4'],
    [
      '00 00 00 59 00 00',
      'crc',
      4,
      'E2E-CRC mismatch at offset 4: value says 0x0000, E2E-CRC not supported, so it must be 0xffff',
    ],
    [
      '00 00 02 59 ff ff',
      'reserved',
      0,
      'reserved value at offset 0: CGM features 0x020000 has reserved bits 0x020000 set',
    ],
    ['00 00 00 50 ff ff', 'reserved', 3, 'reserved value at offset 3: sample type 0 is reserved'],
    ['00 00 00 69 ff ff', 'reserved', 3, 'reserved value at offset 3: sample location 6 is reserved'],
    ['00 00 00 59 ff', 'truncated', 4, 'truncated at offset 4: expected 2 bytes for E2E-CRC, got 1'],
    [
      '00 00 00 59 ff ff 00',
      'trailing',
      6,
      'unexpected trailing bytes at offset 6: 1 byte after the last field',
    ],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodeCgmFeature(hexBytes(row[0])), CGM_FEATURE_NAME, row);
  });
});
