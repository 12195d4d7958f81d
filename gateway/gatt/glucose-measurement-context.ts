/**
 * Glucose Measurement Context (0x2A34, notify). Flags: bit 0 carbohydrate, 1 meal,
 * 2 tester-health, 3 exercise, 4 medication, 5 medication unit (0 kg, 1 litre), 6 HbA1c,
 * 7 extended flags (all of whose bits are reserved).
 * Order: flags, sequence number, extended flags?, carbohydrate id + carbohydrate (SFLOAT kg)?,
 * meal?, tester-health?, exercise duration (uint16 s) + intensity (uint8 %)?,
 * medication id + medication (SFLOAT)?, HbA1c (SFLOAT %)?.
 */
import { codeName, decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import { type Decoded, GattEncodeError } from './decode-result.ts';
import type { MedicalFloat } from './ieee11073.ts';
import type { NameOf } from './named-values.ts';

export const GLUCOSE_MEASUREMENT_CONTEXT_UUID = '2a34';
export const GLUCOSE_MEASUREMENT_CONTEXT_NAME = 'Glucose Measurement Context';

const FLAG = {
  carbohydrate: 0x01,
  meal: 0x02,
  testerHealth: 0x04,
  exercise: 0x08,
  medication: 0x10,
  medicationInLitres: 0x20,
  hba1c: 0x40,
  extendedFlags: 0x80,
} as const;

export const CARBOHYDRATE_IDS = {
  breakfast: 1,
  lunch: 2,
  dinner: 3,
  snack: 4,
  drink: 5,
  supper: 6,
  brunch: 7,
} as const;
/** Names match the contract's MealContext. */
export const MEALS = { preprandial: 1, postprandial: 2, fasting: 3, casual: 4, bedtime: 5 } as const;
export const TESTERS = { self: 1, health_care_professional: 2, lab_test: 3, not_available: 15 } as const;
export const HEALTH = {
  minor_health_issues: 1,
  major_health_issues: 2,
  during_menses: 3,
  under_stress: 4,
  no_health_issues: 5,
  not_available: 15,
} as const;
export const MEDICATION_IDS = {
  rapid_acting_insulin: 1,
  short_acting_insulin: 2,
  intermediate_acting_insulin: 3,
  long_acting_insulin: 4,
  pre_mixed_insulin: 5,
} as const;
const EXERCISE_DURATION_OVERRUN = 0xffff;

export type Meal = NameOf<typeof MEALS>;

export interface GlucoseMeasurementContext {
  /** Matches the Glucose Measurement this context belongs to. */
  sequenceNumber: number;
  /** Present when the device sent the (all-reserved) extended flags octet; always 0. */
  extendedFlags?: 0;
  carbohydrate?: { id: NameOf<typeof CARBOHYDRATE_IDS>; kilograms: MedicalFloat };
  meal?: Meal;
  testerHealth?: { tester: NameOf<typeof TESTERS>; health: NameOf<typeof HEALTH> };
  exercise?: { durationSeconds: number | 'overrun'; intensityPercent: number };
  medication?: { id: NameOf<typeof MEDICATION_IDS>; amount: MedicalFloat; unit: 'kg' | 'L' };
  hba1cPercent?: MedicalFloat;
}

export function decodeGlucoseMeasurementContext(bytes: Uint8Array): Decoded<GlucoseMeasurementContext> {
  return decodeGatt(GLUCOSE_MEASUREMENT_CONTEXT_NAME, bytes, (reader) => {
    const flags = reader.uint8('flags');
    const value: GlucoseMeasurementContext = { sequenceNumber: reader.uint16('sequence number') };
    if (flags & FLAG.extendedFlags) {
      reader.flags(1, 0, 'extended flags');
      value.extendedFlags = 0;
    }
    if (flags & FLAG.carbohydrate) {
      value.carbohydrate = {
        id: reader.code(CARBOHYDRATE_IDS, 1, 'carbohydrate id'),
        kilograms: reader.sfloat('carbohydrate'),
      };
    }
    if (flags & FLAG.meal) value.meal = reader.code(MEALS, 1, 'meal');
    if (flags & FLAG.testerHealth) {
      const offset = reader.offset;
      const octet = reader.uint8('tester-health');
      value.testerHealth = {
        tester: codeName(TESTERS, octet & 0x0f, 'tester', offset, reader),
        health: codeName(HEALTH, octet >>> 4, 'health', offset, reader),
      };
    }
    if (flags & FLAG.exercise) {
      const duration = reader.uint16('exercise duration');
      value.exercise = {
        durationSeconds: duration === EXERCISE_DURATION_OVERRUN ? 'overrun' : duration,
        intensityPercent: reader.uint8('exercise intensity'),
      };
    }
    if (flags & FLAG.medication) {
      value.medication = {
        id: reader.code(MEDICATION_IDS, 1, 'medication id'),
        amount: reader.sfloat('medication'),
        unit: flags & FLAG.medicationInLitres ? 'L' : 'kg',
      };
    }
    if (flags & FLAG.hba1c) value.hba1cPercent = reader.sfloat('HbA1c');
    return value;
  });
}

export function encodeGlucoseMeasurementContext(context: GlucoseMeasurementContext): Uint8Array {
  const { carbohydrate, testerHealth, exercise, medication } = context;
  const flags =
    (carbohydrate ? FLAG.carbohydrate : 0) |
    (context.meal ? FLAG.meal : 0) |
    (testerHealth ? FLAG.testerHealth : 0) |
    (exercise ? FLAG.exercise : 0) |
    (medication ? FLAG.medication : 0) |
    (medication?.unit === 'L' ? FLAG.medicationInLitres : 0) |
    (context.hba1cPercent ? FLAG.hba1c : 0) |
    (context.extendedFlags === undefined ? 0 : FLAG.extendedFlags);
  const writer = new ByteWriter().uint8(flags, 'flags').uint16(context.sequenceNumber, 'sequence number');
  if (context.extendedFlags !== undefined) writer.uint8(context.extendedFlags, 'extended flags');
  if (carbohydrate) {
    writer
      .uint8(CARBOHYDRATE_IDS[carbohydrate.id], 'carbohydrate id')
      .sfloat(carbohydrate.kilograms, 'carbohydrate');
  }
  if (context.meal) writer.uint8(MEALS[context.meal], 'meal');
  if (testerHealth)
    writer.uint8(TESTERS[testerHealth.tester] | (HEALTH[testerHealth.health] << 4), 'tester-health');
  if (exercise) {
    if (exercise.durationSeconds === EXERCISE_DURATION_OVERRUN) {
      throw new GattEncodeError('exercise duration', "65535 means overrun: pass 'overrun'");
    }
    writer
      .uint16(
        exercise.durationSeconds === 'overrun' ? EXERCISE_DURATION_OVERRUN : exercise.durationSeconds,
        'exercise duration',
      )
      .uint8(exercise.intensityPercent, 'exercise intensity');
  }
  if (medication)
    writer.uint8(MEDICATION_IDS[medication.id], 'medication id').sfloat(medication.amount, 'medication');
  if (context.hba1cPercent) writer.sfloat(context.hba1cPercent, 'HbA1c');
  return writer.toBytes();
}

export const GLUCOSE_MEASUREMENT_CONTEXT = plain({
  uuid: GLUCOSE_MEASUREMENT_CONTEXT_UUID,
  name: GLUCOSE_MEASUREMENT_CONTEXT_NAME,
  decode: decodeGlucoseMeasurementContext,
  examples: [
    { hex: '02 05 00 01', what: 'meal present; seq 5, preprandial' },
    { hex: '02 01 00 01', what: 'seq 1, preprandial' },
    {
      hex: '7f 07 00 01 32 d0 03 51 08 07 32 01 04 d0 41 f0',
      what: 'carbohydrate, meal, tester, exercise, medication in litres, HbA1c',
    },
    {
      hex: '9c 08 00 00 ff ff ff 64 05 02 e0',
      what: 'extended flags, tester and health unknown, exercise overrun, medication in kg',
    },
  ],
});
