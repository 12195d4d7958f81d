import { describe, expect, it } from 'vitest';
import { isClinicallyReliable } from '../../../common/contract.ts';
import { decodeBloodPressureMeasurement } from '../../gatt/blood-pressure-measurement.ts';
import { hexBytes } from '../../gatt/hex-bytes.ts';
import { DEVICE, decoded, only, RECEIVED, source } from '../../readings/reading-test-fixtures.ts';
import { bloodPressureReadings } from './readings.ts';

const cuff = (hex: string) => decoded(decodeBloodPressureMeasurement(hexBytes(hex)));
/** 2026-11-24 07:30:00, the cuff's own clock (Karachi, UTC+5). */
const STAMP = 'ea 07 0b 18 07 1e 00';

describe('blood pressure readings', () => {
  it('sends systolic, diastolic and mean as one reading at the cuff time, keyed by its digits', () => {
    // flags 1e: time stamp, pulse rate, user id, status; 142/91 mean 108 mmHg, pulse 72, user 1
    const reading = only(bloodPressureReadings(cuff(`1e 8e 00 5b 00 6c 00 ${STAMP} 48 00 01 00 00`), source));
    expect(reading).toEqual({
      id: `${DEVICE}:blood_pressure:20261124T073000`,
      patientId: 'P-0042',
      deviceId: DEVICE,
      metric: 'blood_pressure',
      value: 142,
      components: { diastolic: 91, mean: 108 },
      unit: 'mm[Hg]',
      time: '2026-11-24T02:30:00.000Z',
      flags: [],
      context: { pulseRatePerMin: 72, deviceUserId: 1, deviceStatusHex: '0000' },
    });
  });

  it('keeps kPa as the cuff sent it, with its tenths exact', () => {
    // 16.0 / 10.7 / 12.5 kPa as SFLOAT mantissa x 10^-1
    const reading = only(bloodPressureReadings(cuff('01 a0 f0 6b f0 7d f0'), source));
    expect([reading.value, reading.components, reading.unit]).toEqual([
      16,
      { diastolic: 10.7, mean: 12.5 },
      'kPa',
    ]);
    expect(reading.time).toBe(RECEIVED);
  });

  it.each([
    ['01 00', ['body_movement'], false],
    ['02 00', ['cuff_fit_poor'], false],
    ['04 00', ['irregular_pulse'], true],
    ['08 00', ['pulse_rate_out_of_range'], true],
    ['10 00', ['pulse_rate_out_of_range'], true],
    ['20 00', ['improper_position'], true],
  ] as const)('turns measurement status %s into %j (reliable: %s)', (status, flags, reliable) => {
    const reading = only(bloodPressureReadings(cuff(`10 8e 00 5b 00 6c 00 ${status}`), source));
    expect(reading.flags).toEqual(flags);
    expect(isClinicallyReliable({ flags: reading.flags ?? [] })).toBe(reliable);
  });

  it('corrects the time stamp by the measured clock offset, keeping the key', () => {
    const reading = only(
      bloodPressureReadings(cuff(`02 8e 00 5b 00 6c 00 ${STAMP}`), { ...source, clockOffsetMs: -600_000 }),
    );
    expect([reading.id, reading.time]).toEqual([
      `${DEVICE}:blood_pressure:20261124T073000`,
      '2026-11-24T02:40:00.000Z',
    ]);
  });

  it('leaves out a mean arterial pressure the cuff did not give, and an unknown user', () => {
    const reading = only(bloodPressureReadings(cuff('08 8e 00 5b 00 ff 07 ff'), source));
    expect([reading.components, reading.context]).toEqual([{ diastolic: 91 }, {}]);
  });

  it.each([
    ['a NaN systolic', '00 ff 07 5b 00 6c 00', 'systolic is NaN'],
    [
      'a diastolic HI beside a measured systolic',
      '00 8e 00 fe 07 6c 00',
      "systolic measured but diastolic above the cuff's range",
    ],
    [
      'a systolic HI beside a diastolic LO',
      '00 fe 07 02 08 ff 07',
      "systolic above the cuff's range but diastolic below",
    ],
    ['a NaN diastolic', '00 8e 00 ff 07 6c 00', 'diastolic is NaN'],
    ['a diastolic above the systolic', '00 5b 00 8e 00 6c 00', 'is above blood_pressure systolic'],
    ['a systolic no cuff measures', '00 e8 03 5b 00 6c 00', 'outside the physiological limits'],
  ])('skips %s with the reason', (_what, hex, reason) => {
    const batch = bloodPressureReadings(cuff(hex), source);
    expect(batch.readings).toEqual([]);
    expect(batch.skipped).toEqual([
      { deviceId: DEVICE, metric: 'blood_pressure', reason: expect.stringContaining(reason) },
    ]);
  });

  it.each([
    // hex, systolic, diastolic, unit, flag: the HI / LO as the limit, so the alerts act on it
    [
      'a HI systolic, its diastolic measured',
      '00 fe 07 5b 00 ff 07',
      300,
      91,
      'mm[Hg]',
      'result_above_device_range',
    ],
    ['a HI systolic and diastolic', '00 fe 07 fe 07 ff 07', 300, 250, 'mm[Hg]', 'result_above_device_range'],
    ['a LO systolic and diastolic', '00 02 08 02 08 ff 07', 40, 20, 'mm[Hg]', 'result_below_device_range'],
    [
      'a LO systolic, its diastolic measured',
      '00 02 08 3c 00 ff 07',
      40,
      60,
      'mm[Hg]',
      'result_below_device_range',
    ],
    ['a HI in kPa', '01 fe 07 fe 07 ff 07', 39.99, 33.33, 'kPa', 'result_above_device_range'],
  ] as const)('sends %s as a bound', (_what, hex, systolic, diastolic, unit, flag) => {
    const reading = only(bloodPressureReadings(cuff(hex), source));
    expect([reading.value, reading.components, reading.unit, reading.flags]).toEqual([
      systolic,
      { diastolic },
      unit,
      [flag],
    ]);
  });

  it('leaves out a mean the cuff got wrong and sends the systolic and diastolic', () => {
    const reading = only(bloodPressureReadings(cuff('00 8e 00 5b 00 00 00'), source));
    expect([reading.value, reading.components]).toEqual([142, { diastolic: 91 }]);
  });
});
