/**
 * What a GATT decoder returns: the decoded value, or an error that says which
 * characteristic, which field, at which byte offset, and what was wrong. Decoders never
 * throw; encoders throw GattEncodeError when asked to encode something the format cannot carry.
 */

/** The kind of problem, for callers that react differently (e.g. count CRC failures). */
export type GattProblem = 'truncated' | 'reserved' | 'invalid' | 'trailing' | 'crc' | 'internal';

export interface GattDecodeError {
  characteristic: string;
  field: string;
  /** Byte offset in the characteristic value where the problem is. */
  offset: number;
  problem: GattProblem;
  /** e.g. "Glucose Measurement: truncated at offset 10: expected 2 bytes for concentration, got 1" */
  message: string;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: GattDecodeError };

const PROBLEM_LABEL: Record<GattProblem, string> = {
  truncated: 'truncated',
  reserved: 'reserved value',
  invalid: 'invalid value',
  trailing: 'unexpected trailing bytes',
  crc: 'E2E-CRC mismatch',
  internal: 'decoder fault',
};

/**
 * Raised inside a decoder (by ByteReader and the field checks) and turned into
 * `{ ok: false }` by decodeGatt; it never leaves a decoder.
 */
export class GattFieldError extends Error {
  constructor(
    readonly problem: GattProblem,
    readonly field: string,
    readonly offset: number,
    readonly detail: string,
  ) {
    super(`${PROBLEM_LABEL[problem]} at offset ${offset}: ${detail}`);
    this.name = 'GattFieldError';
  }
}

/** A value that the GATT format cannot carry (out of range, inconsistent fields). */
export class GattEncodeError extends Error {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`cannot encode ${field}: ${detail}`);
    this.name = 'GattEncodeError';
  }
}

/** Any exception other than GattFieldError is a decoder bug: reported as 'internal', never thrown. */
export function toDecodeError(characteristic: string, err: unknown): GattDecodeError {
  const fieldError =
    err instanceof GattFieldError
      ? err
      : new GattFieldError('internal', 'decoder', 0, err instanceof Error ? err.message : String(err));
  return {
    characteristic,
    field: fieldError.field,
    offset: fieldError.offset,
    problem: fieldError.problem,
    message: `${characteristic}: ${fieldError.message}`,
  };
}
