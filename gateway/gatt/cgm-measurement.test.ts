import { describe, expect, it } from 'vitest';
import {
  CGM_MEASUREMENT_NAME,
  type CgmMeasurementRecord,
  decodeCgmMeasurement,
  encodeCgmMeasurement,
} from './cgm-measurement.ts';
import { decodedValue, expectRejection, type RejectionRow } from './decoder-expectations.ts';
import { formatHexBytes, hexBytes } from './hex-bytes.ts';
import { medicalNumber, medicalSpecial } from './ieee11073.ts';

const withCrc = { e2eCrc: true };
const withoutCrc = { e2eCrc: false };
const record = (fields: Partial<CgmMeasurementRecord>): CgmMeasurementRecord => ({
  glucose: medicalNumber(120, 0),
  timeOffsetMinutes: 30,
  ...fields,
});

/** Nordic nRF Toolbox CGMS test vector: every field, annunciation octets Status, Cal/Temp, Warning, E2E-CRC. */
const NORDIC_FULL_RECORD = '0f e3 78 00 1e 00 01 02 03 50 00 60 00 ec ac';

describe('CGM Measurement', () => {
  it('decodes a record with every field and a valid E2E-CRC', () => {
    const expected = record({
      status: ['session_stopped'],
      calTemp: ['calibration_not_allowed'],
      warning: ['result_lower_than_patient_low_level', 'result_higher_than_patient_high_level'],
      trend: medicalNumber(80, 0),
      quality: medicalNumber(96, 0),
    });
    expect(decodedValue(decodeCgmMeasurement(hexBytes(NORDIC_FULL_RECORD), withCrc))).toEqual({
      records: [expected],
      rejectedRecords: [],
    });
    expect(formatHexBytes(encodeCgmMeasurement({ records: [expected] }, withCrc))).toBe(NORDIC_FULL_RECORD);
  });

  it.each<[string, CgmMeasurementRecord[]]>([
    ['06 00 78 00 1e 00', [record({})]],
    [
      '06 00 78 00 1e 00 06 00 77 00 1d 00',
      [record({}), record({ glucose: medicalNumber(119, 0), timeOffsetMinutes: 29 })],
    ],
    ['07 40 78 00 1e 00 08', [record({ calTemp: ['calibration_required'] })]],
    [
      '07 20 28 00 ff ff 40',
      [
        record({
          glucose: medicalNumber(40, 0),
          timeOffsetMinutes: 65535,
          warning: ['result_lower_than_device_can_process'],
        }),
      ],
    ],
    ['08 01 78 00 1e 00 fe 0f', [record({ trend: medicalNumber(-2, 0) })]],
    ['06 00 ff 07 1e 00', [record({ glucose: medicalSpecial('nan') })]],
    ['07 80 78 00 1e 00 00', [record({ status: [] })]],
  ])('decodes %s without E2E-CRC', (hex, records) => {
    expect(decodedValue(decodeCgmMeasurement(hexBytes(hex), withoutCrc))).toEqual({
      records,
      rejectedRecords: [],
    });
    expect(formatHexBytes(encodeCgmMeasurement({ records }, withoutCrc))).toBe(hex);
  });

  it('round-trips several records with E2E-CRC', () => {
    const records = [
      record({}),
      record({ timeOffsetMinutes: 35, trend: medicalNumber(15, -1), quality: medicalNumber(90, 0) }),
    ];
    const bytes = encodeCgmMeasurement({ records }, withCrc);
    expect(decodedValue(decodeCgmMeasurement(bytes, withCrc))).toEqual({ records, rejectedRecords: [] });
  });

  it('rejects a record whose E2E-CRC fails and keeps the others', () => {
    const decoded = decodedValue(
      decodeCgmMeasurement(hexBytes('08 00 78 00 1e 00 34 99 08 00 7d 00 23 00 12 34'), withCrc),
    );
    expect(decoded.records).toEqual([record({})]);
    expect(decoded.rejectedRecords).toEqual([
      {
        characteristic: CGM_MEASUREMENT_NAME,
        field: 'E2E-CRC',
        offset: 14,
        problem: 'crc',
        message: 'CGM Measurement: E2E-CRC mismatch at offset 14: value says 0x3412, computed 0xf1b9',
      },
    ]);
  });

  it.each<RejectionRow>([
    ['08 00 78 00 1e 00 12 34', 'crc', 6, 'E2E-CRC mismatch at offset 6: value says 0x3412, computed 0x9934'],
    ['05 00 78 00 1e', 'invalid', 0, 'invalid value at offset 0: record size 5 is below the minimum of 6'],
    [
      '0a 00 78 00 1e 00',
      'truncated',
      0,
      'truncated at offset 0: expected 10 bytes for CGM measurement record, got 6',
    ],
    ['', 'truncated', 0, 'truncated at offset 0: expected 1 byte for size, got 0'],
    [
      '08 04 78 00 1e 00 24 b4',
      'reserved',
      1,
      'reserved value at offset 1: flags 0x04 has reserved bits 0x04 set',
    ],
    ['08 03 78 00 1e 00 f8 84', 'truncated', 6, 'truncated at offset 6: expected 2 bytes for trend, got 0'],
    [
      '09 80 78 00 1e 00 40 4d af',
      'reserved',
      6,
      'reserved value at offset 6: status octet 0x40 has reserved bits 0x40 set',
    ],
  ])('rejects %s with E2E-CRC (%s)', (...row) => {
    expectRejection(decodeCgmMeasurement(hexBytes(row[0]), withCrc), CGM_MEASUREMENT_NAME, row);
  });

  it.each<RejectionRow>([
    // a record carrying a CRC, read by a gateway that was not told about E2E-CRC
    [
      NORDIC_FULL_RECORD,
      'trailing',
      13,
      'unexpected trailing bytes at offset 13: 2 bytes after the last field',
    ],
    ['06 01 78 00 1e 00', 'truncated', 6, 'truncated at offset 6: expected 2 bytes for trend, got 0'],
    [
      '07 40 78 00 1e 00 c0',
      'reserved',
      6,
      'reserved value at offset 6: cal/temp octet 0xc0 has reserved bits 0xc0 set',
    ],
    [
      '06 00 78 00 1e 00 04',
      'invalid',
      6,
      'invalid value at offset 6: record size 4 is below the minimum of 6',
    ],
  ])('rejects %s without E2E-CRC (%s)', (...row) => {
    expectRejection(decodeCgmMeasurement(hexBytes(row[0]), withoutCrc), CGM_MEASUREMENT_NAME, row);
  });
});
