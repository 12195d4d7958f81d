import { describe, expect, it } from 'vitest';
import { hexBytes } from '../gatt/hex-bytes.ts';
import { CHARACTERISTICS, deviceKindFromServices, lookupCharacteristic } from './registry.ts';

describe('deviceKindFromServices', () => {
  it.each([
    [['180d'], 'heart_rate'],
    [['1822'], 'pulse_oximeter'],
    [['1808'], 'glucose_meter'],
    [['181f'], 'cgm'],
    [['180f', '180D'], 'heart_rate'],
    [['0000181f-0000-1000-8000-00805f9b34fb'], 'cgm'],
    [['1808', '181f'], 'cgm'],
    [['1822', '180d'], 'pulse_oximeter'],
    [['1810'], 'blood_pressure_monitor'],
    [['181d', '180f'], 'weight_scale'],
    [['1809'], 'thermometer'],
    [['1816'], null],
    [[], null],
  ] as const)('%j -> %s', (services, kind) => {
    expect(deviceKindFromServices(services)).toBe(kind);
  });
});

describe('characteristic table of the profiles', () => {
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

  it('names every entry and keys it by its own lowercase 16-bit UUID', () => {
    for (const [uuid, entry] of Object.entries(CHARACTERISTICS)) {
      expect(uuid).toMatch(/^[0-9a-f]{4}$/);
      expect(entry.uuid).toBe(uuid);
      expect(entry.name).not.toBe('');
    }
  });
});
