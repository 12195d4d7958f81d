import { describe, expect, it } from 'vitest';
import { isClinicallyReliable, Reading, type ReadingInput } from '../common/contract.ts';
import { decodeCgmMeasurement } from './gatt/cgm-measurement.ts';
import { decodeCgmSessionStartTime } from './gatt/cgm-session-start-time.ts';
import type { Decoded } from './gatt/decode-result.ts';
import { decodeGlucoseMeasurement } from './gatt/glucose-measurement.ts';
import { decodeGlucoseMeasurementContext } from './gatt/glucose-measurement-context.ts';
import { decodeHeartRateMeasurement } from './gatt/heart-rate-measurement.ts';
import { hexBytes } from './gatt/hex-bytes.ts';
import { decodePlxContinuousMeasurement } from './gatt/plx-continuous-measurement.ts';
import { decodePlxSpotCheckMeasurement } from './gatt/plx-spot-check-measurement.ts';
import {
  cgmReadings,
  concatBatches,
  glucoseMeterReadings,
  heartRateReadings,
  plxContinuousReadings,
  plxSpotCheckReadings,
  type ReadingBatch,
  type ReadingSource,
  spreadRetimed,
} from './measurement-readings.ts';

const RECEIVED = '2026-11-24T05:00:00.000Z';
const source: ReadingSource = {
  patientId: 'P-0042',
  deviceId: 'AA:BB:CC:DD:EE:FF',
  receivedAt: new Date(RECEIVED),
  timeZone: 'Asia/Karachi',
};
const DEVICE = source.deviceId;

function decoded<T>(result: Decoded<T>): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** Every reading the functions emit must be a valid contract Reading. */
function valid(batch: ReadingBatch): ReadingInput[] {
  for (const reading of batch.readings) Reading.parse(reading);
  return batch.readings;
}

function only(batch: ReadingBatch): ReadingInput {
  const [reading, ...others] = valid(batch);
  if (!reading || others.length > 0) throw new Error(`expected one reading, got ${batch.readings.length}`);
  return reading;
}

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

