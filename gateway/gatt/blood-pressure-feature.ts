/**
 * Blood Pressure Feature (0x2A49, read) of the Blood Pressure Service (BLS v1.1.1, GATT
 * Specification Supplement): a uint16 of supported features. Bit 0 body movement
 * detection, 1 cuff fit detection, 2 irregular pulse detection, 3 pulse rate range
 * detection, 4 measurement position detection, 5 multiple bonds, 6 E2E-CRC, 7 User Data
 * Service, 8 user facing time; bits 9-15 reserved (rejected).
 *
 * Where the spec differs from ../../shared/ble-gatt-reference.md, the spec wins: the
 * reference stops at bit 5 (the BLS v1.0 table), BLS v1.1 defines bits 6-8 as well.
 */
import { decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import type { Decoded } from './decode-result.ts';
import type { NameOf } from './named-values.ts';

export const BLOOD_PRESSURE_FEATURE_UUID = '2a49';
export const BLOOD_PRESSURE_FEATURE_NAME = 'Blood Pressure Feature';

export const BLOOD_PRESSURE_FEATURES = {
  body_movement_detection: 0,
  cuff_fit_detection: 1,
  irregular_pulse_detection: 2,
  pulse_rate_range_detection: 3,
  measurement_position_detection: 4,
  multiple_bond: 5,
  e2e_crc: 6,
  user_data_service: 7,
  user_facing_time: 8,
} as const;
export type BloodPressureFeatureName = NameOf<typeof BLOOD_PRESSURE_FEATURES>;

export interface BloodPressureFeature {
  features: BloodPressureFeatureName[];
}

const FIELD = 'blood pressure features';

export function decodeBloodPressureFeature(bytes: Uint8Array): Decoded<BloodPressureFeature> {
  return decodeGatt(BLOOD_PRESSURE_FEATURE_NAME, bytes, (reader) => ({
    features: reader.bits(BLOOD_PRESSURE_FEATURES, 2, FIELD),
  }));
}

export function encodeBloodPressureFeature(value: BloodPressureFeature): Uint8Array {
  return new ByteWriter().bits(BLOOD_PRESSURE_FEATURES, 2, value.features, FIELD).toBytes();
}

export const BLOOD_PRESSURE_FEATURE = plain({
  uuid: BLOOD_PRESSURE_FEATURE_UUID,
  name: BLOOD_PRESSURE_FEATURE_NAME,
  decode: decodeBloodPressureFeature,
  examples: [
    { hex: '07 00', what: 'body movement, cuff fit and irregular pulse detection' },
    { hex: '3f 00', what: 'every feature' },
    { hex: '00 00', what: 'no features' },
  ],
});
