/**
 * Record Access Control Point (0x2A52, write + indicate), as the Glucose and CGM services
 * use it. Every value is: op code (uint8), operator (uint8), operand.
 *
 * Requests (collector -> device): 1 report stored records, 2 delete stored records,
 * 3 abort operation, 4 report number of stored records; the operand of <=, >= and range
 * is a filter type (uint8) and uint16 bounds. Filter type 1 is the sequence number for a
 * glucose meter and the time offset for a CGM; other filter types (glucose "user facing
 * time", a Date Time) are not supported and rejected.
 * Responses (device -> collector, operator always null): 5 number of stored records
 * (uint16), 6 response code (request op code, response code value).
 */
import { type ByteReader, decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import { type Decoded, GattEncodeError } from './decode-result.ts';
import { type NameOf, nameOfCode } from './named-values.ts';

export const RECORD_ACCESS_CONTROL_POINT_UUID = '2a52';
export const RECORD_ACCESS_CONTROL_POINT_NAME = 'Record Access Control Point';

export const RACP_OP_CODES = {
  report_stored_records: 1,
  delete_stored_records: 2,
  abort_operation: 3,
  report_number_of_stored_records: 4,
  number_of_stored_records_response: 5,
  response_code: 6,
} as const;
export type RacpOpCode = NameOf<typeof RACP_OP_CODES>;
export type RacpRequestOpCode = Exclude<RacpOpCode, 'number_of_stored_records_response' | 'response_code'>;

export const RACP_OPERATORS = {
  null: 0,
  all_records: 1,
  less_than_or_equal_to: 2,
  greater_than_or_equal_to: 3,
  within_range_of: 4,
  first_record: 5,
  last_record: 6,
} as const;
export type RacpOperator = NameOf<typeof RACP_OPERATORS>;

export const RACP_RESPONSE_CODES = {
  success: 1,
  op_code_not_supported: 2,
  invalid_operator: 3,
  operator_not_supported: 4,
  invalid_operand: 5,
  no_records_found: 6,
  abort_unsuccessful: 7,
  procedure_not_completed: 8,
  operand_not_supported: 9,
} as const;
export type RacpResponseCode = NameOf<typeof RACP_RESPONSE_CODES>;

/** Filter type 1: sequence number (glucose) or time offset in minutes (CGM). */
export const RACP_FILTER_TYPE = 1;

/** Bounds of a filtered request: `min` for >=, `max` for <=, both for a range (inclusive). */
export interface RacpFilter {
  filterType: typeof RACP_FILTER_TYPE;
  min?: number;
  max?: number;
}

export interface RacpRequest {
  opCode: RacpRequestOpCode;
  operator: RacpOperator;
  filter?: RacpFilter;
}

export type RacpResponse =
  | { opCode: 'number_of_stored_records_response'; numberOfRecords: number }
  | {
      opCode: 'response_code';
      /** The op code of the request answered (a number when the device echoes an op code we do not know). */
      requestOpCode: RacpOpCode | number;
      responseCode: RacpResponseCode;
    };

export type RacpMessage = RacpRequest | RacpResponse;

/** Which bounds each operator's operand carries. */
const OPERAND_BOUNDS: Record<RacpOperator, readonly ('min' | 'max')[] | undefined> = {
  null: undefined,
  all_records: undefined,
  less_than_or_equal_to: ['max'],
  greater_than_or_equal_to: ['min'],
  within_range_of: ['min', 'max'],
  first_record: undefined,
  last_record: undefined,
};

function readRequest(reader: ByteReader, opCode: RacpRequestOpCode): RacpRequest {
  const operator = reader.code(RACP_OPERATORS, 1, 'operator');
  const bounds = OPERAND_BOUNDS[operator];
  if (!bounds) return { opCode, operator };
  const filterOffset = reader.offset;
  const filterType = reader.uint8('filter type');
  if (filterType !== RACP_FILTER_TYPE) {
    reader.fail(
      'invalid',
      'filter type',
      filterOffset,
      `filter type ${filterType} is not supported (only 1)`,
    );
  }
  const filter: RacpFilter = { filterType: RACP_FILTER_TYPE };
  for (const bound of bounds) filter[bound] = reader.uint16(`operand ${bound}`);
  if (filter.min !== undefined && filter.max !== undefined && filter.min > filter.max) {
    reader.fail('invalid', 'operand', filterOffset + 1, `range ${filter.min}-${filter.max} is empty`);
  }
  return { opCode, operator, filter };
}

function readResponse(reader: ByteReader, opCode: RacpResponse['opCode']): RacpResponse {
  reader.flags(1, 0, 'operator (null for a response)');
  if (opCode === 'number_of_stored_records_response') {
    return { opCode, numberOfRecords: reader.uint16('number of records') };
  }
  const requestOpCode = reader.uint8('request op code');
  return {
    opCode,
    requestOpCode: nameOfCode(RACP_OP_CODES, requestOpCode) ?? requestOpCode,
    responseCode: reader.code(RACP_RESPONSE_CODES, 1, 'response code'),
  };
}

function isResponseOpCode(opCode: RacpOpCode): opCode is RacpResponse['opCode'] {
  return opCode === 'number_of_stored_records_response' || opCode === 'response_code';
}

/** Decodes either direction: the op code says whether it is a request or a response. */
export function decodeRecordAccessControlPoint(bytes: Uint8Array): Decoded<RacpMessage> {
  return decodeGatt(RECORD_ACCESS_CONTROL_POINT_NAME, bytes, (reader): RacpMessage => {
    const opCode = reader.code(RACP_OP_CODES, 1, 'op code');
    return isResponseOpCode(opCode) ? readResponse(reader, opCode) : readRequest(reader, opCode);
  });
}

/** What the gateway reads from indications; a request here is an error. */
export function decodeRacpResponse(bytes: Uint8Array): Decoded<RacpResponse> {
  return decodeGatt(RECORD_ACCESS_CONTROL_POINT_NAME, bytes, (reader) => {
    const opCode = reader.code(RACP_OP_CODES, 1, 'op code');
    if (!isResponseOpCode(opCode))
      return reader.fail('invalid', 'op code', 0, `${opCode} is a request, not a response`);
    return readResponse(reader, opCode);
  });
}

/** What a (virtual) device reads from writes; a response here is an error. */
export function decodeRacpRequest(bytes: Uint8Array): Decoded<RacpRequest> {
  return decodeGatt(RECORD_ACCESS_CONTROL_POINT_NAME, bytes, (reader) => {
    const opCode = reader.code(RACP_OP_CODES, 1, 'op code');
    if (isResponseOpCode(opCode))
      return reader.fail('invalid', 'op code', 0, `${opCode} is a response, not a request`);
    return readRequest(reader, opCode);
  });
}

export function encodeRecordAccessControlPoint(message: RacpMessage): Uint8Array {
  const writer = new ByteWriter().uint8(RACP_OP_CODES[message.opCode], 'op code');
  if (message.opCode === 'number_of_stored_records_response') {
    return writer.uint8(0, 'operator').uint16(message.numberOfRecords, 'number of records').toBytes();
  }
  if (message.opCode === 'response_code') {
    const requestOpCode =
      typeof message.requestOpCode === 'number'
        ? message.requestOpCode
        : RACP_OP_CODES[message.requestOpCode];
    return writer
      .uint8(0, 'operator')
      .uint8(requestOpCode, 'request op code')
      .uint8(RACP_RESPONSE_CODES[message.responseCode], 'response code')
      .toBytes();
  }
  writer.uint8(RACP_OPERATORS[message.operator], 'operator');
  const bounds = OPERAND_BOUNDS[message.operator];
  if (!bounds) {
    if (message.filter) throw new GattEncodeError('filter', `operator ${message.operator} takes no operand`);
    return writer.toBytes();
  }
  const { filter } = message;
  if (!filter)
    throw new GattEncodeError('filter', `operator ${message.operator} needs ${bounds.join(' and ')}`);
  const extra = (['min', 'max'] as const).find(
    (bound) => filter[bound] !== undefined && !bounds.includes(bound),
  );
  if (extra) throw new GattEncodeError(`operand ${extra}`, `operator ${message.operator} does not take it`);
  writer.uint8(filter.filterType, 'filter type');
  for (const bound of bounds) {
    const value = filter[bound];
    if (value === undefined)
      throw new GattEncodeError(`operand ${bound}`, `operator ${message.operator} needs it`);
    writer.uint16(value, `operand ${bound}`);
  }
  return writer.toBytes();
}

/** The requests the gateway sends (filter type 1: sequence number, or CGM time offset). */
export const racpRequests = {
  reportAllRecords: (): RacpRequest => ({ opCode: 'report_stored_records', operator: 'all_records' }),
  reportRecordsFrom: (min: number): RacpRequest => ({
    opCode: 'report_stored_records',
    operator: 'greater_than_or_equal_to',
    filter: { filterType: RACP_FILTER_TYPE, min },
  }),
  reportNumberOfAllRecords: (): RacpRequest => ({
    opCode: 'report_number_of_stored_records',
    operator: 'all_records',
  }),
  reportNumberOfRecordsFrom: (min: number): RacpRequest => ({
    opCode: 'report_number_of_stored_records',
    operator: 'greater_than_or_equal_to',
    filter: { filterType: RACP_FILTER_TYPE, min },
  }),
  abortOperation: (): RacpRequest => ({ opCode: 'abort_operation', operator: 'null' }),
} as const;

export const RECORD_ACCESS_CONTROL_POINT = plain({
  uuid: RECORD_ACCESS_CONTROL_POINT_UUID,
  name: RECORD_ACCESS_CONTROL_POINT_NAME,
  decode: decodeRecordAccessControlPoint,
  examples: [
    { hex: '01 03 01 05 00', what: 'report stored records with sequence number >= 5' },
    { hex: '01 03 01 2a 00', what: 'report stored records with sequence number >= 42' },
    { hex: '01 04 01 0a 00 14 00', what: 'report stored records with sequence number 10 to 20' },
    { hex: '06 00 01 06', what: 'response to report stored records: no records found' },
    { hex: '05 00 2a 00', what: 'number of stored records: 42' },
    { hex: '04 01', what: 'report the number of all stored records' },
  ],
});