describe('glucose meter readings', () => {
  it('turns the spec example into exactly 100 mg/dL at 08:00 Karachi time, keyed by sequence number and base time', () => {
    const measurement = decoded(decodeGlucoseMeasurement(hexBytes('02 01 00 ea 07 0b 18 08 00 00 64 b0 11')));
    expect(only(glucoseMeterReadings(measurement, source))).toEqual({
      id: `${DEVICE}:glucose:1:20261124T080000`,
      patientId: 'P-0042',
      deviceId: DEVICE,
      metric: 'glucose',
      value: 100,
      unit: 'mg/dL',
      time: '2026-11-24T03:00:00.000Z',
      flags: [],
      context: {
        source: 'meter',
        sequenceNumber: 1,
        sampleType: 'capillary_whole_blood',
        sampleLocation: 'finger',
      },
    });
  });

  it('keeps mmol/L as the meter reported it, applies the time offset and the clock offset', () => {
    const measurement = decoded(
      decodeGlucoseMeasurement(hexBytes('1f 02 00 ea 07 0b 18 08 00 00 e2 ff 37 c0 24 01 08')),
    );
    const reading = only(glucoseMeterReadings(measurement, { ...source, clockOffsetMs: 60_000 }));
    expect([reading.value, reading.unit, reading.time]).toEqual([5.5, 'mmol/L', '2026-11-24T02:29:00.000Z']);
    expect(reading.flags).toEqual(['clock_not_set', 'battery_low']);
    expect(reading.context).toMatchObject({
      sampleType: 'venous_plasma',
      sampleLocation: 'alternate_site',
      deviceStatusHex: '0801',
    });
  });

  it('adds the meal from a context with the same sequence number only', () => {
    const measurement = decoded(decodeGlucoseMeasurement(hexBytes('12 01 00 ea 07 0b 18 08 00 00 64 b0 11')));
    const sameRecord = decoded(decodeGlucoseMeasurementContext(hexBytes('02 01 00 03')));
    const otherRecord = decoded(decodeGlucoseMeasurementContext(hexBytes('02 02 00 03')));
    expect(only(glucoseMeterReadings(measurement, source, sameRecord)).context?.mealContext).toBe('fasting');
    expect(only(glucoseMeterReadings(measurement, source, otherRecord)).context?.mealContext).toBeUndefined();
  });

  it('flags control solution and strip errors so no alert fires on them', () => {
    const measurement = decoded(
      decodeGlucoseMeasurement(hexBytes('0a 07 00 ea 07 0b 18 08 00 00 64 b0 4a 0c 02')),
    );
    const reading = only(glucoseMeterReadings(measurement, source));
    expect(reading.flags).toEqual(['control_solution', 'sample_error']);
    expect(isClinicallyReliable(Reading.parse(reading))).toBe(false);
  });

  it('keys record 1 of a meter whose numbering started again apart from the old record 1', () => {
    const old = decoded(decodeGlucoseMeasurement(hexBytes('02 01 00 ea 07 0b 18 08 00 00 64 b0 11')));
    const renumbered = decoded(decodeGlucoseMeasurement(hexBytes('02 01 00 ea 07 0b 19 07 1e 00 64 b0 11')));
    const ids = [old, renumbered].map((m) => only(glucoseMeterReadings(m, source)).id);
    expect(ids).toEqual([`${DEVICE}:glucose:1:20261124T080000`, `${DEVICE}:glucose:1:20261125T073000`]);
  });

  // Flags 0x0a: concentration and sensor status present. SFLOAT 02 08 = -INFINITY, fe 07 = +INFINITY.
  it.each([
    [
      "a meter's LO (-INFINITY)",
      '02 01 00 ea 07 0b 18 08 00 00 02 08 11',
      10,
      'mg/dL',
      'result_below_device_range',
    ],
    [
      "a meter's HI (+INFINITY)",
      '02 01 00 ea 07 0b 18 08 00 00 fe 07 11',
      1000,
      'mg/dL',
      'result_above_device_range',
    ],
    [
      "an mmol/L meter's LO",
      '06 01 00 ea 07 0b 18 08 00 00 02 08 11',
      0.5,
      'mmol/L',
      'result_below_device_range',
    ],
    [
      "an mmol/L meter's HI",
      '06 01 00 ea 07 0b 18 08 00 00 fe 07 11',
      55.5,
      'mmol/L',
      'result_above_device_range',
    ],
    [
      '"lower than it can process" with its limit, 20 mg/dL',
      '0a 01 00 ea 07 0b 18 08 00 00 14 b0 11 40 00',
      20,
      'mg/dL',
      'result_below_device_range',
    ],
    [
      '"lower than it can process" with 0 mg/dL',
      '0a 01 00 ea 07 0b 18 08 00 00 00 00 11 40 00',
      10,
      'mg/dL',
      'result_below_device_range',
    ],
    [
      '"lower than it can process" with NaN',
      '0a 01 00 ea 07 0b 18 08 00 00 ff 07 11 40 00',
      10,
      'mg/dL',
      'result_below_device_range',
    ],
    [
      '"higher than it can process" with its limit, 600 mg/dL',
      '0a 01 00 ea 07 0b 18 08 00 00 06 d0 11 20 00',
      600,
      'mg/dL',
      'result_above_device_range',
    ],
  ])(
    'sends %s flagged beyond the device range, as a bound the alerts act on',
    (_, hex, value, unit, flag) => {
      const reading = only(glucoseMeterReadings(decoded(decodeGlucoseMeasurement(hexBytes(hex))), source));
      expect([reading.value, reading.unit, reading.flags, reading.time]).toEqual([
        value,
        unit,
        [flag],
        '2026-11-24T03:00:00.000Z',
      ]);
      expect(isClinicallyReliable(Reading.parse(reading))).toBe(true);
    },
  );

  it('sends a record the meter timed after its arrival (clock 10 min fast) at the arrival time, flagged, and lists it', () => {
    // Received 10:00 Karachi; base time 10:10 on the meter's clock.
    const measurement = decoded(decodeGlucoseMeasurement(hexBytes('02 07 00 ea 07 0b 18 0a 0a 00 64 b0 11')));
    const batch = glucoseMeterReadings(measurement, source);
    const reading = only(batch);
    expect([reading.time, reading.flags, reading.value]).toEqual([RECEIVED, ['time_estimated'], 100]);
    expect(batch.retimed).toEqual([{ deviceId: DEVICE, readingId: reading.id, deviceClockAheadMs: 600_000 }]);
  });

  it('spreads the records of one transfer from a fast meter back by the largest lead, so none share a time', () => {
    // Received 10:00 Karachi; records at 10:10 and 10:40 on the meter's clock (40 min fast at least).
    const records = ['02 07 00 ea 07 0b 18 0a 0a 00 64 b0 11', '02 08 00 ea 07 0b 18 0a 28 00 5a b0 11'];
    const batch = concatBatches(
      records.map((bytes) =>
        glucoseMeterReadings(decoded(decodeGlucoseMeasurement(hexBytes(bytes))), source),
      ),
    );
    expect(spreadRetimed(batch).readings.map((r) => [r.value, r.time, r.flags])).toEqual([
      [100, '2026-11-24T04:30:00.000Z', ['time_estimated']],
      [90, RECEIVED, ['time_estimated']],
    ]);
  });

  it('keeps the device time of a record less than a minute after its arrival', () => {
    const measurement = decoded(decodeGlucoseMeasurement(hexBytes('02 07 00 ea 07 0b 18 0a 00 1e 64 b0 11')));
    const batch = glucoseMeterReadings(measurement, source);
    expect([only(batch).time, only(batch).flags, batch.retimed]).toEqual([
      '2026-11-24T05:00:30.000Z',
      [],
      [],
    ]);
  });

  it.each([
    ['02 01 00 ea 07 0b 18 08 00 00 ff 07 11', 'glucose is NaN (not a number)'],
    ['02 01 00 ea 07 0b 18 08 00 00 00 08 11', 'glucose is NRes (not at this resolution)'],
    [
      '02 01 00 ea 07 0b 18 08 00 00 d0 b7 11',
      '2000 mg/dL is outside the physiological limits for glucose (10-1000 mg/dL)',
    ],
    [
      '06 01 00 ea 07 0b 18 08 00 00 58 c2 11',
      '60 mmol/L is outside the physiological limits for glucose (0.5-55.5 mmol/L)',
    ],
    [
      '02 01 00 00 00 00 00 08 00 00 64 b0 11',
      'no sample time: device date unknown (year, month, day not set)',
    ],
    ['00 01 00 ea 07 0b 18 08 00 00', 'record 1 carries no concentration'],
  ])('skips %s: %s', (hex, reason) => {
    const batch = glucoseMeterReadings(decoded(decodeGlucoseMeasurement(hexBytes(hex))), source);
    expect(batch).toEqual({
      readings: [],
      skipped: [{ deviceId: DEVICE, metric: 'glucose', reason }],
      retimed: [],
    });
  });
});

