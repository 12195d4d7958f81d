import { afterEach, describe, expect, it } from 'vitest';
import { decodeBloodPressureMeasurement } from '../gatt/blood-pressure-measurement.ts';
import { decodedValue } from '../gatt/decoder-expectations.ts';
import { medicalNumber } from '../gatt/ieee11073.ts';
import { decodeWeightMeasurement, isUnsuccessful } from '../gatt/weight-measurement.ts';
import { deviceKindFromServices } from '../profiles/registry.ts';
import { createHousehold, type HouseholdOptions } from './household.ts';
import { DAY_MS } from './local-time.ts';
import { ManualClock } from './manual-clock.ts';
import { subscribeToMeasurements } from './measuring-device-test-fixtures.ts';
import { FastForwardError, wallClock } from './simulation-clock.ts';

const patients: HouseholdOptions['patients'] = [
  { patientId: 'P-1', profile: 'diabetes' },
  { patientId: 'P-2', profile: 'copd' },
  { patientId: 'P-3', profile: 'heart' },
  { patientId: 'P-4', profile: 'hypertension' },
  { patientId: 'P-5', profile: 'heart_failure' },
];
const household = (seed: string, members = patients, clock = new ManualClock(Date.UTC(2026, 10, 24))) =>
  createHousehold({ seed, patients: members, clock, timeZone: 'Asia/Karachi' });
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** The weighings a heart-failure patient's scale holds after `days` days unheard: day (since 1970) -> kg. */
async function heartFailureWeighings(seed: string, days: number): Promise<Map<number, number>> {
  const clock = new ManualClock(Date.UTC(2026, 10, 24));
  const members = household(seed, [{ patientId: 'P-HF', profile: 'heart_failure' }], clock);
  const scale = members.find((m) => m.scale)?.device;
  if (!scale) throw new Error('no scale');
  scale.start();
  stops.push(async () => scale.stop());
  clock.advance(days * DAY_MS);
  const { allReceived, stop } = await subscribeToMeasurements(scale, '181d', '2a9d');
  stops.push(stop);
  const sent = await allReceived(Math.floor(days * 0.8)); // every morning, a few skipped
  const weighings = new Map<number, number>();
  for (const { timestamp, weight } of sent.map((v) => decodedValue(decodeWeightMeasurement(v)))) {
    if (!timestamp?.year || !timestamp.month || !timestamp.day || isUnsuccessful(weight)) {
      throw new Error('weighing without date or weight');
    }
    weighings.set(Date.UTC(timestamp.year, timestamp.month - 1, timestamp.day) / DAY_MS, weight.value);
  }
  return weighings;
}

/** The first day on which the weight is more than 2 kg above a weighing of the 3 days before. */
function firstAlarmingGain(weighings: Map<number, number>): number | undefined {
  return [...weighings.keys()].find((day) =>
    [1, 2, 3].some((back) => (weighings.get(day) ?? 0) - (weighings.get(day - back) ?? Infinity) > 2),
  );
}

describe('simulated household', () => {
  it('gives each patient the devices their condition calls for, advertising their health service', () => {
    const devices = household('home-1').map((d) => `${d.patientId} ${d.device.kind}`);
    expect(devices).toEqual([
      'P-1 glucose_meter',
      'P-1 cgm',
      'P-2 pulse_oximeter',
      'P-3 heart_rate',
      'P-3 pulse_oximeter',
      'P-4 blood_pressure_monitor',
      'P-5 weight_scale',
      'P-5 blood_pressure_monitor',
    ]);
    for (const { device } of household('home-1')) {
      expect(deviceKindFromServices(device.peripheral.advertisedServices)).toBe(device.kind);
      expect(device.peripheral.name).toMatch(
        /^(GlucoSure|SenseFlow|OxiClip|PulseBand|TensioCare|StepWeigh) [A-Z0-9]+ [0-9A-F]{4}$/,
      );
      expect(device.peripheral.addressType).toBe('random');
      expect(Number.parseInt(device.peripheral.address.slice(0, 2), 16) & 0xc0).toBe(0xc0); // random static
    }
  });

  it('keeps the same addresses for the same seed, and others for another seed', () => {
    const addresses = (seed: string) => household(seed).map((d) => d.device.peripheral.address);
    expect(addresses('home-1')).toEqual(addresses('home-1'));
    expect(new Set(addresses('home-1')).size).toBe(8);
    expect(addresses('home-2')).not.toEqual(addresses('home-1'));
  });
});

