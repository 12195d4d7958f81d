import { describe, expect, it } from 'vitest';
import { decodeCgmMeasurement } from '../../gatt/cgm-measurement.ts';
import { decodeCgmSessionStartTime } from '../../gatt/cgm-session-start-time.ts';
import { hexBytes } from '../../gatt/hex-bytes.ts';
import { DEVICE, decoded, only, RECEIVED, source, valid } from '../../readings/reading-test-fixtures.ts';
import { cgmReadings } from './readings.ts';

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
