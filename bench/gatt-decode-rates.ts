/**
 * Gateway side: how many notifications a second each GATT decoder of the characteristic
 * table (gateway/profiles/registry.ts) turns into values, on one core. Each decoder runs on
 * a typical value of its characteristic, laid out as in shared/ble-gatt-reference.md: the
 * first of its examples.
 */
import type { Characteristic } from '../gateway/gatt/characteristic.ts';
import { hexBytes } from '../gateway/gatt/hex-bytes.ts';
import { CHARACTERISTICS } from '../gateway/profiles/registry.ts';
import { BenchmarkError } from './benchmark-error.ts';
import type { DecodeRate } from './benchmark-report.ts';

const ROUND = 1000;

/** The value a characteristic's decoder is timed on: its first example, a typical one. */
export function decodeSample(characteristic: Characteristic): Uint8Array | undefined {
  const example = characteristic.examples[0];
  return example && hexBytes(example.hex);
}

/** Decodes per second of every characteristic, each for about `msPerCharacteristic`. */
export function measureDecodeRates(msPerCharacteristic: number): DecodeRate[] {
  return Object.entries(CHARACTERISTICS).map(([uuid, entry]) => {
    const bytes = decodeSample(entry);
    if (!bytes) throw new BenchmarkError('decode rates', `no sample value for ${entry.name} (${uuid})`);
    const first = entry.decode(bytes);
    if (!first.ok)
      throw new BenchmarkError('decode rates', `sample of ${entry.name} refused: ${first.error.message}`);
    let decoded = 0;
    const started = performance.now();
    while (performance.now() - started < msPerCharacteristic) {
      for (let i = 0; i < ROUND; i++) if (entry.decode(bytes).ok) decoded++;
    }
    const seconds = (performance.now() - started) / 1000;
    return { uuid, characteristic: entry.name, bytes: bytes.length, decodesPerSecond: decoded / seconds };
  });
}
