/**
 * Weight Scale Feature (0x2A9E, read), Weight Scale Service 1.0 and GATT Specification
 * Supplement 3.253 (org.bluetooth.characteristic.weight_scale_feature): one uint32.
 * Bit 0 time stamp supported, bit 1 multiple users supported, bit 2 BMI supported;
 * bits 3-6 weight measurement resolution, bits 7-9 height measurement resolution; bits
 * 10-31 reserved. Resolution codes (0 not specified):
 *   weight 1 0.5 kg / 1 lb, 2 0.2 kg / 0.5 lb, 3 0.1 kg / 0.2 lb, 4 0.05 kg / 0.1 lb,
 *          5 0.02 kg / 0.05 lb, 6 0.01 kg / 0.02 lb, 7 0.005 kg / 0.01 lb; 8-15 reserved.
 *   height 1 0.01 m / 1 in, 2 0.005 m / 0.5 in, 3 0.001 m / 0.1 in; 4-7 reserved.
 * Reserved bits and reserved codes are rejected, like every decoder here. The layout
 * matches ../shared/ble-gatt-reference.md, which does not say that codes 8-15 and 4-7 and
 * bits 10-31 are reserved; the specification's table does.
 */
import { type ByteReader, decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import { type Decoded, GattEncodeError } from './decode-result.ts';
import { bitNames, bitsOf, definedBits, hex, type NameOf } from './named-values.ts';

export const WEIGHT_SCALE_FEATURE_UUID = '2a9e';
export const WEIGHT_SCALE_FEATURE_NAME = 'Weight Scale Feature';

export const WEIGHT_SCALE_FEATURES = {
  time_stamp: 0,
  multiple_users: 1,
  bmi: 2,
} as const;
export type WeightScaleFeatureName = NameOf<typeof WEIGHT_SCALE_FEATURES>;

/** A weight resolution code and its step in kg (SI) and lb (imperial). */
export interface WeightResolution {
  code: number;
  kg: number;
  lb: number;
}

/** A height resolution code and its step in m (SI) and in (imperial). */
export interface HeightResolution {
  code: number;
  m: number;
  in: number;
}

export const WEIGHT_RESOLUTIONS: readonly WeightResolution[] = [
  { code: 1, kg: 0.5, lb: 1 },
  { code: 2, kg: 0.2, lb: 0.5 },
  { code: 3, kg: 0.1, lb: 0.2 },
  { code: 4, kg: 0.05, lb: 0.1 },
  { code: 5, kg: 0.02, lb: 0.05 },
  { code: 6, kg: 0.01, lb: 0.02 },
  { code: 7, kg: 0.005, lb: 0.01 },
];

export const HEIGHT_RESOLUTIONS: readonly HeightResolution[] = [
  { code: 1, m: 0.01, in: 1 },
  { code: 2, m: 0.005, in: 0.5 },
  { code: 3, m: 0.001, in: 0.1 },
];

export interface WeightScaleFeature {
  /** The optional fields and behaviours the scale supports. */
  features: WeightScaleFeatureName[];
  /** null: not specified (code 0). */
  weightResolution: WeightResolution | null;
  /** null: not specified (code 0). */
  heightResolution: HeightResolution | null;
}

const FIELD = 'weight scale feature';
const NOT_SPECIFIED = 0;

/** Where each resolution code sits in the uint32. */
const WEIGHT_CODE = { shift: 3, mask: 0x0f, field: 'weight resolution' } as const;
const HEIGHT_CODE = { shift: 7, mask: 0x07, field: 'height resolution' } as const;
type CodeSlot = typeof WEIGHT_CODE | typeof HEIGHT_CODE;

const DEFINED_BITS =
  definedBits(WEIGHT_SCALE_FEATURES) |
  (WEIGHT_CODE.mask << WEIGHT_CODE.shift) |
  (HEIGHT_CODE.mask << HEIGHT_CODE.shift);

function readResolution<R extends { code: number }>(
  table: readonly R[],
  slot: CodeSlot,
  value: number,
  reader: ByteReader,
): R | null {
  const code = (value >>> slot.shift) & slot.mask;
  if (code === NOT_SPECIFIED) return null;
  return (
    table.find((r) => r.code === code) ??
    reader.fail('reserved', slot.field, 0, `${slot.field} ${code} is reserved`)
  );
}

export function decodeWeightScaleFeature(bytes: Uint8Array): Decoded<WeightScaleFeature> {
  return decodeGatt(WEIGHT_SCALE_FEATURE_NAME, bytes, (reader) => {
    const value = reader.uint32(FIELD);
    const reserved = (value & ~DEFINED_BITS) >>> 0;
    if (reserved) {
      reader.fail(
        'reserved',
        FIELD,
        0,
        `${FIELD} ${hex(value, 8)} has reserved bits ${hex(reserved, 8)} set`,
      );
    }
    return {
      features: bitNames(WEIGHT_SCALE_FEATURES, value),
      weightResolution: readResolution(WEIGHT_RESOLUTIONS, WEIGHT_CODE, value, reader),
      heightResolution: readResolution(HEIGHT_RESOLUTIONS, HEIGHT_CODE, value, reader),
    };
  });
}

/** The code of `given` shifted into place, once the table has it with the same steps. */
function resolutionBits<R extends { code: number }>(
  table: readonly R[],
  slot: CodeSlot,
  given: R | null,
): number {
  if (given === null) return NOT_SPECIFIED;
  const known = table.find((r) => r.code === given.code);
  const sameSteps =
    known !== undefined &&
    Object.keys(known).length === Object.keys(given).length &&
    Object.entries(known).every(([key, step]) => given[key as keyof R] === step);
  if (!sameSteps) {
    throw new GattEncodeError(
      slot.field,
      `${JSON.stringify(given)} is not a resolution the specification defines`,
    );
  }
  return given.code << slot.shift;
}

export function encodeWeightScaleFeature(feature: WeightScaleFeature): Uint8Array {
  const value =
    bitsOf(WEIGHT_SCALE_FEATURES, feature.features) |
    resolutionBits(WEIGHT_RESOLUTIONS, WEIGHT_CODE, feature.weightResolution) |
    resolutionBits(HEIGHT_RESOLUTIONS, HEIGHT_CODE, feature.heightResolution);
  return new ByteWriter().uint32(value, FIELD).toBytes();
}

export const WEIGHT_SCALE_FEATURE = plain({
  uuid: WEIGHT_SCALE_FEATURE_UUID,
  name: WEIGHT_SCALE_FEATURE_NAME,
  decode: decodeWeightScaleFeature,
  examples: [
    { hex: '25 00 00 00', what: 'time stamp, BMI; 0.05 kg resolution' },
    { hex: '00 00 00 00', what: 'no features, resolutions not specified' },
    { hex: 'a7 01 00 00', what: 'time stamp, multiple users, BMI; 0.05 kg and 0.001 m resolution' },
  ],
});
