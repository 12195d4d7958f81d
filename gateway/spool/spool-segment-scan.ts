/**
 * Reads the records of one spool segment file in order, in large sequential chunks (an SD
 * card reads those fastest), and steps over damage: after a record that is torn, has a bad
 * CRC or a bad length, it looks for the next record whose magic and CRC are both good. The
 * caller decides what damage means: a damaged region that runs to the end of the last segment
 * is a torn write to truncate; anywhere else it is reported and skipped.
 */
import type { FileHandle } from 'node:fs/promises';
import { type DecodedRecord, decodeRecordAt, RECORD_HEADER_BYTES, RECORD_MAGIC } from './spool-record.ts';

const CHUNK_BYTES = 256 * 1024;

export type SegmentItem =
  | { kind: 'record'; offset: number; size: number; seq: number; payload: Buffer }
  | {
      kind: 'damaged';
      offset: number;
      /** Where the next good record starts, or the end of the scanned region. */
      resumeAt: number;
      /** No good record follows before the end of the scanned region. */
      toEnd: boolean;
      problem: 'magic' | 'length' | 'crc' | 'truncated';
    };

/** A cached chunk of the file; payloads handed out stay valid because chunks are never reused. */
class ReadWindow {
  private buf = Buffer.alloc(0);
  private start = 0;

  constructor(
    private readonly fh: FileHandle,
    readonly end: number,
  ) {}

  /** A view from `from` holding at least `min(minBytes, end - from)` bytes (more when cached). */
  async at(from: number, minBytes: number): Promise<Buffer> {
    const need = Math.min(minBytes, this.end - from);
    if (from >= this.start && from + need <= this.start + this.buf.length) {
      return this.buf.subarray(from - this.start);
    }
    const size = Math.min(Math.max(need, CHUNK_BYTES), this.end - from);
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const { bytesRead } = await this.fh.read(buf, got, size - got, from + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    this.buf = buf.subarray(0, got);
    this.start = from;
    return this.buf;
  }
}

type Decoded = Exclude<DecodedRecord, { kind: 'incomplete' }> | { kind: 'truncated' };

async function decodeAt(w: ReadWindow, pos: number): Promise<Decoded> {
  let decoded = decodeRecordAt(await w.at(pos, RECORD_HEADER_BYTES), 0);
  if (decoded.kind === 'incomplete') decoded = decodeRecordAt(await w.at(pos, decoded.size), 0);
  return decoded.kind === 'incomplete' ? { kind: 'truncated' } : decoded;
}

async function findNextRecord(w: ReadWindow, from: number): Promise<number | undefined> {
  let pos = from;
  while (w.end - pos >= RECORD_MAGIC.length) {
    const view = await w.at(pos, CHUNK_BYTES);
    const i = view.indexOf(RECORD_MAGIC);
    if (i < 0) {
      // Keep the last bytes: a magic may straddle the chunk boundary.
      pos += Math.max(1, view.length - (RECORD_MAGIC.length - 1));
      continue;
    }
    if ((await decodeAt(w, pos + i)).kind === 'record') return pos + i;
    pos += i + 1;
  }
  return undefined;
}

/** The records and damaged regions of bytes `from` .. `to` of a segment file, in file order. */
export async function* readSegmentRecords(
  fh: FileHandle,
  from: number,
  to: number,
): AsyncGenerator<SegmentItem> {
  const w = new ReadWindow(fh, to);
  let pos = from;
  while (pos < to) {
    const decoded = await decodeAt(w, pos);
    if (decoded.kind === 'record') {
      yield { kind: 'record', offset: pos, size: decoded.size, seq: decoded.seq, payload: decoded.payload };
      pos += decoded.size;
      continue;
    }
    const next = await findNextRecord(w, pos + 1);
    yield {
      kind: 'damaged',
      offset: pos,
      resumeAt: next ?? to,
      toEnd: next === undefined,
      problem: decoded.kind === 'truncated' ? 'truncated' : decoded.problem,
    };
    pos = next ?? to;
  }
}
