import { describe, expect, it } from 'vitest';
import { spaced } from '../../ble/test-fixtures.ts';
import { decodedValue } from '../../gatt/decoder-expectations.ts';
import { medicalNumber } from '../../gatt/ieee11073.ts';
import { decodeTemperatureMeasurement } from '../../gatt/temperature-measurement.ts';
import { decodeTemperatureType } from '../../gatt/temperature-type.ts';
import { DAY_MS, MINUTE_MS } from '../../simulator/local-time.ts';
import { BENCH_TIME, measuringDeviceBench } from '../../simulator/measuring-device-test-fixtures.ts';
import { SeededNoise } from '../../simulator/seeded-noise.ts';
import { BodyTemperature, type BodyTemperatureProfile, NORMAL_TEMPERATURE } from './physiology.ts';
import {
  createThermometer,
  THERMOMETER_PLAN,
  type ThermometerOptions,
  thermometerMeasurement,
} from './simulated-thermometer.ts';

const { local, day: DAY, midnight: MIDNIGHT } = BENCH_TIME;
const SEED = 'thermometer-test';
const FEVERISH: BodyTemperatureProfile = {
  ...NORMAL_TEMPERATURE,
  fever: { fromMs: local.instant(DAY + 3, 10 * 60), days: 4, riseCelsius: 2 },
};
const bench = measuringDeviceBench({
  address: 'c8:00:00:00:00:01',
  seed: SEED,
  serviceUuid: '1809',
  measurementUuid: '2a1c',
  create: (base, extra: Partial<ThermometerOptions>) => createThermometer({ ...base, ...extra }),
});

/** The temperature of each day's 20:00 reading, °C. */
function evenings(profile: BodyTemperatureProfile, days: number): number[] {
  const body = new BodyTemperature(new SeededNoise('temperature'), local, profile);
  return Array.from({ length: days }, (_, day) => body.celsiusAt(local.instant(DAY + day, 20 * 60)));
}

describe('body temperature model', () => {
  it('stays normal without a fever, higher in the evening than in the early morning', () => {
    const body = new BodyTemperature(new SeededNoise('temperature'), local, NORMAL_TEMPERATURE);
    const at = (day: number, minute: number) => body.celsiusAt(local.instant(DAY + day, minute));
    const evening = Array.from({ length: 60 }, (_, day) => at(day, 20 * 60));
    const dawn = Array.from({ length: 60 }, (_, day) => at(day, 5 * 60));
    expect(Math.min(...evening)).toBeGreaterThan(36.1);
    expect(Math.max(...evening)).toBeLessThan(37.5);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(evening) - mean(dawn)).toBeGreaterThan(0.25);
  });

  it('runs a fever episode: up within a day, near 39 °C at its height, back to normal after', () => {
    const normal = evenings(NORMAL_TEMPERATURE, 10);
    const feverish = evenings(FEVERISH, 10);
    expect(feverish.slice(0, 3)).toEqual(normal.slice(0, 3));
    for (const celsius of feverish.slice(3, 6)) {
      expect(celsius).toBeGreaterThan(38.3);
      expect(celsius).toBeLessThan(39.5);
    }
    expect(feverish.slice(7)).toEqual(normal.slice(7));
  });
});

describe('simulated thermometer', () => {
  it('keeps a week of evening readings taken unheard, and indicates them to 0.1 °C, time-stamped on the local clock', async () => {
    const { device: thermometer, clock } = bench.start(MIDNIGHT, { profile: FEVERISH, site: 'armpit' });
    clock.advance(7 * DAY_MS);
    const { link, allReceived } = await bench.subscribe(thermometer);
    expect(decodedValue(decodeTemperatureType(await link.read('1809', '2a1d')))).toEqual({
      temperatureType: 'armpit',
    });
    const body = new BodyTemperature(new SeededNoise(SEED), local, FEVERISH);
    const times = bench.plannedTimes(THERMOMETER_PLAN, DAY, DAY + 7);
    const sent = (await allReceived(times.length)).map((v) => decodedValue(decodeTemperatureMeasurement(v)));
    expect(sent).toEqual(times.map((at) => thermometerMeasurement(body.celsiusAt(at), at, local)));
    expect(times.length).toBeGreaterThanOrEqual(5);
    for (const { temperature, timestamp, temperatureType } of sent) {
      expect(temperature.kind === 'number' && temperature.exponent).toBe(-1);
      expect(temperatureType).toBeUndefined(); // given by the Temperature Type characteristic
      const minute = (timestamp?.hours ?? 0) * 60 + (timestamp?.minutes ?? 0);
      expect(minute).toBeGreaterThanOrEqual(19 * 60 + 30);
      expect(minute).toBeLessThan(20 * 60 + 31);
    }
  });

  it('sends a temperature taken now as an IEEE 11073 FLOAT, in °F on a Fahrenheit model', async () => {
    const at = MIDNIGHT + 9 * 60 * MINUTE_MS;
    const celsius = bench.start(at, {});
    const inCelsius = await bench.subscribe(celsius.device);
    celsius.device.take(38.4);
    // flags 02 (Celsius, time stamp), 384 x 10^-1, 2026-11-24 09:00:00
    expect((await inCelsius.allReceived(1)).map(spaced)).toEqual(['02 80 01 00 ff ea 07 0b 18 09 00 00']);

    const fahrenheit = bench.start(at, { unit: 'fahrenheit' });
    const inFahrenheit = await bench.subscribe(fahrenheit.device);
    fahrenheit.device.take(37);
    const [sent] = await inFahrenheit.allReceived(1);
    expect(decodedValue(decodeTemperatureMeasurement(sent ?? Buffer.alloc(0)))).toEqual({
      temperature: medicalNumber(986, -1),
      unit: 'fahrenheit',
      timestamp: { year: 2026, month: 11, day: 24, hours: 9, minutes: 0, seconds: 0 },
    });
  });
});
