import { describe, expect, it } from 'vitest';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { decodeDeviceInformationString, encodeDeviceInformationString } from './device-information.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';

describe('Device Information strings', () => {
  it.each([
    ['41 63 6d 65', 'Acme'],
    ['41 63 6d 65 00 00', 'Acme'],
    ['76 31 2e 32 2e 30', 'v1.2.0'],
    ['4b 61 72 c4 81 63 68 c4 ab', 'Karāchī'],
    ['', ''],
    ['00', ''],
  ])('decodes %s as "%s" (UTF-8, trailing NULs trimmed)', (hex, text) => {
    expect(decodedValue(decodeDeviceInformationString(hexBytes(hex), '2a29'))).toBe(text);
  });

  it('encodes UTF-8 without padding', () => {
    expect(formatHexBytes(encodeDeviceInformationString('Karāchī'))).toBe('4b 61 72 c4 81 63 68 c4 ab');
  });

  it.each<RejectionRow>([
    ['ff fe', 'invalid', 0, 'invalid value at offset 0: not valid UTF-8'],
    ['c4', 'invalid', 0, 'invalid value at offset 0: not valid UTF-8'],
    ['41 00 42', 'invalid', 1, 'invalid value at offset 1: NUL byte inside the string'],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodeDeviceInformationString(hexBytes(row[0]), '2a25'), 'Serial Number String', row);
  });
});
