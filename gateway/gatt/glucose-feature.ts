/** Glucose Feature (0x2A51, read): uint16 supported features, bits 11-15 reserved. */
import { decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import type { Decoded } from './decode-result.ts';
import type { NameOf } from './named-values.ts';

export const GLUCOSE_FEATURE_UUID = '2a51';
export const GLUCOSE_FEATURE_NAME = 'Glucose Feature';

export const GLUCOSE_FEATURES = {
  low_battery_detection: 0,
  sensor_malfunction_detection: 1,
  sensor_sample_size: 2,
  sensor_strip_insertion_error_detection: 3,
  sensor_strip_type_error_detection: 4,
  sensor_result_high_low_detection: 5,
  sensor_temperature_high_low_detection: 6,
  sensor_read_interrupt_detection: 7,
  general_device_fault: 8,
  time_fault: 9,
  multiple_bond: 10,
} as const;
export type GlucoseFeatureName = NameOf<typeof GLUCOSE_FEATURES>;

export interface GlucoseFeature {
  features: GlucoseFeatureName[];
}

export function decodeGlucoseFeature(bytes: Uint8Array): Decoded<GlucoseFeature> {
  return decodeGatt(GLUCOSE_FEATURE_NAME, bytes, (reader) => ({
    features: reader.bits(GLUCOSE_FEATURES, 2, 'glucose features'),
  }));
}

export function encodeGlucoseFeature(value: GlucoseFeature): Uint8Array {
  return new ByteWriter().bits(GLUCOSE_FEATURES, 2, value.features, 'glucose features').toBytes();
}

export const GLUCOSE_FEATURE = plain({
  uuid: GLUCOSE_FEATURE_UUID,
  name: GLUCOSE_FEATURE_NAME,
  decode: decodeGlucoseFeature,
  examples: [
    { hex: '0b 00', what: 'low battery, sensor malfunction and strip insertion detection' },
    { hex: '03 04', what: 'low battery and sensor malfunction detection, multiple bonds' },
    { hex: 'ff 07', what: 'every feature' },
  ],
});
