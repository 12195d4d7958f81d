/** Little-endian writer for the encoders (what virtual devices send); checks every range. */
import { GattEncodeError } from './decode-result.ts';
import { encodeFloat, encodeSfloat, type MedicalFloat } from './ieee11073.ts';
import { type BitTable, bitsOf, type NameOf } from './named-values.ts';

export class ByteWriter {
  readonly #bytes: number[] = [];

  #integer(value: number, min: number, max: number, bytes: number, field: string): this {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new GattEncodeError(field, `${value} is not an integer in ${min}..${max}`);
    }
    let unsigned = value < 0 ? value + 2 ** (8 * bytes) : value;
    for (let i = 0; i < bytes; i++) {
      this.#bytes.push(unsigned % 256);
      unsigned = Math.floor(unsigned / 256);
    }
    return this;
  }

  uint8(value: number, field: string): this {
    return this.#integer(value, 0, 0xff, 1, field);
  }

  sint8(value: number, field: string): this {
    return this.#integer(value, -0x80, 0x7f, 1, field);
  }

  uint16(value: number, field: string): this {
    return this.#integer(value, 0, 0xffff, 2, field);
  }

  sint16(value: number, field: string): this {
    return this.#integer(value, -0x8000, 0x7fff, 2, field);
  }

  uint24(value: number, field: string): this {
    return this.#integer(value, 0, 0xffffff, 3, field);
  }

  uint32(value: number, field: string): this {
    return this.#integer(value, 0, 0xffffffff, 4, field);
  }

  uint(width: 1 | 2 | 3, value: number, field: string): this {
    return this.#integer(value, 0, 2 ** (8 * width) - 1, width, field);
  }

  sfloat(value: MedicalFloat, field: string): this {
    return this.uint16(encodeSfloat(value, field), field);
  }

  float(value: MedicalFloat, field: string): this {
    return this.uint32(encodeFloat(value, field), field);
  }

  bits<T extends BitTable>(table: T, width: 1 | 2 | 3, names: readonly NameOf<T>[], field: string): this {
    return this.uint(width, bitsOf(table, names), field);
  }

  bytes(bytes: Uint8Array): this {
    this.#bytes.push(...bytes);
    return this;
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}
