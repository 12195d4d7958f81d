import { describe, expect, it } from 'vitest';
import { hexBytes } from '../../gatt/hex-bytes.ts';
import { decodePlxContinuousMeasurement } from '../../gatt/plx-continuous-measurement.ts';
import { decodePlxSpotCheckMeasurement } from '../../gatt/plx-spot-check-measurement.ts';
import { DEVICE, decoded, RECEIVED, source, valid } from '../../readings/reading-test-fixtures.ts';
import { plxContinuousReadings, plxSpotCheckReadings } from './readings.ts';

describe('pulse oximeter readings', () => {
  it('places a spot-check at its own timestamp (Karachi, UTC+5) and marks the averaging', () => {
    const measurement = decoded(
      decodePlxSpotCheckMeasurement(hexBytes('01 62 00 48 00 ea 07 0b 18 08 00 00')),
    );
    const readings = valid(plxSpotCheckReadings(measurement, source));
    expect(readings.map((r) => [r.id, r.metric, r.value, r.unit, r.time, r.context])).toEqual([
      [
        `${DEVICE}:spo2:${Date.parse('2026-11-24T03:00:00Z')}`,
        'spo2',
        98,
        '%',
        '2026-11-24T03:00:00.000Z',
        { spo2Averaging: 'spot_check' },
      ],
      [
        `${DEVICE}:pulse_rate:${Date.parse('2026-11-24T03:00:00Z')}`,
        'pulse_rate',
        72,
        '/min',
        '2026-11-24T03:00:00.000Z',
        { spo2Averaging: 'spot_check' },
      ],
    ]);
  });

  it('maps measurement and sensor status bits to flags, and keeps the raw bits and PAI', () => {
    const measurement = decoded(
      decodePlxSpotCheckMeasurement(hexBytes('0f 62 00 48 00 ea 07 0b 18 08 00 00 00 42 30 20 00 2d f0')),
    );
    const [spo2] = valid(plxSpotCheckReadings(measurement, source));
    expect(spo2?.flags).toEqual(['no_sensor_contact', 'questionable', 'signal_fault', 'from_storage']);
    expect(spo2?.context).toEqual({
      spo2Averaging: 'spot_check',
      pulseAmplitudeIndex: 4.5,
      deviceStatusHex: '4200002030',
    });
  });

  it('uses the receive time for a live spot-check from a device whose clock is not set', () => {
    const measurement = decoded(
      decodePlxSpotCheckMeasurement(hexBytes('11 62 00 48 00 d0 07 01 01 00 00 00')),
    );
    const readings = valid(plxSpotCheckReadings(measurement, source));
    expect(readings.map((r) => [r.time, r.flags])).toEqual([
      [RECEIVED, ['clock_not_set']],
      [RECEIVED, ['clock_not_set']],
    ]);
  });

  it('trusts an unset device clock once its offset has been measured', () => {
    const measurement = decoded(
      decodePlxSpotCheckMeasurement(hexBytes('11 62 00 48 00 d0 07 01 01 00 00 00')),
    );
    const offset = Date.parse('2000-01-01T00:00:00Z') - Date.parse('2026-11-24T04:00:00Z') - 5 * 3600_000;
    const [spo2] = valid(plxSpotCheckReadings(measurement, { ...source, clockOffsetMs: offset }));
    expect(spo2?.time).toBe('2026-11-24T04:00:00.000Z');
  });

  it('cannot place a stored spot-check from an unset clock in time, and says so', () => {
    const measurement = decoded(
      decodePlxSpotCheckMeasurement(hexBytes('13 62 00 48 00 d0 07 01 01 00 00 00 00 02')),
    );
    const batch = plxSpotCheckReadings(measurement, source);
    expect(batch.readings).toEqual([]);
    expect(batch.skipped.map((s) => s.reason)).toEqual([
      'no sample time: device clock not set and no measured clock offset',
      'no sample time: device clock not set and no measured clock offset',
    ]);
  });

  it('emits the Normal averaging of a continuous measurement at receive time', () => {
    const measurement = decoded(
      decodePlxContinuousMeasurement(hexBytes('03 62 00 48 00 61 00 4a 00 60 00 46 00')),
    );
    const readings = valid(plxContinuousReadings(measurement, source));
    expect(readings.map((r) => [r.metric, r.value, r.time, r.context?.spo2Averaging])).toEqual([
      ['spo2', 98, RECEIVED, 'normal'],
      ['pulse_rate', 72, RECEIVED, 'normal'],
    ]);
  });

  it('never turns a special value into a reading', () => {
    const measurement = decoded(decodePlxContinuousMeasurement(hexBytes('00 ff 07 00 08')));
    const batch = plxContinuousReadings(measurement, source);
    expect(batch.readings).toEqual([]);
    expect(batch.skipped.map((s) => s.reason)).toEqual([
      'spo2 is NaN (not a number)',
      'pulse_rate is NRes (not at this resolution)',
    ]);
  });

  it('keeps a severe hypoxaemia the oximeter measured (SpO2 45 %) for the nurse', () => {
    const measurement = decoded(decodePlxContinuousMeasurement(hexBytes('00 2d 00 78 00')));
    const batch = plxContinuousReadings(measurement, source);
    expect(valid(batch).map((r) => [r.metric, r.value, r.flags])).toEqual([
      ['spo2', 45, []],
      ['pulse_rate', 120, []],
    ]);
    expect(batch.skipped).toEqual([]);
  });

  it('skips an SpO2 the contract would refuse (above 100 %)', () => {
    const measurement = decoded(decodePlxContinuousMeasurement(hexBytes('00 65 00 48 00')));
    const batch = plxContinuousReadings(measurement, source);
    expect(batch.readings.map((r) => r.metric)).toEqual(['pulse_rate']);
    expect(batch.skipped.map((s) => s.reason)).toEqual([
      '101 % is outside the physiological limits for spo2 (0-100 %)',
    ]);
  });
});
