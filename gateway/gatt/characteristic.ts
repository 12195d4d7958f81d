/**
 * What the gateway knows of one GATT characteristic: its UUID, its name, its decoder, and
 * valid values of it. Each decoder module exports one per characteristic it decodes; the
 * device profiles list the ones they use, and the characteristic table (characteristics.ts),
 * the fuzzer and the decode benchmark derive from those lists. Every decoder takes the same
 * (bytes, options) arguments; `options` lists which options it reads, all others ignore them.
 */
import type { CgmDecodeOptions } from './cgm-options.ts';
import type { Decoded } from './decode-result.ts';

export interface DecodeOptions {
  /**
   * CGM characteristics: the sensor's CGM Feature announces E2E-CRC ('e2e_crc'). False when
   * not given, so a value carrying a CRC is then rejected for its extra bytes.
   */
  cgmE2eCrc?: boolean;
}

/** A valid value of a characteristic. */
export interface Example {
  /** The value's bytes in hex, e.g. '06 48'. */
  hex: string;
  /** A few words saying what the value is, e.g. 'time stamp and type; 36.6 Cel, mouth'. */
  what: string;
  /** The options the value must be decoded with (e.g. it ends with an E2E-CRC). */
  options?: DecodeOptions;
}

export interface Characteristic {
  /** 16-bit, as noble spells it: lowercase hex, e.g. '2a37'. */
  uuid: string;
  name: string;
  decode(bytes: Uint8Array, options?: DecodeOptions): Decoded<unknown>;
  /** The options this decoder reads. */
  options: readonly (keyof DecodeOptions)[];
  /**
   * Valid values, from the spec vectors; they seed the fuzzer. The first is a typical value
   * and is the decode benchmark's sample, so it must not need options.
   */
  examples: readonly Example[];
}

type CharacteristicSpec<Decode> = Pick<Characteristic, 'uuid' | 'name' | 'examples'> & { decode: Decode };

/** A characteristic whose decoder reads no options. */
export function plain({
  decode,
  ...rest
}: CharacteristicSpec<(bytes: Uint8Array) => Decoded<unknown>>): Characteristic {
  return { ...rest, decode: (bytes) => decode(bytes), options: [] };
}

/** A CGM characteristic: its decoder reads `cgmE2eCrc`. */
export function withCgmOptions({
  decode,
  ...rest
}: CharacteristicSpec<(bytes: Uint8Array, options: CgmDecodeOptions) => Decoded<unknown>>): Characteristic {
  return {
    ...rest,
    decode: (bytes, options) => decode(bytes, { e2eCrc: options?.cgmE2eCrc ?? false }),
    options: ['cgmE2eCrc'],
  };
}
