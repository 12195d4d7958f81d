import { describe, expect, it } from 'vitest';
import { hexBytes } from '../../gatt/hex-bytes.ts';
import { decodeWeightMeasurement } from '../../gatt/weight-measurement.ts';
import { DEVICE, decoded, only, RECEIVED, source } from '../../readings/reading-test-fixtures.ts';
import { weightReadings } from './readings.ts';

const scale = (hex: string) => decoded(decodeWeightMeasurement(hexBytes(hex)));

describe('weight readings', () => {
  it('sends the weight in kg at the scale time, with BMI, height and user', () => {
    // flags 0e: time stamp, user id, BMI and height; 70 kg, user 1, BMI 27.4, 1.746 m
    const reading = only(weightReadings(scale('0e b0 36 ea 07 0b 18 07 00 00 01 12 01 d2 06'), source));
    expect(reading).toEqual({
      id: `${DEVICE}:body_weight:20261124T070000`,
      patientId: 'P-0042',
      deviceId: DEVICE,
      metric: 'body_weight',
      value: 70,
      unit: 'kg',
      time: '2026-11-24T02:00:00.000Z',
      flags: [],
      context: { bmi: 27.4, heightM: 1.746, deviceUserId: 1 },
    });
  });

  it('keeps pounds as sent, and converts an imperial height to metres exactly', () => {
    // 157.36 lb, BMI 24.0, 68.8 in
    const reading = only(weightReadings(scale('09 78 3d f0 00 b0 02'), source));
    expect([reading.value, reading.unit, reading.time]).toEqual([157.36, '[lb_av]', RECEIVED]);
    expect(reading.context).toEqual({ bmi: 24, heightM: 1.74752 });
  });

  it('skips a weighing the scale reports unsuccessful', () => {
    const batch = weightReadings(scale('00 ff ff'), source);
    expect(batch.readings).toEqual([]);
    expect(batch.skipped).toEqual([
      { deviceId: DEVICE, metric: 'body_weight', reason: 'the scale reports the measurement unsuccessful' },
    ]);
  });

  it('keeps the weight of a scale with no user profile (BMI and height 0), leaving those out', () => {
    const reading = only(weightReadings(scale('08 b0 36 00 00 00 00'), source));
    expect([reading.value, reading.context]).toEqual([70, {}]);
  });
});
