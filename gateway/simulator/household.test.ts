import { describe, expect, it } from 'vitest';
import { deviceKindFromServices } from '../profiles/registry.ts';
import { createHousehold, type HouseholdOptions } from './household.ts';
import { ManualClock } from './manual-clock.ts';
import { FastForwardError, wallClock } from './simulation-clock.ts';

const patients: HouseholdOptions['patients'] = [
  { patientId: 'P-1', profile: 'diabetes' },
  { patientId: 'P-2', profile: 'copd' },
  { patientId: 'P-3', profile: 'heart' },
];
const household = (seed: string) =>
  createHousehold({
    seed,
    patients,
    clock: new ManualClock(Date.UTC(2026, 10, 24)),
    timeZone: 'Asia/Karachi',
  });

describe('simulated household', () => {
  it('gives each patient the devices their condition calls for, advertising their health service', () => {
    const devices = household('home-1').map((d) => `${d.patientId} ${d.device.kind}`);
    expect(devices).toEqual([
      'P-1 glucose_meter',
      'P-1 cgm',
      'P-2 pulse_oximeter',
      'P-3 heart_rate',
      'P-3 pulse_oximeter',
    ]);
    for (const { device } of household('home-1')) {
      expect(deviceKindFromServices(device.peripheral.advertisedServices)).toBe(device.kind);
      expect(device.peripheral.name).toMatch(
        /^(GlucoSure|SenseFlow|OxiClip|PulseBand) [A-Z0-9]+ [0-9A-F]{4}$/,
      );
      expect(device.peripheral.addressType).toBe('random');
      expect(Number.parseInt(device.peripheral.address.slice(0, 2), 16) & 0xc0).toBe(0xc0); // random static
    }
  });

  it('keeps the same addresses for the same seed, and others for another seed', () => {
    const addresses = (seed: string) => household(seed).map((d) => d.device.peripheral.address);
    expect(addresses('home-1')).toEqual(addresses('home-1'));
    expect(new Set(addresses('home-1')).size).toBe(5);
    expect(addresses('home-2')).not.toEqual(addresses('home-1'));
  });
});

describe('wall clock with fast-forward', () => {
  it('runs faster than real time from a past instant until it has caught up, then follows real time', () => {
    let real = 1_000_000_000;
    const clock = wallClock({ fromMs: real - 3_600_000, sinceMs: real, speed: 60 }, () => real);
    expect(clock.now()).toBe(real - 3_600_000);
    real += 30_000; // 30 s later the simulation is 30 min further
    expect(clock.now()).toBe(real - 30_000 - 3_600_000 + 1_800_000);
    real += 3_600_000;
    expect(clock.now()).toBe(real);
  });

  it('refuses a simulation that would start in the future, or run slower than real time', () => {
    expect(() => wallClock({ fromMs: 2, sinceMs: 1, speed: 10 })).toThrow(FastForwardError);
    expect(() => wallClock({ fromMs: 0, sinceMs: 1, speed: 0.5 })).toThrow(
      'speed = 0.5: expected a number of at least 1',
    );
  });

  it('runs a task at its simulated time', async () => {
    const since = Date.now();
    const clock = wallClock({ fromMs: since - 10_000_000, sinceMs: since, speed: 100_000 });
    const ran = await new Promise<number>((resolve) =>
      clock.at(since - 5_000_000, () => resolve(clock.now())),
    );
    expect(ran).toBeGreaterThanOrEqual(since - 5_000_000);
  });
});