describe('simulated household: hypertension and heart failure', () => {
  it("lets a test take a reading on a patient's cuff and scale, which reach the gateway", async () => {
    const members = household('home-1');
    const cuff = members.find((m) => m.patientId === 'P-4')?.cuff;
    const scale = members.find((m) => m.patientId === 'P-5')?.scale;
    if (!cuff || !scale) throw new Error('no cuff or scale');
    const pressures = await subscribeToMeasurements(cuff, '1810', '2a35');
    stops.push(pressures.stop);
    cuff.measure({ systolic: 185, diastolic: 115 });
    const [severe] = (await pressures.allReceived(1)).map((v) =>
      decodedValue(decodeBloodPressureMeasurement(v)),
    );
    expect(severe).toMatchObject({ systolic: medicalNumber(185, 0), diastolic: medicalNumber(115, 0) });

    const weights = await subscribeToMeasurements(scale, '181d', '2a9d');
    stops.push(weights.stop);
    scale.weigh(84.3);
    const [weighing] = (await weights.allReceived(1)).map((v) => decodedValue(decodeWeightMeasurement(v)));
    expect(weighing?.weight).toMatchObject({ value: 84.3, unit: 'kg' });
    expect(weighing?.bmiAndHeight?.height.unit).toBe('m');
  });

  it("shows fluid retention on a heart-failure patient's scale, gaining over 2 kg in 3 days from a day the seed draws", async () => {
    const first = await heartFailureWeighings('home-1', 43);
    const second = await heartFailureWeighings('home-2', 43);
    expect(first.size).toBeGreaterThan(34); // every morning, a few skipped
    const alarms = [firstAlarmingGain(first), firstAlarmingGain(second)];
    expect(alarms.every((day) => day !== undefined)).toBe(true);
    expect(alarms[0]).not.toBe(alarms[1]);
    expect(await heartFailureWeighings('home-1', 43)).toEqual(first);
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

describe('a household whose gateway has just come', () => {
  it('finds a week of cuff and scale readings waiting, the heart-failure patient 3-5 days into fluid retention', async () => {
    const startedAtMs = Date.UTC(2026, 10, 24, 3);
    const members = createHousehold({
      seed: 'new-home',
      patients: [{ patientId: 'P-HF', profile: 'heart_failure' }],
      clock: new ManualClock(startedAtMs),
      timeZone: 'Asia/Karachi',
      startedAtMs,
      historyDays: 7,
    });
    const scale = members.find((m) => m.scale)?.device;
    const cuff = members.find((m) => m.cuff)?.device;
    if (!scale || !cuff) throw new Error('no scale or cuff');
    const weighings = await subscribeToMeasurements(scale, '181d', '2a9d');
    stops.push(weighings.stop);
    const sent = (await weighings.allReceived(5)).map((v) => decodedValue(decodeWeightMeasurement(v)));
    const kg = sent.flatMap(({ weight }) => (isUnsuccessful(weight) ? [] : [weight.value]));
    expect(kg.length).toBeGreaterThanOrEqual(5);
    // Oldest first, and the newest over 1.5 kg above the lightest of the week: the gain is on.
    expect(sent[0]?.timestamp?.day).toBeLessThan(sent.at(-1)?.timestamp?.day ?? 0);
    expect((kg.at(-1) ?? 0) - Math.min(...kg)).toBeGreaterThan(1.5);
    const pressures = await subscribeToMeasurements(cuff, '1810', '2a35');
    stops.push(pressures.stop);
    expect((await pressures.allReceived(8)).length).toBeGreaterThanOrEqual(8); // morning and evening
  });
});
