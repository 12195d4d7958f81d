/**
 * A little-endian cursor over a characteristic value. Every read names its field, so
 * running out of bytes reports the field and the offset; decodeGatt turns that (and any
 * reserved-value or trailing-byte finding) into a Decoded error.
 */
import { type Decoded, GattFieldError, type GattProblem, toDecodeError } from './decode-result.ts';
import { decodeFloat, decodeSfloat, type MedicalFloat } from './ieee11073.ts';
import {
  type BitTable,
  bitNames,
  type CodeTable,
  definedBits,
  hex,
  type NameOf,
  nameOfCode,
} from './named-values.ts';

export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #start: number;
  #position: number;
  #end: number;

  /** A reader over bytes[start, end); offsets in errors are relative to `bytes`. */
  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#start = start;
    this.#position = start;
    this.#end = end;
  }

  get offset(): number {
    return this.#position;
  }

  get remaining(): number {
    return this.#end - this.#position;
  }

  fail(problem: GattProblem, field: string, offset: number, detail: string): never {
    throw new GattFieldError(problem, field, offset, detail);
  }

  /** Advances over `length` bytes and returns where they start. */
  #take(length: number, field: string): number {
    if (this.remaining < length) {
      this.fail(
        'truncated',
        field,
        this.#position,
        `expected ${length} byte${length === 1 ? '' : 's'} for ${field}, got ${this.remaining}`,
      );
    }
    const at = this.#position;
    this.#position += length;
    return at;
  }

  uint8(field: string): number {
    return this.#view.getUint8(this.#take(1, field));
  }

  sint8(field: string): number {
    return this.#view.getInt8(this.#take(1, field));
  }

  uint16(field: string): number {
    return this.#view.getUint16(this.#take(2, field), true);
  }

  sint16(field: string): number {
    return this.#view.getInt16(this.#take(2, field), true);
  }

  uint24(field: string): number {
    const at = this.#take(3, field);
    return this.#view.getUint16(at, true) + this.#view.getUint8(at + 2) * 0x10000;
  }

  uint32(field: string): number {
    return this.#view.getUint32(this.#take(4, field), true);
  }

  /** Reads an unsigned integer of 1-3 bytes. */
  uint(width: 1 | 2 | 3, field: string): number {
    return width === 1 ? this.uint8(field) : width === 2 ? this.uint16(field) : this.uint24(field);
  }

  /** The next byte, without consuming it. */
  peekUint8(field: string): number {
    const value = this.uint8(field);
    this.#position -= 1;
    return value;
  }

  sfloat(field: string): MedicalFloat {
    return decodeSfloat(this.uint16(field));
  }

  float(field: string): MedicalFloat {
    return decodeFloat(this.uint32(field));
  }

  /** All bytes up to the end of this reader's window. */
  rest(): Uint8Array {
    const at = this.#position;
    this.#position = this.#end;
    return this.#bytes.subarray(at, this.#end);
  }

  /** A reader over the next `length` bytes (e.g. one CGM record); this reader moves past them. */
  window(length: number, field: string): ByteReader {
    const at = this.#take(length, field);
    return new ByteReader(this.#bytes, at, at + length);
  }

  /** Detaches the last `length` bytes of the window (e.g. an E2E-CRC) as their own reader. */
  trailer(length: number, field: string): ByteReader {
    if (this.remaining < length) {
      this.fail(
        'truncated',
        field,
        this.#position,
        `expected ${length} bytes for ${field}, got ${this.remaining}`,
      );
    }
    this.#end -= length;
    return new ByteReader(this.#bytes, this.#end, this.#end + length);
  }

  /** The bytes of the window from its start to its (current) end. */
  windowBytes(): Uint8Array {
    return this.#bytes.subarray(this.#start, this.#end);
  }

  expectEnd(): void {
    if (this.remaining > 0) {
      this.fail(
        'trailing',
        'end of value',
        this.#position,
        `${this.remaining} byte${this.remaining === 1 ? '' : 's'} after the last field`,
      );
    }
  }

  /** Reads a flags field as a number, rejecting bits outside `definedMask`. */
  flags(width: 1 | 2 | 3, definedMask: number, field = 'flags'): number {
    const at = this.#position;
    const value = this.uint(width, field);
    const reserved = value & ~definedMask;
    if (reserved) {
      this.fail(
        'reserved',
        field,
        at,
        `${field} ${hex(value, width * 2)} has reserved bits ${hex(reserved, width * 2)} set`,
      );
    }
    return value;
  }

  /** Reads a flags or status field as the names of its bits, rejecting bits the table does not define. */
  bits<T extends BitTable>(table: T, width: 1 | 2 | 3, field: string): NameOf<T>[] {
    return bitNames(table, this.flags(width, definedBits(table), field));
  }

  /** Reads an enumerated uint8/uint16 and rejects values the table does not define. */
  code<T extends CodeTable>(table: T, width: 1 | 2, field: string): NameOf<T> {
    const at = this.#position;
    return codeName(table, this.uint(width, field), field, at, this);
  }
}

/** The name of an enumerated value (also for nibbles), or a 'reserved' failure at `offset`. */
export function codeName<T extends CodeTable>(
  table: T,
  code: number,
  field: string,
  offset: number,
  reader: ByteReader,
): NameOf<T> {
  return nameOfCode(table, code) ?? reader.fail('reserved', field, offset, `${field} ${code} is reserved`);
}

/**
 * Runs `parse` over the whole value and requires it to consume every byte. Never throws:
 * field errors, and any unexpected exception (reported as 'internal'), become `{ ok: false }`.
 */
export function decodeGatt<T>(
  characteristic: string,
  bytes: Uint8Array,
  parse: (reader: ByteReader) => T,
): Decoded<T> {
  try {
    const reader = new ByteReader(bytes);
    const value = parse(reader);
    reader.expectEnd();
    return { ok: true, value };
  } catch (err) {
    return { ok: false, error: toDecodeError(characteristic, err) };
  }
}
