import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  decodeRecordAt,
  encodeRecords,
  MAX_RECORD_PAYLOAD_BYTES,
  RECORD_OVERHEAD_BYTES,
} from './spool-record.ts';

const hex = (b: Buffer) => b.toString('hex').replace(/(..)(?!$)/g, '$1 ');

describe('spool record frame', () => {
  it('lays out magic, length, 64-bit sequence number, JSON and CRC-32 as documented', () => {
    const seq = 2 ** 32 + 5; // high word 1, low word 5
    const frame = encodeRecords(seq, [Buffer.from('{"a":1}')]);
    expect(hex(frame.subarray(0, 23))).toBe(
      'f5 52 53 31 07 00 00 00 05 00 00 00 01 00 00 00 7b 22 61 22 3a 31 7d',
    );
    expect(frame.readUInt32LE(23)).toBe(crc32(frame.subarray(4, 23)));
    expect(frame.length).toBe(7 + RECORD_OVERHEAD_BYTES);
  });

  it('uses the CRC-32 of zlib and gzip (check value of "123456789" is cbf43926)', () => {
    expect(crc32('123456789').toString(16)).toBe('cbf43926');
  });

  it('decodes consecutive records with their sequence numbers', () => {
    const frames = encodeRecords(41, [Buffer.from('{"n":41}'), Buffer.from('{"n":42}')]);
    const first = decodeRecordAt(frames, 0);
    expect(first).toMatchObject({ kind: 'record', seq: 41, size: 8 + RECORD_OVERHEAD_BYTES });
    const second = decodeRecordAt(frames, 8 + RECORD_OVERHEAD_BYTES);
    expect(second.kind === 'record' && [second.seq, second.payload.toString()]).toEqual([42, '{"n":42}']);
  });

  it('detects a flipped bit in every byte of a record, never misreading it', () => {
    const frame = encodeRecords(7, [Buffer.from('{"value":72}')]);
    for (let i = 0; i < frame.length; i++) {
      const damaged = Buffer.from(frame);
      damaged[i] = (damaged[i] ?? 0) ^ 0x10;
      expect(decodeRecordAt(damaged, 0).kind, `byte ${i}`).not.toBe('record');
    }
  });

  it('reports a record cut short at any length as incomplete, not as a reading', () => {
    const frame = encodeRecords(7, [Buffer.from('{"value":72}')]);
    for (let length = 0; length < frame.length; length++) {
      expect(decodeRecordAt(frame.subarray(0, length), 0).kind, `${length} bytes`).toBe('incomplete');
    }
  });

  it('refuses a length field beyond the largest reading as corrupt instead of waiting for more bytes', () => {
    const frame = encodeRecords(7, [Buffer.from('{}')]);
    frame.writeUInt32LE(MAX_RECORD_PAYLOAD_BYTES + 1, 4);
    expect(decodeRecordAt(frame, 0)).toEqual({ kind: 'corrupt', problem: 'length' });
  });
});
