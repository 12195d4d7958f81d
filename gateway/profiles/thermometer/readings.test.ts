import { describe, expect, it } from 'vitest';
import { hexBytes } from '../../gatt/hex-bytes.ts';
import { decodeTemperatureMeasurement } from '../../gatt/temperature-measurement.ts';
import { DEVICE, decoded, only, RECEIVED, source } from '../../readings/reading-test-fixtures.ts';
import { temperatureReadings } from './readings.ts';

const thermometer = (hex: string) => decoded(decodeTemperatureMeasurement(hexBytes(hex)));

describe('temperature readings', () => {
  it('sends 36.6 Cel taken last evening at the thermometer time, where it was taken', () => {
    const reading = only(temperatureReadings(thermometer('06 6e 01 00 ff ea 07 0b 17 15 00 00 06'), source));
    expect(reading).toEqual({
      id: `${DEVICE}:body_temperature:20261123T210000`,
      patientId: 'P-0042',
      deviceId: DEVICE,
      metric: 'body_temperature',
      value: 36.6,
      unit: 'Cel',
      time: '2026-11-23T16:00:00.000Z',
      flags: [],
      context: { temperatureSite: 'mouth' },
    });
  });

  it('keeps Fahrenheit as sent, the site from the fixed Temperature Type', () => {
    const reading = only(temperatureReadings(thermometer('01 00 04 00 ff'), source, 'armpit'));
    expect([reading.value, reading.unit, reading.time, reading.context]).toEqual([
      102.4,
      '[degF]',
      RECEIVED,
      { temperatureSite: 'armpit' },
    ]);
  });

  it('sends +INFINITY as HI at the limit, flagged, and skips NaN', () => {
    const hi = only(temperatureReadings(thermometer('00 fe ff 7f 00'), source));
    expect([hi.value, hi.flags]).toEqual([45, ['result_above_device_range']]);
    const nan = temperatureReadings(thermometer('00 ff ff 7f 00'), source);
    expect(nan.readings).toEqual([]);
    expect(nan.skipped[0]?.reason).toContain('NaN');
  });
});
