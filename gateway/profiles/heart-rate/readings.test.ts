import { describe, expect, it } from 'vitest';
import { isClinicallyReliable, Reading } from '../../../common/contract.ts';
import { decodeHeartRateMeasurement } from '../../gatt/heart-rate-measurement.ts';
import { hexBytes } from '../../gatt/hex-bytes.ts';
import { DEVICE, decoded, only, RECEIVED, source } from '../../readings/reading-test-fixtures.ts';
import { heartRateReadings } from './readings.ts';

describe('heart rate readings', () => {
  it('emits the heart rate at receive time with RR intervals, energy and body location', () => {
    const measurement = decoded(decodeHeartRateMeasurement(hexBytes('1e 48 e8 03 00 04 00 02')));
    expect(only(heartRateReadings(measurement, source, 'chest'))).toEqual({
      id: `${DEVICE}:heart_rate:${Date.parse(RECEIVED)}`,
      patientId: 'P-0042',
      deviceId: DEVICE,
      metric: 'heart_rate',
      value: 72,
      unit: '/min',
      time: RECEIVED,
      flags: [],
      context: { rrIntervalsMs: [1000, 500], energyExpendedKj: 1000, bodySensorLocation: 'chest' },
    });
  });

  it('flags a strap that supports contact detection but has no contact', () => {
    const reading = only(heartRateReadings(decoded(decodeHeartRateMeasurement(hexBytes('04 48'))), source));
    expect(reading.flags).toEqual(['no_sensor_contact']);
    expect(isClinicallyReliable(Reading.parse(reading))).toBe(false);
  });

  it('skips a heart rate outside the physiological limits, and RR intervals the contract cannot hold', () => {
    const batch = heartRateReadings(
      decoded(decodeHeartRateMeasurement(hexBytes('10 00 00 00 00 58'))),
      source,
    );
    expect(batch.readings).toEqual([]);
    expect(batch.skipped).toEqual([
      { deviceId: DEVICE, metric: 'heart_rate', reason: '2 RR interval(s) outside 0-5000 ms left out' },
      {
        deviceId: DEVICE,
        metric: 'heart_rate',
        reason: '0 /min is outside the physiological limits for heart_rate (20-300 /min)',
      },
    ]);
  });
});
