/** Test support for the decoder tests: unwrap a decoded value, or check a rejection. */
import { expect } from 'vitest';
import type { Decoded, GattDecodeError, GattProblem } from './decode-result.ts';

export function decodedValue<T>(result: Decoded<T>): T {
  if (!result.ok) throw new Error(`expected a decoded value, got: ${result.error.message}`);
  return result.value;
}

function decodeError(result: Decoded<unknown>): GattDecodeError {
  if (result.ok) throw new Error(`expected a rejection, got: ${JSON.stringify(result.value)}`);
  return result.error;
}

/** A rejection table row: hex, problem, offset, the message text after "<Characteristic>: ". */
export type RejectionRow = [hex: string, problem: GattProblem, offset: number, message: string];

export function expectRejection(result: Decoded<unknown>, characteristic: string, row: RejectionRow): void {
  const [, problem, offset, message] = row;
  const error = decodeError(result);
  expect(error).toMatchObject({ characteristic, problem, offset });
  expect(error.message).toBe(`${characteristic}: ${message}`);
}
