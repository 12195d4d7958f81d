/**
 * PLX Continuous Measurement (0x2A5F, notify). Flags: bit 0 SpO2PR-Fast, bit 1
 * SpO2PR-Slow, bit 2 measurement status, bit 3 device and sensor status, bit 4 pulse
 * amplitude index; bits 5-7 reserved.
 * Order: flags, SpO2PR-Normal (SpO2, PR), Fast?, Slow?, status fields.
 */
import { type ByteReader, decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import type { Decoded } from './decode-result.ts';
import type { MedicalFloat } from './ieee11073.ts';
import {
  type PlxStatusFields,
  plxStatusFlags,
  readPlxStatusFields,
  writePlxStatusFields,
} from './plx-status.ts';

export const PLX_CONTINUOUS_MEASUREMENT_UUID = '2a5f';
export const PLX_CONTINUOUS_MEASUREMENT_NAME = 'PLX Continuous Measurement';

const FLAG = { fast: 0x01, slow: 0x02 } as const;
const STATUS_BITS = { measurementStatus: 0x04, deviceAndSensorStatus: 0x08, pulseAmplitudeIndex: 0x10 };
const DEFINED_FLAGS = 0x1f;

export interface Spo2PulseRate {
  /** SpO2, %. */
  spo2: MedicalFloat;
  /** Pulse rate, /min. */
  pulseRate: MedicalFloat;
}

export interface PlxContinuousMeasurement extends PlxStatusFields {
  normal: Spo2PulseRate;
  fast?: Spo2PulseRate;
  slow?: Spo2PulseRate;
}

function readPair(reader: ByteReader, averaging: string): Spo2PulseRate {
  return {
    spo2: reader.sfloat(`SpO2PR-${averaging} SpO2`),
    pulseRate: reader.sfloat(`SpO2PR-${averaging} PR`),
  };
}

function writePair(writer: ByteWriter, pair: Spo2PulseRate, averaging: string): void {
  writer.sfloat(pair.spo2, `SpO2PR-${averaging} SpO2`).sfloat(pair.pulseRate, `SpO2PR-${averaging} PR`);
}

export function decodePlxContinuousMeasurement(bytes: Uint8Array): Decoded<PlxContinuousMeasurement> {
  return decodeGatt(PLX_CONTINUOUS_MEASUREMENT_NAME, bytes, (reader) => {
    const flags = reader.flags(1, DEFINED_FLAGS);
    const normal = readPair(reader, 'Normal');
    const fast = flags & FLAG.fast ? readPair(reader, 'Fast') : undefined;
    const slow = flags & FLAG.slow ? readPair(reader, 'Slow') : undefined;
    return {
      normal,
      ...(fast ? { fast } : {}),
      ...(slow ? { slow } : {}),
      ...readPlxStatusFields(reader, flags, STATUS_BITS),
    };
  });
}

export function encodePlxContinuousMeasurement(measurement: PlxContinuousMeasurement): Uint8Array {
  const flags =
    (measurement.fast ? FLAG.fast : 0) |
    (measurement.slow ? FLAG.slow : 0) |
    plxStatusFlags(measurement, STATUS_BITS);
  const writer = new ByteWriter().uint8(flags, 'flags');
  writePair(writer, measurement.normal, 'Normal');
  if (measurement.fast) writePair(writer, measurement.fast, 'Fast');
  if (measurement.slow) writePair(writer, measurement.slow, 'Slow');
  writePlxStatusFields(writer, measurement);
  return writer.toBytes();
}

export const PLX_CONTINUOUS_MEASUREMENT = plain({
  uuid: PLX_CONTINUOUS_MEASUREMENT_UUID,
  name: PLX_CONTINUOUS_MEASUREMENT_NAME,
  decode: decodePlxContinuousMeasurement,
  examples: [
    { hex: '10 61 00 4b 00 34 f0', what: 'PAI present; SpO2 97 %, PR 75, PAI 5.2 %' },
    { hex: '00 62 00 48 00', what: 'SpO2 98 %, PR 72' },
    { hex: '03 62 00 48 00 61 00 4a 00 60 00 46 00', what: 'normal, fast and slow SpO2 and PR' },
    { hex: '1c 62 00 48 00 40 00 08 00 00 fe 07', what: 'status bits; PAI +INFINITY' },
  ],
});
