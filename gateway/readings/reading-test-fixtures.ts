/** What the reading-mapper tests share: a source in Karachi and checks that every reading is a valid contract Reading. */
import { Reading, type ReadingInput } from '../../common/contract.ts';
import type { Decoded } from '../gatt/decode-result.ts';
import type { ReadingBatch, ReadingSource } from './reading-batch.ts';

export const RECEIVED = '2026-11-24T05:00:00.000Z';
export const source: ReadingSource = {
  patientId: 'P-0042',
  deviceId: 'AA:BB:CC:DD:EE:FF',
  receivedAt: new Date(RECEIVED),
  timeZone: 'Asia/Karachi',
};
export const DEVICE = source.deviceId;

export function decoded<T>(result: Decoded<T>): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** Every reading the functions emit must be a valid contract Reading. */
export function valid(batch: ReadingBatch): ReadingInput[] {
  for (const reading of batch.readings) Reading.parse(reading);
  return batch.readings;
}

export function only(batch: ReadingBatch): ReadingInput {
  const [reading, ...others] = valid(batch);
  if (!reading || others.length > 0) throw new Error(`expected one reading, got ${batch.readings.length}`);
  return reading;
}