describe('CGM readings', () => {
  const withCrc = { e2eCrc: true };
  const session = {
    startTime: decoded(decodeCgmSessionStartTime(hexBytes('ea 07 0b 18 08 00 00 14 00'), { e2eCrc: false })),
  };

  it('places each record at session start + time offset, with trend and quality', () => {
    const measurement = decoded(
      decodeCgmMeasurement(hexBytes('0a 03 78 00 1e 00 0f f0 60 00 06 00 7d 00 23 00'), { e2eCrc: false }),
    );
    const readings = valid(cgmReadings(measurement, source, session));
    expect(readings.map((r) => [r.id, r.value, r.unit, r.time, r.flags, r.context])).toEqual([
      [
        `${DEVICE}:glucose:${Date.parse('2026-11-24T03:30:00Z')}`,
        120,
        'mg/dL',
        '2026-11-24T03:30:00.000Z',
        [],
        { source: 'cgm', trendMgdlPerMin: 1.5, qualityPercent: 96 },
      ],
      [
        `${DEVICE}:glucose:${Date.parse('2026-11-24T03:35:00Z')}`,
        125,
        'mg/dL',
        '2026-11-24T03:35:00.000Z',
        [],
        { source: 'cgm' },
      ],
    ]);
  });

  it('maps the annunciation octets to flags and keeps them as 6 hex digits', () => {
    const measurement = decoded(
      decodeCgmMeasurement(hexBytes('0f e3 78 00 1e 00 01 02 03 50 00 60 00 ec ac'), withCrc),
    );
    const reading = only(cgmReadings(measurement, source, session));
    expect(reading.flags).toEqual(['calibrating']);
    expect(reading.context).toMatchObject({ deviceStatusHex: '030201', trendMgdlPerMin: 80 });
  });

  it('estimates the time from the receive time without a session start, and flags it', () => {
    const measurement = decoded(
      decodeCgmMeasurement(hexBytes('06 00 78 00 1e 00 06 00 7d 00 23 00'), { e2eCrc: false }),
    );
    const newestIsNow = valid(cgmReadings(measurement, source, {}));
    expect(newestIsNow.map((r) => [r.time, r.flags])).toEqual([
      ['2026-11-24T04:55:00.000Z', ['time_estimated']],
      [RECEIVED, ['time_estimated']],
    ]);
    const statusSaysFifty = valid(cgmReadings(measurement, source, { minutesSinceStartAtReceipt: 50 }));
    expect(statusSaysFifty.map((r) => r.time)).toEqual([
      '2026-11-24T04:40:00.000Z',
      '2026-11-24T04:45:00.000Z',
    ]);
  });

  it('sends a CGM LO (-INFINITY) as 10 mg/dL flagged below the device range', () => {
    const measurement = decoded(decodeCgmMeasurement(hexBytes('06 00 02 08 1e 00'), { e2eCrc: false }));
    const reading = only(cgmReadings(measurement, source, session));
    expect([reading.value, reading.flags, reading.time]).toEqual([
      10,
      ['result_below_device_range'],
      '2026-11-24T03:30:00.000Z',
    ]);
  });

  it('skips special and impossible CGM values', () => {
    const measurement = decoded(
      decodeCgmMeasurement(hexBytes('06 00 ff 07 1e 00 06 00 05 00 23 00'), { e2eCrc: false }),
    );
    const batch = cgmReadings(measurement, source, session);
    expect(batch.readings).toEqual([]);
    expect(batch.skipped.map((s) => s.reason)).toEqual([
      'glucose is NaN (not a number)',
      '5 mg/dL is outside the physiological limits for glucose (10-1000 mg/dL)',
    ]);
  });
});
