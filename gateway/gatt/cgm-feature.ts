/**
 * CGM Feature (0x2AA8, read): features (24 bits, 17-23 reserved), CGM type / sample
 * location octet, E2E-CRC (uint16, always present): the CRC of the 4 bytes before it
 * when the 'e2e_crc' feature is set, 0xFFFF otherwise.
 */
import { decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import type { Decoded } from './decode-result.ts';
import { e2eCrc } from './e2e-crc.ts';
import {
  CGM_SAMPLE_LOCATIONS,
  type CgmSampleLocation,
  type GlucoseSampleType,
  readTypeAndLocation,
  typeAndLocationOctet,
} from './glucose-sample.ts';
import { hex, type NameOf } from './named-values.ts';

export const CGM_FEATURE_UUID = '2aa8';
export const CGM_FEATURE_NAME = 'CGM Feature';

export const CGM_FEATURES = {
  calibration: 0,
  patient_high_low_alerts: 1,
  hypo_alerts: 2,
  hyper_alerts: 3,
  rate_of_increase_decrease_alerts: 4,
  device_specific_alert: 5,
  sensor_malfunction_detection: 6,
  sensor_temperature_high_low_detection: 7,
  sensor_result_high_low_detection: 8,
  low_battery_detection: 9,
  sensor_type_error_detection: 10,
  general_device_fault: 11,
  e2e_crc: 12,
  multiple_bond: 13,
  multiple_sessions: 14,
  cgm_trend_information: 15,
  cgm_quality: 16,
} as const;
export type CgmFeatureName = NameOf<typeof CGM_FEATURES>;

const CRC_NOT_SUPPORTED = 0xffff;

export interface CgmFeature {
  features: CgmFeatureName[];
  type: GlucoseSampleType;
  sampleLocation: CgmSampleLocation;
}

export function decodeCgmFeature(bytes: Uint8Array): Decoded<CgmFeature> {
  return decodeGatt(CGM_FEATURE_NAME, bytes, (reader) => {
    const features = reader.bits(CGM_FEATURES, 3, 'CGM features');
    const { type, location } = readTypeAndLocation(reader, CGM_SAMPLE_LOCATIONS);
    const crcOffset = reader.offset;
    const stated = reader.uint16('E2E-CRC');
    const expected = features.includes('e2e_crc') ? e2eCrc(bytes.subarray(0, crcOffset)) : CRC_NOT_SUPPORTED;
    if (stated !== expected) {
      const why = features.includes('e2e_crc') ? 'computed' : 'E2E-CRC not supported, so it must be';
      reader.fail('crc', 'E2E-CRC', crcOffset, `value says ${hex(stated, 4)}, ${why} ${hex(expected, 4)}`);
    }
    return { features, type, sampleLocation: location };
  });
}

export function encodeCgmFeature(feature: CgmFeature): Uint8Array {
  const fields = new ByteWriter()
    .bits(CGM_FEATURES, 3, feature.features, 'CGM features')
    .uint8(
      typeAndLocationOctet(feature.type, CGM_SAMPLE_LOCATIONS, feature.sampleLocation),
      'type/sample location',
    )
    .toBytes();
  const crc = feature.features.includes('e2e_crc') ? e2eCrc(fields) : CRC_NOT_SUPPORTED;
  return new ByteWriter().bytes(fields).uint16(crc, 'E2E-CRC').toBytes();
}

export const CGM_FEATURE = plain({
  uuid: CGM_FEATURE_UUID,
  name: CGM_FEATURE_NAME,
  decode: decodeCgmFeature,
  examples: [
    {
      hex: '00 80 01 59 ff ff',
      what: 'trend and quality; interstitial fluid, subcutaneous tissue; no E2E-CRC',
    },
    { hex: '00 00 00 59 ff ff', what: 'no features; interstitial fluid, subcutaneous tissue' },
    { hex: '00 90 01 59 c4 5c', what: 'E2E-CRC, trend and quality, with the CRC' },
  ],
});
