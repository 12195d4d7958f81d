import { describe, expect, it } from 'vitest';
import { isClinicallyReliable, Reading } from '../../../common/contract.ts';
import { decodeGlucoseMeasurement } from '../../gatt/glucose-measurement.ts';
import { decodeGlucoseMeasurementContext } from '../../gatt/glucose-measurement-context.ts';
import { hexBytes } from '../../gatt/hex-bytes.ts';
import { concatBatches, spreadRetimed } from '../../readings/reading-batch.ts';
import { DEVICE, decoded, only, RECEIVED, source } from '../../readings/reading-test-fixtures.ts';
import { glucoseMeterReadings } from './readings.ts';

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
      0.56,
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
      '60 mmol/L is outside the physiological limits for glucose (0.56-55.5 mmol/L)',
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
