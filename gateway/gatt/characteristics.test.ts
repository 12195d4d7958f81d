import { describe, expect, it } from 'vitest';
import { CHARACTERISTICS, lookupCharacteristic, shortUuid } from './characteristics.ts';
import { hexBytes } from './hex-bytes.ts';

describe('characteristic table', () => {
  it.each([
    ['2a37', '2a37'],
    ['2A37', '2a37'],
    ['0x2A37', '2a37'],
    ['00002a37-0000-1000-8000-00805f9b34fb', '2a37'],
    ['00002A3700001000800000805F9B34FB', '2a37'],
    ['2a3', undefined],
    ['00002a37-0000-1000-8000-00805f9b34fc', undefined],
    ['12345678-0000-1000-8000-00805f9b34fb', undefined],
  ])('reads %s as %s', (uuid, short) => {
    expect(shortUuid(uuid)).toBe(short);
  });

  it('finds decoders by any UUID spelling and says which need options', () => {
    expect(lookupCharacteristic('00002A18-0000-1000-8000-00805F9B34FB')).toMatchObject({
      uuid: '2a18',
      name: 'Glucose Measurement',
      options: [],
    });
    expect(lookupCharacteristic('2aa7')).toMatchObject({ name: 'CGM Measurement', options: ['cgmE2eCrc'] });
    expect(lookupCharacteristic('2a99')).toBeUndefined();
  });

  it('passes the E2E-CRC option to the CGM decoders only when asked', () => {
    const cgm = lookupCharacteristic('2aab');
    expect(cgm?.decode(hexBytes('50 01 c6 32'), { cgmE2eCrc: true })).toEqual({
      ok: true,
      value: { hours: 336 },
    });
    expect(cgm?.decode(hexBytes('50 01 c6 32'))).toMatchObject({ ok: false, error: { problem: 'trailing' } });
  });

  it('names every entry and keys it by lowercase 16-bit UUID', () => {
    for (const [uuid, entry] of Object.entries(CHARACTERISTICS)) {
      expect(uuid).toMatch(/^[0-9a-f]{4}$/);
      expect(entry.name).not.toBe('');
    }
  });
});
