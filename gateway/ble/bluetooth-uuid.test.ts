import { describe, expect, it } from 'vitest';
import { InvalidUuidError, normalizeUuid } from './bluetooth-uuid.ts';

describe('normalizeUuid', () => {
  it.each([
    ['180d', '180d'],
    ['180D', '180d'],
    ['0x2A37', '2a37'],
    ['00002a37-0000-1000-8000-00805f9b34fb', '2a37'],
    ['6E400001-B5A3-F393-E0A9-E50E24DCCA9E', '6e400001b5a3f393e0a9e50e24dcca9e'],
  ])('%s -> %s', (uuid, normalized) => {
    expect(normalizeUuid(uuid)).toBe(normalized);
  });

  it('rejects what is not a UUID, naming it', () => {
    expect(() => normalizeUuid('heart rate')).toThrow(new InvalidUuidError('heart rate'));
    expect(() => normalizeUuid('180')).toThrow('not a Bluetooth UUID: "180"');
  });
});
