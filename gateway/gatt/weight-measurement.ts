/**
 * Weight Measurement (0x2A9D, indicate), Weight Scale Service 1.0 / Weight Scale Profile 1.0
 * and GATT Specification Supplement 3.252 (org.bluetooth.characteristic.weight_measurement).
 * Flags (uint8): bit 0 units (0 SI: kg and m, 1 imperial: lb and in), bit 1 time stamp
 * present, bit 2 user id present, bit 3 BMI and height present; bits 4-7 reserved.
 * Reserved flag bits are rejected, like every decoder here.
 * Order: flags, weight (uint16: 0.005 kg or 0.01 lb), time stamp (Date Time)?, user id
 * (uint8, 0xFF = unknown user)?, BMI (uint16, 0.1 kg/m2) + height (uint16: 0.001 m or 0.1 in)?.
 *
 * Weight 0xFFFF is "Measurement Unsuccessful". The specification adds a rule that
 * ../shared/ble-gatt-reference.md leaves out: with that value every optional field other
 * than the time stamp and the user id shall be absent, so a value that flags BMI and
 * height with an unsuccessful weight is rejected (and never encoded).
 *
 * Values stay in the unit the scale sent (the flags' unit system), exact in decimal: each
 * is raw x numerator / denominator, one division of integers, so 14000 x 0.005 kg is 70 kg
 * and 15437 x 0.005 kg is the double nearest 77.185. Units are UCUM codes as
 * common/units.ts names them ('kg', '[lb_av]', 'm', '[in_i]', 'kg/m2').
 */
import { decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import { type DateTime, readDateTime, writeDateTime } from './date-time.ts';
import { type Decoded, GattEncodeError } from './decode-result.ts';
import { hex } from './named-values.ts';

/** The Weight Scale service (0x181D, Bluetooth SIG Assigned Numbers), as noble spells it. */
export const WEIGHT_SCALE_SERVICE = '181d';

export const WEIGHT_MEASUREMENT_UUID = '2a9d';
export const WEIGHT_MEASUREMENT_NAME = 'Weight Measurement';

const FLAG = { imperial: 0x01, timeStamp: 0x02, userId: 0x04, bmiAndHeight: 0x08 } as const;
const DEFINED_FLAGS = 0x0f;

/** The weight field's special value "Measurement Unsuccessful". */
export const WEIGHT_MEASUREMENT_UNSUCCESSFUL = 0xffff;

/** Flags bit 0: SI is kg and m, imperial is lb and in. */
export type WeightUnits = 'SI' | 'imperial';
export type WeightUnit = 'kg' | '[lb_av]';
export type HeightUnit = 'm' | '[in_i]';
export type BmiUnit = 'kg/m2';

/** A field as sent (a count of resolution steps) and exactly in its unit. */
export interface ScaledQuantity<U extends string> {
  raw: number;
  value: number;
  unit: U;
}

export interface UnsuccessfulWeight {
  raw: typeof WEIGHT_MEASUREMENT_UNSUCCESSFUL;
  measurementUnsuccessful: true;
}

export type ScaleWeight = ScaledQuantity<WeightUnit> | UnsuccessfulWeight;

export interface BmiAndHeight {
  bmi: ScaledQuantity<BmiUnit>;
  height: ScaledQuantity<HeightUnit>;
}

export interface WeightMeasurement {
  units: WeightUnits;
  weight: ScaleWeight;
  /** Device-local wall-clock time of the measurement. */
  timestamp?: DateTime;
  /** 0-254 a user index, 255 (UNKNOWN_USER_ID) unknown user. */
  userId?: number;
  bmiAndHeight?: BmiAndHeight;
}

/** One resolution step as a fraction, so scaling is a single exact division. */
interface Step<U extends string> {
  unit: U;
  numerator: number;
  denominator: number;
}

const WEIGHT_STEP: Record<WeightUnits, Step<WeightUnit>> = {
  SI: { unit: 'kg', numerator: 5, denominator: 1000 },
  imperial: { unit: '[lb_av]', numerator: 1, denominator: 100 },
};
const HEIGHT_STEP: Record<WeightUnits, Step<HeightUnit>> = {
  SI: { unit: 'm', numerator: 1, denominator: 1000 },
  imperial: { unit: '[in_i]', numerator: 1, denominator: 10 },
};
const BMI_STEP: Step<BmiUnit> = { unit: 'kg/m2', numerator: 1, denominator: 10 };

function scaled<U extends string>(step: Step<U>, raw: number): ScaledQuantity<U> {
  return { raw, value: (raw * step.numerator) / step.denominator, unit: step.unit };
}

/** The weight field `raw` in the flags' unit system (0xFFFF: measurement unsuccessful). */
export function scaleWeight(units: WeightUnits, raw: number): ScaleWeight {
  return raw === WEIGHT_MEASUREMENT_UNSUCCESSFUL
    ? { raw, measurementUnsuccessful: true }
    : scaled(WEIGHT_STEP[units], raw);
}

export function bodyHeight(units: WeightUnits, raw: number): ScaledQuantity<HeightUnit> {
  return scaled(HEIGHT_STEP[units], raw);
}

export function bodyMassIndex(raw: number): ScaledQuantity<BmiUnit> {
  return scaled(BMI_STEP, raw);
}

/** Any field this characteristic scales; only the weight has the unsuccessful value. */
type Field = ScaledQuantity<string> | UnsuccessfulWeight;

export function isUnsuccessful(weight: Field): weight is UnsuccessfulWeight {
  return 'measurementUnsuccessful' in weight;
}

export function decodeWeightMeasurement(bytes: Uint8Array): Decoded<WeightMeasurement> {
  return decodeGatt(WEIGHT_MEASUREMENT_NAME, bytes, (reader) => {
    const flags = reader.flags(1, DEFINED_FLAGS);
    const units: WeightUnits = flags & FLAG.imperial ? 'imperial' : 'SI';
    const weight = scaleWeight(units, reader.uint16('weight'));
    if (flags & FLAG.bmiAndHeight && isUnsuccessful(weight)) {
      reader.fail(
        'invalid',
        'flags',
        0,
        `flags ${hex(flags, 2)} announce BMI and height, which an unsuccessful measurement (weight 0xffff) must not carry`,
      );
    }
    const timestamp = flags & FLAG.timeStamp ? readDateTime(reader, 'time stamp') : undefined;
    const userId = flags & FLAG.userId ? reader.uint8('user ID') : undefined;
    const bmiAndHeight: BmiAndHeight | undefined =
      flags & FLAG.bmiAndHeight
        ? { bmi: bodyMassIndex(reader.uint16('BMI')), height: bodyHeight(units, reader.uint16('height')) }
        : undefined;
    return {
      units,
      weight,
      ...(timestamp ? { timestamp } : {}),
      ...(userId === undefined ? {} : { userId }),
      ...(bmiAndHeight ? { bmiAndHeight } : {}),
    };
  });
}

function describe(quantity: Field): string {
  return isUnsuccessful(quantity) ? 'measurement unsuccessful' : `${quantity.value} ${quantity.unit}`;
}

/** The raw count to send for `given`; refused unless `given` is what that count decodes to (`canonical`). */
function rawOf(given: Field, canonical: Field, field: string): number {
  const same = isUnsuccessful(given)
    ? isUnsuccessful(canonical)
    : !isUnsuccessful(canonical) && given.value === canonical.value && given.unit === canonical.unit;
  if (!same) {
    throw new GattEncodeError(
      field,
      `${describe(given)} does not match raw ${given.raw}, which is ${describe(canonical)}`,
    );
  }
  return given.raw;
}

export function encodeWeightMeasurement(measurement: WeightMeasurement): Uint8Array {
  const { units, weight, timestamp, userId, bmiAndHeight } = measurement;
  if (bmiAndHeight && isUnsuccessful(weight)) {
    throw new GattEncodeError(
      'BMI and height',
      'an unsuccessful measurement (weight 0xffff) cannot carry them',
    );
  }
  const flags =
    (units === 'imperial' ? FLAG.imperial : 0) |
    (timestamp ? FLAG.timeStamp : 0) |
    (userId === undefined ? 0 : FLAG.userId) |
    (bmiAndHeight ? FLAG.bmiAndHeight : 0);
  const writer = new ByteWriter()
    .uint8(flags, 'flags')
    .uint16(rawOf(weight, scaleWeight(units, weight.raw), 'weight'), 'weight');
  if (timestamp) writeDateTime(writer, timestamp, 'time stamp');
  if (userId !== undefined) writer.uint8(userId, 'user ID');
  if (bmiAndHeight) {
    const { bmi, height } = bmiAndHeight;
    writer
      .uint16(rawOf(bmi, bodyMassIndex(bmi.raw), 'BMI'), 'BMI')
      .uint16(rawOf(height, bodyHeight(units, height.raw), 'height'), 'height');
  }
  return writer.toBytes();
}

export const WEIGHT_MEASUREMENT = plain({
  uuid: WEIGHT_MEASUREMENT_UUID,
  name: WEIGHT_MEASUREMENT_NAME,
  decode: decodeWeightMeasurement,
  examples: [
    {
      hex: '02 b0 36 ea 07 0b 1a 07 00 00',
      what: 'time stamp; 70 kg (14000 x 0.005 kg), 2026-11-26 07:00:00',
    },
    { hex: '00 b0 36', what: '70 kg' },
    {
      hex: '0e b0 36 ea 07 0b 18 08 00 00 01 12 01 d2 06',
      what: 'time stamp, user 1, BMI 27.4 and height 1.746 m',
    },
    { hex: '01 78 3d', what: '157.36 lb' },
  ],
});
