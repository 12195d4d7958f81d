/**
 * Heart Rate Measurement (0x2A37, notify). Flags: bit 0 uint16 value, bits 1-2 sensor
 * contact, bit 3 energy expended (uint16 kJ), bit 4 RR intervals (uint16, 1/1024 s, one
 * or more, to the end of the value); bits 5-7 reserved.
 */
import { decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import type { Decoded } from './decode-result.ts';

/** The Heart Rate service (0x180D, Bluetooth SIG Assigned Numbers), as noble spells it. */
export const HEART_RATE_SERVICE = '180d';

export const HEART_RATE_MEASUREMENT_UUID = '2a37';
export const HEART_RATE_MEASUREMENT_NAME = 'Heart Rate Measurement';

const FLAG = { uint16: 0x01, contactDetected: 0x02, contactSupported: 0x04, energy: 0x08, rr: 0x10 } as const;
const DEFINED_FLAGS = 0x1f;

/** Contact detected is meaningful only when the contact feature is supported (bit 2). */
export type SensorContact = 'not_supported' | 'not_detected' | 'detected';

const CONTACT_FLAGS: Record<SensorContact, number> = {
  not_supported: 0,
  not_detected: FLAG.contactSupported,
  detected: FLAG.contactSupported | FLAG.contactDetected,
};

/** An RR interval as sent (1/1024 s) and in ms: raw x 1000 / 1024, exact in binary floating point. */
export interface RrInterval {
  raw: number;
  ms: number;
}

export interface HeartRateMeasurement {
  /** Beats per minute. */
  heartRate: number;
  /** How the device sent it; kept so a re-encoded packet is byte-identical. */
  heartRateFormat: 'uint8' | 'uint16';
  sensorContact: SensorContact;
  /** Cumulative since the last reset, kilojoules. */
  energyExpendedKj?: number;
  rrIntervals: RrInterval[];
}

export function rrInterval(raw: number): RrInterval {
  return { raw, ms: (raw * 1000) / 1024 };
}

export function decodeHeartRateMeasurement(bytes: Uint8Array): Decoded<HeartRateMeasurement> {
  return decodeGatt(HEART_RATE_MEASUREMENT_NAME, bytes, (reader) => {
    const flags = reader.flags(1, DEFINED_FLAGS);
    const wide = (flags & FLAG.uint16) !== 0;
    const heartRate = wide ? reader.uint16('heart rate') : reader.uint8('heart rate');
    const sensorContact: SensorContact =
      flags & FLAG.contactSupported
        ? flags & FLAG.contactDetected
          ? 'detected'
          : 'not_detected'
        : 'not_supported';
    const energy = flags & FLAG.energy ? reader.uint16('energy expended') : undefined;
    const rrIntervals: RrInterval[] = [];
    if (flags & FLAG.rr) {
      do rrIntervals.push(rrInterval(reader.uint16('RR interval')));
      while (reader.remaining > 0);
    }
    return {
      heartRate,
      heartRateFormat: wide ? 'uint16' : 'uint8',
      sensorContact,
      ...(energy === undefined ? {} : { energyExpendedKj: energy }),
      rrIntervals,
    };
  });
}

export function encodeHeartRateMeasurement(measurement: HeartRateMeasurement): Uint8Array {
  const wide = measurement.heartRateFormat === 'uint16';
  const flags =
    (wide ? FLAG.uint16 : 0) |
    CONTACT_FLAGS[measurement.sensorContact] |
    (measurement.energyExpendedKj === undefined ? 0 : FLAG.energy) |
    (measurement.rrIntervals.length > 0 ? FLAG.rr : 0);
  const writer = new ByteWriter().uint8(flags, 'flags');
  if (wide) writer.uint16(measurement.heartRate, 'heart rate');
  else writer.uint8(measurement.heartRate, 'heart rate');
  if (measurement.energyExpendedKj !== undefined)
    writer.uint16(measurement.energyExpendedKj, 'energy expended');
  for (const rr of measurement.rrIntervals) writer.uint16(rr.raw, 'RR interval');
  return writer.toBytes();
}

export const HEART_RATE_MEASUREMENT = plain({
  uuid: HEART_RATE_MEASUREMENT_UUID,
  name: HEART_RATE_MEASUREMENT_NAME,
  decode: decodeHeartRateMeasurement,
  examples: [
    { hex: '16 4b 55 03', what: 'contact detected, RR present; 75 bpm, RR 853/1024 s' },
    { hex: '00 48', what: '72 bpm, contact not supported' },
    { hex: '01 2c 01', what: '300 bpm as uint16' },
    { hex: '06 48', what: '72 bpm, contact detected' },
    { hex: '1e 48 e8 03 00 04 00 02', what: '72 bpm, contact detected, 1000 kJ, RR 1 s and 0.5 s' },
    { hex: '10 48 01 00 ff ff', what: '72 bpm, RR 1/1024 s and 65535/1024 s' },
  ],
});
