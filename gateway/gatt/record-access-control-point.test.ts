import { describe, expect, it } from 'vitest';
import { GattEncodeError } from './decode-result.ts';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';
import {
  decodeRacpRequest,
  decodeRacpResponse,
  decodeRecordAccessControlPoint,
  encodeRecordAccessControlPoint,
  type RacpMessage,
  RECORD_ACCESS_CONTROL_POINT_NAME,
  racpRequests,
} from './record-access-control-point.ts';

describe('Record Access Control Point', () => {
  it.each<[string, RacpMessage]>([
    // requests
    ['01 01', { opCode: 'report_stored_records', operator: 'all_records' }],
    [
      '01 03 01 2a 00',
      {
        opCode: 'report_stored_records',
        operator: 'greater_than_or_equal_to',
        filter: { filterType: 1, min: 42 },
      },
    ],
    [
      '01 02 01 2a 00',
      {
        opCode: 'report_stored_records',
        operator: 'less_than_or_equal_to',
        filter: { filterType: 1, max: 42 },
      },
    ],
    [
      '01 04 01 0a 00 14 00',
      {
        opCode: 'report_stored_records',
        operator: 'within_range_of',
        filter: { filterType: 1, min: 10, max: 20 },
      },
    ],
    ['01 05', { opCode: 'report_stored_records', operator: 'first_record' }],
    ['01 06', { opCode: 'report_stored_records', operator: 'last_record' }],
    ['02 01', { opCode: 'delete_stored_records', operator: 'all_records' }],
    ['03 00', { opCode: 'abort_operation', operator: 'null' }],
    ['04 01', { opCode: 'report_number_of_stored_records', operator: 'all_records' }],
    [
      '04 03 01 05 00',
      {
        opCode: 'report_number_of_stored_records',
        operator: 'greater_than_or_equal_to',
        filter: { filterType: 1, min: 5 },
      },
    ],
    // responses (spec examples: success, no records found, a count)
    [
      '06 00 01 01',
      { opCode: 'response_code', requestOpCode: 'report_stored_records', responseCode: 'success' },
    ],
    [
      '06 00 01 06',
      { opCode: 'response_code', requestOpCode: 'report_stored_records', responseCode: 'no_records_found' },
    ],
    [
      '06 00 03 07',
      { opCode: 'response_code', requestOpCode: 'abort_operation', responseCode: 'abort_unsuccessful' },
    ],
    ['06 00 07 02', { opCode: 'response_code', requestOpCode: 7, responseCode: 'op_code_not_supported' }],
    ['05 00 2a 00', { opCode: 'number_of_stored_records_response', numberOfRecords: 42 }],
    ['05 00 00 00', { opCode: 'number_of_stored_records_response', numberOfRecords: 0 }],
  ])('decodes %s', (hex, expected) => {
    expect(decodedValue(decodeRecordAccessControlPoint(hexBytes(hex)))).toEqual(expected);
    expect(formatHexBytes(encodeRecordAccessControlPoint(expected))).toBe(hex);
  });

  it.each([
    [racpRequests.reportRecordsFrom(42), '01 03 01 2a 00'],
    [racpRequests.reportAllRecords(), '01 01'],
    [racpRequests.reportNumberOfAllRecords(), '04 01'],
    [racpRequests.reportNumberOfRecordsFrom(300), '04 03 01 2c 01'],
    [racpRequests.abortOperation(), '03 00'],
  ])('encodes the gateway request %j as %s', (request, hex) => {
    expect(formatHexBytes(encodeRecordAccessControlPoint(request))).toBe(hex);
    expect(decodedValue(decodeRacpRequest(hexBytes(hex)))).toEqual(request);
  });

  it.each<RejectionRow>([
    ['', 'truncated', 0, 'truncated at offset 0: expected 1 byte for op code, got 0'],
    ['07 00', 'reserved', 0, 'reserved value at offset 0: op code 7 is reserved'],
    ['01 07', 'reserved', 1, 'reserved value at offset 1: operator 7 is reserved'],
    [
      '01 03 02 ea 07 0b 18 08 00 00',
      'invalid',
      2,
      'invalid value at offset 2: filter type 2 is not supported (only 1)',
    ],
    ['01 03 01 2a', 'truncated', 3, 'truncated at offset 3: expected 2 bytes for operand min, got 1'],
    ['01 04 01 14 00 0a 00', 'invalid', 3, 'invalid value at offset 3: range 20-10 is empty'],
    ['01 01 00', 'trailing', 2, 'unexpected trailing bytes at offset 2: 1 byte after the last field'],
    [
      '05 01 2a 00',
      'reserved',
      1,
      'reserved value at offset 1: operator (null for a response) 0x01 has reserved bits 0x01 set',
    ],
    ['06 00 01 0a', 'reserved', 3, 'reserved value at offset 3: response code 10 is reserved'],
    ['06 00 01', 'truncated', 3, 'truncated at offset 3: expected 1 byte for response code, got 0'],
  ])('rejects %s (%s)', (...row) => {
    expectRejection(decodeRecordAccessControlPoint(hexBytes(row[0])), RECORD_ACCESS_CONTROL_POINT_NAME, row);
  });

  it('tells a request from a response for each side', () => {
    expect(decodeRacpResponse(hexBytes('01 01'))).toMatchObject({
      ok: false,
      error: { problem: 'invalid', offset: 0 },
    });
    expect(decodeRacpRequest(hexBytes('06 00 01 01'))).toMatchObject({
      ok: false,
      error: { problem: 'invalid', offset: 0 },
    });
    expect(decodedValue(decodeRacpResponse(hexBytes('06 00 01 01')))).toMatchObject({
      responseCode: 'success',
    });
  });

  it('refuses to encode an operand the operator does not take, or one it lacks', () => {
    const report = 'report_stored_records' as const;
    expect(() =>
      encodeRecordAccessControlPoint({ opCode: report, operator: 'greater_than_or_equal_to' }),
    ).toThrow(GattEncodeError);
    expect(() =>
      encodeRecordAccessControlPoint({
        opCode: report,
        operator: 'all_records',
        filter: { filterType: 1, min: 1 },
      }),
    ).toThrow(GattEncodeError);
    expect(() =>
      encodeRecordAccessControlPoint({
        opCode: report,
        operator: 'less_than_or_equal_to',
        filter: { filterType: 1, min: 1 },
      }),
    ).toThrow(GattEncodeError);
  });
});
