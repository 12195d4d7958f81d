import { describe, expect, it } from 'vitest';
import { BATTERY_LEVEL } from './battery-level.ts';
import { characteristicTable, SHARED_CHARACTERISTICS, shortUuid } from './characteristics.ts';

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

  it('keys the characteristics by UUID, one entry for one listed twice', () => {
    const table = characteristicTable([...SHARED_CHARACTERISTICS, BATTERY_LEVEL]);
    expect(Object.keys(table)).toHaveLength(SHARED_CHARACTERISTICS.length);
    expect(table['2a19']).toBe(BATTERY_LEVEL);
  });

  it('refuses two different characteristics with the same UUID', () => {
    const other = { ...BATTERY_LEVEL, name: 'Battery Level Again' };
    expect(() => characteristicTable([BATTERY_LEVEL, other])).toThrow(
      'two characteristics with UUID 2a19: Battery Level and Battery Level Again',
    );
  });
});
