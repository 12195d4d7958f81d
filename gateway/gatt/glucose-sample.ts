/**
 * The Type / Sample Location octet shared by Glucose Measurement (Glucose Service) and CGM
 * Feature (CGM Service): low nibble type, high nibble location.
 */
import { type ByteReader, codeName } from './byte-reader.ts';
import type { NameOf } from './named-values.ts';

/** Names match the contract's GlucoseSampleType. */
export const GLUCOSE_SAMPLE_TYPES = {
  capillary_whole_blood: 1,
  capillary_plasma: 2,
  venous_whole_blood: 3,
  venous_plasma: 4,
  arterial_whole_blood: 5,
  arterial_plasma: 6,
  undetermined_whole_blood: 7,
  undetermined_plasma: 8,
  interstitial_fluid: 9,
  control_solution: 10,
} as const;
export type GlucoseSampleType = NameOf<typeof GLUCOSE_SAMPLE_TYPES>;

export const GLUCOSE_SAMPLE_LOCATIONS = {
  finger: 1,
  alternate_site_test: 2,
  earlobe: 3,
  control_solution: 4,
  not_available: 15,
} as const;
export type GlucoseSampleLocation = NameOf<typeof GLUCOSE_SAMPLE_LOCATIONS>;

/** The CGM Service adds subcutaneous tissue (5) to the glucose locations. */
export const CGM_SAMPLE_LOCATIONS = { ...GLUCOSE_SAMPLE_LOCATIONS, subcutaneous_tissue: 5 } as const;
export type CgmSampleLocation = NameOf<typeof CGM_SAMPLE_LOCATIONS>;

export function readTypeAndLocation<L extends Readonly<Record<string, number>>>(
  reader: ByteReader,
  locations: L,
): { type: GlucoseSampleType; location: NameOf<L> } {
  const offset = reader.offset;
  const octet = reader.uint8('type/sample location');
  return {
    type: codeName(GLUCOSE_SAMPLE_TYPES, octet & 0x0f, 'sample type', offset, reader),
    location: codeName(locations, octet >>> 4, 'sample location', offset, reader),
  };
}

export function typeAndLocationOctet<L extends Readonly<Record<string, number>>>(
  type: GlucoseSampleType,
  locations: L,
  location: NameOf<L>,
): number {
  return GLUCOSE_SAMPLE_TYPES[type] | ((locations[location] ?? 0) << 4);
}
