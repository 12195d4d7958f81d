import { describe, expect, it } from 'vitest';
import { deviceKindFromServices } from './registry.ts';

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
