import { describe, expect, it } from 'vitest';
import { CHARACTERISTICS } from '../gateway/profiles/registry.ts';
import { decodeSample, measureDecodeRates } from './gatt-decode-rates.ts';

describe('decode rates of the GATT characteristics', () => {
  it('has a sample every decoder of the table accepts without options', () => {
    for (const [uuid, entry] of Object.entries(CHARACTERISTICS)) {
      const sample = decodeSample(entry);
      expect(sample, `${entry.name} (${uuid})`).toBeDefined();
      if (sample) expect(entry.decode(sample), entry.name).toMatchObject({ ok: true });
    }
  });

  it('decodes the measurements the benchmark relies on to the values their examples state', () => {
    const value = (uuid: string) => {
      const entry = CHARACTERISTICS[uuid];
      const sample = entry && decodeSample(entry);
      const result = sample && entry.decode(sample);
      return result?.ok ? result.value : undefined;
    };
    expect(value('2a37')).toMatchObject({
      heartRate: 75,
      sensorContact: 'detected',
      rrIntervals: [{ raw: 853 }],
    });
    expect(value('2a5f')).toMatchObject({ normal: { spo2: { value: 97 }, pulseRate: { value: 75 } } });
    expect(value('2aa7')).toMatchObject({ records: [{ glucose: { value: 90 }, timeOffsetMinutes: 60 }] });
  });

  it('reports a rate for every characteristic', () => {
    const rates = measureDecodeRates(1);
    expect(rates.map((r) => r.uuid).sort()).toEqual(Object.keys(CHARACTERISTICS).sort());
    expect(rates.every((r) => r.decodesPerSecond > 0)).toBe(true);
  });
});
