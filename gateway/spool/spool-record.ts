/**
 * The frame of one reading in the gateway's disk spool (see reading-spool.ts). Pure: bytes in,
 * bytes out. All integers little-endian:
 *
 * | offset | bytes | field                                                                 |
 * |--------|-------|-----------------------------------------------------------------------|
 * | 0      | 4     | magic `F5 52 53 31` (0xF5 never occurs in UTF-8, so never in JSON)    |
 * | 4      | 4     | payload length N (at most MAX_RECORD_PAYLOAD_BYTES)                   |
 * | 8      | 8     | sequence number (unsigned, low 32 bits then high 32 bits)             |
 * | 16     | N     | payload: the reading as UTF-8 JSON, exactly as appended               |
 * | 16 + N | 4     | CRC-32 (ISO-HDLC, as zlib and gzip) of bytes 4 .. 16 + N              |
 *
 * The CRC covers the length and the sequence number too, so a torn or bit-flipped record is
 * never misread; the magic lets a reader find the next good record after a damaged one.
 */
import { crc32 } from 'node:zlib';

export const RECORD_MAGIC = Buffer.from([0xf5, 0x52, 0x53, 0x31]);
export const RECORD_HEADER_BYTES = 16;
export const RECORD_OVERHEAD_BYTES = RECORD_HEADER_BYTES + 4;
/** One reading's JSON is far smaller (under 4 KiB with 64 RR intervals); larger is refused at append. */
export const MAX_RECORD_PAYLOAD_BYTES = 16 * 1024;

const TWO_32 = 2 ** 32;

export type DecodedRecord =
  | { kind: 'record'; seq: number; payload: Buffer; size: number }
  /** The buffer ends before the record does; `size` is the whole record's size per its header. */
  | { kind: 'incomplete'; size: number }
  | { kind: 'corrupt'; problem: 'magic' | 'length' | 'crc' };

/** Frames consecutive readings' payloads, numbered from `firstSeq`, into one buffer. */
export function encodeRecords(firstSeq: number, payloads: readonly Buffer[]): Buffer {
  const total = payloads.reduce((sum, p) => sum + p.length + RECORD_OVERHEAD_BYTES, 0);
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  payloads.forEach((payload, i) => {
    const seq = firstSeq + i;
    RECORD_MAGIC.copy(out, at);
    out.writeUInt32LE(payload.length, at + 4);
    out.writeUInt32LE(seq % TWO_32, at + 8);
    out.writeUInt32LE(Math.floor(seq / TWO_32), at + 12);
    payload.copy(out, at + RECORD_HEADER_BYTES);
    const end = at + RECORD_HEADER_BYTES + payload.length;
    out.writeUInt32LE(crc32(out.subarray(at + 4, end)), end);
    at = end + 4;
  });
  return out;
}

/** Decodes the record starting at `offset`; the payload is a view into `buf`, not a copy. */
export function decodeRecordAt(buf: Buffer, offset: number): DecodedRecord {
  if (buf.length - offset < RECORD_HEADER_BYTES) {
    const magicBytes = Math.min(4, buf.length - offset);
    return buf.subarray(offset, offset + magicBytes).equals(RECORD_MAGIC.subarray(0, magicBytes))
      ? { kind: 'incomplete', size: RECORD_HEADER_BYTES }
      : { kind: 'corrupt', problem: 'magic' };
  }
  if (!buf.subarray(offset, offset + 4).equals(RECORD_MAGIC)) return { kind: 'corrupt', problem: 'magic' };
  const length = buf.readUInt32LE(offset + 4);
  if (length > MAX_RECORD_PAYLOAD_BYTES) return { kind: 'corrupt', problem: 'length' };
  const size = length + RECORD_OVERHEAD_BYTES;
  if (buf.length - offset < size) return { kind: 'incomplete', size };
  const end = offset + RECORD_HEADER_BYTES + length;
  if (crc32(buf.subarray(offset + 4, end)) !== buf.readUInt32LE(end))
    return { kind: 'corrupt', problem: 'crc' };
  const seq = buf.readUInt32LE(offset + 8) + buf.readUInt32LE(offset + 12) * TWO_32;
  return { kind: 'record', seq, payload: buf.subarray(offset + RECORD_HEADER_BYTES, end), size };
}
